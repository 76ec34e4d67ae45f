"""Demo raw files for closed-book QA (``ft_closedbook_qa_mix``): NQ open, TriviaQA, ARC.

Questions about the fictional towns and games of ``caches.demo.pools``, plus
grade-school science written for the project.
Each ``write_*`` documents the upstream file shape it mimics (layouts:
docs/offline-data.md); ``caches.demo.cli`` calls ``write_all``.
"""

from __future__ import annotations

import itertools
import json
import pathlib
import random
import re
from typing import Callable, Iterator, Sequence

from caches.demo.pools import GAME_FACTS, PEOPLE, TOWN_FACTS
from caches.demo import scale
from caches.demo.shared import seeded_rng, write_jsonl

N_TRAIN, N_VAL, N_TEST = 40, 10, 10

# ------------------------------------------------------------------ closed-book facts


def _town_qas(t: dict) -> Iterator[tuple]:
    """(NQ question, NQ answers, trivia question, trivia answer, aliases, type)."""
    name, river, year = t["T"], t["R"], t["year"]
    region = t["region"].removeprefix("the ")
    yield (f"what river does {name} stand on", [river, f"the {river} River"],
           f"The town of {name} stands on which river?", f"{river} River",
           [river, f"{river} River", f"River {river}"], "WikipediaEntity")
    yield (f"when was the town of {name} founded", [str(year)],
           f"In which year was the town of {name} founded?", str(year), [str(year)],
           "Numerical")
    yield (f"who founded the town of {name}", [f"a group of {t['founders']}",
                                               t["founders"]],
           f"Which group of workers founded the town of {name}?", t["founders"].title(),
           [t["founders"].title(), t["founders"][:-1].title()], "FreeForm")
    yield (f"what is {name} best known for", [t["P"]],
           f"{name} is best known for which local product?", t["P"].title(),
           [t["P"].title()], "FreeForm")
    yield (f"what season is the {t['F']} festival in {name} held", [t["S"],
                                                                   f"every {t['S']}"],
           f"In which season does {name} hold its {t['F']} festival?", t["S"].title(),
           [t["S"].title()], "FreeForm")
    yield (f"what kind of festival does {name} hold every {t['S']}",
           [f"a {t['F']} festival", t["F"]],
           f"What kind of festival does {name} hold each {t['S']}?",
           f"{t['F'].title()} festival", [f"{t['F'].title()} festival", t["F"].title()],
           "FreeForm")
    yield (f"where is the town of {name} located", [region, t["region"]],
           f"In which part of the country does {name} lie?", region.title(),
           [region.title(), t["region"].title()], "FreeForm")
    yield (f"how many people live in {name}", [f"about {t['pop']:,}", str(t["pop"])],
           f"To the nearest hundred, how many people live in {name}?", f"{t['pop']:,}",
           [f"{t['pop']:,}", str(t["pop"])], "Numerical")


def _game_qas(g: dict) -> Iterator[tuple]:
    """The same tuples as ``_town_qas`` for one fictional board game."""
    name = g["G"]
    yield (f"how many players can play {name.lower()}",
           [f"{g['a']} to {g['b']}", f"{g['a']}-{g['b']} players"],
           f"The board game {name} is designed for how many players?",
           f"{g['a']} to {g['b']}", [f"{g['a']} to {g['b']}", f"{g['a']}-{g['b']}"],
           "Numerical")
    yield (f"when did the board game {name.lower()} come out", [str(g["year"])],
           f"In which year was the board game {name} first published?", str(g["year"]),
           [str(g["year"])], "Numerical")
    yield (f"how long does a game of {name.lower()} last", [f"about {g['m']} minutes",
                                                            f"{g['m']} minutes"],
           f"About how many minutes does a typical game of {name} last?", str(g["m"]),
           [str(g["m"]), f"{g['m']} minutes"], "Numerical")
    yield (f"what do players do in {name.lower()}", [g["goal"]],
           f"In the board game {name}, what do the players do?", g["goal"].capitalize(),
           [g["goal"].capitalize()], "FreeForm")


def _all_qas() -> list[tuple]:
    """Every closed-book question, each as (topic, the tuple of ``_town_qas``)."""
    qas = [(town["T"], qa) for town in TOWN_FACTS for qa in _town_qas(town)]
    return qas + [(game["G"], qa) for game in GAME_FACTS for qa in _game_qas(game)]


def _normalize(text: str) -> str:
    """TriviaQA's normalised form: lower case, no punctuation, single spaces."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# ---------------------------------------------------------------------- NQ-open


def write_natural_questions_open(root: pathlib.Path) -> None:
    """``root/NQ-open.{train,dev}.jsonl``: question and its accepted answers.

    ``natural_questions_open/NQ-open.{train,dev}.jsonl``: the two NQ-open files as
    published (no archive), one ``{"question": ..., "answer": [...]}`` object a line;
    questions are lower-case without a question mark, as upstream, and some carry more
    than one accepted answer. Upstream has no test split.
    """
    qas = _all_qas()
    seeded_rng("natural_questions_open").shuffle(qas)
    parts = (scale.redraw("natural_questions_open", qas, 2)
             or (qas[:N_TRAIN], qas[N_TRAIN:N_TRAIN + N_VAL]))
    for name, part in zip(("train", "dev"), parts):
        write_jsonl(root / f"NQ-open.{name}.jsonl",
                     [{"question": q, "answer": answers} for _, (q, answers, *_) in part])


# ------------------------------------------------------------------------ TriviaQA

_TRIVIA_SOURCES = [("tc", "http://www.quiztown.example/"),
                   ("qb", "http://www.pubquizbank.example/"),
                   ("sfq", "http://www.funtrivia.example/"),
                   ("qz", "http://www.quizzing.example/")]
_TRIVIA_SPLITS = (("train", N_TRAIN), ("dev", N_VAL),
                  ("test-without-answers", N_TEST))


def _trivia_record(topic: str, qa: tuple, domain: str, labelled: bool,
                   rng: random.Random) -> dict:
    """One ``Data`` entry of a TriviaQA rc file (``Answer`` only when labelled)."""
    _, _, question, value, aliases, kind = qa
    prefix, source = rng.choice(_TRIVIA_SOURCES)
    topic = topic.replace(" ", "_")
    record = {
        "EntityPages": [{"DocSource": "TagMe", "Filename": f"{topic}.txt",
                         "Title": topic.replace("_", " ")}],
        "Question": question,
        "QuestionId": f"{prefix}_{rng.randrange(10, 99999)}",
        "QuestionPartOfVerifiedEval": False,
        "QuestionSource": source,
        "SearchResults": [],
    }
    if domain == "web":
        record["EntityPages"] = []
        record["SearchResults"] = [{
            "Description": f"A short guide to {topic.replace('_', ' ')} ...",
            "DisplayUrl": f"www.localguide.example/{topic.lower()}",
            "Filename": f"{rng.randrange(10, 99)}/{rng.randrange(10, 99)}_"
                        f"{rng.randrange(100, 999)}.txt",
            "Rank": 0, "Title": f"{topic.replace('_', ' ')} - Local Guide",
            "Url": f"http://www.localguide.example/{topic.lower()}"}]
    if labelled:
        answer = {"Aliases": aliases, "NormalizedAliases": [_normalize(a) for a in aliases],
                  "NormalizedValue": _normalize(value), "Type": kind, "Value": value}
        if kind == "WikipediaEntity":
            answer["MatchedWikiEntityName"] = value
            answer["NormalizedMatchedWikiEntityName"] = _normalize(value)
        record["Answer"] = answer
    return record


def write_trivia_qa(root: pathlib.Path) -> None:
    """``root/qa/{wikipedia,web}-<split>.json``: half of each split per domain.

    ``trivia_qa/qa/{wikipedia,web}-{train,dev,test-without-answers}.json``: the ``qa/``
    folder of ``triviaqa-rc.tar.gz`` as it extracts (the ``evidence/`` folder is not
    needed by the ``rc.nocontext`` config). Each file is one JSON document indented by
    four spaces, as upstream: the builder finds each record of ``Data`` by its
    eight-space-indented opening brace. Test records carry no ``Answer``.
    """
    qas = _all_qas()
    rng = seeded_rng("trivia_qa")
    rng.shuffle(qas)
    full = scale.redraw("trivia_qa", qas, len(_TRIVIA_SPLITS))
    parts = full
    if full is None:
        ends = list(itertools.accumulate(n for _, n in _TRIVIA_SPLITS))
        parts = [qas[end - n:end] for (_, n), end in zip(_TRIVIA_SPLITS, ends)]
    for (split, _), part in zip(_TRIVIA_SPLITS, parts):
        n = len(part)
        for domain, title, chunk in (("wikipedia", "Wikipedia", part[:n // 2]),
                                     ("web", "Web", part[n // 2:])):
            labelled = split != "test-without-answers"
            records = [_trivia_record(topic, qa, domain, labelled, rng) for topic, qa in chunk]
            if full is not None:  # TFDS keys a record by its id: one per record
                for i, record in enumerate(records):
                    record["QuestionId"] = f"{record['QuestionId'].split('_')[0]}_{i:06d}"
            doc = {"Data": records,
                   "Domain": title, "Split": split.split("-")[0], "VerifiedEval": False,
                   "Version": 1.0}
            path = root / "qa" / f"{domain}-{split}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(json.dumps(doc, indent=4, sort_keys=True) + "\n")


# ----------------------------------------------------------------------------- ARC

TOOLS = {"mass": "a balance", "length": "a meter stick", "temperature": "a thermometer",
         "volume": "a graduated cylinder", "time": "a stopwatch"}
MEASURED = {
    "mass": ["a small rock", "an apple", "a bag of sand", "a wooden block"],
    "length": ["a classroom table", "a garden hose", "a pencil", "a bean plant's stem"],
    "temperature": ["a cup of tea", "the water in a pond", "the air in a classroom",
                    "a bowl of soup"],
    "volume": ["some orange juice", "a sample of rainwater", "the vinegar for an "
               "experiment", "some cooking oil"],
    "time": ["a foot race", "a candle burning down", "a toy car rolling down a ramp",
             "an ice cube melting"],
}
ANIMAL_GROUPS = {
    "mammal": ["a bat", "a whale", "a goat", "a mouse", "a dolphin"],
    "bird": ["a penguin", "an owl", "a robin", "an ostrich", "a parrot"],
    "reptile": ["a turtle", "a lizard", "a snake", "a crocodile", "a gecko"],
    "fish": ["a shark", "a salmon", "a trout", "a goldfish", "a tuna"],
    "amphibian": ["a frog", "a toad", "a salamander", "a newt"],
}
STATES = {"solid": ["a copper coin", "a granite pebble", "a glass marble", "an iron nail",
                    "a wooden spoon", "a clay brick"],
          "liquid": ["olive oil", "vinegar", "milk", "lemon juice", "sea water", "honey"],
          "gas": ["oxygen", "helium", "carbon dioxide", "nitrogen", "neon", "argon"]}
CONDUCTORS = ["a copper wire", "an aluminum strip", "a steel nail", "a silver spoon",
              "an iron key"]
INSULATORS = ["a rubber band", "a wooden stick", "a plastic straw", "a glass rod",
              "a cotton string", "a paper clip covered in plastic", "a clay tile"]

# process -> scenarios ({N} a person, {p} their pronoun).
PROCESSES = {
    "evaporation": [
        "{N} hangs wet laundry outside on a warm, windy day. By evening the clothes "
        "are dry.",
        "{N} leaves a bowl of water on a sunny windowsill. After three days the bowl is "
        "empty.",
        "After a summer rain, a puddle forms on {N}'s driveway. By the afternoon the "
        "puddle is gone."],
    "condensation": [
        "{N} takes a cold can of juice out of the refrigerator. Soon drops of water form "
        "on the outside of the can.",
        "On a cold morning, {N} breathes onto a window and the glass fogs up.",
        "While {N} cooks soup, drops of water collect on the inside of the pot's lid."],
    "freezing": [
        "{N} puts a tray of water in the freezer. The next morning the tray holds solid "
        "cubes.",
        "On a winter night, the pond near {N}'s house turns hard enough to skate on."],
    "melting": [
        "{N} leaves a chocolate bar in a hot car. When {p} comes back, the bar is soft "
        "and runny.",
        "The snowman in {N}'s yard shrinks on a sunny spring day, leaving a pool of "
        "water."],
}
PROCESS_QUESTIONS = ["Which process does this describe?",
                     "Which change of state explains what happened?",
                     "What is the best name for the change described?"]
# (device sentence, right energy change)
ENERGY = [
    ("{N} switches on a battery-powered flashlight.", "chemical energy to light energy"),
    ("A solar panel on the roof of {N}'s school powers the lights.",
     "light energy to electrical energy"),
    ("{N} plugs in an electric fan to cool the room.",
     "electrical energy to mechanical energy"),
    ("{N} makes toast in an electric toaster.", "electrical energy to thermal energy"),
    ("A wind turbine near {N}'s town turns in the breeze and charges a battery.",
     "mechanical energy to electrical energy"),
    ("{N} strikes a match to light a candle.", "chemical energy to thermal energy"),
]
ENERGY_WRONG = ["light energy to chemical energy", "thermal energy to electrical energy",
                "sound energy to light energy", "mechanical energy to chemical energy",
                "electrical energy to sound energy"]
# (habitat, producer, herbivore, predator)
FOOD_CHAINS = [("meadow", "grass", "rabbits", "foxes"),
               ("forest", "acorns", "squirrels", "hawks"),
               ("field", "seeds", "mice", "owls"),
               ("pond", "algae", "snails", "ducks"),
               ("garden", "leaves", "caterpillars", "sparrows"),
               ("coastal water", "plankton", "small fish", "seals")]
# (plant test: factor changed, outcome measured)
EXPERIMENT_FACTORS = ["the amount of sunlight", "the amount of water", "the type of soil",
                      "the temperature of the room"]
EXPERIMENT_PLANTS = ["bean plants", "sunflower seedlings", "tomato plants", "radishes"]


def _person(rng: random.Random) -> tuple[str, str]:
    name, pronoun, *_ = rng.choice(PEOPLE)
    return name, pronoun


def _tool_question(rng: random.Random):
    quantity = rng.choice(sorted(TOOLS))
    name, pronoun = _person(rng)
    stem = (f"{name} wants to measure the {quantity} of {rng.choice(MEASURED[quantity])}."
            f" Which tool should {pronoun} use?")
    wrong = rng.sample([t for q, t in sorted(TOOLS.items()) if q != quantity], 3)
    return stem, TOOLS[quantity], wrong


def _animal_question(rng: random.Random):
    # Five choices (A-E), as a few upstream questions have.
    group = rng.choice(sorted(ANIMAL_GROUPS))
    animal = rng.choice(ANIMAL_GROUPS[group])
    stem = f"A class is sorting animals into groups. In which group does {animal} belong?"
    return stem, f"{group}s", [f"{g}s" for g in sorted(ANIMAL_GROUPS) if g != group]


def _state_question(rng: random.Random):
    # Three choices, as a few upstream questions have.
    state = rng.choice(sorted(STATES))
    thing = rng.choice(STATES[state])
    stem = f"In which state of matter is {thing} at room temperature?"
    return stem, state, [s for s in sorted(STATES) if s != state]


def _conductor_question(rng: random.Random):
    name, pronoun = _person(rng)
    stem = (f"{name} is building a circuit to light a small bulb. Which object should "
            f"{pronoun} use to connect the battery to the bulb?")
    return stem, rng.choice(CONDUCTORS), rng.sample(INSULATORS, 3)


def _process_question(rng: random.Random):
    process = rng.choice(sorted(PROCESSES))
    name, pronoun = _person(rng)
    scenario = rng.choice(PROCESSES[process]).format(N=name, p=pronoun)
    stem = f"{scenario} {rng.choice(PROCESS_QUESTIONS)}"
    return stem, process, [p for p in sorted(PROCESSES) if p != process]


def _energy_question(rng: random.Random):
    device, right = rng.choice(ENERGY)
    name, _ = _person(rng)
    stem = f"{device.format(N=name)} Which energy change takes place?"
    return stem, right, rng.sample(ENERGY_WRONG, 3)


def _food_chain_question(rng: random.Random):
    habitat, plant, prey, predator = rng.choice(FOOD_CHAINS)
    setting = f"In a {habitat}, {prey} eat {plant} and {predator} eat {prey}."
    case = rng.randrange(3)
    if case == 0:
        stem = f"{setting} If most of the {predator} leave, what will most likely happen?"
        right = f"The number of {prey} will go up."
        wrong = [f"The number of {prey} will go down.", f"The {plant} will grow faster.",
                 f"The {prey} will start to eat {predator}."]
    elif case == 1:
        stem = (f"{setting} If a disease kills most of the {prey}, what will most "
                "likely happen?")
        right = f"The {predator} will have less food."
        wrong = [f"The {predator} will have more food.", f"The {plant} will disappear.",
                 f"The {predator} will start to eat {plant}."]
    else:
        stem = (f"{setting} A dry summer kills much of the {plant}. What will most "
                "likely happen?")
        right = f"Fewer {prey} will survive."
        wrong = [f"More {prey} will survive.", f"The {predator} will eat {plant}.",
                 f"The {prey} will grow larger."]
    return stem, right, wrong


def _experiment_question(rng: random.Random):
    factor = rng.choice(EXPERIMENT_FACTORS)
    plants = rng.choice(EXPERIMENT_PLANTS)
    name, pronoun = _person(rng)
    stem = (f"{name} wants to find out whether {factor} changes how tall {plants} grow. "
            f"{pronoun.capitalize()} sets up several pots of {plants} and changes only "
            f"{factor}. Which of these should stay the same for every pot?")
    right = rng.choice([f for f in EXPERIMENT_FACTORS if f != factor])
    wrong = [factor, f"the height of the {plants} at the end",
             "nothing, since every plant is different"]
    return stem, right, wrong


ARC_FRAMES: dict[str, Sequence[Callable]] = {
    "ARC-Easy": (_tool_question, _animal_question, _state_question, _conductor_question),
    "ARC-Challenge": (_process_question, _energy_question, _food_chain_question,
                      _experiment_question),
}
_LETTERS = "ABCDE"
# Every NUMBERED-th question is labelled 1-4 instead of A-D, as some upstream ones are.
NUMBERED = 7


def _arc_rows(config: str, rng: random.Random) -> list[list[dict]]:
    """Unique questions for each split (at the full scale: the real sizes, questions
    repeated, ids still distinct), right choices dealt round-robin over positions."""
    frames, seen = ARC_FRAMES[config], set()
    prefix = "ChallengeDemo" if config == "ARC-Challenge" else "EasyDemo"
    plan = scale.CURRENT.plan(f"ai2_arc/{config}")
    sizes = (N_TRAIN, N_VAL, N_TEST) if plan is None else scale.CURRENT.sizes(plan)
    splits, made = [], 0
    for size in sizes:
        rows = []
        while len(rows) < size:
            stem, right, wrong = frames[len(rows) % len(frames)](rng)
            if plan is None and stem in seen:
                continue
            seen.add(stem)
            made += 1
            texts = list(wrong)
            position = len(rows) % (len(texts) + 1)
            texts.insert(position, right)
            labels = ("1234" if len(texts) == 4 and made % NUMBERED == 0
                      else _LETTERS)
            rows.append({
                "id": f"{prefix}_{made:04d}",
                "question": {"stem": stem,
                             "choices": [{"text": t, "label": labels[i]}
                                         for i, t in enumerate(texts)]},
                "answerKey": labels[position]})
        rng.shuffle(rows)
        splits.append(rows)
    return splits


def write_ai2_arc(root: pathlib.Path) -> None:
    """``root/ARC-V1-Feb2018-2/<config>/<config>-{Train,Dev,Test}.jsonl``.

    ``ai2_arc/ARC-V1-Feb2018-2/ARC-{Easy,Challenge}/ARC-*-{Train,Dev,Test}.jsonl``: the
    ``.jsonl`` files of ``ARC-V1-Feb2018.zip`` as it extracts, one question a line
    (``id``, ``question`` with ``stem`` and labelled ``choices``, ``answerKey``). As
    upstream, most questions have four choices labelled A-D, a few have three or five,
    and some are labelled 1-4 instead of letters.
    """
    for config in ARC_FRAMES:
        folder = root / "ARC-V1-Feb2018-2" / config
        splits = _arc_rows(config, seeded_rng(config))
        for split, rows in zip(("Train", "Dev", "Test"), splits):
            write_jsonl(folder / f"{config}-{split}.jsonl", rows)


def write_all(out: pathlib.Path) -> None:
    """Writes this group's demo raw files under ``out`` (the demo raw root)."""
    out = pathlib.Path(out)
    write_natural_questions_open(out / "natural_questions_open")
    write_trivia_qa(out / "trivia_qa")
    write_ai2_arc(out / "ai2_arc")
