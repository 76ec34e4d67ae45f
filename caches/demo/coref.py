"""Demo raw files for pronoun resolution (the ``sglue_dpr`` mixtures): DPR, WSC273.

Twin sentences written for the project, each pair flipping the answer.
Each ``write_*`` documents the upstream file shape it mimics (layouts:
docs/offline-data.md); ``caches.demo.cli`` calls ``write_all``.
"""

from __future__ import annotations

import pathlib
import random
from xml.sax.saxutils import escape

from caches.demo import scale
from caches.demo.pools import PEOPLE
from caches.demo.shared import seeded_rng

# DPR twin pairs per split (two sentences each): 20 -> 40 train, 5 -> 10 test.
DPR_PAIRS = {"train": 20, "test": 5}

# Twin frames about two people of the same gender: (sentence with {X}, {Y} and the
# subject pronoun {p}; the two endings, each with the index of its antecedent).
_PEOPLE_FRAMES = [
    ("{X} thanked {Y} because {p} had {end}.",
     [("helped with the move all weekend", 1), ("received so much help", 0)]),
    ("{X} asked {Y} for directions because {p} {end}.",
     [("was lost in the old town", 0), ("knew the streets well", 1)]),
    ("{X} beat {Y} at tennis because {p} {end}.",
     [("trained every single day", 0), ("had a sore wrist", 1)]),
    ("{X} paid {Y} for the repairs because {p} {end}.",
     [("had fixed the leaking roof", 1), ("owned the house", 0)]),
    ("{X} apologized to {Y} because {p} had {end}.",
     [("been rude at dinner", 0), ("been hurt by the remark", 1)]),
    ("{X} comforted {Y} because {p} {end}.",
     [("was upset about the news", 1), ("was a caring friend", 0)]),
    ("{X} gave {Y} an umbrella because {p} {end}.",
     [("had two of them", 0), ("was going out into the rain", 1)]),
    ("{X} envied {Y} because {p} {end}.",
     [("had a beautiful garden", 1), ("had no garden at all", 0)]),
    ("{X} woke {Y} up because {p} {end}.",
     [("had overslept again", 1), ("needed a lift to the station", 0)]),
    ("{X} lent {Y} a bicycle because {p} {end}.",
     [("had missed the last bus", 1), ("had a spare one in the shed", 0)]),
]
# Twin frames about things or groups: (sentence with {end}, the two candidates as they
# appear in the sentence, the pronoun, the two endings with their antecedent index).
_THING_FRAMES = [
    ("The piano would not go through the door because it was too {end}.",
     ("the piano", "the door"), "it", [("wide", 0), ("narrow", 1)]),
    ("The kite got stuck in the tree because it was {end}.",
     ("the kite", "the tree"), "it", [("flying too low", 0), ("so tall", 1)]),
    ("The truck overtook the tractor because it was {end}.",
     ("the truck", "the tractor"), "it", [("much faster", 0), ("moving so slowly", 1)]),
    ("The candle lit up the room even though it was {end}.",
     ("the candle", "the room"), "it", [("very small", 0), ("very large", 1)]),
    ("The rope could not hold the crate because it was too {end}.",
     ("the rope", "the crate"), "it", [("thin", 0), ("heavy", 1)]),
    ("The parents scolded the children because they {end}.",
     ("the parents", "the children"), "they",
     [("had broken a window", 1), ("were tired of the noise", 0)]),
    ("The fans cheered for the players because they {end}.",
     ("the fans", "the players"), "they", [("had scored twice", 1), ("loved the team", 0)]),
    ("The jug did not fill the vase because it {end}.",
     ("the jug", "the vase"), "it", [("held too little water", 0), ("was too big", 1)]),
]


def _capitalise_start(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _dpr_pair(rng: random.Random, frame: int) -> list[tuple[str, str, list, int]]:
    """Both twins of frame ``frame`` (people frames first, then things; it wraps
    around): (sentence, pronoun, candidates, answer index) each."""
    frame %= len(_PEOPLE_FRAMES) + len(_THING_FRAMES)
    if frame < len(_PEOPLE_FRAMES):
        pattern, endings = _PEOPLE_FRAMES[frame]
        pronoun = rng.choice(["he", "she"])
        x, y = rng.sample([p[0] for p in PEOPLE if p[1] == pronoun], 2)
        return [(pattern.format(X=x, Y=y, p=pronoun, end=end), pronoun, [x, y], answer)
                for end, answer in endings]
    pattern, candidates, pronoun, endings = _THING_FRAMES[frame - len(_PEOPLE_FRAMES)]
    return [(pattern.format(end=end), pronoun, list(candidates), answer)
            for end, answer in endings]


def _dpr_block(sentence: str, pronoun: str, candidates: list, answer: int) -> str:
    """One example as upstream: four lines and a blank one."""
    # The candidates are written as they appear in the sentence; the first one is
    # capitalised when it opens the sentence, as in the upstream files.
    shown = [_capitalise_start(c) if sentence.startswith(_capitalise_start(c)) else c
             for c in candidates]
    return f"{sentence}\n{pronoun}\n{','.join(shown)}\n{shown[answer]}\n\n"


def write_dpr(root: pathlib.Path) -> None:
    """``root/train.c.txt`` and ``root/test.c.txt`` (root = <out>/definite_pronoun_resolution).

    ``definite_pronoun_resolution/{train,test}.c.txt``: the two plain files
    ``definite_pronoun_resolution:1.1.0`` downloads. Every example spans four lines (the
    sentence, the target pronoun, the two candidate antecedents joined by a comma, the
    correct antecedent) followed by a blank line. As upstream, sentences come in twin
    pairs that differ in a few words and flip the answer; both twins of a pair sit in
    the same split (40 train, 10 test).
    """
    rng = seeded_rng("definite_pronoun_resolution")
    total = sum(DPR_PAIRS.values())
    frames = list(range(total))
    rng.shuffle(frames)
    pairs = [_dpr_pair(rng, i) for i in frames]
    root.mkdir(parents=True, exist_ok=True)
    full = scale.full_sizes("definite_pronoun_resolution", len(DPR_PAIRS))
    start = 0
    for i, (split, n) in enumerate(DPR_PAIRS.items()):
        if full is None:
            chosen, start = pairs[start:start + n], start + n
        else:  # twin pairs drawn again up to the real size (its examples, two a pair)
            draw = seeded_rng(f"definite_pronoun_resolution/{split}/full")
            chosen = [draw.choice(pairs) for _ in range((full[0][i] + 1) // 2)]
        blocks = [_dpr_block(*twin) for pair in chosen for twin in pair]
        if full is not None:
            blocks = blocks[:full[0][i]]
        with open(root / f"{split}.c.txt", "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(blocks))


# WSC273 schemas, in twin pairs: (txt1, pronoun, txt2, answers A and B, correct, source).
WSC_SCHEMAS = [
    ("The sculptor could not lift the statue onto the cart because", "it",
     "was too heavy.", ("The statue", "The cart"), "A", "(project demo 1)"),
    ("The sculptor could not lift the statue onto the cart because", "it",
     "was too flimsy.", ("The statue", "The cart"), "B", "(project demo 1)"),
    ("Nadia gave her old laptop to Priya because", "she",
     "had bought a new one.", ("Nadia", "Priya"), "A", "(project demo 2)"),
    ("Nadia gave her old laptop to Priya because", "she",
     "needed one for school.", ("Nadia", "Priya"), "B", "(project demo 2)"),
    ("Oskar shouted to Felix across the street because", "he",
     "wanted to say hello.", ("Oskar", "Felix"), "A", "(project demo 3)"),
    ("Oskar shouted to Felix across the street because", "he",
     "had dropped his wallet.", ("Oskar", "Felix"), "B", "(project demo 3)"),
    ("Tomas tried to call Viktor, but Viktor was busy, so Viktor later called", "him",
     ".", ("Tomas", "Viktor"), "A", "(project demo 4)"),
    ("Tomas tried to call Viktor, but Viktor did not answer, so Tomas sent", "him",
     "a message.", ("Tomas", "Viktor"), "B", "(project demo 4)"),
    ("The lamp could not light up the desk because", "it",
     "was switched off.", ("The lamp", "The desk"), "A", "(project demo 5)"),
    ("The lamp could not light up the whole desk because", "it",
     "was covered with papers and books\npiled high on every side.",
     ("The lamp", "The desk"), "B", "(project demo 5)"),
    ("The hikers thanked the rangers because", "they",
     "had been rescued from the ridge.", ("The hikers", "The rangers"), "A",
     "(project demo 6)"),
    ("The hikers thanked the rangers because", "they",
     "had searched all night.", ("The hikers", "The rangers"), "B", "(project demo 6)"),
]


def _schema_xml(txt1: str, pron: str, txt2: str, answers: tuple, correct: str,
                source: str) -> str:
    """One ``<schema>`` element, laid out like the upstream collection."""
    # The quote repeats the words around the pronoun (here: txt1's last three).
    quote_start = " ".join(txt1.split()[-3:])
    return ("<schema>\n<text>\n"
            f"<txt1>{escape(txt1)}</txt1>\n<pron> {escape(pron)} </pron>\n"
            f"<txt2>{escape(txt2)}</txt2>\n</text>\n"
            f"<quote>\n<quote1>{escape(quote_start)}</quote1>\n"
            f"<pron> {escape(pron)} </pron>\n<quote2>{escape(txt2)}</quote2>\n</quote>\n"
            "<answers>\n"
            + "".join(f"<answer>{escape(a)}</answer>\n" for a in answers)
            + f"</answers>\n<correctAnswer> {correct}</correctAnswer>\n"
            f"<source>{escape(source)}</source>\n</schema>\n\n")


def write_wsc273(root: pathlib.Path) -> None:
    """``root/WSCollection.xml`` (root = <out>/wsc273).

    ``wsc273/WSCollection.xml``: the Winograd Schema Collection XML that
    ``wsc273:1.0.0`` downloads: ``<schema>`` elements with ``<text>`` (``txt1``,
    ``pron``, ``txt2``), ``<quote>``, two ``<answer>`` elements, ``<correctAnswer>``
    (``A`` or ``B``) and ``<source>``. The builder reads the first 273 schemas; the demo
    has 12 (six twin pairs), one pair ending on the pronoun itself (``txt2`` is only the
    full stop).
    """
    root.mkdir(parents=True, exist_ok=True)
    schemas = WSC_SCHEMAS
    pairs = [WSC_SCHEMAS[i:i + 2] for i in range(0, len(WSC_SCHEMAS), 2)]
    full = scale.redraw("wsc273", pairs, 1)
    if full is not None:  # twin pairs drawn again: the 273 schemas the builder reads
        schemas = [schema for pair in full[0] for schema in pair][:len(full[0])]
    body = "".join(_schema_xml(*schema) for schema in schemas)
    with open(root / "WSCollection.xml", "w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<!DOCTYPE collection SYSTEM "WSCollection.dtd">\n'
                f"<collection>\n{body}</collection>\n")


def write_all(out: pathlib.Path) -> None:
    """Writes this group's demo raw files under ``out`` (the demo raw root)."""
    out = pathlib.Path(out)
    write_dpr(out / "definite_pronoun_resolution")
    write_wsc273(out / "wsc273")
