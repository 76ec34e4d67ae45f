"""Checks raw files before TFDS reads them: one line naming the dataset, file and line.

``validate_raw`` checks what each builder will read: (Super)GLUE here, mirroring the
installed builders' parsing; the other families through ``CHECKS`` (``raw_formats`` and
the ``raw_<group>`` modules).
"""

from __future__ import annotations

import csv
import json
import os
from typing import Callable, Iterable, Iterator, Optional

from caches.raw_formats import RawDataError
from caches.tfds_datasets import CHECKS, RAW_FILES

# The official MRPC training file starts with a UTF-8 byte-order mark, and the TFDS
# builder skips its first 3 bytes unconditionally.
_BOM = b"\xef\xbb\xbf"


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
