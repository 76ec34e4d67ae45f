"""Checks of raw files beyond (Super)GLUE, run by ``caches.raw_validate`` before TFDS.

Each ``check_*`` takes the dataset's raw file paths (``tfds_datasets.RAW_FILES``, joined
to the raw dir) and raises ``RawDataError`` with one line naming the file (and line)
that the TFDS builder would trip over. ``CHECKS`` maps a TFDS family to its check.
"""

from __future__ import annotations

import csv
import json
import os
import tarfile
from typing import Callable, Iterator, Optional, Sequence

from common.errors import UserError


class RawDataError(UserError, ValueError):
    """A raw file that is missing or malformed; ``str(err)`` is one line naming it."""


def json_lines(path: str) -> Iterator[tuple[int, object]]:
    """(line number, parsed JSON) for each line of a JSON-lines file.

    A blank or non-JSON line, or bytes that are not UTF-8, raise RawDataError naming
    the file and the line.
    """
    n = 0
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    yield n, json.loads(line)
                except ValueError as err:
                    what = "blank line" if not line.strip() else f"{err.msg}, column {err.colno}"
                    raise RawDataError(f"{path} line {n}: not valid JSON ({what})") from None
    except UnicodeDecodeError:
        raise RawDataError(f"{path} line {n + 1}: not UTF-8 text") from None


def check_json_lines(path: str, problem: Callable[[object], Optional[str]]) -> None:
    """Raises RawDataError naming the first line of ``path`` whose parsed value
    ``problem`` describes (it returns a short phrase, or None for a good line)."""
    for n, row in json_lines(path):
        found = problem(row)
        if found:
            raise RawDataError(f"{path} line {n}: {found}")


def check_imdb(paths: Sequence[str]) -> None:
    """The archive opens and holds reviews in every folder the builder reads."""
    (path,) = paths
    try:
        with tarfile.open(path, "r:gz") as tar:
            files = [m.name for m in tar if m.isfile()]
    except (tarfile.TarError, OSError, EOFError) as err:
        raise RawDataError(f"{path}: not a readable .tar.gz "
                           f"({type(err).__name__}: {err})") from None
    for split in ("train", "test"):
        for label in ("neg", "pos"):
            folder = f"aclImdb/{split}/{label}/"
            if not any(f.startswith(folder) for f in files):
                raise RawDataError(f"{path}: holds no review under {folder} (the "
                                   "builder reads aclImdb/{train,test}/{neg,pos}/*.txt)")


def check_yelp(paths: Sequence[str]) -> None:
    """Every line is ``"1","..."`` or ``"2","..."`` (the builder slices them)."""
    for path in paths:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\r\n")
                if not (line[:5] in ('"1","', '"2","') and line.endswith('"')):
                    raise RawDataError(f'{path} line {n}: expected "1" or "2", a comma '
                                       'and the review in double quotes')


def check_sentiment140(paths: Sequence[str]) -> None:
    """Six CSV columns a row, polarity 0, 2 or 4."""
    for path in paths:
        # The builder decodes ISO-8859-1, which accepts every byte.
        with open(path, encoding="iso-8859-1", newline="") as f:
            for n, row in enumerate(csv.reader(f), 1):
                if len(row) != 6:
                    raise RawDataError(f"{path} line {n}: {len(row)} columns, expected 6 "
                                       "(polarity, id, date, query, user, text)")
                if row[0] not in ("0", "2", "4"):
                    raise RawDataError(f"{path} line {n}: polarity {row[0]!r} is not "
                                       "0, 2 or 4")


def check_paws(paths: Sequence[str]) -> None:
    """The id/sentence1/sentence2/label header, labels 0 or 1."""
    for path in paths:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t")
            absent = [c for c in ("id", "sentence1", "sentence2", "label")
                      if c not in (reader.fieldnames or [])]
            if absent:
                raise RawDataError(f"{path} line 1: header has no column "
                                   f"{', '.join(map(repr, absent))}")
            for row in reader:
                if row["label"] not in ("0", "1"):
                    raise RawDataError(f"{path} line {reader.line_num}: label "
                                       f"{row['label']!r} is not 0 or 1")


def _squad_qa_problem(qa, context: str, v2: bool) -> Optional[str]:
    """What the squad builder would trip over in one ``qas`` entry, or None."""
    if not isinstance(qa, dict):
        return "a qas entry is not a JSON object"
    keys = ["id", "question", "answers"] + (["is_impossible"] if v2 else [])
    absent = [k for k in keys if k not in qa]
    if absent:
        return f"question {qa.get('id', '?')!r} has no {', '.join(map(repr, absent))}"
    spans = [("answers", a) for a in qa["answers"]]
    spans += [("plausible_answers", a) for a in qa.get("plausible_answers", [])]
    for key, span in spans:
        if not (isinstance(span, dict) and isinstance(span.get("text"), str)
                and isinstance(span.get("answer_start"), int)):
            return (f"question {qa['id']!r}: each of its {key} needs a text and an "
                    "integer answer_start")
        start, text = span["answer_start"], span["text"]
        if context[start:start + len(text)] != text:
            return (f"question {qa['id']!r}: {key} {text!r} is not at answer_start "
                    f"{start} of its context")
    if v2 and not qa["is_impossible"] and not qa["answers"]:
        return f"question {qa['id']!r} is answerable but has no answers"
    if not v2 and not qa["answers"]:
        return f"question {qa['id']!r} has no answers"
    return None


def check_squad(paths: Sequence[str]) -> None:
    """``data`` -> articles -> ``paragraphs`` (``context``, ``qas``); every answer
    (and v2.0's ``plausible_answers``) is the span at its ``answer_start``."""
    for path in paths:
        v2 = "v2.0" in os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise RawDataError(f"{path}: not SQuAD JSON ({err})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
            raise RawDataError(f"{path}: has no top-level 'data' list of articles")
        for i, article in enumerate(doc["data"]):
            if not (isinstance(article, dict)
                    and isinstance(article.get("paragraphs"), list)):
                raise RawDataError(f"{path}: article {i} has no 'paragraphs' list")
            for j, paragraph in enumerate(article["paragraphs"]):
                where = f"{path}: article {i} paragraph {j}"
                if not (isinstance(paragraph, dict)
                        and isinstance(paragraph.get("context"), str)
                        and isinstance(paragraph.get("qas"), list)):
                    raise RawDataError(f"{where} needs a 'context' string and a 'qas' list")
                for qa in paragraph["qas"]:
                    problem = _squad_qa_problem(qa, paragraph["context"], v2)
                    if problem:
                        raise RawDataError(f"{where}: {problem}")


CHECKS = {"imdb_reviews": check_imdb, "yelp_polarity_reviews": check_yelp,
          "sentiment140": check_sentiment140, "paws_wiki": check_paws,
          "squad": check_squad}
