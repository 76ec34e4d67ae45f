"""Prepares real TFDS datasets (super_glue, glue, sentiment, PAWS, SQuAD) offline.

    python -m caches.build_tfds --raw_dir RAW --data_dir DIR \\
        [--datasets super_glue/boolq,glue/mrpc,...] [--overwrite] [--debug]

TFDS's own builders (``super_glue`` 1.0.2, ``glue`` 2.0.0, ``imdb_reviews``,
``yelp_polarity_reviews``, ``sentiment140``, ``paws_wiki``, ``squad`` 3.0.0) generate
the data from raw files, so what lands in DIR is exactly what ``tfds.load`` would have
produced online. The builders ask their DownloadManager for URLs; while a build runs,
the DownloadManager is patched (as TFDS's own builder tests do) to answer each URL with
the local file or folder named in ``URL_TO_RAW``. A URL missing from that table is an
error: nothing ever reaches the network. The raw files sit under RAW exactly as the
official archives extract (``RAW_FILES`` lists them; docs/offline-data.md explains how
to copy them over); the exceptions are IMDB, whose builder reads its ``.tar.gz`` without
extracting it, so the archive itself is the raw file, and SQuAD, whose JSON files are
published unpacked.

Before anything is built, every raw file of every requested dataset must exist and parse
(JSON lines, the TSV columns the builder reads, SQuAD's answer spans); a problem is a
one-line error naming the dataset, the file and the line. A dataset already prepared in
DIR (``DIR/name/config/version/dataset_info.json``) is skipped unless ``--overwrite``.
TFDS writes into an ``incomplete.*`` folder and renames it into place when done, so an
interrupted build is never mistaken for a finished one.
"""

from __future__ import annotations

import os

# Quiet TensorFlow's C++ logging before anything imports it (the user's value wins).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse
import contextlib
import csv
import io
import json
import sys
import tempfile
import time
from typing import Callable, Iterable, Iterator, Optional, Union
from unittest import mock

from caches import (raw_closedbook, raw_commonsense, raw_coref, raw_formats, raw_nli,
                    raw_summarization, raw_textgen, raw_translation)
from caches.raw_formats import RawDataError

# The version every dataset of a family is built at (the builders' current versions).
VERSIONS = {"super_glue": "1.0.2", "glue": "2.0.0", "imdb_reviews": "1.0.0",
            "yelp_polarity_reviews": "0.2.0", "sentiment140": "1.0.0", "paws_wiki": "1.1.0",
            "squad": "3.0.0"}

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

_SG_URL = "https://dl.fbaipublicfiles.com/glue/superglue/data/v2/"
_GLUE_URL = "https://dl.fbaipublicfiles.com/glue/data/"
_MRPC_URL = "https://dl.fbaipublicfiles.com/senteval/senteval_data/"
_PAWS_URL = "https://storage.googleapis.com/paws/english/"
_SQUAD_URL = "https://rajpurkar.github.io/SQuAD-explorer/dataset/"
# Every URL the builders above request -> its local stand-in, relative to --raw_dir.
# An archive maps to the folder it extracts into: the builders then append the folder
# inside the archive themselves (super_glue the archive's stem, e.g. "BoolQ"; glue its
# config's data_dir, e.g. "MNLI", "QNLI" for QNLIv2.zip). A plain file maps to the file.
URL_TO_RAW: dict[str, str] = {
    **{f"{_SG_URL}{stem}.zip": "super_glue" for stem in (
        "BoolQ", "CB", "COPA", "MultiRC", "ReCoRD", "RTE", "WiC", "WSC", "AX-b", "AX-g")},
    **{f"{_GLUE_URL}{stem}.zip": "glue" for stem in (
        "CoLA", "SST-2", "QQP", "STS-B", "MNLI", "QNLIv2", "RTE", "WNLI")},
    f"{_MRPC_URL}msr_paraphrase_train.txt": "glue/MRPC/msr_paraphrase_train.txt",
    f"{_MRPC_URL}msr_paraphrase_test.txt": "glue/MRPC/msr_paraphrase_test.txt",
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
    **{f"{_PAWS_URL}{archive}.tar.gz": "paws_wiki" for archive in (
        "paws_wiki_labeled_final", "paws_wiki_labeled_swap", "paws_wiki_unlabeled_final",
        "wiki_raw_and_mapping")},
    **{f"{_SQUAD_URL}{name}": f"squad/{name}" for name in (
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
    VERSIONS.update(_group.VERSIONS)
    RAW_FILES.update(_group.RAW_FILES)
    URL_TO_RAW.update(_group.URL_TO_RAW)
    MANUAL_DIRS.update(_group.MANUAL_DIRS)
    RAW_GLOBS.update(getattr(_group, "RAW_GLOBS", {}))
    CHECKS.update(_group.CHECKS)
ALL_DATASETS: tuple[str, ...] = tuple(RAW_FILES)

# The official MRPC training file starts with a UTF-8 byte-order mark, and the TFDS
# builder skips its first 3 bytes unconditionally.
_BOM = b"\xef\xbb\xbf"


class BuildError(RuntimeError):
    """TFDS failed while generating a dataset; ``str(err)`` is one line naming it."""


class UnknownDatasetError(ValueError):
    """A requested dataset this module cannot build; the message lists the known ones."""


class _OfflineUrlError(RuntimeError):
    """A builder asked for a URL that has no local raw file in URL_TO_RAW."""


# --------------------------------------------------------------------------- names


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


# ------------------------------------------------------------------ raw validation


def _builder_config(name: str):
    """The installed TFDS builder's config object for ``family/config``."""
    import tensorflow_datasets as tfds

    family, config = name.split("/")
    return tfds.builder_cls(family).builder_configs[config]


def _is_test_file(rel: str) -> bool:
    # Test splits carry no labels; AX-b/AX-g/diagnostic are test-only sets.
    return os.path.basename(rel).startswith(("test", "AX-", "diagnostic"))


def _missing(obj, keys: Iterable[str], where: str = "") -> Optional[str]:
    """A problem line if obj is not a dict holding every key, else None."""
    if not isinstance(obj, dict):
        return f"{where or 'row'} is not a JSON object"
    absent = [k for k in keys if k not in obj]
    if absent:
        return f"{where + ' ' if where else ''}has no {', '.join(map(repr, absent))}"
    return None


def _label_problem(config, label) -> Optional[str]:
    """Mirrors super_glue's label casting: the cast value must be a class name."""
    if config.name == "copa":
        return None  # the builder maps any truthy label to choice2
    if isinstance(label, bool):
        cast = str(label)
    elif isinstance(label, int):
        cast = str(label) if label in (0, 1) else None
    else:
        cast = label if isinstance(label, str) else None
    if cast not in config.label_classes:
        return f"label {label!r} is not one of {list(config.label_classes)}"
    return None


def _super_glue_row_problem(config, row, labelled: bool) -> Optional[str]:
    """What the super_glue builder would trip over in one parsed JSON line, or None."""
    name = config.name
    if name == "multirc":
        problem = (_missing(row, ["idx", "passage"])
                   or _missing(row["passage"], ["text", "questions"], "passage"))
        if problem:
            return problem
        for question in row["passage"]["questions"]:
            problem = _missing(question, ["question", "idx", "answers"], "question")
            for answer in ([] if problem else question["answers"]):
                problem = problem or _missing(
                    answer, ["text", "idx"] + (["label"] if labelled else []), "answer")
            if problem:
                return problem
        return None
    if name == "record":
        problem = (_missing(row, ["idx", "passage", "qas"])
                   or _missing(row["passage"], ["text", "entities"], "passage"))
        for entity in ([] if problem else row["passage"]["entities"]):
            problem = problem or _missing(entity, ["start", "end"], "entity")
        for qa in ([] if problem else row["qas"]):
            problem = problem or _missing(
                qa, ["query", "idx"] + (["answers"] if labelled else []), "qas entry")
        return problem
    fields = [f for f in config.features if not name.startswith("wsc")
              or not f.startswith("span")]
    problem = _missing(row, ["idx"] + fields + (["label"] if labelled else []))
    if problem is None and name.startswith("wsc"):
        spans = [f for f in config.features if f.startswith("span")]
        problem = _missing(row, ["target"]) or _missing(row["target"], spans, "target")
    if problem is None and "label" in row:
        problem = _label_problem(config, row["label"])
    return problem


def _check_jsonl(path: str, check: Callable[[dict], Optional[str]]) -> None:
    """Raises RawDataError at the first line that is not JSON or fails ``check``."""
    n = 0
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    row = json.loads(line)
                except ValueError as err:
                    raise RawDataError(
                        f"{path} line {n}: not valid JSON ({err.msg}, column "
                        f"{err.colno})") from None
                problem = check(row)
                if problem:
                    raise RawDataError(f"{path} line {n}: {problem}")
    except UnicodeDecodeError:
        raise RawDataError(f"{path} line {n + 1}: not UTF-8 text") from None


def _read_tsv(path: str, skip_bom: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each line, read the way the GLUE builder reads it."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            if skip_bom:
                f.seek(len(_BOM))
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            for cells in reader:
                # QUOTE_NONE: one record per physical line, so line_num is the line.
                yield reader.line_num, cells
    except UnicodeDecodeError:
        raise RawDataError(f"{path}: not UTF-8 text") from None
    except csv.Error as err:
        raise RawDataError(f"{path}: unreadable TSV ({err})") from None


def _check_tsv_columns(path: str, required: list[str], check_row=None) -> None:
    """The header must hold ``required``; ``check_row(dict)`` vets each full row."""
    rows = _read_tsv(path)
    n, header = next(rows, (1, []))
    absent = [c for c in required if c not in header]
    if absent:
        raise RawDataError(
            f"{path} line {n}: header has no column {', '.join(map(repr, absent))} "
            f"(header: {header})")
    for n, cells in rows:
        if check_row is None or len(cells) < len(header):
            continue  # the GLUE builder drops short (corrupted) rows itself
        problem = check_row(dict(zip(header, cells)))
        if problem:
            raise RawDataError(f"{path} line {n}: {problem}")


def _glue_label_check(config) -> Callable[[dict], Optional[str]]:
    """A row check mirroring the GLUE builder's label parsing for ``config``."""
    classes = config.label_classes

    def check(row: dict) -> Optional[str]:
        label = row.get(config.label_column, "")
        if not label:
            return None  # the builder drops rows with an empty label
        if classes:
            if label in classes:
                return None
            if label.lstrip("-").isdigit() and -1 <= int(label) < len(classes):
                return None
            return f"label {label!r} is neither one of {list(classes)} nor its index"
        try:
            float(label)
        except ValueError:
            return f"label {label!r} is not a number"
        return None

    return check


def _check_mrpc(name: str, raw_dir: str) -> None:
    train, test, dev_ids = (os.path.join(raw_dir, f) for f in RAW_FILES[name])
    with open(train, "rb") as f:
        if f.read(len(_BOM)) != _BOM:
            raise RawDataError(
                f"{train} line 1: does not start with the UTF-8 byte-order mark the "
                "official file has (the TFDS builder skips the first 3 bytes)")
    columns = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]

    def check_quality(row: dict) -> Optional[str]:
        if not row["Quality"].isdigit() or int(row["Quality"]) > 1:
            return f"Quality {row['Quality']!r} is not 0 or 1"
        return None

    # Unlike the other GLUE files, MRPC rows are never dropped: each needs every column.
    for path, needed, check, skip_bom in (
            (train, columns, check_quality, True),
            (test, ["#1 String", "#2 String"], None, False)):
        rows = _read_tsv(path, skip_bom=skip_bom)
        n, header = next(rows, (1, []))
        header = [h.lstrip("\ufeff") for h in header]
        absent = [c for c in needed if c not in header]
        if absent:
            raise RawDataError(f"{path} line {n}: header has no column "
                               f"{', '.join(map(repr, absent))} (header: {header})")
        for n, cells in rows:
            if len(cells) < len(header):
                raise RawDataError(f"{path} line {n}: {len(cells)} columns, expected "
                                   f"{len(header)} ({', '.join(header)})")
            problem = check and check(dict(zip(header, cells)))
            if problem:
                raise RawDataError(f"{path} line {n}: {problem}")
    for n, cells in _read_tsv(dev_ids):
        if len(cells) < 2:
            raise RawDataError(f"{dev_ids} line {n}: expected two tab-separated ids")


def _check_glue(name: str, raw_dir: str) -> None:
    config = _builder_config(name)
    if config.name == "mrpc":
        _check_mrpc(name, raw_dir)
        return
    label_check = _glue_label_check(config)
    for rel in RAW_FILES[name]:
        path = os.path.join(raw_dir, rel)
        labelled = not _is_test_file(rel)
        if config.name == "cola" and labelled:
            # CoLA's train/dev files have no header: source, label, mark, sentence.
            for n, cells in _read_tsv(path):
                if len(cells) < 4:
                    raise RawDataError(f"{path} line {n}: {len(cells)} columns, CoLA "
                                       "needs 4 (source, label, mark, sentence)")
                problem = label_check({"is_acceptable": cells[1]})
                if problem:
                    raise RawDataError(f"{path} line {n}: {problem}")
            continue
        required = list(config.text_features.values())
        if labelled and config.label_column:
            required.append(config.label_column)
        _check_tsv_columns(path, required, label_check if labelled else None)


def validate_raw(name: str, raw_dir: str) -> None:
    """Raises RawDataError (one line) if a raw file of ``name`` is missing or malformed.

    Checks, cheaply and before TFDS sees them, what the builder will read: that each file
    exists, every JSON line parses and has the keys (and label values) the builder uses,
    every TSV has the columns it uses.
    """
    for rel in RAW_FILES[name]:
        path = os.path.join(raw_dir, rel)
        if not os.path.isfile(path):
            raise RawDataError(f"{name}: missing raw file {path}")
    try:
        if name.startswith("glue/"):
            _check_glue(name, raw_dir)
            return
        family = name.split("/")[0]
        if family in CHECKS:
            CHECKS[family]([os.path.join(raw_dir, r) for r in RAW_FILES[name]])
            return
        config = _builder_config(name)
        for rel in RAW_FILES[name]:
            labelled = not _is_test_file(rel)
            _check_jsonl(os.path.join(raw_dir, rel),
                         lambda row: _super_glue_row_problem(config, row, labelled))
    except RawDataError as err:
        raise RawDataError(f"{name}: {err}") from None


# ------------------------------------------------------------------------ building


@contextlib.contextmanager
def local_downloads(raw_dir: str) -> Iterator[None]:
    """Within: TFDS's DownloadManager answers URL_TO_RAW's URLs with local raw files.

    Iterating over an archive is allowed for local raw files only (imdb_reviews reads
    its .tar.gz that way). Any other URL, and every other way to fetch (Kaggle,
    checksum files), raises instead of reaching the network.
    """
    import tensorflow_datasets as tfds
    from etils import epath

    raw_root = os.path.abspath(raw_dir)
    iter_archive = tfds.download.DownloadManager.iter_archive

    def resolve(urls):
        # Builders pass one URL or a dict/list of them (glue/mrpc asks for three).
        if isinstance(urls, dict):
            return {key: resolve(url) for key, url in urls.items()}
        if isinstance(urls, (list, tuple)):
            return type(urls)(resolve(url) for url in urls)
        if str(urls) not in URL_TO_RAW:
            raise _OfflineUrlError(
                f"the builder asked for {urls}, which has no local raw file in "
                "caches.build_tfds.URL_TO_RAW (nothing is ever downloaded)")
        return epath.Path(raw_root, URL_TO_RAW[str(urls)])

    def extract(self, paths):
        # Raw files are stored already extracted: only our own local paths pass through.
        if isinstance(paths, dict):
            return {key: extract(self, p) for key, p in paths.items()}
        path = os.path.abspath(os.fspath(paths))
        if os.path.commonpath([raw_root, path]) != raw_root:
            raise _OfflineUrlError(f"the builder asked to extract {paths}")
        return epath.Path(paths)

    def iter_local_archive(self, path):
        if os.path.commonpath([raw_root, os.path.abspath(os.fspath(path))]) != raw_root:
            raise _OfflineUrlError(f"the builder asked to iterate over {path}")
        return iter_archive(self, path)

    def refuse(self, *args, **kwargs):
        raise _OfflineUrlError(f"the builder tried to fetch {args or kwargs}")

    with mock.patch.multiple(
            tfds.download.DownloadManager,
            download=lambda self, urls: resolve(urls),
            download_and_extract=lambda self, urls: resolve(urls),
            extract=extract, iter_archive=iter_local_archive, download_kaggle_data=refuse,
            download_checksums=refuse):
        yield


def _one_line(err: BaseException, limit: int = 300) -> str:
    text = " ".join(str(err).split()) or "(no message)"
    if len(text) > limit:
        text = text[:limit] + " ..."
    return f"{type(err).__name__}: {text}"


def _build_one(name: str, raw_dir: str, data_dir: str, debug: bool) -> dict[str, int]:
    """Generates one dataset into data_dir with TFDS's builder; split -> examples."""
    import tensorflow_datasets as tfds

    full = tfds_name(name)
    config = tfds.download.DownloadConfig(
        try_download_gcs=False,  # never look for a prepared copy on GCS
        compute_stats=tfds.download.ComputeStatsMode.SKIP,
        # We decided to build already; this mode also clears a half-written version
        # folder that has no dataset_info.json.
        download_mode=tfds.download.GenerateMode.REUSE_CACHE_IF_EXISTS,
        manual_dir=(os.path.join(os.path.abspath(raw_dir), MANUAL_DIRS[name])
                    if name in MANUAL_DIRS else None))
    # TFDS prints banners to stdout; keep them only when debugging.
    quiet = (contextlib.nullcontext() if debug
             else contextlib.redirect_stdout(io.StringIO()))
    try:
        with tempfile.TemporaryDirectory(prefix="build_tfds_dl_") as dl_dir, \
                local_downloads(raw_dir), quiet:
            # The builder class itself: tfds.builder() would hand back a read-only
            # builder (which cannot generate) for a version already on disk.
            family, _, config_name = name.partition("/")
            builder = tfds.builder_cls(family)(
                config=config_name or None, version=VERSIONS[family], data_dir=data_dir)
            builder.download_and_prepare(download_dir=dl_dir, download_config=config)
    except _OfflineUrlError as err:
        raise BuildError(f"{full}: {err}") from err
    except Exception as err:  # noqa: BLE001 - any TFDS failure becomes one line
        raise BuildError(f"{full}: TFDS failed to generate it from {raw_dir}: "
                         f"{_one_line(err)}") from err
    return {split: info.num_examples for split, info in builder.info.splits.items()}


def build_tfds(raw_dir: str, data_dir: str,
               datasets: Union[None, str, Iterable[str]] = None,
               overwrite: bool = False, *, verbose: bool = True,
               debug: bool = False) -> list[str]:
    """Prepares ``datasets`` (default: ALL_DATASETS) in data_dir from raw_dir's files.

    Datasets already prepared are skipped unless ``overwrite``. Every raw file of every
    dataset to build is checked first (RawDataError); a failure inside TFDS raises
    BuildError. Prints one line per dataset and a summary when ``verbose``. Returns the
    ``name:version`` of each dataset built by this call.
    """
    import tensorflow_datasets as tfds

    start = time.time()
    names = resolve_datasets(datasets)
    todo = [n for n in names if overwrite or not is_prepared(n, data_dir)]
    if todo and not os.path.isdir(raw_dir):
        raise RawDataError(f"raw dir {raw_dir} does not exist (needed for "
                           f"{', '.join(todo)}); see docs/offline-data.md")
    for name in todo:  # all of them before any build: fail fast, not after an hour
        validate_raw(name, raw_dir)

    tfds.disable_progress_bar()
    if todo:
        # TFDS imports TensorFlow lazily: load it now, out of the per-dataset timings.
        import tensorflow  # noqa: F401
    built = []
    for i, name in enumerate(names, 1):
        step = f"[{i}/{len(names)}] {tfds_name(name)} ..."
        if name not in todo:
            if verbose:
                print(f"{step} already prepared, skipped", flush=True)
            continue
        t0 = time.time()
        counts = _build_one(name, raw_dir, data_dir, debug)
        built.append(tfds_name(name))
        if verbose:
            splits = ", ".join(f"{s} {c}" for s, c in counts.items())
            print(f"{step} {sum(counts.values())} examples ({splits}), "
                  f"{time.time() - t0:.1f}s", flush=True)
    if verbose:
        print(f"built {len(built)}, skipped {len(names) - len(todo)} in {data_dir} "
              f"({time.time() - start:.1f}s); use it with TFDS_DATA_DIR={data_dir}",
              flush=True)
    return built


# ----------------------------------------------------------------------------- CLI


def main(argv: Optional[list[str]] = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m caches.build_tfds",
        description="Prepare TFDS datasets (super_glue, glue, sentiment, PAWS, SQuAD) "
                    "offline from raw files "
                    "laid out as the official archives extract (docs/offline-data.md).")
    parser.add_argument("--raw_dir", help="folder holding the super_glue/, glue/, ... "
                                          "raw files")
    parser.add_argument("--data_dir", default=os.environ.get("TFDS_DATA_DIR"),
                        help="TFDS data dir to write (default: $TFDS_DATA_DIR)")
    parser.add_argument("--datasets", default=None,
                        help="comma-separated names, e.g. super_glue/boolq,glue/mrpc "
                             "(optionally with :version); default: all")
    parser.add_argument("--overwrite", action="store_true",
                        help="rebuild datasets that are already prepared")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks and TFDS's own output")
    parser.add_argument("--list", action="store_true",
                        help="print the dataset -> raw files table and exit")
    args = parser.parse_args(argv)
    if args.list:
        print(format_table())
        return 0
    if not args.raw_dir or not args.data_dir:
        parser.error("--raw_dir and --data_dir (or $TFDS_DATA_DIR) are required")
    if not args.debug:
        # TensorFlow announces oneDNN at import past TF_CPP_MIN_LOG_LEVEL; generating
        # the data does no float math, so this process can do without it.
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        from absl import logging as absl_logging
        absl_logging.set_verbosity(absl_logging.ERROR)
    try:
        build_tfds(args.raw_dir, args.data_dir, args.datasets,
                   overwrite=args.overwrite, debug=args.debug)
    except (RawDataError, BuildError, UnknownDatasetError) as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: datasets not finished were left unprepared", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
