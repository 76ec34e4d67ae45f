"""Raw-file layout and checks for pronoun resolution (``sglue_dpr_prompted_mix`` / ``sglue_dpr_wsc_prompted_mix``): DPR, WSC273.

Merged into ``caches.tfds_datasets`` (``RAW_FILES``, ``URL_TO_RAW``,
``MANUAL_DIRS``) and ``caches.raw_formats.CHECKS``.

See docs/offline-data.md, "3. What each dataset reads" (Coreference)."""

from __future__ import annotations

import re
import warnings
from typing import Callable, Sequence

from caches.raw_formats import RawDataError

# TFDS family -> the version built.
# dataset (``family/config``) -> raw files relative to --raw_dir.
RAW_FILES: dict[str, list[str]] = {
    "definite_pronoun_resolution": [f"definite_pronoun_resolution/{split}.c.txt"
                                    for split in ("train", "test")],
    "wsc273": ["wsc273/WSCollection.xml"],
}
_DPR_URL = "https://s3.amazonaws.com/datasets.huggingface.co/definite_pronoun_resolution/"
# URL a builder requests -> local file or folder relative to --raw_dir.
URL_TO_RAW: dict[str, str] = {
    **{f"{_DPR_URL}{split}.c.txt": f"definite_pronoun_resolution/{split}.c.txt"
       for split in ("train", "test")},
    "https://cs.nyu.edu/faculty/davise/papers/WinogradSchemas/WSCollection.xml":
        "wsc273/WSCollection.xml",
}
# dataset -> folder (relative to --raw_dir) given to the builder as its manual_dir.
MANUAL_DIRS: dict[str, str] = {}

# The builder keeps the first 273 schemas of the collection.
WSC273_SIZE = 273


def _dpr_block_problem(lines: list[str]) -> str | None:
    """What the builder would trip over in one five-line block, or None."""
    sentence, pronoun, candidates, correct = (line.strip() for line in lines[:4])
    if not pronoun:
        return "has an empty pronoun line (line 2 of the example)"
    names = [c.strip() for c in candidates.split(",")]
    if len(names) != 2 or not all(names):
        return (f"candidates line {candidates!r} does not hold exactly two "
                "comma-separated candidates")
    if correct not in names:
        return f"correct antecedent {correct!r} is not one of the candidates {names}"
    if len(lines) > 4 and lines[4].strip():
        return "example is not followed by a blank line (five lines an example)"
    return None


def check_dpr(paths: Sequence[str]) -> None:
    """Five-line examples: sentence, pronoun, two comma-separated candidates, the
    correct one (exactly as written among the candidates), a blank line.

    The builder stops at the first empty sentence line, so a stray blank line would
    silently drop the rest of the file: it is an error here.
    """
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
        except UnicodeDecodeError:
            raise RawDataError(f"{path}: not UTF-8 text") from None
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            raise RawDataError(f"{path}: holds no example")
        for start in range(0, len(lines), 5):
            block = lines[start:start + 5]
            n = start + 1
            if not block[0].strip():
                raise RawDataError(f"{path} line {n}: blank where an example's sentence "
                                   "should start (the builder would stop reading here)")
            if len(block) < 4:
                raise RawDataError(f"{path} line {n}: example has {len(block)} of its "
                                   "4 lines (sentence, pronoun, candidates, answer)")
            problem = _dpr_block_problem(block)
            if problem:
                raise RawDataError(f"{path} line {n}: example {problem}")


def check_wsc273(paths: Sequence[str]) -> None:
    """Each of the first 273 ``<schema>`` elements has ``txt1``, ``pron``, ``txt2``,
    exactly two ``<answer>`` elements and a ``<correctAnswer>`` starting with A or B.

    Parsed as the builder parses it (BeautifulSoup with lxml); a problem names the
    schema by its position and the line it starts on.
    """
    from bs4 import BeautifulSoup  # the builder's own parser: it must be installed

    (path,) = paths
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise RawDataError(f"{path}: not UTF-8 text") from None
    with warnings.catch_warnings():
        # The builder parses the XML with lxml's HTML parser; so does this check.
        warnings.simplefilter("ignore")
        schemas = BeautifulSoup(text, "lxml").find_all("schema")
    if not schemas:
        raise RawDataError(f"{path}: holds no <schema> element")
    starts = [text.count("\n", 0, m.start()) + 1
              for m in re.finditer(r"<schema\b", text, re.IGNORECASE)]
    for i, schema in enumerate(schemas[:WSC273_SIZE]):
        where = f"{path} line {starts[i] if i < len(starts) else '?'}: schema {i + 1}"
        # lxml lower-cases tag names: <correctAnswer> is found as "correctanswer".
        absent = [shown for shown in ("txt1", "pron", "txt2", "correctAnswer")
                  if schema.find(shown.lower()) is None]
        if absent:
            raise RawDataError(f"{where} has no <{'>, <'.join(absent)}> element")
        if not schema.find("pron").get_text().strip():
            raise RawDataError(f"{where} has an empty <pron> element")
        answers = schema.find_all("answer")
        if len(answers) != 2:
            raise RawDataError(f"{where} has {len(answers)} <answer> elements, the "
                               "builder needs exactly 2")
        choice = schema.find("correctanswer").get_text().strip()
        if choice[:1] not in ("A", "B"):
            raise RawDataError(f"{where}: correctAnswer {choice!r} does not start with "
                               "A or B")


# TFDS family -> check(raw file paths) raising RawDataError with one line.
CHECKS: dict[str, Callable[[Sequence[str]], None]] = {
    "definite_pronoun_resolution": check_dpr, "wsc273": check_wsc273}
