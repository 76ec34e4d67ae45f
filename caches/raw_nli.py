"""Raw-file layout and checks for natural language inference and question classification: ANLI r1-r3, SNLI, TREC.

Merged into ``caches.tfds_datasets`` (``RAW_FILES``, ``URL_TO_RAW``,
``MANUAL_DIRS``) and ``caches.raw_formats.CHECKS``.

See docs/offline-data.md, "3. What each dataset reads" (NLI and TREC)."""

from __future__ import annotations

import csv
from typing import Callable, Sequence

from caches.raw_formats import RawDataError, json_lines

# TFDS family -> the version built.

_ANLI_SPLITS = ("train.jsonl", "dev.jsonl", "test.jsonl")
# dataset (``family/config``) -> raw files relative to --raw_dir.
RAW_FILES: dict[str, list[str]] = {
    **{f"anli/r{i}": [f"anli/anli_v0.1/R{i}/{split}" for split in _ANLI_SPLITS]
       for i in (1, 2, 3)},
    "snli": [f"snli/snli_1.0/snli_1.0_{split}.txt" for split in ("train", "dev", "test")],
    "trec": ["trec/train_5500.label", "trec/TREC_10.label"],
}
# URL a builder requests -> local file or folder relative to --raw_dir.
URL_TO_RAW: dict[str, str] = {
    "https://dl.fbaipublicfiles.com/anli/anli_v0.1.zip": "anli",
    "https://nlp.stanford.edu/projects/snli/snli_1.0.zip": "snli",
    "http://cogcomp.org/Data/QA/QC/train_5500.label": "trec/train_5500.label",
    "http://cogcomp.org/Data/QA/QC/TREC_10.label": "trec/TREC_10.label",
}
# dataset -> folder (relative to --raw_dir) given to the builder as its manual_dir.
MANUAL_DIRS: dict[str, str] = {}

ANLI_LABELS = ("e", "n", "c")
SNLI_GOLD_LABELS = ("entailment", "neutral", "contradiction", "-")  # "-": no majority
SNLI_COLUMNS = ("gold_label", "sentence1", "sentence2")


def check_anli(paths: Sequence[str]) -> None:
    """JSON lines with a unique ``uid``, string ``context`` and ``hypothesis``, and a
    ``label`` of ``e``, ``n`` or ``c`` (every ANLI split is labelled)."""
    for path in paths:
        seen: set = set()
        for n, row in json_lines(path):
            if not isinstance(row, dict):
                raise RawDataError(f"{path} line {n}: not a JSON object")
            absent = [k for k in ("uid", "context", "hypothesis", "label")
                      if not isinstance(row.get(k), str)]
            if absent:
                raise RawDataError(f"{path} line {n}: has no string "
                                   f"{', '.join(map(repr, absent))}")
            if row["label"] not in ANLI_LABELS:
                raise RawDataError(f"{path} line {n}: label {row['label']!r} is "
                                   f"not one of {list(ANLI_LABELS)}")
            # TFDS keys examples by uid and refuses duplicated keys.
            if row["uid"] in seen:
                raise RawDataError(f"{path} line {n}: uid {row['uid']!r} repeats "
                                   "an earlier line")
            seen.add(row["uid"])


def check_snli(paths: Sequence[str]) -> None:
    """A tab-separated header naming ``gold_label``, ``sentence1`` and ``sentence2``;
    full rows; a gold label that is a class name or ``-`` (no annotator majority)."""
    for path in paths:
        try:
            with open(path, encoding="utf-8", newline="") as f:
                # The builder reads with QUOTE_NONE: quotes are part of the text.
                reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                absent = [c for c in SNLI_COLUMNS if c not in (reader.fieldnames or [])]
                if absent:
                    raise RawDataError(f"{path} line 1: header has no column "
                                       f"{', '.join(map(repr, absent))}")
                for row in reader:
                    n = reader.line_num
                    if any(row[c] is None for c in SNLI_COLUMNS):
                        raise RawDataError(f"{path} line {n}: too few tab-separated "
                                           f"columns for the header's "
                                           f"{len(reader.fieldnames)}")
                    if row["gold_label"] not in SNLI_GOLD_LABELS:
                        raise RawDataError(f"{path} line {n}: gold_label "
                                           f"{row['gold_label']!r} is not one of "
                                           f"{list(SNLI_GOLD_LABELS)}")
        except UnicodeDecodeError:
            raise RawDataError(f"{path}: not UTF-8 text") from None


def check_trec(paths: Sequence[str]) -> None:
    """``COARSE:fine question`` a line, both labels among the builder's classes."""
    from tensorflow_datasets.datasets.trec import trec_dataset_builder as trec

    for path in paths:
        with open(path, "rb") as f:
            for n, raw in enumerate(f, 1):
                # As the builder: the one stray 0xF0 byte upstream becomes a space.
                try:
                    line = raw.replace(b"\xf0", b" ").strip().decode()
                except UnicodeDecodeError:
                    raise RawDataError(f"{path} line {n}: not UTF-8 text") from None
                label, _, text = line.partition(" ")
                coarse, colon, fine = label.partition(":")
                if not (colon and text):
                    raise RawDataError(f"{path} line {n}: expected COARSE:fine, a space "
                                       "and the question")
                if coarse not in trec._COARSE_LABELS:
                    raise RawDataError(f"{path} line {n}: coarse label {coarse!r} is not "
                                       f"one of {trec._COARSE_LABELS}")
                if fine not in trec._FINE_LABELS:
                    raise RawDataError(f"{path} line {n}: fine label {fine!r} is not a "
                                       "TREC fine class")


# TFDS family -> check(raw file paths) raising RawDataError with one line.
CHECKS: dict[str, Callable[[Sequence[str]], None]] = {
    "anli": check_anli, "snli": check_snli, "trec": check_trec}
