"""Raw-file layout and checks for text generation: CoQA, DART, math_dataset, true_case, fix_punct.

Merged into ``caches.tfds_datasets`` (``RAW_FILES``, ``URL_TO_RAW``,
``MANUAL_DIRS``) and ``caches.raw_formats.CHECKS``.

See docs/offline-data.md, "3. What each dataset reads" (Text generation)."""

from __future__ import annotations

import json
from typing import Callable, Optional, Sequence

from caches.raw_formats import RawDataError

# TFDS family -> the version built.

_DART_DIR = "dart/dart-master/data/v1.1.1"
_MATH_DIR = "math_dataset/mathematics_dataset-v1.0"
MATH_MODULES = ("algebra__linear_1d",)
MATH_CATEGORIES = ("train-easy", "train-medium", "train-hard", "interpolate")
# dataset (``family/config``) -> raw files relative to --raw_dir.
RAW_FILES: dict[str, list[str]] = {
    "coqa": ["coqa/coqa-train-v1.0.json", "coqa/coqa-dev-v1.0.json"],
    "dart": [f"{_DART_DIR}/dart-v1.1.1-full-{split}.json"
             for split in ("train", "dev", "test")],
    **{f"math_dataset/{module}": [f"{_MATH_DIR}/{category}/{module}.txt"
                                  for category in MATH_CATEGORIES]
       for module in MATH_MODULES},
}
_COQA_URL = "https://nlp.stanford.edu/data/coqa/"
# URL a builder requests -> local file or folder relative to --raw_dir.
URL_TO_RAW: dict[str, str] = {
    f"{_COQA_URL}coqa-train-v1.0.json": "coqa/coqa-train-v1.0.json",
    f"{_COQA_URL}coqa-dev-v1.0.json": "coqa/coqa-dev-v1.0.json",
    "https://github.com/Yale-LILY/dart/archive/master.zip": "dart",
    "https://storage.googleapis.com/mathematics-dataset/mathematics_dataset-v1.0.tar.gz":
        "math_dataset",
}
# dataset -> folder (relative to --raw_dir) given to the builder as its manual_dir.
MANUAL_DIRS: dict[str, str] = {}


def _load_json(path: str):
    """The parsed file, or RawDataError naming it."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except UnicodeDecodeError:
        raise RawDataError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise RawDataError(f"{path} line {err.lineno}: not JSON ({err.msg})") from None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _coqa_story_problem(row) -> Optional[str]:
    """What the coqa builder (or pairing questions with answers) trips over, or None."""
    if not isinstance(row, dict):
        return "is not a JSON object"
    absent = [k for k in ("id", "source", "story") if not isinstance(row.get(k), str)]
    absent += [k for k in ("questions", "answers") if not isinstance(row.get(k), list)]
    if absent:
        return f"has no {', '.join(map(repr, absent))} (strings; questions/answers lists)"
    for turn, question in enumerate(row["questions"], 1):
        if not (isinstance(question, dict) and isinstance(question.get("input_text"), str)):
            return f"question {turn} has no 'input_text' string"
    for turn, answer in enumerate(row["answers"], 1):
        if not (isinstance(answer, dict) and isinstance(answer.get("input_text"), str)
                and _is_int(answer.get("span_start")) and _is_int(answer.get("span_end"))):
            return (f"answer {turn} needs an 'input_text' string and integer "
                    "'span_start'/'span_end'")
    if len(row["questions"]) != len(row["answers"]):
        # The builder keeps both lists as they are; the numbered prompt pairs them.
        return (f"{len(row['questions'])} questions but {len(row['answers'])} answers "
                "(turn i's answer must follow question i)")
    return None


def check_coqa(paths: Sequence[str]) -> None:
    """``{"data": [story, ...]}``; each story has a unique ``id``, a ``source`` and
    ``story`` string, and as many ``questions`` (``input_text``) as ``answers``
    (``input_text``, integer ``span_start`` / ``span_end``)."""
    for path in paths:
        doc = _load_json(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
            raise RawDataError(f"{path}: has no top-level 'data' list of stories")
        seen: set = set()
        for i, row in enumerate(doc["data"]):
            problem = _coqa_story_problem(row)
            if problem is None and row["id"] in seen:  # TFDS refuses duplicated keys
                problem = f"repeats the id {row['id']!r} of an earlier story"
            if problem:
                raise RawDataError(f"{path}: story {i} {problem}")
            seen.add(row["id"])


def check_dart(paths: Sequence[str]) -> None:
    """A JSON list of entries, each a ``tripleset`` of [subject, predicate, object]
    strings and ``annotations`` with a ``text`` string."""
    for path in paths:
        entries = _load_json(path)
        if not isinstance(entries, list):
            raise RawDataError(f"{path}: is not a JSON list of entries")
        for i, entry in enumerate(entries):
            where = f"{path}: entry {i}"
            if not (isinstance(entry, dict) and isinstance(entry.get("tripleset"), list)
                    and isinstance(entry.get("annotations"), list)):
                raise RawDataError(f"{where} needs a 'tripleset' list and an "
                                   "'annotations' list")
            for j, triple in enumerate(entry["tripleset"]):
                # The builder zips each triple with (subject, predicate, object): a
                # short one would silently lose its object.
                if not (isinstance(triple, list) and len(triple) == 3
                        and all(isinstance(x, str) for x in triple)):
                    raise RawDataError(f"{where}: triple {j} is not three strings "
                                       f"(subject, predicate, object): {triple!r}")
            for j, note in enumerate(entry["annotations"]):
                if not (isinstance(note, dict) and isinstance(note.get("text"), str)):
                    raise RawDataError(f"{where}: annotation {j} has no 'text' string")


def check_math_dataset(paths: Sequence[str]) -> None:
    """Question and answer lines alternate: the non-empty lines of each file pair up
    (the builder asserts as many answers as questions)."""
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                lines = [(n, line.rstrip("\n")) for n, line in enumerate(f, 1)]
        except UnicodeDecodeError:
            raise RawDataError(f"{path}: not UTF-8 text") from None
        filled = [(n, line) for n, line in lines if line]
        if not filled:
            raise RawDataError(f"{path}: holds no question")
        if len(filled) % 2:
            n, line = filled[-1]
            raise RawDataError(f"{path} line {n}: an odd number ({len(filled)}) of "
                               "non-empty lines, so some question has no answer line "
                               f"(the last line is {line!r})")


# TFDS family -> check(raw file paths) raising RawDataError with one line.
CHECKS: dict[str, Callable[[Sequence[str]], None]] = {
    "coqa": check_coqa, "dart": check_dart, "math_dataset": check_math_dataset}
