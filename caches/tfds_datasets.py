"""Every dataset ``python -m caches.build_tfds`` can prepare, and its name resolution.

Owns the tables (raw files per dataset, download URL -> local
raw file, manual dirs, format checks), merged with the ``caches/raw_<group>.py`` groups,
and the helpers that turn user-given names into known ones; versions come from
``tasks.tfds_versions``. See docs/offline-data.md.
"""

from __future__ import annotations

import os
from typing import Iterable, Union

from caches import (raw_closedbook, raw_commonsense, raw_coref, raw_formats, raw_nli,
                    raw_summarization, raw_textgen, raw_translation)
from common.errors import UserError
from tasks.tfds_versions import VERSIONS  # noqa: F401  (the one version table, re-exported)


_SG_SPLITS = ("train.jsonl", "val.jsonl", "test.jsonl")
_GLUE_SPLITS = ("train.tsv", "dev.tsv", "test.tsv")
_PAWS_SPLITS = ("train.tsv", "dev.tsv", "test.tsv")


def _under(folder: str, files: Iterable[str]) -> list[str]:
    return [f"{folder}/{name}" for name in files]


# dataset -> raw files (relative to --raw_dir) its TFDS builder reads, in the layout the
# official archives extract to. The single source for checking, errors and the docs.
RAW_FILES: dict[str, list[str]] = {
    "super_glue/boolq": _under("super_glue/BoolQ", _SG_SPLITS),
    "super_glue/cb": _under("super_glue/CB", _SG_SPLITS),
    "super_glue/copa": _under("super_glue/COPA", _SG_SPLITS),
    "super_glue/multirc": _under("super_glue/MultiRC", _SG_SPLITS),
    "super_glue/record": _under("super_glue/ReCoRD", _SG_SPLITS),
    "super_glue/rte": _under("super_glue/RTE", _SG_SPLITS),
    "super_glue/wic": _under("super_glue/WiC", _SG_SPLITS),
    "super_glue/wsc": _under("super_glue/WSC", _SG_SPLITS),
    "super_glue/wsc.fixed": _under("super_glue/WSC", _SG_SPLITS),
    "super_glue/axb": ["super_glue/AX-b/AX-b.jsonl"],
    "super_glue/axg": ["super_glue/AX-g/AX-g.jsonl"],
    "glue/cola": _under("glue/CoLA", _GLUE_SPLITS),
    "glue/sst2": _under("glue/SST-2", _GLUE_SPLITS),
    "glue/mrpc": _under("glue/MRPC", (
        "msr_paraphrase_train.txt", "msr_paraphrase_test.txt", "mrpc_dev_ids.tsv")),
    "glue/qqp": _under("glue/QQP", _GLUE_SPLITS),
    "glue/stsb": _under("glue/STS-B", _GLUE_SPLITS),
    "glue/mnli": _under("glue/MNLI", (
        "train.tsv", "dev_matched.tsv", "dev_mismatched.tsv",
        "test_matched.tsv", "test_mismatched.tsv")),
    # Eval-only views of MNLI (T5 registers tasks on them): validation + test splits.
    "glue/mnli_matched": _under("glue/MNLI", ("dev_matched.tsv", "test_matched.tsv")),
    "glue/mnli_mismatched": _under("glue/MNLI", (
        "dev_mismatched.tsv", "test_mismatched.tsv")),
    "glue/qnli": _under("glue/QNLI", _GLUE_SPLITS),
    "glue/rte": _under("glue/RTE", _GLUE_SPLITS),
    "glue/wnli": _under("glue/WNLI", _GLUE_SPLITS),
    "glue/ax": ["glue/diagnostic/diagnostic.tsv"],
    # Beyond GLUE (the ft_sentiment_mix and ft_paraphrase_similarity_mix families).
    "imdb_reviews/plain_text": ["imdb_reviews/aclImdb_v1.tar.gz"],
    "yelp_polarity_reviews": _under("yelp_polarity_reviews/yelp_review_polarity_csv",
                                    ("train.csv", "test.csv")),
    "sentiment140": _under("sentiment140", (
        "training.1600000.processed.noemoticon.csv", "testdata.manual.2009.06.14.csv")),
    "paws_wiki/labeled_final_tokenized": _under("paws_wiki/final", _PAWS_SPLITS),
    # ft_squad_mix: SQuAD's JSON files, as published (no archive).
    "squad/v1.1": _under("squad", ("train-v1.1.json", "dev-v1.1.json")),
    "squad/v2.0": _under("squad", ("train-v2.0.json", "dev-v2.0.json")),
}

SG_URL = "https://dl.fbaipublicfiles.com/glue/superglue/data/v2/"
GLUE_URL = "https://dl.fbaipublicfiles.com/glue/data/"
MRPC_URL = "https://dl.fbaipublicfiles.com/senteval/senteval_data/"
PAWS_URL = "https://storage.googleapis.com/paws/english/"
SQUAD_URL = "https://rajpurkar.github.io/SQuAD-explorer/dataset/"
# Every URL the builders above request -> its local stand-in, relative to --raw_dir.
# An archive maps to the folder it extracts into: the builders then append the folder
# inside the archive themselves (super_glue the archive's stem, e.g. "BoolQ"; glue its
# config's data_dir, e.g. "MNLI", "QNLI" for QNLIv2.zip). A plain file maps to the file.
URL_TO_RAW: dict[str, str] = {
    **{f"{SG_URL}{stem}.zip": "super_glue" for stem in (
        "BoolQ", "CB", "COPA", "MultiRC", "ReCoRD", "RTE", "WiC", "WSC", "AX-b", "AX-g")},
    **{f"{GLUE_URL}{stem}.zip": "glue" for stem in (
        "CoLA", "SST-2", "QQP", "STS-B", "MNLI", "QNLIv2", "RTE", "WNLI")},
    f"{MRPC_URL}msr_paraphrase_train.txt": "glue/MRPC/msr_paraphrase_train.txt",
    f"{MRPC_URL}msr_paraphrase_test.txt": "glue/MRPC/msr_paraphrase_test.txt",
    ("https://firebasestorage.googleapis.com/v0/b/mtl-sentence-representations."
     "appspot.com/o/data%2Fmrpc_dev_ids.tsv?alt=media&token=ec5c0836-31d5-48f4-b431-"
     "7480817f1adc"): "glue/MRPC/mrpc_dev_ids.tsv",
    "https://bit.ly/2BOtOJ7": "glue/diagnostic/diagnostic.tsv",  # glue/ax
    # imdb_reviews iterates over the archive itself (see local_downloads).
    "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz":
        "imdb_reviews/aclImdb_v1.tar.gz",
    "https://s3.amazonaws.com/fast-ai-nlp/yelp_review_polarity_csv.tgz":
        "yelp_polarity_reviews",
    "http://cs.stanford.edu/people/alecmgo/trainingandtestdata.zip": "sentiment140",
    # paws_wiki asks for all four archives whatever its config; the tokenized
    # labeled_final config reads only the first (its "final/" folder).
    **{f"{PAWS_URL}{archive}.tar.gz": "paws_wiki" for archive in (
        "paws_wiki_labeled_final", "paws_wiki_labeled_swap", "paws_wiki_unlabeled_final",
        "wiki_raw_and_mapping")},
    **{f"{SQUAD_URL}{name}": f"squad/{name}" for name in (
        "train-v1.1.json", "dev-v1.1.json", "train-v2.0.json", "dev-v2.0.json")},
}

# dataset -> folder (relative to --raw_dir) handed to its builder as manual_dir, for
# builders that read files users place themselves rather than URLs.
MANUAL_DIRS: dict[str, str] = {}
# dataset -> globs of the folders of many small files it also reads (display only; the
# group's check walks them).
RAW_GLOBS: dict[str, list[str]] = {}
# TFDS family -> check(raw file paths), beyond (Super)GLUE's built-in checks.
CHECKS = dict(raw_formats.CHECKS)
# The groups beyond GLUE, SuperGLUE, sentiment, paraphrase and SQuAD describe their raw
# files in ``caches/raw_<group>.py``.
RAW_GROUPS = (raw_closedbook, raw_translation, raw_summarization, raw_nli, raw_commonsense,
              raw_coref, raw_textgen)
for _group in RAW_GROUPS:
    RAW_FILES.update(_group.RAW_FILES)
    URL_TO_RAW.update(_group.URL_TO_RAW)
    MANUAL_DIRS.update(_group.MANUAL_DIRS)
    RAW_GLOBS.update(getattr(_group, "RAW_GLOBS", {}))
    CHECKS.update(_group.CHECKS)
ALL_DATASETS: tuple[str, ...] = tuple(RAW_FILES)


class UnknownDatasetError(UserError, ValueError):
    """A requested dataset this module cannot build; the message lists the known ones."""


def tfds_name(name: str) -> str:
    """``super_glue/boolq`` -> ``super_glue/boolq:1.0.2`` (the name tfds.load takes)."""
    return f"{name}:{VERSIONS[name.split('/')[0]]}"


def resolve_datasets(datasets: Union[None, str, Iterable[str]] = None) -> list[str]:
    """Known dataset names, without versions, in the order given and without repeats.

    Accepts None (all of ``ALL_DATASETS``), a comma-separated string or an iterable of
    names; a name may carry its version (``super_glue/boolq:1.0.2``).
    """
    if datasets is None:
        return list(ALL_DATASETS)
    if isinstance(datasets, str):
        datasets = datasets.split(",")
    names: list[str] = []
    for given in datasets:
        name, _, version = given.strip().partition(":")
        if name not in RAW_FILES:
            raise UnknownDatasetError(
                f"unknown dataset {given.strip()!r}; known datasets: "
                f"{', '.join(ALL_DATASETS)}")
        if version and version != VERSIONS[name.split("/")[0]]:
            raise UnknownDatasetError(
                f"{given.strip()}: this TFDS builds {tfds_name(name)} only")
        if name not in names:
            names.append(name)
    if not names:
        raise UnknownDatasetError(
            f"no dataset given; known datasets: {', '.join(ALL_DATASETS)}")
    return names


def prepared_dir(name: str, data_dir: str) -> str:
    """``data_dir/family/config/version``: where TFDS puts a prepared dataset."""
    return os.path.join(data_dir, *name.split("/"), VERSIONS[name.split("/")[0]])


def is_prepared(name: str, data_dir: str) -> bool:
    """Whether the dataset is fully prepared in data_dir (its dataset_info.json exists).

    TFDS renames its ``incomplete.*`` folder into place only after writing
    dataset_info.json, so an interrupted build never satisfies this.
    """
    return os.path.isfile(os.path.join(prepared_dir(name, data_dir), "dataset_info.json"))


def format_table() -> str:
    """The markdown table dataset -> TFDS name -> raw files (used by the docs)."""
    lines = ["| dataset | TFDS name | raw files under RAW |", "|---|---|---|"]
    for name, files in RAW_FILES.items():
        lines.append(f"| `{name}` | `{tfds_name(name)}` | "
                     + ", ".join(f"`{f}`" for f in files) + " |")
    return "\n".join(lines)
