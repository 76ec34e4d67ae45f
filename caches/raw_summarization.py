"""Raw-file layout and checks for summarization (``ft_summarization_mix``): SAMSum, AESLC, XSum, CNN/DailyMail.

Merged into ``caches.tfds_datasets`` (``RAW_FILES``, ``URL_TO_RAW``,
``MANUAL_DIRS``) and ``caches.raw_formats.CHECKS``. SAMSum and XSum read manual dirs;
the checks walk the folders of many small files.

See docs/offline-data.md, "3. What each dataset reads" (Summarization)."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from typing import Callable, Sequence

from caches.raw_formats import RawDataError

# TFDS family -> the version built (the installed builders' current versions).

_AESLC_ROOT = "aeslc/AESLC-master"
_AESLC_SPLITS = ("train", "dev", "test")
_XSUM_SPLIT_FILE = "XSum-TRAINING-DEV-TEST-SPLIT-90-5-5.json"
_XSUM_FOLDER = "xsum-extracts-from-downloads"
_CNN_URL_LISTS = ("all_train.txt", "all_val.txt", "all_test.txt")
_CNN_STORY_DIRS = ("cnn/stories", "dailymail/stories")

# dataset (``family/config``) -> raw files relative to --raw_dir.
RAW_FILES: dict[str, list[str]] = {
    "samsum": [f"samsum/{split}.json" for split in ("train", "val", "test")],
    # The repository archive's README anchors the folder; the builder globs
    # enron_subject_line/{train,dev,test}/*.subject beside it.
    "aeslc": [f"{_AESLC_ROOT}/README.md"],
    # Split ids; the stories are <id>.data under the extracted manual-dir archive.
    "xsum": [f"xsum/{_XSUM_SPLIT_FILE}"],
    # URL lists; the stories are cnn/stories and dailymail/stories beside them.
    "cnn_dailymail": [f"cnn_dailymail/{name}" for name in _CNN_URL_LISTS],
}

# dataset -> the folders of many files beside RAW_FILES, as globs (shown in the README
# table; tests check the demo raw files match them).
RAW_GLOBS: dict[str, list[str]] = {
    "aeslc": [f"{_AESLC_ROOT}/enron_subject_line/{{train,dev,test}}/*.subject"],
    "xsum": [f"xsum/{_XSUM_FOLDER}.tar.gz/{_XSUM_FOLDER}/*.data"],
    "cnn_dailymail": ["cnn_dailymail/{cnn,dailymail}/stories/*.story"],
}

_CNN_LISTS_URL = "https://raw.githubusercontent.com/abisee/cnn-dailymail/master/url_lists/"
_DRIVE_URL = "https://drive.google.com/uc?export=download&id="
# URL a builder requests -> local file or folder relative to --raw_dir.
URL_TO_RAW: dict[str, str] = {
    # The GitHub archive of the corpus, extracted: the builder appends AESLC-master/.
    "https://github.com/ryanzhumich/AESLC/archive/master.zip": "aeslc",
    ("https://raw.githubusercontent.com/EdinburghNLP/XSum/master/XSum-Dataset/"
     f"{_XSUM_SPLIT_FILE}"): f"xsum/{_XSUM_SPLIT_FILE}",
    **{f"{_CNN_LISTS_URL}{name}": f"cnn_dailymail/{name}" for name in _CNN_URL_LISTS},
    # cnn_stories.tgz and dailymail_stories.tgz, both extracted into cnn_dailymail/
    # (they hold cnn/stories/ and dailymail/stories/).
    f"{_DRIVE_URL}0BwmD_VLjROrfTHk4NFg2SndKcjQ": "cnn_dailymail",
    f"{_DRIVE_URL}0BwmD_VLjROrfM1BxdkxVaTY2bWs": "cnn_dailymail",
}

# dataset -> folder (relative to --raw_dir) given to the builder as its manual_dir.
MANUAL_DIRS: dict[str, str] = {"samsum": "samsum", "xsum": "xsum"}


def _read_utf8(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError as err:
        raise RawDataError(f"{path}: not UTF-8 text ({err.reason} at byte "
                           f"{err.start})") from None


def check_samsum(paths: Sequence[str]) -> None:
    """Each file is a JSON list of objects with string ``id``, ``dialogue`` and
    ``summary``; ids are unique within a file (they are the examples' keys)."""
    for path in paths:
        try:
            rows = json.loads(_read_utf8(path))
        except json.JSONDecodeError as err:
            raise RawDataError(f"{path} line {err.lineno}: not JSON ({err.msg})") from None
        if not isinstance(rows, list):
            raise RawDataError(f"{path}: expected a JSON list of dialogues")
        seen = set()
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise RawDataError(f"{path}: entry {i} is not a JSON object")
            bad = [k for k in ("id", "dialogue", "summary")
                   if not isinstance(row.get(k), str)]
            if bad:
                raise RawDataError(f"{path}: entry {i} (id {row.get('id')!r}) has no "
                                   f"string {', '.join(map(repr, bad))}")
            if row["id"] in seen:
                raise RawDataError(f"{path}: entry {i} repeats id {row['id']!r}")
            seen.add(row["id"])


def _aeslc_problem(text: str) -> str | None:
    """What ``_parse_email_file`` would trip over in one ``.subject`` file, or None."""
    lines = text.splitlines(keepends=True)
    if "\n" not in lines:
        return "no blank line after the email body"
    after = lines[lines.index("\n") + 1:]
    if not after or after[0].rstrip("\n") != "@subject":
        return "the line after the body's blank line is not @subject"
    if len(after) < 2 or after[1] == "\n":
        return "empty subject line after @subject"
    return None


def check_aeslc(paths: Sequence[str]) -> None:
    """``enron_subject_line/{train,dev,test}/`` beside the README each hold
    ``*.subject`` files: body, blank line, ``@subject``, the subject line."""
    root = os.path.join(os.path.dirname(paths[0]), "enron_subject_line")
    for split in _AESLC_SPLITS:
        folder = os.path.join(root, split)
        files = sorted(glob.glob(os.path.join(folder, "*.subject")))
        if not files:
            raise RawDataError(f"{folder}: holds no *.subject file (expected the "
                               "extracted AESLC-master archive)")
        for path in files:
            problem = _aeslc_problem(_read_utf8(path))
            if problem:
                raise RawDataError(f"{path}: {problem}")


def check_xsum(paths: Sequence[str]) -> None:
    """The split JSON lists ids per split; ``<id>.data`` files (the builder skips
    missing ones, as upstream some are) have the URL, INTRODUCTION and RESTBODY
    blocks. A split none of whose files exists means the folder is misplaced."""
    (split_file,) = paths
    try:
        ids = json.loads(_read_utf8(split_file))
    except json.JSONDecodeError as err:
        raise RawDataError(f"{split_file} line {err.lineno}: not JSON ({err.msg})") from None
    absent = [s for s in ("train", "validation", "test")
              if not isinstance(ids, dict) or not isinstance(ids.get(s), list)]
    if absent:
        raise RawDataError(f"{split_file}: has no id list for {', '.join(absent)}")
    folder = os.path.join(os.path.dirname(split_file), f"{_XSUM_FOLDER}.tar.gz",
                          _XSUM_FOLDER)
    for split in ("train", "validation", "test"):
        present = 0
        for story_id in ids[split]:
            path = os.path.join(folder, f"{story_id}.data")
            if not os.path.isfile(path):
                continue
            present += 1
            segments = _read_utf8(path).split("[XSUM]")
            if len(segments) < 7 or segments[1:6:2] != ["URL", "INTRODUCTION", "RESTBODY"]:
                raise RawDataError(f"{path}: expected [XSUM]URL[XSUM], "
                                   "[XSUM]INTRODUCTION[XSUM] and [XSUM]RESTBODY[XSUM] "
                                   "blocks in that order")
        if ids[split] and not present:
            raise RawDataError(f"{folder}: holds none of the {len(ids[split])} {split} "
                               f"stories listed in {split_file}")


def check_cnn_dailymail(paths: Sequence[str]) -> None:
    """The story folders exist beside the URL lists, and every listed URL has its
    ``<sha1 of the URL>.story`` (UTF-8) in one of them."""
    root = os.path.dirname(paths[0])
    stories = {}
    for rel in _CNN_STORY_DIRS:
        folder = os.path.join(root, rel)
        if not os.path.isdir(folder):
            raise RawDataError(f"{folder}: missing story folder (extract cnn_stories.tgz "
                               f"and dailymail_stories.tgz into {root})")
        stories.update((name, os.path.join(folder, name)) for name in os.listdir(folder))
    for path in paths:
        for n, line in enumerate(_read_utf8(path).splitlines(), 1):
            url = line.strip()
            if not url:
                continue
            name = hashlib.sha1(url.encode("utf-8")).hexdigest() + ".story"
            if name not in stories:
                raise RawDataError(f"{path} line {n}: no story {name} for this URL in "
                                   f"{' or '.join(_CNN_STORY_DIRS)}")
            _read_utf8(stories[name])


# TFDS family -> check(raw file paths) raising RawDataError with one line.
CHECKS: dict[str, Callable[[Sequence[str]], None]] = {
    "samsum": check_samsum, "aeslc": check_aeslc, "xsum": check_xsum,
    "cnn_dailymail": check_cnn_dailymail}
