"""Raw-file layout and checks for translation (``ft_translation_mix``): WMT16 ro-en and de-en, WMT14 fr-en.

Merged into ``caches.tfds_datasets`` (``RAW_FILES``, ``URL_TO_RAW``,
``MANUAL_DIRS``) and ``caches.raw_formats.CHECKS``. Each split is built from named
subsets of the WMT archives, stored extracted under ``wmt/``.

See docs/offline-data.md, "3. What each dataset reads" (Translation: subsets, folders
and file formats)."""

from __future__ import annotations

import gzip
import os
import re
import zlib
from typing import Callable, Sequence
from xml.parsers import expat

from caches.raw_formats import RawDataError

ROOT = "wmt"  # every raw file of the group lives under --raw_dir/wmt

_STATMT = "http://www.statmt.org/"
_DATA_STATMT = "http://data.statmt.org/"
_DEV_URL = f"{_DATA_STATMT}wmt19/translation-task/dev.tgz"
# subset -> (URL the builder asks for, what it extracts to under ROOT, the subset's
# file(s) inside: the source-language file first, "" for the download itself). As in
# the builder, "{src}" stands for the non-English language of the pair.
SUBSETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "europarl_v7": (f"{_STATMT}wmt13/training-parallel-europarl-v7.tgz",
                    "training-parallel-europarl-v7.tgz",
                    ("training/europarl-v7.{src}-en.{src}", "training/europarl-v7.{src}-en.en")),
    "europarl_v8_16": (f"{_DATA_STATMT}wmt16/translation-task/training-parallel-ep-v8.tgz",
                       "training-parallel-ep-v8.tgz",
                       ("training-parallel-ep-v8/europarl-v8.{src}-en.{src}",
                        "training-parallel-ep-v8/europarl-v8.{src}-en.en")),
    "commoncrawl": (f"{_STATMT}wmt13/training-parallel-commoncrawl.tgz",
                    "training-parallel-commoncrawl.tgz",
                    ("commoncrawl.{src}-en.{src}", "commoncrawl.{src}-en.en")),
    "newscommentary_v9": (f"{_STATMT}wmt14/training-parallel-nc-v9.tgz",
                          "training-parallel-nc-v9.tgz",
                          ("training/news-commentary-v9.{src}-en.{src}",
                           "training/news-commentary-v9.{src}-en.en")),
    "newscommentary_v11": (f"{_DATA_STATMT}wmt16/translation-task/training-parallel-nc-v11.tgz",
                           "training-parallel-nc-v11.tgz",
                           ("training-parallel-nc-v11/news-commentary-v11.{src}-en.{src}",
                            "training-parallel-nc-v11/news-commentary-v11.{src}-en.en")),
    "multiun": (f"{_STATMT}wmt13/training-parallel-un.tgz", "training-parallel-un.tgz",
                ("un/undoc.2000.{src}-en.{src}", "un/undoc.2000.{src}-en.en")),
    "gigafren": (f"{_STATMT}wmt10/training-giga-fren.tar", "training-giga-fren.tar",
                 ("giga-fren.release2.fixed.fr.gz", "giga-fren.release2.fixed.en.gz")),
    "setimes_2": ("http://opus.nlpl.eu/download.php?f=SETIMES/v2/tmx/en-{src}.tmx.gz",
                  "en-{src}.tmx", ("",)),
    "newstest2013": (_DEV_URL, "dev.tgz", ("dev/newstest2013.{src}", "dev/newstest2013.en")),
    **{name: (_DEV_URL, "dev.tgz", (f"dev/{name}-{{src}}en-src.{{src}}.sgm",
                                    f"dev/{name}-{{src}}en-ref.en.sgm"))
       for name in ("newstest2014", "newstest2015", "newsdev2016", "newstest2016")},
}

# dataset -> split -> the subsets the installed builder reads for its language pair
# (the others its year lists do not cover the pair and are skipped by the builder).
SPLIT_SUBSETS: dict[str, dict[str, tuple[str, ...]]] = {
    "wmt16_translate/ro-en": {"train": ("europarl_v8_16", "setimes_2"),
                              "validation": ("newsdev2016",), "test": ("newstest2016",)},
    "wmt16_translate/de-en": {"train": ("europarl_v7", "commoncrawl", "newscommentary_v11"),
                              "validation": ("newstest2015",), "test": ("newstest2016",)},
    "wmt14_translate/fr-en": {"train": ("europarl_v7", "commoncrawl", "multiun",
                                        "newscommentary_v9", "gigafren"),
                              "validation": ("newstest2013",), "test": ("newstest2014",)},
}


def source_language(dataset: str) -> str:
    """The non-English language of a config: ``wmt16_translate/ro-en`` -> ``ro``."""
    return dataset.split("/")[1].split("-")[0]


def subset_files(subset: str, src: str) -> list[str]:
    """The subset's raw files relative to --raw_dir, source language first.

    ``subset_files("newstest2016", "ro")`` -> ``["wmt/dev.tgz/dev/newstest2016-roen-
    src.ro.sgm", "wmt/dev.tgz/dev/newstest2016-roen-ref.en.sgm"]``.
    """
    _, local, files = SUBSETS[subset]
    folder = f"{ROOT}/{local.format(src=src)}"
    return [f"{folder}/{f.format(src=src)}" if f else folder for f in files]


def subset_url(subset: str, src: str) -> tuple[str, str]:
    """(URL the builder requests, local stand-in relative to --raw_dir) of a subset."""
    url, local, _ = SUBSETS[subset]
    return url.format(src=src), f"{ROOT}/{local.format(src=src)}"


# TFDS family -> the version built (the installed builders' current versions).
# dataset (``family/config``) -> raw files relative to --raw_dir.
RAW_FILES: dict[str, list[str]] = {
    dataset: [rel for subsets in splits.values() for subset in subsets
              for rel in subset_files(subset, source_language(dataset))]
    for dataset, splits in SPLIT_SUBSETS.items()}
# URL a builder requests -> local file or folder relative to --raw_dir.
URL_TO_RAW: dict[str, str] = dict(
    subset_url(subset, source_language(dataset))
    for dataset, splits in SPLIT_SUBSETS.items()
    for subsets in splits.values() for subset in subsets)
# dataset -> folder (relative to --raw_dir) given to the builder as its manual_dir.
MANUAL_DIRS: dict[str, str] = {}

# The builder's SGML reader: a segment is a line starting with this (others are dropped).
_SEG = re.compile(r"<seg id=\"\d+\">(.*)</seg>")
_XML_LANG = "xml:lang"


def _read_lines(path: str) -> list[str]:
    """The lines of a (possibly gzipped) UTF-8 file, split on ``\\n`` as the builder
    splits them."""
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                data = f.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
    except (OSError, EOFError, zlib.error) as err:
        raise RawDataError(f"{path}: not a readable gzip file ({err})") from None
    lines = []
    for n, line in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as err:
            raise RawDataError(f"{path} line {n}: not UTF-8 text ({err.reason} at byte "
                               f"{err.start})") from None
    return lines


def _segments(path: str) -> list[str]:
    """The ``<seg>`` texts of an SGML file; a ``<seg`` line the builder's pattern would
    silently drop (and so shift every later pair) is an error."""
    segs = []
    for n, line in enumerate(_read_lines(path), 1):
        match = _SEG.match(line)
        if match:
            segs.append(match.group(1))
        elif line.lstrip().startswith("<seg"):
            raise RawDataError(f'{path} line {n}: expected <seg id="N">text</seg> on one '
                               "line, at its start")
    if not segs:
        raise RawDataError(f"{path}: holds no <seg id=...> line")
    return segs


def _check_pair(src_path: str, en_path: str) -> None:
    """Two aligned files: as many sentences (or segments) in one as in the other."""
    read = _segments if src_path.endswith(".sgm") else _read_lines
    src, en = read(src_path), read(en_path)
    if len(src) != len(en):
        unit = "segments" if src_path.endswith(".sgm") else "lines"
        raise RawDataError(f"{en_path}: {len(en)} {unit}, but {src_path} has {len(src)}; "
                           "the two files must be aligned one to one")


def _check_tmx(path: str, langs: set[str]) -> None:
    """Well-formed TMX whose every ``<tu>`` has one ``<tuv xml:lang>`` per language of
    the pair, each with exactly one ``<seg>``."""
    parser = expat.ParserCreate("utf-8")
    state = {"tu": None, "tuv": None}

    def problem(text: str) -> RawDataError:
        return RawDataError(f"{path} line {parser.CurrentLineNumber}: {text}")

    def start(tag, attrs):
        if tag == "tu":
            state["tu"] = []
        elif tag == "tuv" and state["tu"] is not None:
            if _XML_LANG not in attrs:
                raise problem("<tuv> has no xml:lang attribute")
            state["tuv"] = [attrs[_XML_LANG], 0]
        elif tag == "seg" and state["tuv"] is not None:
            state["tuv"][1] += 1

    def end(tag):
        if tag == "tuv" and state["tuv"] is not None:
            lang, segs = state["tuv"]
            if segs != 1:
                raise problem(f"<tuv xml:lang=\"{lang}\"> has {segs} <seg>, expected 1")
            state["tu"].append(lang)
            state["tuv"] = None
        elif tag == "tu":
            if set(state["tu"]) != langs or len(state["tu"]) != len(langs):
                raise problem(f"<tu> has languages {state['tu']}, expected one <tuv> for "
                              f"each of {sorted(langs)}")
            state["tu"] = None

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        with open(path, "rb") as f:
            parser.ParseFile(f)
    except expat.ExpatError as err:
        raise RawDataError(f"{path} line {err.lineno}: not well-formed XML "
                           f"({expat.ErrorString(err.code)})") from None


def _pair_key(path: str) -> str:
    """What the two files of a pair share: ``.../newstest2016-roen-src.ro.sgm`` and
    ``...-ref.en.sgm`` -> ``.../newstest2016-roen.sgm``."""
    return re.sub(r"(-src|-ref)?\.[a-z]{2}(\.sgm|\.gz)?$", r"\2", path)


def check_wmt(paths: Sequence[str]) -> None:
    """The files of each subset a WMT config reads: aligned parallel text (plain or
    gzipped), aligned SGML segments, or a TMX of the pair's two languages."""
    pairs: dict[str, list[str]] = {}
    for path in paths:
        if path.endswith(".tmx"):
            src = re.match(r"en-([a-z]{2})\.tmx$", os.path.basename(path))
            if not src:
                raise RawDataError(f"{path}: expected a TMX named en-<xx>.tmx (the "
                                   "language pair decides which <tuv> it must hold)")
            _check_tmx(path, {"en", src.group(1)})
        else:
            pairs.setdefault(_pair_key(path), []).append(path)
    for files in pairs.values():
        en = [f for f in files if re.search(r"\.en(\.sgm|\.gz)?$", f)]
        if len(files) != 2 or len(en) != 1:
            raise RawDataError(f"{files[0]}: expected it with exactly one English "
                               f"counterpart, found {files}")
        _check_pair(*[f for f in files if f not in en], en[0])


# TFDS family -> check(raw file paths) raising RawDataError with one line.
CHECKS: dict[str, Callable[[Sequence[str]], None]] = {
    "wmt16_translate": check_wmt, "wmt14_translate": check_wmt}
