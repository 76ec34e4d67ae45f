"""Sentences built from the word pools: events, inference pairs, town and game facts.

Shared by the SuperGLUE, GLUE and NLI demo generators (CB, RTE, MNLI, AX-b, BoolQ, QNLI).
"""

from __future__ import annotations

import random

from caches.demo.pools import (ACTIONS, DAYS, DAY_PARTS, GAME_FACTS, GAME_GOALS, PEOPLE,
                               PRODUCTS, RELATIVES, RIVERS, SEASONS, TOWN_FACTS)


def random_event(rng: random.Random) -> dict:
    """A random person doing a random action somewhere on some day."""
    name, pron, obj_pron, poss = rng.choice(PEOPLE)
    base, past, pp, obj, general, place = rng.choice(ACTIONS)
    day, other_day = rng.sample(DAYS, 2)
    return dict(N=name, p=pron, op=obj_pron, poss=poss, base=base, past=past, pp=pp,
                obj=obj, general=general, place=place, day=day, day2=other_day,
                part=rng.choice(DAY_PARTS), rel=rng.choice(RELATIVES))


def random_town(rng: random.Random) -> dict:
    """A random town's facts plus a random wrong value (foil) for several of them."""
    town = dict(rng.choice(TOWN_FACTS))
    town.update(R2=rng.choice([r for r in RIVERS if r != town["R"]]),
                P2=rng.choice([p for p in PRODUCTS if p != town["P"]]),
                S2=rng.choice([x for x in SEASONS if x != town["S"]]))
    return town


def random_game(rng: random.Random) -> dict:
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


def nli_pair(rng: random.Random, label: str, towns: bool = True) -> tuple[str, str, tuple]:
    """(premise, hypothesis, AX-b category) whose gold three-way label is ``label``."""
    if towns and rng.random() < 0.3:
        town = random_town(rng)
        hyp = rng.choice(_TOWN_HYPOTHESES[label]).format(**town)
        return _TOWN_PREMISE.format(**town), hyp, ("knowledge", "World knowledge")
    ev = random_event(rng)
    hyp, category = rng.choice(_EVENT_HYPOTHESES[label])
    return rng.choice(_EVENT_PREMISES).format(**ev), hyp.format(**ev), category


def rte_example(rng: random.Random, label: str) -> tuple[str, str]:
    """An RTE pair; not_entailment draws half neutral, half contradiction."""
    label3 = label if label == "entailment" else rng.choice(["neutral", "contradiction"])
    premise, hypothesis, _ = nli_pair(rng, label3)
    return premise, hypothesis


# ---------------------------------------------------------------------------
# Facts about towns and games as sentences (BoolQ passages, QNLI pairs).
# ---------------------------------------------------------------------------

# Keyed by fact; QNLI pairs each question with its own sentence (entailment) or with
# another sentence about the same town or game (not_entailment).
TOWN_SENTENCES = {
    "river": "{T} is a small town on the {R} River in {region}.",
    "founded": "{T} was founded in {year} by a group of {founders}.",
    "pop": "{T} has a population of about {pop} people.",
    "product": "{T} is best known for its {P}.",
    "festival": "Every {S}, {T} holds a {F} festival that draws visitors from nearby "
                "villages.",
}
TOWN_QUESTIONS = {
    "river": "Which river flows through {T}?",
    "founded": "In what year was {T} founded?",
    "pop": "How many people live in {T}?",
    "product": "What is {T} best known for?",
    "festival": "In which season does {T} hold its {F} festival?",
}
GAME_SENTENCES = {
    "players": "{G} is a board game for {a} to {b} players.",
    "sold": "{G} was first sold in {year}.",
    "goal": "In {G}, players {goal}.",
    "length": "A typical game of {G} lasts about {m} minutes.",
}
GAME_QUESTIONS = {
    "players": "How many players can play {G}?",
    "sold": "When was {G} first sold?",
    "goal": "What do players try to do in {G}?",
    "length": "How long does a game of {G} last?",
}


def town_passage(town: dict) -> str:
    """Every fact sentence about ``town``, in order (a BoolQ passage)."""
    return " ".join(s.format(**town) for s in TOWN_SENTENCES.values())


def game_passage(game: dict) -> str:
    """Every fact sentence about ``game``, in order (a BoolQ passage)."""
    return " ".join(s.format(**game) for s in GAME_SENTENCES.values())


def town_question(rng: random.Random, t: dict, answer: bool) -> str:
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


def game_question(rng: random.Random, g: dict, answer: bool) -> str:
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


def winograd_items(rng: random.Random, schema_pairs: list) -> list[tuple]:
    """(text, candidate, pronoun, is_referent, clause) for both candidates of each text."""
    items = []
    for pair in schema_pairs:
        for text, cand_a, cand_b, pronoun, answer, clause in pair:
            for i, cand in enumerate((cand_a, cand_b)):
                items.append((text, cand, pronoun, i == answer, clause))
    rng.shuffle(items)
    return items
