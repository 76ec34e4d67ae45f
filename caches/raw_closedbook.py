"""Raw-file layout and checks for closed-book question answering (``ft_closedbook_qa_mix``): Natural Questions (open), TriviaQA, ARC easy and challenge.

Merged into ``caches.tfds_datasets`` (``RAW_FILES``, ``URL_TO_RAW``,
``MANUAL_DIRS``) and ``caches.raw_formats.CHECKS``.

See docs/offline-data.md, "3. What each dataset reads" (Closed-book QA)."""

from __future__ import annotations

import json
from typing import Callable, Iterator, Optional, Sequence

from caches.raw_formats import RawDataError, check_json_lines, json_lines

# TFDS family -> the version built.

_NQ_URL = ("https://raw.githubusercontent.com/google-research-datasets/natural-questions/"
           "a7a113c9fdc2d9986d624bd43b8a18d6d5779eaa/nq_open/NQ-open.{}.jsonl")
_TRIVIA_DOMAINS = ("wikipedia", "web")
_TRIVIA_SPLITS = ("train", "dev", "test-without-answers")
_ARC_DIR = "ai2_arc/ARC-V1-Feb2018-2"


def _arc_files(config: str) -> list[str]:
    return [f"{_ARC_DIR}/{config}/{config}-{split}.jsonl"
            for split in ("Train", "Dev", "Test")]


# dataset (``family/config``) -> raw files relative to --raw_dir.
RAW_FILES: dict[str, list[str]] = {
    "natural_questions_open": [f"natural_questions_open/NQ-open.{split}.jsonl"
                               for split in ("train", "dev")],
    # The builder globs qa/: every domain's file of a split joins that split.
    "trivia_qa/rc.nocontext": [f"trivia_qa/qa/{domain}-{split}.json"
                               for split in _TRIVIA_SPLITS for domain in _TRIVIA_DOMAINS],
    "ai2_arc/ARC-Easy": _arc_files("ARC-Easy"),
    "ai2_arc/ARC-Challenge": _arc_files("ARC-Challenge"),
}
# URL a builder requests -> local file or folder relative to --raw_dir.
URL_TO_RAW: dict[str, str] = {
    _NQ_URL.format("train"): "natural_questions_open/NQ-open.train.jsonl",
    _NQ_URL.format("dev"): "natural_questions_open/NQ-open.dev.jsonl",
    "http://nlp.cs.washington.edu/triviaqa/data/triviaqa-rc.tar.gz": "trivia_qa",
    "https://ai2-public-datasets.s3-us-west-2.amazonaws.com/arc/ARC-V1-Feb2018.zip":
        "ai2_arc",
}
# dataset -> folder (relative to --raw_dir) given to the builder as its manual_dir.
MANUAL_DIRS: dict[str, str] = {}


def _is_strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_natural_questions_open(paths: Sequence[str]) -> None:
    """One JSON object a line with exactly a string ``question`` and a non-empty list
    of string ``answer``s (the builder hands each object to TFDS unchanged, so any
    other key fails the build)."""
    for path in paths:
        for n, row in json_lines(path):
            if not isinstance(row, dict):
                raise RawDataError(f"{path} line {n}: not a JSON object")
            extra = sorted(set(row) - {"question", "answer"})
            if extra:
                raise RawDataError(f"{path} line {n}: unexpected key "
                                   f"{', '.join(map(repr, extra))} (only 'question' and "
                                   "'answer' are allowed)")
            if not isinstance(row.get("question"), str):
                raise RawDataError(f"{path} line {n}: has no string 'question'")
            if not (_is_strings(row.get("answer")) and row["answer"]):
                raise RawDataError(f"{path} line {n}: 'answer' is not a non-empty list "
                                   "of strings")


# Keys of a TriviaQA record (and of its Answer) the builder reads without a default.
_TRIVIA_KEYS = ("Question", "QuestionId", "QuestionSource")
_TRIVIA_ANSWER_KEYS = ("Aliases", "NormalizedAliases", "NormalizedValue", "Type", "Value")
# The builder's record delimiters: a line that is exactly this opens a record of
# ``Data``; a line starting with eight spaces and "}" closes it.
_OPEN = "        {\n"
_CLOSE = "        }"


def _trivia_records(path: str) -> Iterator[tuple[int, str]]:
    """(opening line number, text) of each record, cut out the way the builder does."""
    start, record = 0, None
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line == _OPEN:
                    start, record = n, line
                elif line.startswith(_CLOSE):
                    if record is None:
                        raise RawDataError(f"{path} line {n}: a record closes here but "
                                           "none was opened by a line of eight spaces "
                                           "and '{'")
                    yield start, record + "}"
                    record = None
                elif record is not None:
                    record += line
    except UnicodeDecodeError:
        raise RawDataError(f"{path}: not UTF-8 text") from None


def _trivia_problem(article, labelled: bool) -> Optional[str]:
    """What the trivia_qa builder would trip over in one parsed record, or None."""
    if not isinstance(article, dict):
        return "record is not a JSON object"
    absent = [k for k in _TRIVIA_KEYS if not isinstance(article.get(k), str)]
    if absent:
        return f"record has no string {', '.join(map(repr, absent))}"
    if "Answer" not in article:
        return None if not labelled else "record has no 'Answer'"
    answer = article["Answer"]
    if not isinstance(answer, dict):
        return "'Answer' is not a JSON object"
    for key in _TRIVIA_ANSWER_KEYS:
        value = answer.get(key)
        if key.endswith("Aliases") and not _is_strings(value):
            return f"Answer has no list of strings {key!r}"
        if not key.endswith("Aliases") and not isinstance(value, str):
            return f"Answer has no string {key!r}"
    return None


def check_trivia_qa(paths: Sequence[str]) -> None:
    """Each file holds at least one record of ``Data`` that the builder can cut out
    (an eight-space-indented ``{`` line to a line starting with eight spaces and ``}``,
    i.e. JSON indented by four spaces as upstream); each record parses and has the
    question fields, and an ``Answer`` with its aliases and value unless the file is a
    ``test-without-answers`` one. Question ids are unique within a file (TFDS keys
    examples by file name and id)."""
    for path in paths:
        labelled = not path.endswith("test-without-answers.json")
        seen: set = set()
        for n, text in _trivia_records(path):
            try:
                article = json.loads(text)
            except json.JSONDecodeError as err:
                raise RawDataError(f"{path} line {n}: the record starting here is not "
                                   f"JSON ({err.msg})") from None
            problem = _trivia_problem(article, labelled)
            if problem is None and article["QuestionId"] in seen:
                problem = f"QuestionId {article['QuestionId']!r} repeats an earlier record"
            if problem:
                raise RawDataError(f"{path} line {n}: {problem}")
            seen.add(article["QuestionId"])
        if not seen:
            raise RawDataError(f"{path}: no record found (the builder expects the JSON "
                               "indented by four spaces, each record of 'Data' opening "
                               "with a line of eight spaces and '{')")


# The builder maps numeric labels to letters; both must be one of its five classes.
ARC_LABELS = ("A", "B", "C", "D", "E")
_ARC_NUMBERS = dict(zip("12345", ARC_LABELS))


def _arc_problem(row, seen: set) -> Optional[str]:
    """What the ai2_arc builder (or the answer lookup) would trip over, or None."""
    if not isinstance(row, dict):
        return "not a JSON object"
    question = row.get("question")
    if not (isinstance(row.get("id"), str) and isinstance(row.get("answerKey"), str)
            and isinstance(question, dict) and isinstance(question.get("stem"), str)
            and isinstance(question.get("choices"), list)):
        return "needs a string 'id', 'answerKey' and 'question' with 'stem' and 'choices'"
    labels = []
    for choice in question["choices"]:
        if not (isinstance(choice, dict) and isinstance(choice.get("text"), str)
                and isinstance(choice.get("label"), str)):
            return "each choice needs a string 'text' and 'label'"
        labels.append(_ARC_NUMBERS.get(choice["label"], choice["label"]))
    bad = [label for label in labels if label not in ARC_LABELS]
    if bad:
        return f"choice label {bad[0]!r} is not one of A-E or 1-5"
    key = _ARC_NUMBERS.get(row["answerKey"], row["answerKey"])
    if key not in labels:
        return f"answerKey {row['answerKey']!r} is not the label of one of its choices"
    # TFDS keys examples by id and refuses duplicated keys.
    if row["id"] in seen:
        return f"id {row['id']!r} repeats an earlier line"
    seen.add(row["id"])
    return None


def check_ai2_arc(paths: Sequence[str]) -> None:
    """JSON lines with a unique ``id``, a ``question`` whose ``choices`` are labelled
    A-E (or 1-5), and an ``answerKey`` naming one of those choices."""
    for path in paths:
        seen: set = set()
        check_json_lines(path, lambda row: _arc_problem(row, seen))


# TFDS family -> check(raw file paths) raising RawDataError with one line.
CHECKS: dict[str, Callable[[Sequence[str]], None]] = {
    "natural_questions_open": check_natural_questions_open,
    "trivia_qa": check_trivia_qa, "ai2_arc": check_ai2_arc}
