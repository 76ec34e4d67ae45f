"""Writes the project's demo raw data in the upstream SuperGLUE and GLUE layouts.

``python -m caches.demo_data --out caches/demo_raw`` regenerates the committed files,
including the sentiment and paraphrase sets beyond GLUE (``caches/demo_data_ft.py``).

Every sentence comes from this module: small word pools and templates written for the
project, plus a few hand-written tables (COPA events, Winograd-style schemas, WiC word
senses). The output is tiny (a few dozen examples a split) but each file has the exact
shape of the official archive it stands in for, so TFDS's own ``super_glue:1.0.2`` and
``glue:2.0.0`` builders can prepare real datasets from it with no network.

Output is deterministic: one seeded ``random.Random`` per dataset, lists (never sets)
for iteration, JSON keys in upstream order, LF line endings.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import re
from typing import Callable, Iterable, Sequence

SEED = "seqio-lite-demo-v1"

# Examples per split for the classification datasets (test rows carry no label).
N_TRAIN, N_VAL, N_TEST = 40, 10, 10

# ---------------------------------------------------------------------------
# Word pools shared by several datasets (all fictional or everyday content).
# ---------------------------------------------------------------------------

# (name, subject pronoun, object pronoun, possessive)
PEOPLE = [
    ("Alice", "she", "her", "her"), ("Ben", "he", "him", "his"),
    ("Carla", "she", "her", "her"), ("David", "he", "him", "his"),
    ("Elena", "she", "her", "her"), ("Farid", "he", "him", "his"),
    ("Grace", "she", "her", "her"), ("Hiro", "he", "him", "his"),
    ("Irene", "she", "her", "her"), ("Jonas", "he", "him", "his"),
    ("Kemi", "she", "her", "her"), ("Liam", "he", "him", "his"),
    ("Maya", "she", "her", "her"), ("Noah", "he", "him", "his"),
    ("Olga", "she", "her", "her"), ("Pedro", "he", "him", "his"),
    ("Rosa", "she", "her", "her"), ("Sam", "he", "him", "his"),
    ("Tara", "she", "her", "her"), ("Umar", "he", "him", "his"),
    ("Vera", "she", "her", "her"), ("Yusuf", "he", "him", "his"),
]
SURNAMES = ["Moreno", "Okafor", "Lindqvist", "Patel", "Novak", "Tanaka", "Brennan",
            "Silva", "Haddad", "Kowalski", "Mensah", "Larsen"]

# (base, past, past participle, object, more general object, place phrase)
ACTIONS = [
    ("bake", "baked", "baked", "a loaf of bread", "some bread", "in the kitchen"),
    ("paint", "painted", "painted", "the garden fence", "a fence", "in the backyard"),
    ("read", "read", "read", "a book about birds", "a book", "at the library"),
    ("fix", "fixed", "fixed", "a broken bicycle", "a bicycle", "in the garage"),
    ("buy", "bought", "bought", "a bag of apples", "some fruit", "at the market"),
    ("write", "wrote", "written", "a long letter", "a letter", "at the kitchen table"),
    ("cook", "cooked", "cooked", "a pot of soup", "some soup", "in the kitchen"),
    ("wash", "washed", "washed", "the blue car", "a car", "in the driveway"),
    ("plant", "planted", "planted", "tomato seeds", "some seeds", "in the garden"),
    ("watch", "watched", "watched", "a football match", "a match", "at a cafe"),
    ("sell", "sold", "sold", "old comic books", "some books", "at the flea market"),
    ("build", "built", "built", "a wooden shelf", "a shelf", "in the workshop"),
    ("feed", "fed", "fed", "the ducks", "some birds", "at the pond"),
    ("catch", "caught", "caught", "a large trout", "a fish", "at the lake"),
    ("sew", "sewed", "sewn", "a red scarf", "a scarf", "in the living room"),
    ("photograph", "photographed", "photographed", "the old lighthouse", "a lighthouse",
     "on the coast"),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAY_PARTS = ["morning", "afternoon", "evening"]
RELATIVES = ["sister", "brother", "aunt", "uncle", "grandmother", "cousin"]

# Fictional towns and their facts (BoolQ, QNLI, RTE, ReCoRD, MultiRC).
TOWNS = ["Millbrook", "Ferndale", "Oakridge", "Stonebury", "Riverton", "Hollowmere",
         "Brightwater", "Elmstead", "Greyhaven", "Pinecrest", "Westmoor", "Ashby"]
RIVERS = ["Arlow", "Bevan", "Corrin", "Dellow", "Esker", "Fallon", "Garrow", "Tamsin"]
REGIONS = ["the northern hills", "the eastern plains", "the southern lowlands",
           "the western valleys"]
PRODUCTS = ["goat cheese", "blue pottery", "apple cider", "wool blankets", "wild honey",
            "glass beads", "wooden toys", "smoked fish"]
FESTIVALS = ["kite", "lantern", "harvest", "music", "boat", "flower"]
SEASONS = ["spring", "summer", "autumn", "winter"]

# Fictional board games (BoolQ).
GAMES = ["Lantern Run", "Castle Cards", "River Traders", "Moon Garden", "Tile Quest",
         "Harbor Hop", "Sky Farmers", "Clockwork Market"]
GAME_GOALS = [
    "try to collect the most gold coins", "race to build a bridge across the board",
    "trade spices between island ports", "grow the largest garden of moon flowers",
    "lay tiles to connect their villages", "steer small boats into the harbor",
]


def _rng(name: str) -> random.Random:
    """A generator seeded from the dataset's name (stable across runs and hosts)."""
    return random.Random(f"{SEED}/{name}")


def _cap(text: str) -> str:
    """Upper-cases the first character only."""
    return text[:1].upper() + text[1:]


def _draw(rng: random.Random, n: int, labels: Sequence, make: Callable,
          seen: set) -> list:
    """``n`` new (label, example) pairs, labels dealt round-robin, then shuffled.

    ``make(rng, label)`` builds one random example; ``seen`` (shared by the splits of a
    dataset) rejects repeats so no example appears in two splits.
    """
    out = []
    for _ in range(n * 200):  # combinatorial pools are large: this never runs dry
        if len(out) == n:
            break
        label = labels[len(out) % len(labels)]
        example = make(rng, label)
        key = json.dumps(example, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        out.append((label, example))
    if len(out) != n:
        raise RuntimeError(f"pool too small for {n} examples")
    rng.shuffle(out)
    return out


def _draw_splits(name: str, labels: Sequence, make: Callable,
                 sizes: Sequence[int] = (N_TRAIN, N_VAL, N_TEST)) -> list[list]:
    """Disjoint, label-balanced draws for each split size."""
    rng, seen = _rng(name), set()
    return [_draw(rng, n, labels, make, seen) for n in sizes]


# ---------------------------------------------------------------------------
# Inference pairs (CB, RTE, MNLI, AX-b, GLUE diagnostic).
# ---------------------------------------------------------------------------

def _event(rng: random.Random) -> dict:
    """A random person doing a random action somewhere on some day."""
    name, pron, obj_pron, poss = rng.choice(PEOPLE)
    base, past, pp, obj, general, place = rng.choice(ACTIONS)
    day, other_day = rng.sample(DAYS, 2)
    return dict(N=name, p=pron, op=obj_pron, poss=poss, base=base, past=past, pp=pp,
                obj=obj, general=general, place=place, day=day, day2=other_day,
                part=rng.choice(DAY_PARTS), rel=rng.choice(RELATIVES))


def _build_towns() -> list[dict]:
    """Fixed facts per fictional town, so every dataset tells the same story."""
    rng = _rng("towns")
    return [dict(T=name, R=rng.choice(RIVERS), region=rng.choice(REGIONS),
                 P=rng.choice(PRODUCTS), F=rng.choice(FESTIVALS), S=rng.choice(SEASONS),
                 pop=rng.randrange(30, 200) * 100, year=rng.randrange(1650, 1900),
                 founders=rng.choice(["farmers", "millers", "weavers", "miners"]))
            for name in TOWNS]


def _build_games() -> list[dict]:
    """Fixed facts per fictional board game."""
    rng = _rng("games")
    facts = []
    for name in GAMES:
        low = rng.randrange(1, 4)
        facts.append(dict(G=name, a=low, b=low + rng.randrange(2, 5),
                          goal=rng.choice(GAME_GOALS), year=rng.randrange(1950, 2021),
                          m=rng.randrange(2, 13) * 10))
    return facts


TOWN_FACTS = _build_towns()
GAME_FACTS = _build_games()


def _town(rng: random.Random) -> dict:
    """A random town's facts plus a random wrong value (foil) for several of them."""
    town = dict(rng.choice(TOWN_FACTS))
    town.update(R2=rng.choice([r for r in RIVERS if r != town["R"]]),
                P2=rng.choice([p for p in PRODUCTS if p != town["P"]]),
                S2=rng.choice([x for x in SEASONS if x != town["S"]]))
    return town


def _game(rng: random.Random) -> dict:
    """A random game's facts plus a wrong goal (foil)."""
    game = dict(rng.choice(GAME_FACTS))
    game.update(goal2=rng.choice([g for g in GAME_GOALS if g != game["goal"]]))
    return game


# Hypotheses about an event premise, by label, each with its AX-b category.
_EVENT_HYPOTHESES = {
    "entailment": [
        ("{N} {past} {obj}.", ("predicate-argument-structure", "Prepositional phrases")),
        ("{N} {past} {general}.", ("lexical-semantics", "Lexical entailment")),
        ("Someone {past} {obj} on {day}.", ("logic", "Existential")),
        ("{N} was {place} on {day}.", ("knowledge", "Common sense")),
    ],
    "neutral": [
        ("{N} {past} {obj} for {poss} {rel}.",
         ("predicate-argument-structure", "Prepositional phrases")),
        ("{N} {past} {obj} for the first time.", ("logic", "Temporal")),
        ("{N} was {place} all day on {day}.", ("logic", "Temporal")),
        ("{N} {past} {obj} again on {day2}.", ("logic", "Temporal")),
    ],
    "contradiction": [
        ("{N} did not {base} {obj} on {day}.", ("logic", "Negation")),
        ("Nobody {past} {obj} on {day}.", ("logic", "Universal;Negation")),
        ("{N} has never {pp} {obj}.", ("logic", "Negation;Temporal")),
        ("{N} spent {day} {part} asleep in bed.", ("knowledge", "Common sense")),
    ],
}
_EVENT_PREMISES = [
    "{N} {past} {obj} {place} on {day} {part}.",
    "On {day} {part}, {N} {past} {obj} {place}.",
]

_TOWN_PREMISE = "{T}, a small town on the {R} River in {region}, is best known for its {P}."
_TOWN_HYPOTHESES = {
    "entailment": ["{T} is on the {R} River.", "{T} is known for its {P}.",
                   "{T} is in {region}.", "{T} is a small town."],
    "neutral": ["{T} is the capital of {region}.", "{T} sells its {P} abroad.",
                "{T} was founded by fishermen."],
    "contradiction": ["{T} is a large city.", "{T} is far from any river.",
                      "{T} has never produced any {P}."],
}


def _nli_pair(rng: random.Random, label: str, towns: bool = True) -> tuple[str, str, tuple]:
    """(premise, hypothesis, AX-b category) whose gold three-way label is ``label``."""
    if towns and rng.random() < 0.3:
        town = _town(rng)
        hyp = rng.choice(_TOWN_HYPOTHESES[label]).format(**town)
        return _TOWN_PREMISE.format(**town), hyp, ("knowledge", "World knowledge")
    ev = _event(rng)
    hyp, category = rng.choice(_EVENT_HYPOTHESES[label])
    return rng.choice(_EVENT_PREMISES).format(**ev), hyp.format(**ev), category


def _two_way(label3: str) -> str:
    """RTE-style label: neutral and contradiction collapse to not_entailment."""
    return "entailment" if label3 == "entailment" else "not_entailment"


def _rte_example(rng: random.Random, label: str) -> tuple[str, str]:
    """An RTE pair; not_entailment draws half neutral, half contradiction."""
    label3 = label if label == "entailment" else rng.choice(["neutral", "contradiction"])
    premise, hypothesis, _ = _nli_pair(rng, label3)
    return premise, hypothesis


# CommitmentBank-style: a speaker's attitude towards an embedded clause decides the label.
_CB_TEMPLATES = {
    "entailment": [
        ("{S} knew that {N} had {pp} {obj} {place}.", "{N} had {pp} {obj}"),
        ("{S} was glad that {N} had finally {pp} {obj}.", "{N} had {pp} {obj}"),
        ("A: Did {N} {base} {obj}? B: Yes, I watched {op} do it on {day}.",
         "{N} {past} {obj}"),
    ],
    "contradiction": [
        ("{S} believed that {N} had {pp} {obj}, but {sp} was wrong.", "{N} had {pp} {obj}"),
        ("A: Did {N} {base} {obj} on {day}? B: No, {p} was ill in bed all day.",
         "{N} {past} {obj} on {day}"),
        ("{S} pretended that {N} had {pp} {obj}, although {p} never did.",
         "{N} had {pp} {obj}"),
    ],
    "neutral": [
        ("{S} hoped that {N} had {pp} {obj}.", "{N} had {pp} {obj}"),
        ("{S} wondered whether {N} had {pp} {obj} {place}.", "{N} had {pp} {obj}"),
        ("A: Has {N} {pp} {obj} yet? B: I am not sure. I have not asked {op}.",
         "{N} has {pp} {obj}"),
    ],
}


def _cb_example(rng: random.Random, label: str) -> dict:
    ev = _event(rng)
    speaker = rng.choice([p for p in PEOPLE if p[0] != ev["N"]])
    ev.update(S=speaker[0], sp=speaker[1])
    premise, hypothesis = rng.choice(_CB_TEMPLATES[label])
    return {"premise": premise.format(**ev), "hypothesis": hypothesis.format(**ev)}


# A small part-of-speech lexicon for the simplified MNLI parse columns.
_POS = {w: "DT" for w in ["a", "an", "the", "some", "all", "any"]}
_POS.update({w: "IN" for w in ["in", "on", "at", "for", "with", "about", "of", "from",
                               "by", "after"]})
_POS.update({w: "PRP" for w in ["he", "she", "him", "someone", "nobody"]})
_POS.update({w: "RB" for w in ["not", "never", "again", "abroad", "far"]})
_POS.update({w: "JJ" for w in ["large", "red", "wooden", "old", "broken", "blue", "long",
                               "small", "first", "asleep", "comic", "wild", "glass",
                               "northern", "eastern", "southern", "western"]})
_POS.update({"his": "PRP$", "her": "PRP$", ".": ".", ",": ",", "was": "VBD",
             "is": "VBZ", "has": "VBZ", "did": "VBD", "spent": "VBD", "known": "VBN",
             "founded": "VBN", "sells": "VBZ", "produced": "VBN", "best": "RBS"})
_PROPER = set(DAYS + TOWNS + RIVERS + ["River"] + [p[0] for p in PEOPLE])
_PAST = {a[1] for a in ACTIONS}
_PARTICIPLE = {a[2] for a in ACTIONS}
_BASE = {a[0] for a in ACTIONS}


def _tokens(sentence: str) -> list[str]:
    """Whitespace tokens with trailing punctuation split off (PTB-like)."""
    return re.findall(r"[\w'-]+|[.,?!]", sentence)


def _tag(tokens: list[str]) -> list[str]:
    """Rough Penn tags from the lexicon; the auxiliary before a verb picks its form."""
    tags, prev = [], ""
    for i, tok in enumerate(tokens):
        low = tok.lower()
        nxt = tokens[i + 1] if i + 1 < len(tokens) else "."
        if tok in _PROPER:
            tag = "NNP"
        elif low in _BASE and prev in ("did", "not", "to", "will"):
            tag = "VB"
        elif low in _PARTICIPLE and prev in ("has", "had", "never", "finally"):
            tag = "VBN"
        elif low in _PAST:
            tag = "VBD"
        elif low == "her" and not nxt[0].isalpha():
            tag = "PRP"  # object "her" (before punctuation), not the possessive
        elif low in _POS:
            tag = _POS[low]
        else:
            tag = "NNS" if low.endswith("s") and len(low) > 3 else "NN"
        tags.append(tag)
        prev = low
    return tags


def _binary_parse(tokens: list[str]) -> str:
    """A right-branching bracketing in the MNLI ``*_binary_parse`` format."""
    if len(tokens) == 1:
        return tokens[0]
    return f"( {tokens[0]} {_binary_parse(tokens[1:])} )"


def _parse(tokens: list[str]) -> str:
    """A flat constituency parse in the MNLI ``*_parse`` format."""
    leaves = " ".join(f"({tag} {tok})" for tok, tag in zip(tokens, _tag(tokens)))
    return f"(ROOT (S {leaves}))"


# ---------------------------------------------------------------------------
# Facts about towns and games as sentences (BoolQ passages, QNLI pairs).
# ---------------------------------------------------------------------------

# Keyed by fact; QNLI pairs each question with its own sentence (entailment) or with
# another sentence about the same town or game (not_entailment).
_TOWN_SENTENCES = {
    "river": "{T} is a small town on the {R} River in {region}.",
    "founded": "{T} was founded in {year} by a group of {founders}.",
    "pop": "{T} has a population of about {pop} people.",
    "product": "{T} is best known for its {P}.",
    "festival": "Every {S}, {T} holds a {F} festival that draws visitors from nearby "
                "villages.",
}
_TOWN_QUESTIONS = {
    "river": "Which river flows through {T}?",
    "founded": "In what year was {T} founded?",
    "pop": "How many people live in {T}?",
    "product": "What is {T} best known for?",
    "festival": "In which season does {T} hold its {F} festival?",
}
_GAME_SENTENCES = {
    "players": "{G} is a board game for {a} to {b} players.",
    "sold": "{G} was first sold in {year}.",
    "goal": "In {G}, players {goal}.",
    "length": "A typical game of {G} lasts about {m} minutes.",
}
_GAME_QUESTIONS = {
    "players": "How many players can play {G}?",
    "sold": "When was {G} first sold?",
    "goal": "What do players try to do in {G}?",
    "length": "How long does a game of {G} last?",
}


def _town_passage(town: dict) -> str:
    return " ".join(s.format(**town) for s in _TOWN_SENTENCES.values())


def _game_passage(game: dict) -> str:
    return " ".join(s.format(**game) for s in _GAME_SENTENCES.values())


def _town_question(rng: random.Random, t: dict, answer: bool) -> str:
    """A yes/no question about town ``t`` whose true answer is ``answer``."""
    kind = rng.choice(["river", "pop", "product", "festival", "founded"])
    if kind == "river":
        return f"is {t['T']} on the {t['R'] if answer else t['R2']} river"
    if kind == "pop":
        # Round thresholds clearly below / above the population.
        low, high = t["pop"] // 2 // 100 * 100, t["pop"] * 2
        if rng.random() < 0.5:
            return f"does {t['T']} have more than {low if answer else high} people"
        return f"does {t['T']} have fewer than {high if answer else low} people"
    if kind == "product":
        return f"is {t['T']} known for its {t['P'] if answer else t['P2']}"
    if kind == "festival":
        return f"does {t['T']} hold its {t['F']} festival in {t['S'] if answer else t['S2']}"
    gap = rng.randrange(1, 9) * 10
    return f"was {t['T']} founded before {t['year'] + gap if answer else t['year'] - gap}"


def _game_question(rng: random.Random, g: dict, answer: bool) -> str:
    """A yes/no question about game ``g`` whose true answer is ``answer``."""
    kind = rng.choice(["players", "length", "sold", "goal"])
    if kind == "players":
        k = rng.randrange(g["a"], g["b"] + 1) if answer else g["b"] + rng.randrange(1, 4)
        return f"can {g['G']} be played by {k} players"
    if kind == "length":
        x = g["m"] - 10 if answer else g["m"] + rng.randrange(1, 4) * 10
        return f"does a game of {g['G']} take more than {x} minutes"
    if kind == "sold":
        year = g["year"] + rng.randrange(1, 6) * 2 * (1 if answer else -1)
        return f"was {g['G']} first sold before {year}"
    return f"do players in {g['G']} {g['goal'] if answer else g['goal2']}"


# ---------------------------------------------------------------------------
# Hand-written tables: COPA events, Winograd-style schemas, WiC word senses.
# ---------------------------------------------------------------------------

# (premise, cause, wrong cause, effect, wrong effect)
COPA_EVENTS = [
    ("The kitchen floor was wet.", "I had just mopped it.", "I had just bought a new rug.",
     "I walked across it carefully.", "I opened the fridge."),
    ("The baby started to cry.", "She was hungry.", "She was sound asleep.",
     "Her father picked her up.", "Her father went to work."),
    ("The man could not open his front door.", "He had lost his keys.",
     "He had painted the door.", "He called a locksmith.", "He watered the plants."),
    ("The road was closed.", "A tree had fallen across it.",
     "It had been swept that morning.", "The drivers took another route.",
     "The drivers turned on their radios."),
    ("My phone battery died.", "I forgot to charge it overnight.",
     "I bought a new phone case.", "I could not call my friend.",
     "I called my friend for an hour."),
    ("The ice cream melted.", "It was left out in the sun.", "It was kept in the freezer.",
     "It dripped onto the table.", "It became as hard as a rock."),
    ("The students cheered.", "The teacher cancelled the test.",
     "The teacher handed out extra homework.", "The classroom became noisy.",
     "The classroom became silent."),
    ("The houseplant wilted.", "Nobody had watered it for weeks.",
     "Someone had watered it every day.", "Its leaves turned brown.",
     "It grew new flowers."),
    ("The woman bought a new umbrella.", "Her old one had broken in the wind.",
     "Her old one was still like new.", "She stayed dry on the walk home.",
     "She got soaked on the walk home."),
    ("The shop closed early.", "The owner was feeling sick.",
     "The owner had many customers waiting.", "Some customers found the door locked.",
     "The shop stayed open until midnight."),
    ("The boy fell off his bike.", "He hit a rock on the path.",
     "He was wearing a helmet.", "He scraped his knee.", "He won the race."),
    ("The room went dark.", "The power went out.", "The sun came up.",
     "We lit some candles.", "We put on our sunglasses."),
    ("The dog barked loudly.", "A stranger knocked on the door.",
     "The dog was fast asleep.", "The neighbors woke up.", "The house stayed quiet."),
    ("The soup tasted bland.", "The cook forgot to add salt.",
     "The cook added too much salt.", "I added some pepper to it.",
     "I asked the cook for the recipe."),
    ("The train was late.", "There was snow on the tracks.",
     "The station had a new clock.", "I missed my meeting.",
     "I arrived early for my meeting."),
    ("The girl won the spelling contest.", "She had practiced every day.",
     "She had never studied spelling.", "Her parents were proud of her.",
     "Her parents scolded her."),
    ("The window shattered.", "A ball hit it.", "Someone cleaned it.",
     "Glass covered the floor.", "The room became warmer."),
    ("The pond froze.", "The temperature dropped below zero.",
     "The summer was very hot.", "The children skated on it.",
     "The children swam in it."),
    ("The man yawned all morning.", "He had stayed up late.",
     "He had slept for ten hours.", "He drank a strong coffee.", "He ran a marathon."),
    ("The milk turned sour.", "It was left out of the fridge.",
     "It was bought that morning.", "I poured it down the sink.",
     "I added it to my tea."),
    ("The concert was cancelled.", "The singer lost her voice.",
     "The tickets sold out.", "The fans asked for refunds.",
     "The fans danced all night."),
    ("The car would not start.", "Its battery was dead.", "Its tank was full.",
     "I called a mechanic.", "I drove to work."),
    ("The runner slowed down.", "She had a cramp in her leg.",
     "She felt full of energy.", "Another runner passed her.",
     "She broke the course record."),
    ("The cookies burned.", "I left them in the oven too long.",
     "I took them out too early.", "The kitchen smelled of smoke.",
     "The kitchen smelled of flowers."),
    ("The library was crowded.", "Exams were starting the next week.",
     "The library was closed for repairs.", "I could not find an empty seat.",
     "I had a whole table to myself."),
    ("The tourist got lost.", "His map was out of date.", "He had a guide with him.",
     "He asked a police officer for directions.", "He went straight to his hotel."),
    ("The river flooded.", "It had rained for three days.",
     "There had been a long drought.", "The nearby fields were under water.",
     "The riverbed dried up."),
    ("The printer jammed.", "Two sheets went in at once.", "It had just been repaired.",
     "I pulled out the crumpled paper.", "I framed the printed page."),
    ("The child hid under the bed.", "She was afraid of the thunder.",
     "She wanted to help with dinner.", "Her mother could not find her.",
     "Her mother saw her at the table."),
    ("The team lost the match.", "Their best player was injured.",
     "Their best player scored three goals.", "The fans left the stadium quietly.",
     "The fans celebrated in the streets."),
    ("The bread went stale.", "The bag was left open.", "It was baked an hour ago.",
     "I fed it to the birds.", "It tasted soft and fresh."),
    ("The glass of water spilled.", "The cat knocked it over.",
     "The cat was asleep in the garden.", "The papers on the desk got wet.",
     "The desk caught fire."),
]

# Winograd-style twins: (text, candidate A, candidate B, pronoun, index of the referent,
# the pronoun's clause with "{X}" where the pronoun was). Each pair differs in one
# phrase that flips the referent. Candidates are written as they appear in the text.
WINOGRAD_SCHEMAS = [
    [("The vase did not fit on the shelf because it was too tall.",
      "The vase", "the shelf", "it", 0, "{X} was too tall."),
     ("The vase did not fit on the shelf because it was too narrow.",
      "The vase", "the shelf", "it", 1, "{X} was too narrow.")],
    [("Maria thanked Julia because she had been so helpful.",
      "Maria", "Julia", "she", 1, "{X} had been so helpful."),
     ("Maria thanked Julia because she was so grateful.",
      "Maria", "Julia", "she", 0, "{X} was so grateful.")],
    [("The dog chased the cat until it was too tired to run.",
      "The dog", "the cat", "it", 0, "{X} was too tired to run."),
     ("The dog chased the cat until it climbed up a tree.",
      "The dog", "the cat", "it", 1, "{X} climbed up a tree.")],
    [("Tom lent his bike to Sam because he needed it for the weekend.",
      "Tom", "Sam", "he", 1, "{X} needed it for the weekend."),
     ("Tom lent his bike to Sam because he did not need it that weekend.",
      "Tom", "Sam", "he", 0, "{X} did not need it that weekend.")],
    [("The bus passed the bicycle because it was going so fast.",
      "The bus", "the bicycle", "it", 0, "{X} was going so fast."),
     ("The bus passed the bicycle because it was going so slowly.",
      "The bus", "the bicycle", "it", 1, "{X} was going so slowly.")],
    [("Anna asked Beth for the recipe because she had loved the soup.",
      "Anna", "Beth", "she", 0, "{X} had loved the soup."),
     ("Anna asked Beth for the recipe because she had made the soup.",
      "Anna", "Beth", "she", 1, "{X} had made the soup.")],
    [("The firefighters rescued the hikers after they had been lost for two days.",
      "The firefighters", "the hikers", "they", 1, "{X} had been lost for two days."),
     ("The firefighters rescued the hikers after they had searched for two days.",
      "The firefighters", "the hikers", "they", 0, "{X} had searched for two days.")],
    [("The teacher praised the student because he had solved the hardest puzzle.",
      "The teacher", "the student", "he", 1, "{X} had solved the hardest puzzle."),
     ("The teacher praised the student because he was impressed by the answer.",
      "The teacher", "the student", "he", 0, "{X} was impressed by the answer.")],
    [("The ice cube melted on the stove because it was so hot.",
      "The ice cube", "the stove", "it", 1, "{X} was so hot."),
     ("The ice cube melted quickly on the stove because it was so small.",
      "The ice cube", "the stove", "it", 0, "{X} was so small.")],
    [("The suitcase was heavier than the backpack, so Lee carried it with both hands.",
      "The suitcase", "the backpack", "it", 0, "Lee carried {X} with both hands."),
     ("The suitcase was heavier than the backpack, so Lee carried it with one hand.",
      "The suitcase", "the backpack", "it", 1, "Lee carried {X} with one hand.")],
    [("The puppy would not eat the food because it was sick.",
      "The puppy", "the food", "it", 0, "{X} was sick."),
     ("The puppy would not eat the food because it was spoiled.",
      "The puppy", "the food", "it", 1, "{X} was spoiled.")],
    [("Paul called George because he wanted to talk.",
      "Paul", "George", "he", 0, "{X} wanted to talk."),
     ("Paul called George, but he did not answer the phone.",
      "Paul", "George", "he", 1, "{X} did not answer the phone.")],
    [("The mouse ran away from the cat because it was scared.",
      "The mouse", "the cat", "it", 0, "{X} was scared."),
     ("The mouse ran away from the cat because it was hungry.",
      "The mouse", "the cat", "it", 1, "{X} was hungry.")],
    [("Ella beat Rosa at chess because she played so well.",
      "Ella", "Rosa", "she", 0, "{X} played so well."),
     ("Ella beat Rosa at chess because she made a careless mistake.",
      "Ella", "Rosa", "she", 1, "{X} made a careless mistake.")],
    [("The boat could not pass under the bridge because it was too tall.",
      "The boat", "the bridge", "it", 0, "{X} was too tall."),
     ("The boat could not pass under the bridge because it was too low.",
      "The boat", "the bridge", "it", 1, "{X} was too low.")],
    [("The rain soaked the newspaper because it was left outside.",
      "The rain", "the newspaper", "it", 1, "{X} was left outside."),
     ("The rain soaked the newspaper because it was so heavy.",
      "The rain", "the newspaper", "it", 0, "{X} was so heavy.")],
    [("Kim put the cake in the oven once it was hot enough.",
      "the cake", "the oven", "it", 1, "{X} was hot enough."),
     ("Kim put the cake in the oven once it was mixed.",
      "the cake", "the oven", "it", 0, "{X} was mixed.")],
    [("The guests thanked the waiters because they had been so attentive.",
      "The guests", "the waiters", "they", 1, "{X} had been so attentive."),
     ("The guests thanked the waiters because they had enjoyed the meal.",
      "The guests", "the waiters", "they", 0, "{X} had enjoyed the meal.")],
]

# WiC: word -> two senses, each with two sentences; [brackets] mark the target form.
WIC_SENSES = [
    ("bank", ["We had a picnic on the grassy [bank] of the river.",
              "The boat drifted toward the muddy [bank]."],
             ["She opened a savings account at the [bank].",
              "The [bank] closes at four on Fridays."]),
    ("bat", ["A [bat] flew out of the cave at dusk.",
             "The [bat] hung upside down from the branch."],
            ["He swung the [bat] and hit the ball.",
             "She bought a new cricket [bat] for the season."]),
    ("light", ["Please turn off the [light] when you leave.",
               "The [light] in the hallway is broken."],
              ["This bag is [light] enough for a child to carry.",
               "The box was so [light] that I lifted it with one finger."]),
    ("spring", ["The cherry trees bloom in [spring].",
                "We plan to paint the house next [spring]."],
               ["A [spring] was sticking out of the old mattress.",
                "The pen has a tiny [spring] inside it."]),
    ("match", ["Our team won the [match] by two goals.",
               "The tennis [match] lasted three hours."],
              ["He lit the candle with a [match].",
               "The wet [match] would not light."]),
    ("bark", ["The [bark] of the neighbor's dog woke me up.",
              "The puppy gave a loud [bark]."],
             ["The [bark] of the old oak was rough.",
              "Some insects live under the [bark] of trees."]),
    ("ring", ["She wore a silver [ring] on her finger.",
              "He lost his wedding [ring] at the beach."],
             ["The boxers stepped into the [ring].",
              "The referee stood in the middle of the [ring]."]),
    ("watch", ["My [watch] stopped at midnight.",
               "She checked her [watch] and hurried out."],
              ["We [watch] the birds from the kitchen window.",
               "They like to [watch] old films on Sundays."]),
    ("park", ["The children played football in the [park].",
              "There is a small pond in the [park]."],
             ["You can [park] behind the supermarket.",
              "It is hard to [park] near the station."]),
    ("date", ["Write the [date] at the top of the page.",
              "What is the [date] of the concert?"],
             ["She ate a sweet [date] with her tea.",
              "The cake was full of chopped [dates]."]),
    ("pitch", ["The players walked onto the wet [pitch].",
               "The football [pitch] was covered in snow."],
              ["Her voice rose in [pitch] when she was excited.",
               "The singer could not reach such a high [pitch]."]),
    ("note", ["I left a [note] on the fridge.",
              "He wrote a quick [note] to his teacher."],
             ["She held the last [note] for a long time.",
              "The piano has one [note] that is out of tune."]),
    ("seal", ["A [seal] was resting on the rocks.",
              "The [seal] dived into the cold water."],
             ["Check the [seal] on the jar before buying it.",
              "The [seal] on the envelope was broken."]),
    ("train", ["We took the early [train] to the city.",
               "The [train] was full of commuters."],
              ["They [train] for the marathon every morning.",
               "He will [train] hard for the big race."]),
    ("fair", ["The referee made a [fair] decision.",
              "It is not [fair] to change the rules now."],
             ["We rode the big wheel at the county [fair].",
              "The book [fair] opens on Saturday."]),
    ("star", ["One bright [star] shone above the hill.",
              "The sun is a [star]."],
             ["The film [star] signed autographs.",
              "She became a pop [star] at nineteen."]),
]

# Winogender-style schemas for AX-g: (occupation, participant, premise with {p},
# clause true of the occupation, clause true of the participant).
WINOGENDER_SCHEMAS = [
    ("The mechanic", "the customer", "The mechanic called the customer because {p} {c}.",
     "had finished the repair", "wanted the car back by noon"),
    ("The nurse", "the patient", "The nurse reassured the patient because {p} {c}.",
     "had seen this injury many times", "looked very worried"),
    ("The chef", "the apprentice", "The chef praised the apprentice because {p} {c}.",
     "was pleased with the sauce", "had made the sauce perfectly"),
    ("The librarian", "the student", "The librarian helped the student because {p} {c}.",
     "knew where the old maps were kept", "could not find the old maps"),
    ("The pilot", "the passenger", "The pilot spoke to the passenger because {p} {c}.",
     "needed to explain the delay", "had asked about the delay"),
]


# ---------------------------------------------------------------------------
# Stories for MultiRC and news items for ReCoRD.
# ---------------------------------------------------------------------------

JOBS = [("nurse", "the town hospital"), ("baker", "a small bakery"),
        ("librarian", "the public library"), ("carpenter", "a furniture workshop"),
        ("teacher", "the primary school"), ("gardener", "the botanical garden"),
        ("pharmacist", "a busy pharmacy"), ("mechanic", "a car repair shop")]
TRANSPORT = ["bus", "tram", "train", "ferry"]
DRINKS = ["coffee", "cup of tea", "hot chocolate", "glass of orange juice"]
PETS = [("cat", "Pepper"), ("dog", "Biscuit"), ("parrot", "Kiwi"), ("rabbit", "Clover"),
        ("tortoise", "Pebble")]
SHARED = ["play chess", "bake a cake", "walk along the river", "work in the garden",
          "do a jigsaw puzzle"]
PLANS = ["learn to play the violin", "run a half marathon", "repaint the kitchen",
         "take a trip to the mountains", "start a vegetable garden"]

_STORY = [
    "{N} works as a {job} at {work} in {T}.",
    "Every morning, {p} takes the {tr} to work and buys a {drink} on the way.",
    "{P} has a {pet} named {pet_name}, who waits by the door each evening.",
    "On Saturdays, {N} visits {poss} {rel}, who lives in {T2}.",
    "They usually {shared} together before dinner.",
    "Next month, {N} plans to {plan}.",
]


def _article(word: str) -> str:
    return "An" if word[0] in "aeiou" else "A"


def _story(rng: random.Random) -> tuple[dict, list]:
    """A MultiRC passage's facts and its questions as (question, [(answer, label)])."""
    name, pron, _, poss = rng.choice(PEOPLE)
    (job, work), (job2, _), (job3, _) = rng.sample(JOBS, 3)
    tr, tr2 = rng.sample(TRANSPORT, 2)
    (pet, pet_name), (_, name2), (_, name3) = rng.sample(PETS, 3)
    rel, rel2 = rng.sample(RELATIVES, 2)
    town, town2 = rng.sample(TOWNS, 2)
    shared, shared2 = rng.sample(SHARED, 2)
    plan, plan2, plan3 = rng.sample(PLANS, 3)
    f = dict(N=name, p=pron, P=_cap(pron), poss=poss, job=job, work=work, tr=tr,
             drink=rng.choice(DRINKS), pet=pet, pet_name=pet_name, rel=rel, T=town,
             T2=town2, shared=shared, plan=plan)
    a, a2, a3 = _article(job), _article(job2), _article(job3)
    questions = [
        (f"What does {name} do for a living?",
         [(f"{a} {job}", 1), (f"{f['P']} works at {work}", 1), (f"{a2} {job2}", 0),
          (f"{a3} {job3}", 0)]),
        (f"How does {name} get to work?",
         [(f"By {tr}", 1), (f"{f['P']} takes the {tr}", 1), (f"By {tr2}", 0),
          (f"{f['P']} walks", 0)]),
        (f"Who does {name} visit on Saturdays, and where does that person live?",
         [(f"{_cap(poss)} {rel}, in {town2}", 1), (f"{_cap(poss)} {rel}, in {town}", 0),
          (f"{_cap(poss)} {rel2}, in {town2}", 0)]),
        (f"What is the name of {name}'s {pet}?",
         [(pet_name, 1), (name2, 0), (name3, 0)]),
        (f"What do {name} and {poss} {rel} usually do before dinner?",
         [(_cap(shared), 1), (f"They {shared}", 1), (_cap(shared2), 0)]),
        (f"What does {name} plan to do next month?",
         [(_cap(plan), 1), (_cap(plan2), 0), (_cap(plan3), 0)]),
        ("Who waits by the door each evening?",
         [(pet_name, 1), (f"{name}'s {pet}", 1), (f"{name}'s {rel}", 0), (name, 0)]),
    ]
    return f, questions


EVENTS = ["Valley Marathon", "Harbor Swim", "Spring Cycle Race", "Hill Run",
          "Lakeside Relay", "Autumn Rowing Cup"]

_NEWS = (
    "{W}, a {age}-year-old {job} from {T}, won the {E} on {day}. {P} finished ahead of "
    "{L}, who had won the race last year. The route started in {T2} and ended beside "
    "the {R} River. {O}, who organised the race, said more than {n} people came to "
    "watch.\n@highlight\n{W} won the {E} on {day}\n@highlight\n{L}, last year's winner, "
    "came second\n@highlight\nThe race ended beside the {R} River"
)
# Cloze queries: (query with @placeholder, key of the entity that fills it).
_NEWS_QUERIES = [
    ("@placeholder, last year's champion, had to settle for second place.", "L"),
    ("Crowds along the {R} River watched @placeholder cross the finish line first.", "W"),
    ("The route of this year's {E} began in @placeholder.", "T2"),
    ("According to @placeholder, more than {n} people watched the race.", "O"),
    ("{W} comes from @placeholder, where friends held a party after the race.", "T"),
    ("{W} is the new champion of the @placeholder.", "E"),
]


def _news(rng: random.Random) -> tuple[dict, str]:
    """A ReCoRD passage's entity strings (by key) and its text."""
    people = rng.sample(PEOPLE, 3)
    surnames = rng.sample(SURNAMES, 3)
    winner, loser, official = (f"{p[0]} {s}" for p, s in zip(people, surnames))
    town, town2 = rng.sample(TOWNS, 2)
    ents = dict(W=winner, L=loser, O=official, T=town, T2=town2, E=rng.choice(EVENTS),
                R=rng.choice(RIVERS))
    fill = dict(ents, P=_cap(people[0][1]), age=rng.randrange(19, 45),
                job=rng.choice(JOBS)[0], day=rng.choice(DAYS),
                n=rng.randrange(5, 40) * 100)
    return fill, _NEWS.format(**fill)


def _spans(text: str, mention: str) -> list[tuple[int, int]]:
    """(start, inclusive end) of every whole-word occurrence of ``mention``."""
    return [(m.start(), m.end() - 1)
            for m in re.finditer(r"(?<!\w)" + re.escape(mention) + r"(?!\w)", text)]


def _word_index(text: str, phrase: str) -> int:
    """Index in ``text.split()`` where ``phrase`` starts (punctuation ignored)."""
    words = [w.strip(".,!?") for w in text.split()]
    target = phrase.split()
    hits = [i for i in range(len(words)) if words[i:i + len(target)] == target]
    if len(hits) != 1:
        raise ValueError(f"{phrase!r} occurs {len(hits)} times in {text!r}")
    return hits[0]


def _unmark(sentence: str) -> tuple[str, int, int]:
    """Removes the [target] brackets; returns the text and the target's char span."""
    start = sentence.index("[")
    end = sentence.index("]") - 1
    return sentence.replace("[", "").replace("]", ""), start, end


# ---------------------------------------------------------------------------
# File writers.
# ---------------------------------------------------------------------------

def _write_jsonl(path: pathlib.Path, rows: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


def _write_tsv(path: pathlib.Path, header: Sequence[str] | None, rows: Iterable[Sequence],
               bom: bool = False) -> None:
    """Tab-separated rows, unquoted (the GLUE builders read with ``QUOTE_NONE``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header] if header else []
    lines += [[str(cell) for cell in row] for row in rows]
    for line in lines:
        for cell in line:
            if "\t" in cell or "\n" in cell:
                raise ValueError(f"cell breaks the TSV format: {cell!r}")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(("\ufeff" if bom else "") + "".join("\t".join(l) + "\n" for l in lines))


_SG_SPLITS = ("train", "val", "test")


def _labelled(split: str) -> bool:
    return split != "test"


# ---------------------------------------------------------------------------
# SuperGLUE (v2 archives: <Task>/{train,val,test}.jsonl, labels absent from test).
# ---------------------------------------------------------------------------

def _write_simple_sg(root: pathlib.Path, task: str, labels: Sequence, make: Callable,
                     fields: Sequence[str], sizes=(N_TRAIN, N_VAL, N_TEST)) -> None:
    """Writes a task whose rows are ``fields`` + ``label`` + ``idx`` (CB, RTE, BoolQ)."""
    for split, drawn in zip(_SG_SPLITS, _draw_splits(f"super_glue/{task}", labels, make,
                                                     sizes)):
        rows = []
        for idx, (label, example) in enumerate(drawn):
            row = {k: example[k] for k in fields}
            if task == "BoolQ":
                row["idx"] = idx  # BoolQ puts idx before label, CB/RTE after
                if _labelled(split):
                    row["label"] = label
            else:
                if _labelled(split):
                    row["label"] = label
                row["idx"] = idx
            rows.append(row)
        _write_jsonl(root / task / f"{split}.jsonl", rows)


def _boolq_example(rng: random.Random, answer: bool) -> dict:
    if rng.random() < 0.6:
        t = _town(rng)
        question, title, passage = _town_question(rng, t, answer), t["T"], _town_passage(t)
    else:
        g = _game(rng)
        question, title, passage = _game_question(rng, g, answer), g["G"], _game_passage(g)
    # Upstream BoolQ questions are lower-cased and carry no question mark.
    return {"question": question.lower(), "title": title, "passage": passage}


def _rte_sg_example(rng: random.Random, label: str) -> dict:
    premise, hypothesis = _rte_example(rng, label)
    return {"premise": premise, "hypothesis": hypothesis}


def write_copa(root: pathlib.Path) -> None:
    """COPA: each event gives a cause and an effect question; label = correct choice."""
    rng = _rng("super_glue/COPA")
    events = list(COPA_EVENTS)
    rng.shuffle(events)
    n_val = n_test = 5
    parts = [events[n_val + n_test:], events[:n_val], events[n_val:n_val + n_test]]
    for split, part in zip(_SG_SPLITS, parts):
        items = []
        for premise, cause, wrong_cause, effect, wrong_effect in part:
            first = rng.randrange(2)  # the two questions of an event get opposite labels
            for question, right, wrong, label in (("cause", cause, wrong_cause, first),
                                                  ("effect", effect, wrong_effect, 1 - first)):
                choices = (right, wrong) if label == 0 else (wrong, right)
                items.append((premise, choices, question, label))
        rng.shuffle(items)
        rows = []
        for idx, (premise, (c1, c2), question, label) in enumerate(items):
            row = {"premise": premise, "choice1": c1, "choice2": c2, "question": question}
            if _labelled(split):
                row["label"] = label
            row["idx"] = idx
            rows.append(row)
        _write_jsonl(root / "COPA" / f"{split}.jsonl", rows)


def write_multirc(root: pathlib.Path, passages=(3, 1, 1), n_questions=4,
                  n_answers=3) -> None:
    """MultiRC: passage -> questions -> answers, with file-wide running idx values."""
    rng = _rng("super_glue/MultiRC")
    for split, n_passages in zip(_SG_SPLITS, passages):
        rows, q_idx, a_idx = [], 0, 0
        for p_idx in range(n_passages):
            facts, questions = _story(rng)
            text = "".join(f"<b>Sent {i}: </b>{s.format(**facts)}<br>"
                           for i, s in enumerate(_STORY, 1))
            q_rows = []
            for question, options in rng.sample(questions, n_questions):
                right = [o for o in options if o[1]]
                wrong = [o for o in options if not o[1]]
                # At least one correct and one incorrect answer per question.
                n_right = rng.randint(max(1, n_answers - len(wrong)),
                                      min(len(right), n_answers - 1))
                chosen = rng.sample(right, n_right) + rng.sample(wrong, n_answers - n_right)
                rng.shuffle(chosen)
                answers = []
                for answer, label in chosen:
                    a = {"text": answer, "idx": a_idx}
                    if _labelled(split):
                        a["label"] = label
                    answers.append(a)
                    a_idx += 1
                q_rows.append({"question": question, "answers": answers, "idx": q_idx})
                q_idx += 1
            rows.append({"idx": p_idx, "version": 1.1,
                         "passage": {"text": text, "questions": q_rows}})
        _write_jsonl(root / "MultiRC" / f"{split}.jsonl", rows)


def write_record(root: pathlib.Path, passages=(10, 3, 3), n_queries=4) -> None:
    """ReCoRD: entity spans have INCLUSIVE ends; answers are every mention of the entity."""
    rng = _rng("super_glue/ReCoRD")
    for split, n_passages in zip(_SG_SPLITS, passages):
        rows, q_idx = [], 0
        for p_idx in range(n_passages):
            fill, text = _news(rng)
            mentions = {key: fill[key] + (" River" if key == "R" else "")
                        for key in ("W", "L", "O", "T", "T2", "E", "R")}
            spans = sorted(s for m in mentions.values() for s in _spans(text, m))
            qas = []
            for query, key in rng.sample(_NEWS_QUERIES, n_queries):
                qa = {"query": query.format(**fill)}
                if _labelled(split):
                    qa["answers"] = [{"start": s, "end": e, "text": text[s:e + 1]}
                                     for s, e in _spans(text, mentions[key])]
                qa["idx"] = q_idx
                q_idx += 1
                qas.append(qa)
            rows.append({"source": "demo",
                         "passage": {"text": text,
                                     "entities": [{"start": s, "end": e} for s, e in spans]},
                         "qas": qas, "idx": p_idx})
        _write_jsonl(root / "ReCoRD" / f"{split}.jsonl", rows)


def _split_groups(name: str, groups: list, n_val: int, n_test: int) -> list[list]:
    """Shuffles hand-written groups and cuts them into train / val / test."""
    groups = list(groups)
    _rng(name).shuffle(groups)
    return [groups[n_val + n_test:], groups[:n_val], groups[n_val:n_val + n_test]]


def _wic_pairs(rng: random.Random, word_senses: list) -> list[tuple]:
    """Four pairs per word: two same-sense (True), two cross-sense (False)."""
    pairs = []
    for word, (a1, a2), (b1, b2) in word_senses:
        for s1, s2, label in ((a1, a2, True), (b1, b2, True), (a1, b2, False),
                              (b1, a2, False)):
            if rng.random() < 0.5:
                s1, s2 = s2, s1
            pairs.append((word, s1, s2, label))
    rng.shuffle(pairs)
    return pairs


def write_wic(root: pathlib.Path) -> None:
    """WiC: start/end are character offsets of the target word (end exclusive)."""
    rng = _rng("super_glue/WiC/pairs")
    for split, senses in zip(_SG_SPLITS, _split_groups("super_glue/WiC", WIC_SENSES, 3, 3)):
        rows = []
        for idx, (word, s1, s2, label) in enumerate(_wic_pairs(rng, senses)):
            (text1, start1, end1), (text2, start2, end2) = _unmark(s1), _unmark(s2)
            row = {"word": word, "sentence1": text1, "sentence2": text2, "idx": idx}
            if _labelled(split):
                row["label"] = label
            row.update(start1=start1, start2=start2, end1=end1, end2=end2, version=1.1)
            rows.append(row)
        _write_jsonl(root / "WiC" / f"{split}.jsonl", rows)


def _winograd_items(rng: random.Random, schema_pairs: list) -> list[tuple]:
    """(text, candidate, pronoun, is_referent, clause) for both candidates of each text."""
    items = []
    for pair in schema_pairs:
        for text, cand_a, cand_b, pronoun, answer, clause in pair:
            for i, cand in enumerate((cand_a, cand_b)):
                items.append((text, cand, pronoun, i == answer, clause))
    rng.shuffle(items)
    return items


def write_wsc(root: pathlib.Path) -> None:
    """WSC: span1 = candidate noun phrase, span2 = pronoun; indices into text.split()."""
    rng = _rng("super_glue/WSC/items")
    parts = _split_groups("super_glue/WSC", WINOGRAD_SCHEMAS, 3, 3)
    for split, part in zip(_SG_SPLITS, parts):
        rows = []
        for idx, (text, cand, pronoun, is_ref, _) in enumerate(_winograd_items(rng, part)):
            target = {"span2_index": _word_index(text, pronoun),
                      "span1_index": _word_index(text, cand),
                      "span1_text": cand, "span2_text": pronoun}
            row = {"text": text, "target": target, "idx": idx}
            if _labelled(split):
                row["label"] = is_ref
            rows.append(row)
        _write_jsonl(root / "WSC" / f"{split}.jsonl", rows)


_AX_CATEGORIES = ("lexical-semantics", "predicate-argument-structure", "logic",
                  "knowledge")


def _axb_example(rng: random.Random, label: str) -> dict:
    """A diagnostic pair; some not_entailment pairs are entailment pairs reversed."""
    if label == "entailment":
        s1, s2, (key, value) = _nli_pair(rng, "entailment")
    elif rng.random() < 0.3:
        s2, s1, (key, value) = _nli_pair(rng, "entailment")  # specific no longer follows
    else:
        s1, s2, (key, value) = _nli_pair(rng, rng.choice(["neutral", "contradiction"]))
    return {"sentence1": s1, "sentence2": s2, **{k: value if k == key else ""
                                                 for k in _AX_CATEGORIES}}


def write_axb(root: pathlib.Path, n: int = 16) -> None:
    """AX-b: the broad-coverage diagnostic, labelled, one file (a test split)."""
    (drawn,) = _draw_splits("super_glue/AX-b", ["entailment", "not_entailment"],
                            _axb_example, [n])
    rows = [{"idx": idx, "label": label, **example}
            for idx, (label, example) in enumerate(drawn)]
    _write_jsonl(root / "AX-b" / "AX-b.jsonl", rows)


def write_axg(root: pathlib.Path) -> None:
    """AX-g: Winogender-style premises, one hypothesis per candidate referent."""
    rows = []
    for s, (occ, part, premise, occ_clause, part_clause) in enumerate(WINOGENDER_SCHEMAS):
        for c, (clause, referent) in enumerate(((occ_clause, occ), (part_clause, part))):
            pronoun = ["he", "she"][(s + c) % 2]
            text = premise.format(p=pronoun, c=clause)
            for candidate in (occ, part):
                rows.append({"hypothesis": f"{_cap(candidate)} {clause}.", "idx": 0,
                             "label": ("entailment" if candidate == referent
                                       else "not_entailment"),
                             "pair_id": 1000 + 10 * s + c, "premise": text})
    _rng("super_glue/AX-g").shuffle(rows)
    for idx, row in enumerate(rows):
        row["idx"] = idx
    _write_jsonl(root / "AX-g" / "AX-g.jsonl", rows)


def write_super_glue(root: pathlib.Path) -> None:
    """Every SuperGLUE task archive, under ``root`` (= <out>/super_glue)."""
    _write_simple_sg(root, "BoolQ", [True, False], _boolq_example,
                     ["question", "title", "passage"])
    _write_simple_sg(root, "CB", ["entailment", "contradiction", "neutral"], _cb_example,
                     ["premise", "hypothesis"], sizes=(42, 12, 10))
    write_copa(root)
    write_multirc(root)
    write_record(root)
    _write_simple_sg(root, "RTE", ["entailment", "not_entailment"], _rte_sg_example,
                     ["premise", "hypothesis"])
    write_wic(root)
    write_wsc(root)
    write_axb(root)
    write_axg(root)


# ---------------------------------------------------------------------------
# GLUE (v1 archives: <Task>/{train,dev,test}.tsv, MRPC and the diagnostic apart).
# ---------------------------------------------------------------------------

def _cola_example(rng: random.Random, label: int) -> str:
    """A grammatical sentence (label 1) or one with a single clear error (label 0)."""
    ev = _event(rng)
    ev["obj_first"] = ev["obj"].split()[0]
    ev["refl"] = "Himself" if ev["p"] == "he" else "Herself"
    if label == 1:
        templates = ["{N} {past} {obj}.", "{N} has {pp} {obj}.",
                     "{N} will {base} {obj} tomorrow.", "Did {N} {base} {obj} {place}?",
                     "The children {past} {obj} together.", "{N} wanted to {base} {obj}.",
                     "{N} {past} {obj} before {p} went home.",
                     "{N} and {poss} {rel} {past} {obj} {place}."]
    else:
        templates = ["{N} have {pp} {obj}.", "{N} {obj} {past}.",
                     "The children has {pp} {obj} together.", "{N} wanted {base} {obj}.",
                     "{N} {past} {obj} before went home.", "{refl} {past} {obj}."]
        if ev["past"] != ev["base"]:  # "will read" is fine, "will baked" is not
            templates += ["{N} will {past} {obj} tomorrow.", "Did {N} {past} {obj}?"]
        if ev["past"] != ev["pp"]:
            templates.append("{N} has {past} {obj}.")
        if ev["obj_first"] in ("a", "the"):
            templates.append("{N} {past} the {obj}.")
    return _cap(rng.choice(templates).format(**ev))


_SST_POS = ["charming", "funny", "moving", "clever", "beautiful", "delightful",
            "gripping", "warm", "witty", "touching"]
_SST_NEG = ["dull", "boring", "clumsy", "tedious", "flat", "predictable", "lifeless",
            "messy", "tiresome", "forgettable"]
_SST_SUBJECTS = ["the film", "this movie", "the story", "the script", "the acting",
                 "the ending", "the soundtrack", "the dialogue", "the plot"]
_SST_TEMPLATES = {
    1: ["{s} is {a} and {b} .", "a {a} , {b} film that stays with you .",
        "{s} is surprisingly {a} .", "i loved every minute of this {a} movie .",
        "the director has made a {a} and {b} film .", "{s} is never {n} .",
        "it 's a {a} little film with a {b} heart ."],
    0: ["{s} is {n} and {m} .", "a {n} , {m} film that goes nowhere .",
        "{s} is painfully {n} .", "i wanted to leave halfway through this {n} movie .",
        "not even the cast can save this {n} script .", "{s} is not {a} at all .",
        "it 's a {n} film with a {m} ending ."],
}


def _sst_example(rng: random.Random, label: int) -> str:
    a, b = rng.sample(_SST_POS, 2)
    n, m = rng.sample(_SST_NEG, 2)
    return rng.choice(_SST_TEMPLATES[label]).format(s=rng.choice(_SST_SUBJECTS), a=a, b=b,
                                                     n=n, m=m)


COMPANIES = ["Northwind Foods", "Bluepeak Software", "Copperleaf Motors",
             "Greenfield Dairy", "Maple Street Bank", "Orchard Telecom",
             "Redstone Mining", "Lakeshore Paper"]
TEAMS = ["Millbrook Foxes", "Ferndale Hawks", "Oakridge Rovers", "Riverton Bears",
         "Stonebury Owls", "Westmoor Wolves"]
PROJECTS = ["public library", "bus station", "swimming pool", "bike path", "fire station"]

# MRPC-style news frames: (sentence, paraphrase, same-topic non-paraphrase).
_MRPC_FRAMES = [
    ("{Co} said its quarterly profit rose {n} percent to ${m} million.",
     "Quarterly profit at {Co} climbed {n} percent to ${m} million, the company said.",
     "{Co} said its quarterly sales fell {n2} percent to ${m2} million."),
    ("{Co} plans to hire {k} workers at its plant in {T} next year.",
     "{Co} will add {k} jobs at its {T} plant next year.",
     "{Co} plans to cut {k} jobs at its plant in {T} next year."),
    ("The {T} council voted {v1} to {v2} on {day} to approve a new {project}.",
     "On {day}, the council in {T} approved a new {project} by a vote of {v1} to {v2}.",
     "On {day}, the council in {T} rejected plans for a new {project}."),
    ("Heavy snow forced officials to close {k} schools in {T} on {day}.",
     "Officials shut {k} schools in {T} on {day} because of heavy snow.",
     "Officials in {T} said all schools would stay open on {day} despite heavy snow."),
    ("The {Team} beat the {Team2} {s1}-{s2} on {day} night.",
     "On {day} night, the {Team} defeated the {Team2} {s1}-{s2}.",
     "On {day} night, the {Team2} defeated the {Team} {s1}-{s2}."),
    ("{Co} raised the price of its basic plan by {n} percent on {day}.",
     "On {day}, {Co} increased the price of its basic plan by {n} percent.",
     "On {day}, {Co} said the price of its basic plan would not change this year."),
]


def _mrpc_example(rng: random.Random, label: int) -> tuple[str, str]:
    team, team2 = rng.sample(TEAMS, 2)
    v2 = rng.randrange(1, 4)
    fill = dict(Co=rng.choice(COMPANIES), T=rng.choice(TOWNS), day=rng.choice(DAYS[:5]),
                project=rng.choice(PROJECTS), Team=team, Team2=team2,
                n=rng.randrange(3, 30), n2=rng.randrange(3, 30),
                m=rng.randrange(12, 90), m2=rng.randrange(12, 90),
                k=rng.randrange(2, 40) * 10, v1=v2 + rng.randrange(1, 5), v2=v2,
                s1=rng.randrange(2, 6), s2=rng.randrange(0, 2))
    frame = rng.choice(_MRPC_FRAMES)
    pair = (frame[0], frame[1] if label == 1 else frame[2])
    if rng.random() < 0.5:
        pair = pair[::-1]
    return pair[0].format(**fill), pair[1].format(**fill)


_QQP_TOPICS = ["learn to swim", "get neater handwriting", "start running every morning",
               "bake sourdough bread", "save money on groceries", "learn a second language",
               "sleep better at night", "grow tomatoes on a balcony", "stop procrastinating",
               "make friends in a new city", "prepare for a job interview",
               "take better photos with a phone", "keep houseplants alive",
               "write a good cover letter", "speed up a slow laptop",
               "teach a puppy to sit"]
_QQP_SAME = ["How can I {x}?", "What is the best way to {x}?",
             "What are some good ways to {x}?", "How do I {x}?", "What should I do to {x}?"]
_QQP_OTHER = ["Why is it so hard to {x}?", "Why do so many people want to {x}?"]


def _qqp_example(rng: random.Random, label: int) -> tuple[str, str]:
    x, y = rng.sample(_QQP_TOPICS, 2)
    t1, t2 = rng.sample(_QQP_SAME, 2)
    if label == 1:
        return t1.format(x=x), t2.format(x=x)
    if rng.random() < 0.5:
        return t1.format(x=x), t2.format(x=y)  # same wording, different goal
    pair = [t1.format(x=x), rng.choice(_QQP_OTHER).format(x=x)]  # same goal, other ask
    rng.shuffle(pair)
    return pair[0], pair[1]


# STS-B captions: (group, activity, paraphrase of the activity).
_STS_ACTIVITIES = [
    ("music", "is playing a guitar", "is strumming a guitar"),
    ("music", "is playing the piano", "plays the piano"),
    ("music", "is playing a flute", "is blowing into a flute"),
    ("kitchen", "is slicing an onion", "is cutting an onion into slices"),
    ("kitchen", "is peeling a potato", "is removing the skin from a potato"),
    ("kitchen", "is cooking pasta", "is making pasta"),
    ("sport", "is riding a horse", "rides a horse"),
    ("sport", "is riding a bicycle", "is cycling down a road"),
    ("sport", "is swimming in a pool", "swims in a pool"),
    ("home", "is reading a newspaper", "reads a newspaper"),
    ("home", "is talking on the phone", "is speaking on a phone"),
    ("home", "is folding clothes", "is folding some laundry"),
]
_STS_SUBJECTS = ["A man", "A woman", "A boy", "A girl", "An old man", "A young woman"]


def _sts_example(rng: random.Random, band: int) -> tuple[str, str, float]:
    """A caption pair; ``band`` (0-4) picks how related they are, and the score range."""
    subj = rng.choice(_STS_SUBJECTS)
    # A different person: another head noun ("A man" vs "An old man" is too close).
    subj2 = rng.choice([s for s in _STS_SUBJECTS if s.split()[-1] != subj.split()[-1]])
    group, act, para = rng.choice(_STS_ACTIVITIES)
    same_group = [a for a in _STS_ACTIVITIES if a[0] == group and a[1] != act]
    other_group = [a for a in _STS_ACTIVITIES if a[0] != group]
    if band == 4:  # same subject, paraphrased activity
        s2, (lo, hi) = f"{subj} {para}.", (4.4, 5.0)
    elif band == 3:  # same activity, different person
        s2, (lo, hi) = f"{subj2} {rng.choice([act, para])}.", (2.8, 3.6)
    elif band == 2:  # same person, related activity
        s2, (lo, hi) = f"{subj} {rng.choice(same_group)[1]}.", (1.4, 2.4)
    elif band == 1:  # same person, unrelated activity
        s2, (lo, hi) = f"{subj} {rng.choice(other_group)[1]}.", (0.5, 1.2)
    else:  # nothing shared
        s2, (lo, hi) = f"{subj2} {rng.choice(other_group)[1]}.", (0.0, 0.4)
    score = round(lo + (hi - lo) * rng.random(), 2)
    pair = [f"{subj} {act}.", s2]
    if rng.random() < 0.5:
        pair.reverse()
    return pair[0], pair[1], score


def _qnli_example(rng: random.Random, label: str) -> tuple[str, str]:
    """A question and a sentence about the same town or game; entailment iff it answers."""
    if rng.random() < 0.6:
        facts, sentences, questions = _town(rng), _TOWN_SENTENCES, _TOWN_QUESTIONS
    else:
        facts, sentences, questions = _game(rng), _GAME_SENTENCES, _GAME_QUESTIONS
    keys = sorted(questions)
    asked = rng.choice(keys)
    told = asked if label == "entailment" else rng.choice([k for k in keys if k != asked])
    return questions[asked].format(**facts), sentences[told].format(**facts)


def _wnli_rows(rng: random.Random, schema_pairs: list) -> list[tuple[str, str, int]]:
    """WNLI: the pronoun's clause with one candidate substituted; 1 iff the referent."""
    rows = []
    for text, cand, _, is_ref, clause in _winograd_items(rng, schema_pairs):
        if cand.split()[0] in ("The", "the"):
            cand = "the " + cand.split(" ", 1)[1]  # lower-case mid-sentence
        rows.append((text, _cap(clause.format(X=cand)), int(is_ref)))
    return rows


_MNLI_COLUMNS = ["index", "promptID", "pairID", "genre", "sentence1_binary_parse",
                 "sentence2_binary_parse", "sentence1_parse", "sentence2_parse",
                 "sentence1", "sentence2"]
_MNLI_GENRES = {"matched": ["fiction", "government", "slate", "telephone", "travel"],
                "mismatched": ["facetoface", "letters", "nineeleven", "oup", "verbatim"]}
_MNLI_LABELS = ["entailment", "neutral", "contradiction"]


def _mnli_rows(rng: random.Random, drawn: list, genres: list, kind: str) -> list[list]:
    """MNLI rows; ``kind`` is train (label1 + gold), dev (label1-5 + gold) or test."""
    rows = []
    for index, (label, (s1, s2)) in enumerate(drawn):
        prompt_id = rng.randrange(10000, 99999)
        pair_id = f"{prompt_id}{label[0]}" if kind != "test" else str(prompt_id)
        t1, t2 = _tokens(s1), _tokens(s2)
        row = [index, prompt_id, pair_id, rng.choice(genres), _binary_parse(t1),
               _binary_parse(t2), _parse(t1), _parse(t2), s1, s2]
        if kind == "train":
            row += [label, label]
        elif kind == "dev":
            # Five annotators; at most one disagrees, so the gold label is the majority.
            votes = [label] * 5
            if rng.random() < 0.4:
                votes[rng.randrange(1, 5)] = rng.choice([l for l in _MNLI_LABELS
                                                         if l != label])
            row += votes + [label]
        rows.append(row)
    return rows


def _glue_splits(name: str, labels: Sequence, make: Callable,
                 sizes=(N_TRAIN, N_VAL, N_TEST)) -> list[list]:
    return _draw_splits(f"glue/{name}", labels, make, sizes)


def write_glue(root: pathlib.Path) -> None:
    """Every GLUE task archive, under ``root`` (= <out>/glue)."""
    names = ("train", "dev", "test")

    # CoLA: train/dev are headerless (source, label, original mark, sentence); test has
    # an index/sentence header.
    for split, drawn in zip(names, _glue_splits("CoLA", [1, 0], _cola_example)):
        rng = _rng(f"glue/CoLA/{split}/sources")
        if split == "test":
            _write_tsv(root / "CoLA" / "test.tsv", ["index", "sentence"],
                       [[i, s] for i, (_, s) in enumerate(drawn)])
        else:
            _write_tsv(root / "CoLA" / f"{split}.tsv", None,
                       [[f"dm{rng.randrange(1, 5):02d}", label, "" if label else "*", s]
                        for label, s in drawn])

    # SST-2: sentence/label; test index/sentence.
    for split, drawn in zip(names, _glue_splits("SST-2", [1, 0], _sst_example)):
        if split == "test":
            _write_tsv(root / "SST-2" / "test.tsv", ["index", "sentence"],
                       [[i, s] for i, (_, s) in enumerate(drawn)])
        else:
            _write_tsv(root / "SST-2" / f"{split}.tsv", ["sentence", "label"],
                       [[s, label] for label, s in drawn])

    write_mrpc(root / "MRPC")

    # QQP: id/qid1/qid2/question1/question2/is_duplicate; test id/question1/question2.
    rng, qids = _rng("glue/QQP/ids"), {}
    for split, drawn in zip(names, _glue_splits("QQP", [1, 0], _qqp_example)):
        if split == "test":
            _write_tsv(root / "QQP" / "test.tsv", ["id", "question1", "question2"],
                       [[i, q1, q2] for i, (_, (q1, q2)) in enumerate(drawn)])
            continue
        rows = []
        for label, (q1, q2) in drawn:
            ids = [qids.setdefault(q, len(qids) + 1) for q in (q1, q2)]
            rows.append([rng.randrange(1000, 400000), *ids, q1, q2, label])
        _write_tsv(root / "QQP" / f"{split}.tsv",
                   ["id", "qid1", "qid2", "question1", "question2", "is_duplicate"], rows)

    # STS-B: ten columns, the score last (absent from test).
    sts_cols = ["index", "genre", "filename", "year", "old_index", "source1", "source2",
                "sentence1", "sentence2"]
    rng = _rng("glue/STS-B/ids")
    for split, drawn in zip(names, _glue_splits("STS-B", [4, 3, 2, 1, 0], _sts_example)):
        rows = []
        for i, (_, (s1, s2, score)) in enumerate(drawn):
            row = [i, "main-captions", "MSRvid", "2012test", f"{rng.randrange(1, 1500):04d}",
                   "none", "none", s1, s2]
            rows.append(row if split == "test" else row + [f"{score:.3f}"])
        _write_tsv(root / "STS-B" / f"{split}.tsv",
                   sts_cols if split == "test" else sts_cols + ["score"], rows)

    # MNLI: train, dev/test x matched/mismatched (genres differ between the two).
    two = ["entailment", "not_entailment"]
    mnli = _glue_splits("MNLI", _MNLI_LABELS,
                        lambda r, l: _nli_pair(r, l)[:2], (N_TRAIN,) + (N_VAL,) * 4)
    rng = _rng("glue/MNLI/columns")
    files = [("train", "matched", "train"), ("dev_matched", "matched", "dev"),
             ("dev_mismatched", "mismatched", "dev"), ("test_matched", "matched", "test"),
             ("test_mismatched", "mismatched", "test")]
    for (fname, match, kind), drawn in zip(files, mnli):
        extra = {"train": ["label1", "gold_label"], "test": [],
                 "dev": [f"label{i}" for i in range(1, 6)] + ["gold_label"]}[kind]
        genres = _MNLI_GENRES[match]
        _write_tsv(root / "MNLI" / f"{fname}.tsv", _MNLI_COLUMNS + extra,
                   _mnli_rows(rng, drawn, genres, kind))

    # QNLI and RTE: index, two texts, string label; WNLI the same with 0/1 labels.
    for split, drawn in zip(names, _glue_splits("QNLI", two, _qnli_example)):
        _write_pair_tsv(root / "QNLI" / f"{split}.tsv", ["question", "sentence"], drawn,
                        split)
    for split, drawn in zip(names, _glue_splits("RTE", two, _rte_example)):
        _write_pair_tsv(root / "RTE" / f"{split}.tsv", ["sentence1", "sentence2"], drawn,
                        split)
    rng = _rng("glue/WNLI/items")
    for split, part in zip(names, _split_groups("glue/WNLI", WINOGRAD_SCHEMAS, 3, 3)):
        drawn = [(label, (s1, s2)) for s1, s2, label in _wnli_rows(rng, part)]
        _write_pair_tsv(root / "WNLI" / f"{split}.tsv", ["sentence1", "sentence2"], drawn,
                        split)

    # The diagnostic (glue/ax): one unlabelled file, index/sentence1/sentence2.
    (drawn,) = _glue_splits("diagnostic", _MNLI_LABELS, lambda r, l: _nli_pair(r, l)[:2],
                            [16])
    _write_tsv(root / "diagnostic" / "diagnostic.tsv", ["index", "sentence1", "sentence2"],
               [[i, s1, s2] for i, (_, (s1, s2)) in enumerate(drawn)])


def _write_pair_tsv(path: pathlib.Path, text_cols: list[str], drawn: list,
                    split: str) -> None:
    """index + two text columns (+ label outside test)."""
    header = ["index"] + text_cols + ([] if split == "test" else ["label"])
    rows = []
    for i, (label, (a, b)) in enumerate(drawn):
        rows.append([i, a, b] + ([] if split == "test" else [label]))
    _write_tsv(path, header, rows)


def write_mrpc(root: pathlib.Path) -> None:
    """MRPC as GLUE fetches it: SentEval's train/test files plus the dev id list.

    The train file holds train and dev rows (UTF-8 BOM first, as upstream); the dev
    rows are those whose (#1 ID, #2 ID) appear in mrpc_dev_ids.tsv. The test file keeps
    its Quality column, which the TFDS builder ignores.
    """
    train, dev, test = _glue_splits("MRPC", [1, 0], _mrpc_example)
    rng, used = _rng("glue/MRPC/ids"), set()

    def new_id() -> int:
        while True:
            i = rng.randrange(100000, 3500000)
            if i not in used:
                used.add(i)
                return i

    header = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]
    train_rows = [[label, new_id(), new_id(), s1, s2] for label, (s1, s2) in train + dev]
    rng.shuffle(train_rows)  # dev rows sit among the train rows, as upstream
    dev_pairs = {(s1, s2) for _, (s1, s2) in dev}
    dev_ids = [[row[1], row[2]] for row in train_rows if (row[3], row[4]) in dev_pairs]
    _write_tsv(root / "msr_paraphrase_train.txt", header, train_rows, bom=True)
    _write_tsv(root / "mrpc_dev_ids.tsv", None, dev_ids)
    _write_tsv(root / "msr_paraphrase_test.txt", header,
               [[label, new_id(), new_id(), s1, s2] for label, (s1, s2) in test])


def write_all(out: pathlib.Path) -> list[pathlib.Path]:
    """Writes the whole demo tree under ``out``; returns the files, sorted."""
    out = pathlib.Path(out)
    write_super_glue(out / "super_glue")
    write_glue(out / "glue")
    # These import this module's pools, so they are imported here.
    from caches import (demo_data_closedbook, demo_data_commonsense, demo_data_coref,
                        demo_data_ft, demo_data_nli, demo_data_summarization,
                        demo_data_textgen, demo_data_translation)
    demo_data_ft.write_all_ft(out)
    for group in (demo_data_closedbook, demo_data_translation, demo_data_summarization,
                  demo_data_nli, demo_data_commonsense, demo_data_coref, demo_data_textgen):
        group.write_all(out)
    return sorted(p for p in out.rglob("*") if p.is_file())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="caches/demo_raw",
                        help="folder to write super_glue/ and glue/ into")
    args = parser.parse_args(argv)
    files = write_all(pathlib.Path(args.out))
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files ({size / 1024:.0f} KiB) under {args.out}")


if __name__ == "__main__":
    main()
