"""Checks of raw files beyond (Super)GLUE, run by ``caches.build_tfds`` before TFDS.

Each ``check_*`` takes the dataset's raw file paths (``build_tfds.RAW_FILES``, joined
to the raw dir) and raises ``RawDataError`` with one line naming the file (and line)
that the TFDS builder would trip over. ``CHECKS`` maps a TFDS family to its check.
"""

from __future__ import annotations

import csv
import tarfile
from typing import Sequence


class RawDataError(ValueError):
    """A raw file that is missing or malformed; ``str(err)`` is one line naming it."""


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


CHECKS = {"imdb_reviews": check_imdb, "yelp_polarity_reviews": check_yelp,
          "sentiment140": check_sentiment140, "paws_wiki": check_paws}
