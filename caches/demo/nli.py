"""Demo raw files for NLI and question classification: ANLI r1-r3, SNLI, TREC.

Each ``write_*`` documents the upstream file shape it mimics (layouts:
docs/offline-data.md); ``caches.demo.cli`` calls ``write_all``.
"""

from __future__ import annotations

import pathlib
import random
import uuid

from caches.demo.parse import binary_parse, parse, tokenize
from caches.demo.pools import (GAME_FACTS, GAME_GOALS, PEOPLE, PRODUCTS, RIVERS, SEASONS,
                               TOWNS, TOWN_FACTS)
from caches.demo.sentences import nli_pair
from caches.demo.scale import draw_splits
from caches.demo.shared import seeded_rng, write_jsonl, write_tsv

N_TRAIN, N_VAL, N_TEST = 40, 10, 10
# Pairs per split without a gold label (SNLI's "-"), part of the counts above.
SNLI_NO_GOLD = {"train": 2, "dev": 1, "test": 1}

# ---------------------------------------------------------------------------- ANLI

ANLI_LABELS = ["e", "n", "c"]

_TOWN_CONTEXT = ("{T} is a small town on the {R} River in {region}. It was founded in "
                 "{year} by a group of {founders} and has a population of about {pop} "
                 "people. {T} is best known for its {P}, and every {S} it holds a {F} "
                 "festival.")
# (hypothesis, reason) by label; {later} is a year after the founding, {more} a
# population well above the real one.
_TOWN_HYPOTHESES = {
    "e": [("{T} was founded before {later}.", "The town was founded in {year}."),
          ("Fewer than {more} people live in {T}.", "About {pop} people live there."),
          ("The first people to settle {T} were {founders}.",
           "A group of {founders} founded it."),
          ("A river runs past {T}.", "It lies on the {R} River.")],
    "n": [("{T} is the oldest town on the {R} River.",
           "The text does not compare it with other towns."),
          ("Most people in {T} earn a living from its {P}.",
           "We are not told what most people do for work."),
          ("The {F} festival in {T} is free to attend.",
           "Nothing is said about tickets."),
          ("{T} is named after one of its {founders}.",
           "The origin of the name is not given.")],
    "c": [("{T} was founded after {later}.", "It was founded in {year}, earlier."),
          ("More than {more} people live in {T}.", "Only about {pop} people live there."),
          ("{T} holds its {F} festival in {S2}.", "The festival is held in {S}."),
          ("{T} lies on the {R2} River.", "It lies on the {R} River.")],
}

_GAME_CONTEXT = ("{G} is a board game for {a} to {b} players, first published in {year}. "
                 "Players {goal}, and a typical game lasts about {m} minutes.")
_GAME_HYPOTHESES = {
    "e": [("{G} can be played by {b} people.", "It is for {a} to {b} players."),
          ("{G} came out before {later}.", "It was first published in {year}."),
          ("A game of {G} usually takes less than {longer} minutes.",
           "A typical game lasts about {m} minutes.")],
    "n": [("{G} won a prize the year it came out.", "No prizes are mentioned."),
          ("{G} is most popular with children.", "The text says nothing about who "
                                                 "plays it most."),
          ("{G} has been translated into many languages.",
           "Translations are not mentioned.")],
    "c": [("{G} needs at least {more} players.", "It is for {a} to {b} players."),
          ("{G} was first published after {later}.", "It came out in {year}."),
          ("In {G}, players {goal2}.", "Players {goal}."),
          ("A game of {G} usually takes a whole day.",
           "A typical game lasts about {m} minutes.")],
}

_SCENE_OPENINGS = ["It was a quiet week in {T}.", "Nothing much happened in {T} that "
                   "month.", "The weather in {T} had been mild for days."]


def _town_pair(rng: random.Random, label: str) -> tuple[str, str, str]:
    town = dict(rng.choice(TOWN_FACTS))
    town.update(later=town["year"] + rng.randrange(5, 120),
                more=(town["pop"] // 1000 + rng.randrange(2, 9)) * 1000,
                R2=rng.choice([r for r in RIVERS if r != town["R"]]),
                S2=rng.choice([s for s in SEASONS if s != town["S"]]))
    hypothesis, reason = rng.choice(_TOWN_HYPOTHESES[label])
    return (_TOWN_CONTEXT.format(**town), hypothesis.format(**town),
            reason.format(**town))


def _game_pair(rng: random.Random, label: str) -> tuple[str, str, str]:
    game = dict(rng.choice(GAME_FACTS))
    game.update(later=game["year"] + rng.randrange(1, 15), more=game["b"] + 1,
                longer=game["m"] + rng.randrange(2, 6) * 10,
                goal2=rng.choice([g for g in GAME_GOALS if g != game["goal"]]))
    hypothesis, reason = rng.choice(_GAME_HYPOTHESES[label])
    return (_GAME_CONTEXT.format(**game), hypothesis.format(**game),
            reason.format(**game))


def _scene_pair(rng: random.Random, label: str) -> tuple[str, str, str]:
    full = {"e": "entailment", "n": "neutral", "c": "contradiction"}[label]
    premise, hypothesis, _ = nli_pair(rng, full, towns=False)
    opening = rng.choice(_SCENE_OPENINGS).format(T=rng.choice(TOWNS))
    reason = {"e": "The story says so directly.", "n": "The story does not tell us.",
              "c": "The story says otherwise."}[label]
    return f"{opening} {premise}", hypothesis, reason


_ANLI_ROUNDS = {"R1": _town_pair, "R2": _game_pair, "R3": _scene_pair}


def write_anli(root: pathlib.Path) -> None:
    """``root/anli_v0.1/R{1,2,3}/{train,dev,test}.jsonl`` (root = <out>/anli).

    ``anli/anli_v0.1/R{1,2,3}/{train,dev,test}.jsonl``: ``anli_v0.1.zip`` as it
    extracts, one JSON object a line (``uid``, ``context``, ``hypothesis``, ``label`` as
    ``e``/``n``/ ``c``, the annotator's ``reason``); every split is labelled, as
    upstream. Round 1 contexts describe fictional towns, round 2 board games and round 3
    everyday scenes.
    """
    for round_dir, make in _ANLI_ROUNDS.items():
        name = f"anli/{round_dir}"
        uid_rng = seeded_rng(f"{name}/uid")
        splits = draw_splits(name, ANLI_LABELS, make, (N_TRAIN, N_VAL, N_TEST))
        for split, drawn in zip(("train", "dev", "test"), splits):
            rows = [{"uid": str(uuid.UUID(int=uid_rng.getrandbits(128), version=4)),
                     "context": context, "hypothesis": hypothesis, "label": label,
                     "reason": reason}
                    for label, (context, hypothesis, reason) in drawn]
            write_jsonl(root / "anli_v0.1" / round_dir / f"{split}.jsonl", rows)


# ---------------------------------------------------------------------------- SNLI

SNLI_LABELS = ["entailment", "neutral", "contradiction"]
SNLI_COLUMNS = ["gold_label", "sentence1_binary_parse", "sentence2_binary_parse",
                "sentence1_parse", "sentence2_parse", "sentence1", "sentence2",
                "captionID", "pairID", "label1", "label2", "label3", "label4", "label5"]

# (caption subject, plural?, plain noun phrase used by the hypotheses)
_SNLI_SUBJECTS = [
    ("A man in a green jacket", False, "A man"),
    ("A young girl with a red hat", False, "A girl"),
    ("Two women in summer dresses", True, "Two women"),
    ("An old man with a cane", False, "A man"),
    ("A group of children", True, "Some kids"),
    ("A woman in a blue apron", False, "A woman"),
    ("Three teenage boys", True, "Some boys"),
    ("Two friends in matching scarves", True, "Two people"),
]
# (activity and place, then hypotheses by label); {be} agrees with the subject.
_SNLI_SCENES = [
    ("riding bicycles down a busy street",
     {"entailment": ["{W} {be} outside.", "{W} {be} riding bikes."],
      "neutral": ["{W} {be} on the way to work.", "{W} {be} racing each other."],
      "contradiction": ["{W} {be} asleep on a couch.", "{W} {be} swimming in a lake."]}),
    ("selling fruit at an outdoor market",
     {"entailment": ["{W} {be} selling something.", "{W} {be} at a market."],
      "neutral": ["{W} {be} selling organic apples.", "{W} {be} trying to pay the rent."],
      "contradiction": ["{W} {be} buying shoes in a mall.",
                        "{W} {be} at home watching television."]}),
    ("playing in the snow near a frozen pond",
     {"entailment": ["{W} {be} outdoors in the cold.", "{W} {be} playing outside."],
      "neutral": ["{W} {be} building a snowman.", "{W} {be} on a winter holiday."],
      "contradiction": ["{W} {be} lying on a sunny beach.",
                        "{W} {be} sitting in a classroom."]}),
    ("waiting at a bus stop in the rain",
     {"entailment": ["{W} {be} waiting for a bus.", "{W} {be} outside in the rain."],
      "neutral": ["{W} {be} going to a concert.", "{W} {be} late for school."],
      "contradiction": ["{W} {be} driving a car.", "{W} {be} dancing at a party."]}),
    ("painting a mural on a brick wall",
     {"entailment": ["{W} {be} painting.", "{W} {be} making art."],
      "neutral": ["{W} {be} paid by the city.", "{W} {be} painting a portrait of a "
                                                 "mayor."],
      "contradiction": ["{W} {be} washing dishes.", "{W} {be} sleeping in a tent."]}),
    ("rowing a small boat across a river",
     {"entailment": ["{W} {be} on the water.", "{W} {be} in a boat."],
      "neutral": ["{W} {be} fishing for trout.", "{W} {be} training for a race."],
      "contradiction": ["{W} {be} climbing a mountain.", "{W} {be} eating in a cafe."]}),
    ("cooking dinner over a campfire",
     {"entailment": ["{W} {be} making food.", "{W} {be} near a fire."],
      "neutral": ["{W} {be} cooking sausages.", "{W} {be} camping for a week."],
      "contradiction": ["{W} {be} ordering food in a restaurant.",
                        "{W} {be} swimming laps in a pool."]}),
    ("reading books on a park bench",
     {"entailment": ["{W} {be} reading.", "{W} {be} sitting in a park."],
      "neutral": ["{W} {be} reading mystery novels.", "{W} {be} waiting for a friend."],
      "contradiction": ["{W} {be} running a marathon.", "{W} {be} asleep in bed."]}),
]


def _snli_pair(rng: random.Random, label: str) -> tuple[str, str]:
    subject, plural, who = rng.choice(_SNLI_SUBJECTS)
    activity, hypotheses = rng.choice(_SNLI_SCENES)
    be = "are" if plural else "is"
    hypothesis = rng.choice(hypotheses[label]).format(W=who, be=be)
    return f"{subject} {be} {activity}.", hypothesis


def _snli_votes(rng: random.Random, gold: str, split: str) -> list[str]:
    """Annotator labels: train keeps the author's label only; dev/test have five.

    ``gold == "-"`` gives five votes with no three alike (no majority).
    """
    if gold == "-":
        first, second, third = rng.sample(SNLI_LABELS, 3)
        return [first, second, first, second, third]
    if split == "train":
        return [gold, "", "", "", ""]
    votes = [gold] * 5
    if rng.random() < 0.4:
        votes[rng.randrange(1, 5)] = rng.choice([l for l in SNLI_LABELS if l != gold])
    return votes


def write_snli(root: pathlib.Path) -> None:
    """``root/snli_1.0/snli_1.0_{train,dev,test}.txt`` (root = <out>/snli).

    ``snli/snli_1.0/snli_1.0_{train,dev,test}.txt``: ``snli_1.0.zip`` as it extracts,
    tab-separated with a header (``gold_label``, binary and full parses, ``sentence1``,
    ``sentence2``, ``captionID``, ``pairID``, ``label1``-``label5``), image-caption
    premises. Every split holds a few pairs whose five annotators found no majority:
    their ``gold_label`` is ``-`` (the builder gives them label -1).
    """
    splits = ("train", "dev", "test")
    sizes = (N_TRAIN, N_VAL, N_TEST)
    drawn_splits = draw_splits("snli", SNLI_LABELS, _snli_pair, sizes)
    for split, drawn in zip(splits, drawn_splits):
        rng = seeded_rng(f"snli/{split}/rows")
        # The last pairs of each split lost their gold label (no annotator majority).
        golds = [label for label, _ in drawn]
        for i in range(1, SNLI_NO_GOLD[split] + 1):
            golds[-i] = "-"
        rows = []
        for gold, (label, (premise, hypothesis)) in zip(golds, drawn):
            image = rng.randrange(10 ** 9, 10 ** 10)
            caption = f"{image}.jpg#{rng.randrange(5)}"
            t1, t2 = tokenize(premise), tokenize(hypothesis)
            rows.append([gold, binary_parse(t1), binary_parse(t2), parse(t1),
                         parse(t2), premise, hypothesis, caption,
                         f"{caption}r1{label[0]}", *_snli_votes(rng, gold, split)])
        write_tsv(root / "snli_1.0" / f"snli_1.0_{split}.txt", SNLI_COLUMNS, rows)


# ---------------------------------------------------------------------------- TREC

# Coarse class -> (fine class, question pattern) pairs; patterns are tokenized as
# upstream: the question mark and the possessive "'s" are split off.
_TREC_QUESTIONS = {
    "DESC": [("manner", "How do the people of {T} make their {P} ?"),
             ("reason", "Why is {T} famous for its {P} ?"),
             ("desc", "What happens at the {F} festival in {T} ?"),
             ("def", "What is a {F} festival ?")],
    "ENTY": [("food", "What food is {T} best known for ?"),
             ("animal", "What animal is painted on the gate of {T} ?"),
             ("other", "What do players of {G} try to do ?"),
             ("color", "What color is the {F} festival flag of {T} ?")],
    "ABBR": [("exp", "What does {A} stand for ?"),
             ("abb", "What is the abbreviation for the {T} {O} ?")],
    "HUM": [("ind", "Who designed the board game {G} ?"),
            ("gr", "Which group of settlers founded {T} ?"),
            ("ind", "Who was the first mayor of {T} ?"),
            ("desc", "Who is {N} {S} ?")],
    "NUM": [("date", "When was {T} founded ?"),
            ("count", "How many people live in {T} ?"),
            ("dist", "How far is {T} from {T2} ?"),
            ("period", "How long does a game of {G} last ?")],
    "LOC": [("city", "Which town on the {R} River holds a {F} festival ?"),
            ("other", "Where does the {R} River begin ?"),
            ("city", "What is the largest town in {region} ?"),
            ("other", "Where can you buy {P} in {T} ?")],
}
TREC_COARSE = list(_TREC_QUESTIONS)
_ORGS = ["Historical Society", "Rowing Club", "Chamber of Commerce", "Garden Guild",
         "Choir Association"]
_SURNAME_POOL = ["Moreno", "Okafor", "Lindqvist", "Patel", "Novak", "Tanaka"]


def _trec_question(rng: random.Random, coarse: str) -> str:
    fine, pattern = rng.choice(_TREC_QUESTIONS[coarse])
    town = rng.choice(TOWN_FACTS)
    org = rng.choice(_ORGS)
    acronym = "".join(w[0] for w in (town["T"] + " " + org).split() if w[0].isupper())
    values = dict(town, T2=rng.choice([t for t in TOWNS if t != town["T"]]),
                  G=rng.choice(GAME_FACTS)["G"], O=org, A=acronym,
                  N=rng.choice(PEOPLE)[0], S=rng.choice(_SURNAME_POOL),
                  P=rng.choice(PRODUCTS))
    return f"{coarse}:{fine} {pattern.format(**values)}"


def write_trec(root: pathlib.Path) -> None:
    """``root/train_5500.label`` and ``root/TREC_10.label`` (root = <out>/trec).

    ``trec/train_5500.label`` and ``trec/TREC_10.label``: one question a line,
    ``COARSE:fine`` then the tokenized question (``?`` split off), as the builder
    partitions each line at its first space.
    """
    train, test = draw_splits("trec", TREC_COARSE, _trec_question, (N_TRAIN, N_TEST))
    for name, drawn in (("train_5500.label", train), ("TREC_10.label", test)):
        root.mkdir(parents=True, exist_ok=True)
        with open(root / name, "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(line + "\n" for _, line in drawn))


def write_all(out: pathlib.Path) -> None:
    """Writes this group's demo raw files under ``out`` (the demo raw root)."""
    out = pathlib.Path(out)
    write_anli(out / "anli")
    write_snli(out / "snli")
    write_trec(out / "trec")
