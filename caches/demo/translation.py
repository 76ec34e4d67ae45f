"""Demo raw files for translation (``ft_translation_mix``): WMT16 ro-en, de-en, WMT14 fr-en.

Ten everyday news frames written out in English, Romanian, German and French, so every
pair is a real translation; ``write_all`` documents the file formats (layouts:
``caches.raw_translation`` and docs/offline-data.md).
"""

from __future__ import annotations

import gzip
import io
import pathlib
import random
from typing import Sequence
from xml.sax.saxutils import escape

from caches.demo.pools import COMPANIES, DAYS, PEOPLE, RIVERS, TOWNS
from caches.demo import scale
from caches.demo.shared import seeded_rng
from caches.raw_translation import SPLIT_SUBSETS, source_language, subset_files

LANGS = ("en", "ro", "de", "fr")
SPLIT_SIZES = {"train": 40, "validation": 10, "test": 10}
# The Europarl de-en pair that upstream-style is left blank (line index in the file).
_BLANK_PAIR = ("wmt16_translate/de-en", "europarl_v7", 6)

# Slot values per language, in LANGS order.
_DAYS = list(zip(DAYS, ["luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică"],
                 ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag",
                  "Sonntag"],
                 ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]))
# "on Mondays" (habitual) per language.
_WEEKLY = list(zip([f"on {d}s" for d in DAYS],
                   ["lunea", "marțea", "miercurea", "joia", "vinerea", "sâmbăta", "duminica"],
                   ["montags", "dienstags", "mittwochs", "donnerstags", "freitags",
                    "samstags", "sonntags"],
                   [f"le {d}" for d in ["lundi", "mardi", "mercredi", "jeudi", "vendredi",
                                        "samedi", "dimanche"]]))
_BUILDINGS = [
    ("library", "o bibliotecă nouă", "eine neue Bibliothek", "une nouvelle bibliothèque"),
    ("school", "o școală nouă", "eine neue Schule", "une nouvelle école"),
    ("bridge", "un pod nou", "eine neue Brücke", "un nouveau pont"),
    ("museum", "un muzeu nou", "ein neues Museum", "un nouveau musée"),
    ("swimming pool", "o piscină nouă", "ein neues Schwimmbad", "une nouvelle piscine"),
]
_WEATHER = [("cold", "rece", "kalt", "froid"), ("warm", "caldă", "warm", "doux"),
            ("rainy", "ploioasă", "regnerisch", "pluvieux"),
            ("sunny", "însorită", "sonnig", "ensoleillé")]
_FOODS = [("fresh bread", "pâine proaspătă", "frisches Brot", "du pain frais"),
          ("cheese", "brânză", "Käse", "du fromage"), ("apples", "mere", "Äpfel", "des pommes"),
          ("fish", "pește", "Fisch", "du poisson"), ("honey", "miere", "Honig", "du miel")]

# Sentence frames, one pattern per language (LANGS order). Slots: p, q (people), town,
# river, firm, n (a small number), h (an hour), and the per-language tables above
# (day, weekly, building, weather, food).
_FRAMES = [
    ("{p} visited {town} on {day}.", "{p} a vizitat {town} {day}.",
     "{p} besuchte am {day} {town}.", "{p} a visité {town} {day}."),
    ("The council of {town} will open a new {building} next year.",
     "Consiliul local din {town} va deschide {building} anul viitor.",
     "Der Gemeinderat von {town} wird im nächsten Jahr {building} eröffnen.",
     "Le conseil municipal de {town} ouvrira {building} l'année prochaine."),
    ("{p} has worked at {firm} for {n} years.", "{p} lucrează la {firm} de {n} ani.",
     "{p} arbeitet seit {n} Jahren bei {firm}.", "{p} travaille chez {firm} depuis {n} ans."),
    ("The weather in {town} was {weather} yesterday.",
     "Ieri, vremea în {town} a fost {weather}.",
     "Das Wetter in {town} war gestern {weather}.",
     "Hier, le temps était {weather} à {town}."),
    ("The train to {town} leaves at {h} o'clock.", "Trenul spre {town} pleacă la ora {h}.",
     "Der Zug nach {town} fährt um {h} Uhr ab.", "Le train pour {town} part à {h} heures."),
    ("{p} bought {food} at the market in {town}.",
     "{p} a cumpărat {food} de la piața din {town}.",
     "{p} kaufte {food} auf dem Markt in {town}.",
     "{p} a acheté {food} au marché de {town}."),
    ("The bridge over the river {river} near {town} was closed for repairs.",
     "Podul peste râul {river}, de lângă {town}, a fost închis pentru reparații.",
     "Die Brücke über den Fluss {river} bei {town} wurde wegen Reparaturarbeiten gesperrt.",
     "Le pont sur la rivière {river}, près de {town}, a été fermé pour travaux."),
    ("{p} and {q} will meet in {town} next week.",
     "{p} și {q} se vor întâlni în {town} săptămâna viitoare.",
     "{p} und {q} treffen sich nächste Woche in {town}.",
     "{p} et {q} se retrouveront à {town} la semaine prochaine."),
    ("The museum in {town} is closed {weekly}.", "Muzeul din {town} este închis {weekly}.",
     "Das Museum in {town} ist {weekly} geschlossen.",
     "Le musée de {town} est fermé {weekly}."),
    ("{firm} hired {n} new workers this spring.",
     "{firm} a angajat {n} muncitori noi în această primăvară.",
     "{firm} hat in diesem Frühjahr {n} neue Mitarbeiter eingestellt.",
     "{firm} a embauché {n} nouveaux employés ce printemps."),
]


def _sentence_pair(rng: random.Random, src: str) -> tuple[str, str]:
    """One frame filled at random: (sentence in ``src``, its English translation)."""
    frame = rng.choice(_FRAMES)
    (p, *_), (q, *_) = rng.sample(PEOPLE, 2)
    shared = dict(p=p, q=q, town=rng.choice(TOWNS), river=rng.choice(RIVERS),
                  firm=rng.choice(COMPANIES), n=rng.randrange(3, 10), h=rng.randrange(2, 12))
    tables = dict(day=rng.choice(_DAYS), weekly=rng.choice(_WEEKLY),
                  building=rng.choice(_BUILDINGS), weather=rng.choice(_WEATHER),
                  food=rng.choice(_FOODS))

    def render(lang: str) -> str:
        i = LANGS.index(lang)
        return frame[i].format(**shared, **{k: v[i] for k, v in tables.items()})
    return render(src), render("en")


def _draw_pairs(dataset: str, n: int, distinct: bool = True) -> list[tuple[str, str]]:
    """``n`` (source, English) pairs for ``dataset``, reproducibly; distinct English
    sentences unless ``distinct`` is False (the full scale)."""
    rng, seen, out = seeded_rng(dataset), set(), []
    while len(out) < n:
        pair = _sentence_pair(rng, source_language(dataset))
        if not distinct or pair[1] not in seen:
            seen.add(pair[1])
            out.append(pair)
    return out


def _split_sizes(plan) -> dict[str, int]:
    """Pairs per split: the demo's (no plan), or at the full scale the real (capped) sizes."""
    if plan is None:
        return dict(SPLIT_SIZES)
    return dict(zip(plan.splits, scale.CURRENT.sizes(plan)))


def _shares(total: int, parts: int) -> list[int]:
    """``total`` dealt over ``parts`` as evenly as possible: ``(40, 3) -> [14, 13, 13]``."""
    return [total // parts + (i < total % parts) for i in range(parts)]


def _text(lines: Sequence[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _gzipped(data: bytes, name: str) -> bytes:
    """``data`` gzipped with a fixed header (the original name, mtime 0): reproducible."""
    out = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(data)
    return out.getvalue()


def _sgm(set_id: str, lang: str, sentences: Sequence[str], ref: bool) -> bytes:
    """An SGML test-set file: two ``<doc>`` blocks, ``<seg id>`` restarting in each."""
    src = set_id.rsplit("-", 1)[-1][:2]
    head = (f'<refset setid="{set_id}" srclang="any" trglang="{lang}">' if ref
            else f'<srcset setid="{set_id}" srclang="any">')
    lines, half = [head], (len(sentences) + 1) // 2
    for d, doc in enumerate((sentences[:half], sentences[half:]), 1):
        lines.append(f'<doc sysid="ref" docid="{d:03d}-demo-herald" genre="news" '
                     f'origlang="{src}">')
        lines.append("<p>")
        lines += [f'<seg id="{i}">{escape(s)}</seg>' for i, s in enumerate(doc, 1)]
        lines += ["</p>", "</doc>"]
    lines.append("</refset>" if ref else "</srcset>")
    return _text(lines)


def _tmx(src: str, pairs: Sequence[tuple[str, str]]) -> bytes:
    """A TMX 1.4 document as OPUS ships SETIMES2: English first in every unit."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
             '<tmx version="1.4">',
             '<header creationdate="Thu Jan  1 00:00:00 1970" srclang="en" adminlang="en" '
             'o-tmf="unknown" segtype="sentence" creationtool="Uplug" '
             'creationtoolversion="unknown" datatype="PlainText" />',
             "  <body>"]
    for foreign, english in pairs:
        lines += ["    <tu>", f'      <tuv xml:lang="en"><seg>{escape(english)}</seg></tuv>',
                  f'      <tuv xml:lang="{src}"><seg>{escape(foreign)}</seg></tuv>',
                  "    </tu>"]
    lines += ["  </body>", "</tmx>"]
    return _text(lines)


def _subset_files(dataset: str, subset: str,
                  pairs: list[tuple[str, str]]) -> dict[str, bytes]:
    """Relative path -> bytes of one subset's raw file(s) holding ``pairs``."""
    src = source_language(dataset)
    files = subset_files(subset, src)
    if len(files) == 1:  # SETIMES2's TMX
        return {files[0]: _tmx(src, pairs)}
    foreign, english = [p[0] for p in pairs], [p[1] for p in pairs]
    if (dataset, subset) == _BLANK_PAIR[:2]:
        at = _BLANK_PAIR[2]
        foreign, english = foreign[:at] + [""] + foreign[at:], english[:at] + [""] + english[at:]
    src_path, en_path = files
    if src_path.endswith(".sgm"):
        set_id = pathlib.PurePosixPath(src_path).name.split("-src.")[0]
        return {src_path: _sgm(set_id, src, foreign, ref=False),
                en_path: _sgm(set_id, "en", english, ref=True)}
    if src_path.endswith(".gz"):
        return {path: _gzipped(_text(lines), pathlib.PurePosixPath(path).stem)
                for path, lines in ((src_path, foreign), (en_path, english))}
    return {src_path: _text(foreign), en_path: _text(english)}


def build_files() -> dict[str, bytes]:
    """Every demo raw file of the group: path relative to the raw root -> bytes."""
    files: dict[str, bytes] = {}
    for dataset, splits in SPLIT_SUBSETS.items():
        plan = scale.CURRENT.plan(dataset)
        sizes = _split_sizes(plan)
        pairs = _draw_pairs(dataset, sum(sizes.values()), distinct=plan is None)
        start = 0
        for split, subsets in splits.items():
            for subset, n in zip(subsets, _shares(sizes[split], len(subsets))):
                files.update(_subset_files(dataset, subset, pairs[start:start + n]))
                start += n
    return files


def write_all(out: pathlib.Path) -> list[pathlib.Path]:
    """Writes this group's demo raw files under ``out`` (the demo raw root).

    Every file sits where the TFDS builder looks for it (each archive extracted under
    ``wmt/`` into a folder named like the archive) and has the upstream format:

    * parallel text (Europarl, Common Crawl, News Commentary, MultiUN, and giga-fren's
      two gzipped files): one sentence a line, the two files of a pair aligned line by
      line; Europarl de-en has one blank pair, as the real corpus does, which the
      builder skips;
    * SGML test sets (``dev.tgz/dev/<set>-<xx>en-src.<xx>.sgm`` and ``-ref.en.sgm``): a
      ``<srcset>`` / ``<refset>`` of two ``<doc>`` blocks of ``<seg id="n">`` lines;
    * SETIMES2 (``en-ro.tmx``): a TMX 1.4 document, one ``<tu>`` per sentence pair.

    The frames (a visit, a new library, a train timetable ...) are filled from the
    fictional people, towns, rivers and firms of ``caches.demo.pools``. Per config: 40
    training pairs spread over the config's training subsets, 10 validation and 10 test
    pairs; no sentence repeats.
    """
    written = []
    for rel, data in sorted(build_files().items()):
        path = pathlib.Path(out) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
