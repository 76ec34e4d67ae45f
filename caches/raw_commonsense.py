"""Raw-file layout and checks for commonsense multiple choice: PIQA, OpenBookQA, HellaSwag.

Merged into ``caches.tfds_datasets`` (``RAW_FILES``, ``URL_TO_RAW``,
``MANUAL_DIRS``) and ``caches.raw_formats.CHECKS``.

See docs/offline-data.md, "3. What each dataset reads" (Commonsense)."""

from __future__ import annotations

import os
from typing import Callable, Optional, Sequence

from caches.raw_formats import RawDataError, check_json_lines, json_lines

# TFDS family -> the version built.

_PIQA_DIR = "piqa/physicaliqa-train-dev"
_OBQA_DIR = "openbookqa/OpenBookQA-V1-Sep2018/Data/Additional"
_HELLASWAG_FILES = ("hellaswag_train.jsonl", "hellaswag_val.jsonl", "hellaswag_test.jsonl")

# dataset (``family/config``) -> raw files relative to --raw_dir.
RAW_FILES: dict[str, list[str]] = {
    "piqa": [f"{_PIQA_DIR}/{name}" for name in (
        "train.jsonl", "train-labels.lst", "dev.jsonl", "dev-labels.lst")],
    "openbookqa": [f"{_OBQA_DIR}/{split}_complete.jsonl"
                   for split in ("train", "dev", "test")],
    "hellaswag": [f"hellaswag/{name}" for name in _HELLASWAG_FILES],
}

_HELLASWAG_URL = "https://raw.githubusercontent.com/rowanz/hellaswag/master/data/"
# URL a builder requests -> local file or folder relative to --raw_dir.
URL_TO_RAW: dict[str, str] = {
    # Archives map to the folder they extract into; the builders add the inner path.
    "https://storage.googleapis.com/ai2-mosaic/public/physicaliqa/physicaliqa-train-dev.zip":
        "piqa",
    "https://s3-us-west-2.amazonaws.com/ai2-website/data/OpenBookQA-V1-Sep2018.zip":
        "openbookqa",
    **{f"{_HELLASWAG_URL}{name}": f"hellaswag/{name}" for name in _HELLASWAG_FILES},
}
# dataset -> folder (relative to --raw_dir) given to the builder as its manual_dir.
MANUAL_DIRS: dict[str, str] = {}


# ------------------------------------------------------------------------ checks


def _strings_problem(row: dict, keys: Sequence[str]) -> Optional[str]:
    """A problem line unless every key holds a string."""
    absent = [k for k in keys if k not in row]
    if absent:
        return f"has no {', '.join(map(repr, absent))}"
    bad = [k for k in keys if not isinstance(row[k], str)]
    if bad:
        return f"{', '.join(map(repr, bad))} is not a string"
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_PIQA_KEYS = ("id", "goal", "sol1", "sol2")


def check_piqa(paths: Sequence[str]) -> None:
    """Each ``.jsonl`` line is an object of exactly id/goal/sol1/sol2 strings (the builder
    turns every key into a feature); its ``-labels.lst`` has a ``0`` or ``1`` for each
    line (the builder zips the two files, so a short file silently drops examples)."""
    for data_path, label_path in zip(paths[::2], paths[1::2]):
        n_rows = 0
        for n_rows, row in json_lines(data_path):
            if not isinstance(row, dict):
                raise RawDataError(f"{data_path} line {n_rows}: not a JSON object")
            problem = _strings_problem(row, _PIQA_KEYS)
            extra = sorted(set(row) - set(_PIQA_KEYS))
            if not problem and extra:
                problem = (f"unexpected key {', '.join(map(repr, extra))} (only "
                           "id, goal, sol1, sol2)")
            if problem:
                raise RawDataError(f"{data_path} line {n_rows}: {problem}")
        n_labels = 0
        for n_labels, label in json_lines(label_path):
            if type(label) is not int or label not in (0, 1):
                raise RawDataError(f"{label_path} line {n_labels}: label {label!r} is not "
                                   "0 or 1")
        if n_labels != n_rows:
            raise RawDataError(f"{label_path}: {n_labels} labels for the {n_rows} lines of "
                               f"{os.path.basename(data_path)}")


def _obqa_problem(row, seen: set) -> Optional[str]:
    """What the openbookqa builder would trip over in one parsed line, or None."""
    if not isinstance(row, dict):
        return "not a JSON object"
    problem = _strings_problem(row, ("id", "fact1", "turkIdAnonymized", "answerKey"))
    if problem:
        return problem
    if row["id"] in seen:
        return f"id {row['id']!r} repeats an earlier line (the builder keys examples by id)"
    seen.add(row["id"])
    question = row.get("question")
    if not isinstance(question, dict) or not isinstance(question.get("stem"), str):
        return "'question' needs a 'stem' string"
    choices = question.get("choices")
    if not (isinstance(choices, list) and len(choices) >= 4 and all(
            isinstance(c, dict) and isinstance(c.get("text"), str) for c in choices[:4])):
        return "'question' needs a 'choices' list of four objects with a 'text' string"
    for key in ("humanScore", "clarity"):
        if not _is_number(row.get(key)):
            return f"{key} {row.get(key)!r} is not a number"
    if row["answerKey"] not in ("A", "B", "C", "D"):
        return f"answerKey {row['answerKey']!r} is not A, B, C or D"
    return None


def check_openbookqa(paths: Sequence[str]) -> None:
    """Each line has a unique id, a stem with four choices, the fact, the two scores and
    an answerKey A-D (the test file is labelled too)."""
    for path in paths:
        seen: set = set()
        check_json_lines(path, lambda row: _obqa_problem(row, seen))


def _hellaswag_problem(row, labelled: bool) -> Optional[str]:
    """What the hellaswag builder (or a labelled split without a label) trips over."""
    if not isinstance(row, dict):
        return "not a JSON object"
    problem = _strings_problem(row, ("ctx", "activity_label", "split_type", "source_id"))
    if problem:
        return problem
    endings = row.get("endings")
    if not (isinstance(endings, list) and endings
            and all(isinstance(e, str) for e in endings)):
        return "'endings' is not a non-empty list of strings"
    if row["split_type"] not in ("indomain", "zeroshot"):
        return (f"split_type {row['split_type']!r} is not indomain or zeroshot (the "
                "per-domain splits select on it)")
    if "label" in row or labelled:
        label = row.get("label")
        if not (isinstance(label, int) and not isinstance(label, bool)
                and 0 <= label < len(endings)):
            return (f"label {label!r} is not the index of one of its {len(endings)} "
                    "endings" + (" (train and val lines need one)" if labelled else ""))
    return None


def check_hellaswag(paths: Sequence[str]) -> None:
    """Each line has the context, a list of endings, the activity, split type and source;
    train and val lines a label indexing the endings (test lines have none upstream)."""
    for path in paths:
        labelled = not os.path.basename(path).startswith("hellaswag_test")
        check_json_lines(path, lambda row: _hellaswag_problem(row, labelled))


# TFDS family -> check(raw file paths) raising RawDataError with one line.
CHECKS: dict[str, Callable[[Sequence[str]], None]] = {
    "piqa": check_piqa, "openbookqa": check_openbookqa, "hellaswag": check_hellaswag}
