"""Demo raw files for text generation: CoQA, DART, math_dataset.

``true_case`` and ``fix_punct`` need no raw files: they are derived from GLUE QNLI's
sentences (``tasks/flan/datasets_textgen.py``).
Each ``write_*`` documents the upstream file shape it mimics (layouts:
docs/offline-data.md); ``caches.demo.cli`` calls ``write_all``.
"""

from __future__ import annotations

import json
import pathlib
import random

from caches.demo.pools import (DRINKS, JOBS, PEOPLE, PETS, PLANS, PRODUCTS, REGIONS,
                               RELATIVES, RIVERS, SEASONS, SURNAMES, TOWNS, TRANSPORT)
from caches.demo import scale
from caches.demo.shared import cap, seeded_rng

# --------------------------------------------------------------------------- CoQA

COQA_STORIES = {"train": 40, "dev": 10}
COQA_SOURCES = ["mctest", "race", "gutenberg", "cnn", "wikipedia"]
_ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
_DAYS = ["Monday", "Wednesday", "Friday", "Saturday", "Sunday"]
_PLAN_DONE = {"learn to play the violin": "she could play three songs",
              "run a half marathon": "the race was over",
              "repaint the kitchen": "the kitchen was yellow",
              "take a trip to the mountains": "the trip was planned",
              "start a vegetable garden": "the first beans came up"}


def _coqa_blocks(f: dict) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(story sentence, [(question, free-form answer, rationale)]) in story order.

    Each rationale is a substring of its sentence; the questions of a block lean on
    the previous turn ("Was it ...?", "Where?"), and the answers are short free-form
    phrases, as CoQA's conversations are.
    """
    return [
        (f"{f['N']} {f['S']} lived in {f['T']}, a quiet town on the {f['R']} River in "
         f"{f['region']}.",
         [(f"Where did {f['N']} live?", f"in {f['T']}", f"lived in {f['T']}"),
          ("Was it a big town?", "no, a quiet one", f"a quiet town on the {f['R']} River"),
          ("Which river is it on?", f"the {f['R']}", f"the {f['R']} River")]),
        (f"{f['P']} worked as a {f['job']} at {f['work']}.",
         [(f"What was {f['poss']} job?", f"{f['a'].lower()} {f['job']}", f"worked as a {f['job']}"),
          ("Where?", f"at {f['work']}", f"at {f['work']}")]),
        (f"Every {f['day']}, {f['p']} took the {f['tr']} to {f['T2']} to see "
         f"{f['poss']} {f['rel']}.",
         [(f"Who did {f['p']} see every {f['day']}?", f"{f['poss']} {f['rel']}",
           f"to see {f['poss']} {f['rel']}"),
          (f"How did {f['p']} get there?", f"by {f['tr']}", f"took the {f['tr']}")]),
        (f"{f['P']} also had a {f['pet']} named {f['pet_name']}, who slept by the "
         "window all afternoon.",
         [(f"Did {f['N']} have a pet?", "yes", f"had a {f['pet']}"),
          ("What was its name?", f["pet_name"], f"named {f['pet_name']}"),
          ("Where did it sleep?", "by the window", "slept by the window")]),
        (f"One {f['season']}, {f['N']} decided to {f['plan']}, and {f['poss']} friends "
         f"brought {f['product']} to cheer {f['o']} on.",
         [(f"What did {f['N']} decide to do?", f"to {f['plan']}",
           f"decided to {f['plan']}"),
          ("When?", f"one {f['season']}", f"One {f['season']}"),
          ("What did the friends bring?", f["product"], f"brought {f['product']}")]),
        # Only told after the sentence above (``_PLAN`` -> ``_DONE``).
        (f"It took {f['weeks']} weeks, and when {f['done']} everyone shared a "
         f"{f['drink']}.",
         [("How long did it take?", f"{f['weeks']} weeks", f"took {f['weeks']} weeks"),
          ("What did they drink afterwards?", f"a {f['drink']}",
           f"shared a {f['drink']}")]),
    ]


_PLAN, _DONE = 4, 5  # indices in _coqa_blocks: the second only follows the first

# Questions the story never answers (CoQA's "unknown" turns).
_UNKNOWN = ["How old was {p}?", "Did {p} have any children?", "What was the weather like?",
            "What was {poss} favourite color?"]


def _coqa_story(rng: random.Random, index: int, split: str) -> dict:
    """One CoQA record: a 4-5 sentence story and its 5-8 turn conversation."""
    name, pron, obj, poss = rng.choice(PEOPLE)
    job, work = rng.choice(JOBS)
    (pet, pet_name), town, town2 = rng.choice(PETS), *rng.sample(TOWNS, 2)
    plan = rng.choice(PLANS)
    done = _PLAN_DONE[plan].replace("she could", f"{pron} could")
    f = dict(N=name, S=rng.choice(SURNAMES), p=pron, P=cap(pron), o=obj, poss=poss,
             T=town, T2=town2, R=rng.choice(RIVERS), region=rng.choice(REGIONS), job=job,
             work=work, a="An" if job[0] in "aeiou" else "A", day=rng.choice(_DAYS),
             tr=rng.choice(TRANSPORT), rel=rng.choice(RELATIVES), pet=pet,
             pet_name=pet_name, season=rng.choice(SEASONS), plan=plan,
             product=rng.choice(PRODUCTS), weeks=rng.randrange(2, 12), done=done,
             drink=rng.choice(DRINKS))
    blocks = _coqa_blocks(f)
    # The first sentence always (it names the person); three or four more, in order.
    chosen = [0] + sorted(rng.sample(range(1, len(blocks)), rng.randrange(3, 5)))
    if _DONE in chosen and _PLAN not in chosen:
        chosen = sorted(set(chosen) - {_DONE} | {_PLAN})
    story = " ".join(blocks[i][0] for i in chosen)
    # Questions on two or three of the chosen sentences (one sentence stays unasked).
    asked = [0] + sorted(rng.sample(chosen[1:], rng.randrange(1, 3)))
    turns = [qa for i in asked for qa in blocks[i][1]]
    if rng.random() < 0.4:
        turns.append((rng.choice(_UNKNOWN).format(**f), "unknown", None))
    questions, answers = [], []
    for turn_id, (question, answer, rationale) in enumerate(turns, 1):
        questions.append({"input_text": question, "turn_id": turn_id})
        if rationale is None:
            start = end = -1
            rationale = "unknown"
        else:
            start = story.index(rationale)
            end = start + len(rationale)
        answers.append({"span_start": start, "span_end": end, "span_text": rationale,
                        "input_text": answer, "turn_id": turn_id})
    source = COQA_SOURCES[index % len(COQA_SOURCES)]
    record = {"source": source, "id": "".join(rng.choice(_ID_CHARS) for _ in range(30)),
              "filename": f"{source}_{split}_{index:03d}.story", "story": story,
              "questions": questions, "answers": answers}
    return record


def write_coqa(root: pathlib.Path) -> None:
    """``root/coqa-{train,dev}-v1.0.json`` (root = <out>/coqa).

    ``coqa/coqa-{train,dev}-v1.0.json``: CoQA's JSON as published (no archive),
    ``{"version": "1.0", "data": [story, ...]}``; each story has ``source``, ``id``,
    ``filename``, ``story``, ``questions`` (``input_text``, ``turn_id``) and ``answers``
    (``span_start``/``span_end`` character offsets of the rationale in the story,
    ``span_text``, the free-form ``input_text``, ``turn_id``); an unanswerable turn has
    ``unknown`` and spans of -1. (Upstream dev stories also carry ``additional_answers``
    from three more annotators, which the builder ignores; the demo leaves them out.)
    Stories follow fictional townspeople; the questions are a conversation (later turns
    say "she", "it", "there").
    """
    root.mkdir(parents=True, exist_ok=True)
    full = scale.full_sizes("coqa", len(COQA_STORIES))
    for i, (split, n) in enumerate(COQA_STORIES.items()):
        rng = seeded_rng(f"coqa/{split}")
        data = [_coqa_story(rng, j, split) for j in range(n if full is None else full[0][i])]
        if full is not None and "story" in full[1]:  # padded after the text: spans hold
            rng_grow = seeded_rng(f"coqa/{split}/full")
            for record in data:
                record["story"] = scale.grow(record["story"], rng_grow, *full[1]["story"])
        with open(root / f"coqa-{split}-v1.0.json", "w", encoding="utf-8",
                  newline="\n") as f:
            json.dump({"version": "1.0", "data": data}, f, separators=(",", ":"))


# --------------------------------------------------------------------------- DART

DART_DIR = "dart-master/data/v1.1.1"
# split -> (entries, how many of them carry a second annotation)
DART_ENTRIES = {"train": (30, 10), "dev": (8, 2), "test": (8, 2)}
RESTAURANTS = ["The Copper Kettle", "Blue Heron", "The Old Mill", "Saffron Lane",
               "The Lantern Room", "Green Fig", "The Harbor Table", "Willow Court"]
FOODS = ["Italian", "Japanese", "French", "Indian", "English", "Chinese"]
EAT_TYPES = ["coffee shop", "pub", "restaurant"]
AREAS = ["riverside", "city centre"]
RACES = ["Valley Marathon", "Harbor Swim", "Spring Cycle Race", "Hill Run"]


def _dart_town(rng: random.Random) -> tuple[list, list[str]]:
    """A WebNLG-style entry: camelCase predicates about a fictional town."""
    town, river, region = rng.choice(TOWNS), rng.choice(RIVERS), rng.choice(REGIONS)
    product, pop = rng.choice(PRODUCTS), rng.randrange(20, 400) * 100
    triples = [[town, "location", region], [town, "river", f"{river} River"],
               [town, "populationTotal", str(pop)], [town, "knownFor", product]]
    triples = triples[:rng.randrange(2, 5)]
    facts = {"river": f"on the {river} River", "populationTotal": f"home to {pop} people",
             "knownFor": f"known for its {product}"}
    extra = [facts[p] for _, p, _ in triples[1:]]
    listed = ", ".join(extra[:-1]) + " and " + extra[-1] if len(extra) > 1 else extra[0]
    return triples, [f"{town} lies in {region} and is {listed}.",
                     f"The town of {town}, in {region}, is {listed}."]


def _dart_race(rng: random.Random) -> tuple[list, list[str]]:
    """A table-row entry (WikiTableQuestions style): [TABLECONTEXT] and a row."""
    name, _, _, _ = rng.choice(PEOPLE)
    runner = f"{name} {rng.choice(SURNAMES)}"
    year, race = rng.randrange(1960, 2020), rng.choice(RACES)
    minutes, seconds = rng.randrange(20, 59), rng.randrange(0, 60)
    hours = rng.randrange(1, 4)
    time = f"{hours}:{minutes:02d}:{seconds:02d}"
    place = rng.choice(TOWNS)
    triples = [["[TABLECONTEXT]", "[TITLE]", f"{year} {race}"],
               ["[TABLECONTEXT]", "WINNER", runner], [runner, "TIME", time],
               [runner, "HOMETOWN", place]]
    return triples, [f"{runner} of {place} won the {year} {race} in {time}.",
                     f"The {year} {race} was won by {runner}, from {place}, with a time "
                     f"of {time}."]


def _dart_restaurant(rng: random.Random) -> tuple[list, list[str]]:
    """An E2E-style entry: a restaurant record."""
    name, food = rng.choice(RESTAURANTS), rng.choice(FOODS)
    eat, area = rng.choice(EAT_TYPES), rng.choice(AREAS)
    rating = rng.choice(["low", "average", "high"])
    triples = [[name, "eatType", eat], [name, "food", food], [name, "area", area],
               [name, "customer rating", rating]]
    where = "by the riverside" if area == "riverside" else "in the city centre"
    an = "an" if rating == "average" else "a"
    return triples, [f"{name} is {'an' if eat[0] in 'aeiou' else 'a'} {eat} {where} "
                     f"serving {food} food, with {an} {rating} customer rating.",
                     f"With {an} {rating} customer rating, {name} serves {food} food "
                     f"{where}."]


_DART_KINDS = ((_dart_town, "webnlg"), (_dart_race, "WikiTableQuestions_mturk"),
               (_dart_restaurant, "e2e"))


def _dart_entries(rng: random.Random, n: int, n_double: int, seen: set,
                  distinct: bool = True) -> list[dict]:
    """``n`` entries, distinct unless ``distinct`` is False (the full scale); ``n_double``
    of them (at random) with two annotations."""
    doubles = set(rng.sample(range(n), n_double))
    entries = []
    while len(entries) < n:
        make, source = _DART_KINDS[len(entries) % len(_DART_KINDS)]
        triples, texts = make(rng)
        key = json.dumps(triples)
        if distinct and key in seen:
            continue
        seen.add(key)
        texts = texts[:2 if len(entries) in doubles else 1]
        entries.append({"tripleset": triples, "subtree_was_extended": False,
                        "annotations": [{"source": source, "text": t} for t in texts]})
    return entries


def write_dart(root: pathlib.Path) -> None:
    """``root/dart-master/data/v1.1.1/dart-v1.1.1-full-*.json`` (root = <out>/dart).

    ``dart/dart-master/data/v1.1.1/dart-v1.1.1-full-{train,dev,test}.json``: the GitHub
    ``master.zip`` as it extracts; a JSON list of ``tripleset`` (subject, predicate,
    object triples) + ``annotations`` (``source``, ``text``) entries, some with two
    annotations (the builder yields one example per annotation). Entries mimic DART's
    sources: table rows (``[TABLECONTEXT]``/``[TITLE]``, upper-case predicates), WebNLG
    (camelCase predicates) and E2E restaurant records.
    """
    folder = root / DART_DIR
    folder.mkdir(parents=True, exist_ok=True)
    rng, seen = seeded_rng("dart"), set()
    sizes = DART_ENTRIES
    plan = scale.CURRENT.plan("dart")
    if plan is not None:  # the real sizes: one annotation an entry, entries may repeat
        sizes = {split: (n, 0) for split, n in zip(DART_ENTRIES, scale.CURRENT.sizes(plan))}
    for split, (n, n_double) in sizes.items():
        with open(folder / f"dart-v1.1.1-full-{split}.json", "w", encoding="utf-8",
                  newline="\n") as f:
            json.dump(_dart_entries(rng, n, n_double, seen, distinct=plan is None), f,
                      indent=1)


# ------------------------------------------------------------------- math_dataset

MATH_VERSION = "mathematics_dataset-v1.0"
MATH_MODULE = "algebra__linear_1d"
# category -> (questions, largest coefficient)
MATH_CATEGORIES = {"train-easy": (14, 9), "train-medium": (13, 60),
                   "train-hard": (13, 900), "interpolate": (10, 300)}
_VARIABLES = "abcdfghjklmnpqrstuvwxyz"


def _term(coef: int, var: str) -> str:
    """``-3, "x"`` -> ``"-3*x"``; as upstream, ``1, "x"`` -> ``"x"`` and ``-1`` -> ``"-x"``."""
    return {1: var, -1: f"-{var}"}.get(coef, f"{coef}*{var}")


def _signed(value: int, var: str = "") -> str:
    """`` + 5`` or `` - 5`` (`` - 5*x`` with ``var``): a term appended to an expression."""
    term = _term(abs(value), var) if var else str(abs(value))
    return f" + {term}" if value >= 0 else f" - {term}"


def _linear_1d(rng: random.Random, big: int) -> tuple[str, str]:
    """``Solve <linear equation> for <v>.`` with an integer solution, and the answer."""
    var, x = rng.choice(_VARIABLES), rng.randrange(-20, 21)
    a = rng.choice([c for c in range(-big, big + 1) if c])
    form = rng.randrange(3)
    if form == 0:  # a*v + b = c
        b = rng.randrange(-big, big + 1)
        question = f"Solve {_term(a, var)}{_signed(b)} = {a * x + b} for {var}."
    elif form == 1:  # c = a*v + d*v (two terms to collect)
        d = rng.choice([c for c in range(-big, big + 1) if c and c != -a])
        question = f"Solve {(a + d) * x} = {_term(a, var)}{_signed(d, var)} for {var}."
    else:  # 0 = a*v + c
        question = f"Solve 0 = {_term(a, var)}{_signed(-a * x)} for {var}."
    return question, str(x)


def write_math_dataset(root: pathlib.Path) -> None:
    """``root/mathematics_dataset-v1.0/<category>/algebra__linear_1d.txt``
    (root = <out>/math_dataset).

    ``math_dataset/mathematics_dataset-v1.0/{train-easy,train-medium,train-hard,
    interpolate}/algebra__linear_1d.txt``: the tarball as it extracts, only the module
    FLAN uses; question and answer on alternating lines.
    """
    seen: set = set()
    counts = [n for n, _ in MATH_CATEGORIES.values()]
    plan = scale.CURRENT.plan("math_dataset")
    if plan is not None:  # the real sizes: train split evenly over its three levels
        train, test = scale.CURRENT.sizes(plan)
        counts = [train // 3, train // 3, train - 2 * (train // 3), test]
    for (category, (_, big)), n in zip(MATH_CATEGORIES.items(), counts):
        rng = seeded_rng(f"math_dataset/{category}")
        lines: list[str] = []
        while len(lines) < 2 * n:
            question, answer = _linear_1d(rng, big)
            if plan is None:  # the demo's questions are distinct; the full scale repeats
                if question in seen:
                    continue
                seen.add(question)
            lines += [question, answer]
        path = root / MATH_VERSION / category / f"{MATH_MODULE}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def write_all(out: pathlib.Path) -> None:
    """Writes this group's demo raw files under ``out`` (the demo raw root)."""
    out = pathlib.Path(out)
    write_coqa(out / "coqa")
    write_dart(out / "dart")
    write_math_dataset(out / "math_dataset")
