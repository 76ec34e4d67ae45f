"""Demo raw files for commonsense multiple choice: PIQA, OpenBookQA, HellaSwag.

Every example is dealt from the project-written scenario tables below: no example
appears in two splits, and the answer positions are balanced within each split.
Each ``write_*`` documents the upstream file shape it mimics (layouts:
docs/offline-data.md); ``caches.demo.cli`` calls ``write_all``.
"""

from __future__ import annotations

import hashlib
import itertools
import pathlib
import random
from typing import Sequence

from caches.demo import scale
from caches.demo.shared import N_TEST, N_TRAIN, N_VAL, seeded_rng, write_jsonl


def _deal(rng: random.Random, items: list, sizes: Sequence[int], n_labels: int) -> list[list]:
    """Disjoint (label, item) lists of ``sizes``; labels round-robin, then shuffled."""
    items = list(items)
    rng.shuffle(items)
    if sum(sizes) > len(items):
        raise RuntimeError(f"{len(items)} scenarios cannot fill splits of {list(sizes)}")
    out, start = [], 0
    for size in sizes:
        split = [(i % n_labels, item) for i, item in enumerate(items[start:start + size])]
        rng.shuffle(split)
        out.append(split)
        start += size
    return out


def _deal_scaled(name: str, rng: random.Random, items: list, sizes: Sequence[int],
                 n_labels: int) -> list[list]:
    """``_deal`` at the current scale: at the full scale (a plan for ``name``) each split
    draws its real size from ``items`` again, repeats allowed."""
    full = scale.redraw(name, items, len(sizes))
    if full is None:
        return _deal(rng, items, sizes, n_labels)
    return [[(i % n_labels, item) for i, item in enumerate(split)] for split in full]


def _place(right: str, wrong: Sequence[str], label: int) -> list[str]:
    """The wrong answers with the right one inserted at position ``label``."""
    choices = list(wrong)
    choices.insert(label, right)
    return choices


def _hex_id(*parts: str, n: int = 10) -> str:
    return hashlib.sha1("/".join(parts).encode()).hexdigest()[:n]


# --------------------------------------------------------------------------- PIQA

# (goal, right solution, wrong solution, slot values for {x}).
PIQA_SCENARIOS = [
    ("How can I stop a {x} from wobbling on an uneven floor?",
     "Fold a small piece of cardboard and slide it under the shortest leg.",
     "Fold a small piece of cardboard and lay it on top of the {x}.",
     ["table", "chair", "bookshelf", "desk", "stool"]),
    ("To open a stuck jar of {x},",
     "run the lid under hot water for a minute, then twist it.",
     "put the jar in the freezer for a minute, then twist it.",
     ["pickles", "jam", "honey", "tomato sauce"]),
    ("How do I dry a wet {x} quickly?",
     "Stuff it with crumpled newspaper and leave it in a warm, airy spot.",
     "Stuff it with damp towels and leave it in a closed cupboard.",
     ["running shoe", "hiking boot", "canvas shoe", "rain boot"]),
    ("To keep {x} from drying out in the fridge,",
     "store it in a sealed container.",
     "store it on an open plate next to the fridge's fan.",
     ["leftover rice", "sliced cheese", "cooked pasta", "cut melon"]),
    ("How can I find a small {x} I dropped on the carpet?",
     "Stretch a thin sock over the vacuum hose and run it slowly over the area.",
     "Pour a bucket of water over the carpet so the {x} floats to the top.",
     ["earring", "screw", "bead", "button"]),
    ("To cut a {x} into even slices,",
     "use a sharp knife and steady the {x} with your other hand.",
     "use a soup spoon and press down until it splits.",
     ["tomato", "loaf of bread", "cucumber", "block of cheese"]),
    ("How do I get a {x} stain out of a cotton shirt?",
     "Rinse it in cold water right away and rub in a little dish soap before washing.",
     "Iron over the stain first so that it dries before washing.",
     ["grass", "coffee", "chocolate", "berry juice"]),
    ("To keep {x} watered while I am away for a weekend,",
     "fill a bottle with water, poke a small hole in the cap and push it upside down "
     "into the soil.",
     "fill a bottle with water, seal it tightly and lay it beside the pot.",
     ["my houseplants", "a potted fern", "tomato seedlings", "the herbs on the balcony"]),
    ("How do I keep {x} away from picnic food?",
     "Cover the dishes with mesh food covers.",
     "Leave the dishes uncovered so that air can reach them.",
     ["flies", "wasps", "midges", "bees"]),
    ("To clean the inside of a {x},",
     "fill it with warm water, add a spoon of rice and a drop of soap, then shake it.",
     "fill it with dry sand and leave it in the sun for a day.",
     ["narrow vase", "water bottle", "thermos", "glass carafe"]),
    ("To stop the {x} from slamming in the wind,",
     "wedge a rubber doorstop under it.",
     "tie a balloon to its handle.",
     ["bedroom door", "back door", "garden gate", "kitchen door"]),
    ("How do I keep {x} from turning brown after cutting?",
     "Brush the cut sides with a little lemon juice.",
     "Sprinkle the cut sides with black pepper.",
     ["apple slices", "pear slices", "avocado halves", "banana slices"]),
    ("To carry {x} home from the market without spilling,",
     "pack it upright in a box and wedge towels around it.",
     "lay it on its side at the bottom of a loose paper bag.",
     ["a pot of soup", "a tray of eggs", "a jug of milk", "a cake"]),
]


def _piqa_rows(drawn: list, split: str) -> tuple[list[dict], list[str]]:
    rows, labels = [], []
    for label, (goal, right, wrong, x) in drawn:
        sol = _place(right.format(x=x), [wrong.format(x=x)], label)
        rows.append({"id": _hex_id("piqa", split, goal, x, n=32),
                     "goal": goal.format(x=x), "sol1": sol[0], "sol2": sol[1]})
        labels.append(str(label))
    return rows, labels


def write_piqa(root: pathlib.Path) -> None:
    """``root/physicaliqa-train-dev/{train,dev}.jsonl`` and ``*-labels.lst``.

    ``piqa/physicaliqa-train-dev/{train,dev}.jsonl`` with ``{train,dev}-labels.lst``:
    one JSON object a line (``id``, ``goal``, ``sol1``, ``sol2``) and, line for line,
    the index of the right solution (``0`` or ``1``); upstream ships no test split.
    """
    scenarios = [(goal, right, wrong, x) for goal, right, wrong, xs in PIQA_SCENARIOS
                 for x in xs]
    folder = root / "physicaliqa-train-dev"
    for split, drawn in zip(("train", "dev"),
                            _deal_scaled("piqa", seeded_rng("piqa"), scenarios,
                                         (N_TRAIN, N_VAL), 2)):
        rows, labels = _piqa_rows(drawn, split)
        write_jsonl(folder / f"{split}.jsonl", rows)
        (folder / f"{split}-labels.lst").write_text(
            "".join(f"{label}\n" for label in labels), encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- OpenBookQA

# (fact, question stems, right answers, wrong answers): a question pairs one stem with
# one right answer and three wrong ones.
OBQA_FACTS = [
    ("animals that live in cold places often have thick fur to keep warm",
     ["Which animal is most likely to have a thick coat of fur?",
      "Which of these animals most likely grows a thick winter coat?"],
     ["an arctic fox", "a snow hare", "a musk ox", "a mountain goat"],
     ["a desert lizard", "a tree frog", "a goldfish", "a garden snail", "a gecko"]),
    ("metal is a good conductor of heat",
     ["Which spoon gets hot fastest when left in a pot of boiling soup?",
      "Which of these would warm up first if held over a candle?"],
     ["a steel spoon", "a copper spoon", "an aluminium spoon", "an iron spoon"],
     ["a wooden spoon", "a plastic spoon", "a bamboo spoon", "a rubber spatula"]),
    ("plants need sunlight to make their food",
     ["A bean plant kept in a dark closet for two weeks will most likely",
      "A potted plant moved to a room with no windows will probably"],
     ["turn pale and weak", "stop growing well", "slowly wilt", "lose its green color"],
     ["grow twice as fast", "grow shiny new leaves", "turn into a tree",
      "start to bloom more often"]),
    ("an object floats on water if it is less dense than water",
     ["Which of these would float in a bathtub?",
      "A child drops several things into a pond. Which one stays on the surface?"],
     ["a cork", "a dry leaf", "a plastic duck", "a pine twig"],
     ["a pebble", "an iron nail", "a glass marble", "a brass key", "a steel bolt"]),
    ("evaporation happens faster when it is warm",
     ["A puddle will dry up fastest on",
      "Wet laundry dries most quickly on"],
     ["a hot sunny afternoon", "a warm windy day", "a summer noon",
      "a bright day in July"],
     ["a cold foggy morning", "a freezing winter night", "a damp cloudy evening",
      "a rainy autumn night"]),
    ("the moon's shape appears to change during the month because of its position "
     "relative to the sun",
     ["Why does the moon look different from one week to the next?",
      "The moon seems to grow and shrink over a month because"],
     ["its lit side faces us by different amounts",
      "it moves around the earth while the sun lights one half",
      "we see different parts of its sunlit half"],
     ["it gets bigger and smaller", "clouds cover parts of it", "it spins very fast",
      "it runs out of light", "the stars block it"]),
    ("friction between two surfaces produces heat",
     ["Rubbing your hands together quickly makes them",
      "Two dry sticks rubbed together for a long time become"],
     ["warmer", "warm", "hot", "heated"],
     ["wetter", "colder", "heavier", "smaller", "louder"]),
    ("seeds can be carried to new places by wind, water or animals",
     ["How might a seed reach a field far away from its parent plant?",
      "A seed that lands on the far side of a river most likely travelled"],
     ["on the wind", "in a bird's droppings", "stuck to an animal's fur",
      "floating on the water"],
     ["by walking there", "through the power lines", "by digging a tunnel",
      "by calling for help", "inside a rock"]),
    ("a magnet attracts objects made of iron",
     ["Which of these would stick to a fridge magnet?",
      "A magnet dragged through a sandbox would most likely pick up"],
     ["an iron nail", "a steel paper clip", "iron filings", "a steel bottle cap"],
     ["a glass bead", "a wooden block", "a copper coin", "a rubber band", "a paper cup"]),
    ("a thermometer is used to measure temperature",
     ["Which tool would a nurse use to check whether a child has a fever?",
      "To find out how warm the water in a pool is, you would use"],
     ["a thermometer", "a digital thermometer", "an ear thermometer"],
     ["a ruler", "a compass", "a measuring cup", "a bathroom scale", "a stopwatch"]),
    ("sound travels as vibrations",
     ["When you pluck a guitar string, the sound comes from",
      "The sound of a drum is caused by"],
     ["vibrations", "the string or skin shaking back and forth",
      "fast back-and-forth motion"],
     ["light", "heat from the player's hands", "magnetism", "the color of the wood",
      "electricity in the air"]),
]
_OBQA_KEYS = "ABCD"


def _obqa_rows(rng: random.Random, drawn: list, first_id: int) -> list[dict]:
    rows = []
    for n, (label, (fact, stem, right, wrongs)) in enumerate(drawn, first_id):
        choices = _place(right, rng.sample(wrongs, 3), label)
        rows.append({
            "id": f"{7 + n % 3}-{100 + 7 * n}",
            "question": {"stem": stem, "choices": [
                {"text": text, "label": key} for key, text in zip(_OBQA_KEYS, choices)]},
            "fact1": fact,
            "humanScore": rng.choice([1.0, 1.0, 0.8, 0.6]),
            "clarity": rng.choice([2.0, 1.8, 1.5, 1.2]),
            "turkIdAnonymized": _hex_id("obqa", stem, right),
            "answerKey": _OBQA_KEYS[label],
        })
    return rows


def write_openbookqa(root: pathlib.Path) -> None:
    """``root/OpenBookQA-V1-Sep2018/Data/Additional/{train,dev,test}_complete.jsonl``.

    ``openbookqa/OpenBookQA-V1-Sep2018/Data/Additional/{train,dev,test}_complete.jsonl``:
    ``id``, ``question`` (``stem`` and four ``choices`` labelled A-D), the science
    ``fact1`` the question rests on, ``humanScore``, ``clarity``, ``turkIdAnonymized``
    and ``answerKey`` (the test file is labelled too, as upstream).
    """
    scenarios = [(fact, stem, right, wrongs) for fact, stems, rights, wrongs in OBQA_FACTS
                 for stem, right in itertools.product(stems, rights)]
    rng = seeded_rng("openbookqa")
    folder = root / "OpenBookQA-V1-Sep2018" / "Data" / "Additional"
    first_id = 0
    for split, drawn in zip(("train", "dev", "test"),
                            _deal_scaled("openbookqa", rng, scenarios,
                                         (N_TRAIN, N_VAL, N_TEST), 4)):
        write_jsonl(folder / f"{split}_complete.jsonl", _obqa_rows(rng, drawn, first_id))
        first_id += len(drawn)


# --------------------------------------------------------------------------- HellaSwag

# ActivityNet-style scenes: (activity, context with {S} subject / {P} possessive,
# right ending, wrong endings); the sentence goes on with the subject's pronoun.
HELLASWAG_SCENES = [
    ("Making a sandwich",
     "{S} stands at a kitchen counter with two slices of bread and a jar of peanut butter.",
     "spreads peanut butter on one slice and presses the other slice on top.",
     ["throws the bread into the sink and turns on the tap.",
      "puts the jar on {P} head and walks out of the room.",
      "paints the counter with peanut butter and then lies down on it."]),
    ("Washing a car",
     "{S} sprays a dusty red car with a garden hose in a driveway.",
     "scrubs the doors with a soapy sponge and rinses the suds away.",
     ["climbs onto the roof and begins to dig a hole.",
      "fills the car with sand and closes the windows.",
      "drops the hose and reads a newspaper in the rain."]),
    ("Playing the violin",
     "{S} lifts a violin to {P} chin in front of a small audience.",
     "draws the bow across the strings and plays a slow tune.",
     ["eats the bow and bows to the audience.",
      "throws the violin across the stage like a frisbee.",
      "hangs the violin from a tree and waters it."]),
    ("Raking leaves",
     "{S} walks across a lawn covered in orange leaves, holding a rake.",
     "sweeps the leaves into a large pile near the fence.",
     ["plants the rake in the soil and waits for it to grow.",
      "spreads the leaves evenly over the roof of the house.",
      "glues the leaves back onto the branches one by one."]),
    ("Brushing teeth",
     "{S} squeezes toothpaste onto a toothbrush in front of a bathroom mirror.",
     "brushes {P} teeth in small circles and then rinses with water.",
     ["brushes the mirror until the toothpaste is gone.",
      "puts the toothbrush in the oven and waits.",
      "swallows the tube of toothpaste and smiles at the camera."]),
    ("Wrapping a present",
     "{S} sits on the floor with a box, a roll of colorful paper and some tape.",
     "folds the paper around the box and tapes the edges down.",
     ["tapes {P} own hands together and walks away.",
      "cuts the box into small pieces and eats them.",
      "throws the paper out of the window and closes it."]),
    ("Making tea",
     "{S} pours hot water from a kettle into a white mug.",
     "drops a tea bag into the mug and lets it steep.",
     ["pours the tea onto the floor and mops it up.",
      "puts the mug on {P} head and starts to dance.",
      "fills the kettle with sugar and shakes it."]),
    ("Shoveling snow",
     "{S} steps out of a front door onto a path buried in snow, carrying a shovel.",
     "scoops the snow off the path and tosses it onto the lawn.",
     ["shovels the snow back into the house through the door.",
      "builds a fire on top of the snow and sits in it.",
      "puts the shovel away and goes swimming in the snow."]),
    ("Fixing a bike tire",
     "{S} turns a bicycle upside down and takes the flat front wheel off.",
     "pulls the inner tube out and patches the small hole in it.",
     ["paints the wheel blue and hangs it on the wall.",
      "rolls the wheel down the street and runs after it.",
      "puts the wheel in the fridge to cool it down."]),
    ("Kayaking",
     "{S} sits in a yellow kayak at the edge of a calm lake, holding a paddle.",
     "pushes off from the shore and paddles toward the middle of the lake.",
     ["carries the lake back to the car in a bucket.",
      "tips the kayak over and sleeps under it on the beach.",
      "paddles the kayak across the parking lot."]),
]
# Scenes from the last two activities appear only in validation and test ("zeroshot").
_ZEROSHOT_SCENES = 2
_SUBJECTS = [("A man", "he", "his"), ("A woman", "she", "her"), ("A young boy", "he", "his"),
             ("A girl", "she", "her"), ("An older man", "he", "his")]

# WikiHow-style steps: (category, how-to title with {x}, first step, its detail, right
# next step, wrong next steps, values of {x}).
HELLASWAG_HOWTOS = [
    ("Home and Garden", "How to repot a {x}", "Water the {x} a day ahead.",
     "Damp soil holds together and slides out of the old pot more easily.",
     "[title] Tip the pot on its side. [step] Hold the {x} by the base of its stems "
     "and ease it out.",
     ["[title] Paint the new pot. [step] Choose the same color as the leaves.",
      "[title] Freeze the old pot overnight. [step] The soil will turn into gravel.",
      "[title] Cut every stem to the soil line. [step] The {x} grows back in a day."],
     ["fern", "basil plant", "small lemon tree", "spider plant"]),
    ("Food and Entertaining", "How to make {x}", "Gather your ingredients.",
     "You will need fresh fruit, a little honey and a cup of yogurt.",
     "[title] Blend everything until smooth. [step] Pour it into a tall glass and serve "
     "it cold.",
     ["[title] Bake the fruit for two hours. [step] Let it burn slightly for flavor.",
      "[title] Bury the yogurt in the garden. [step] Dig it up after a week.",
      "[title] Slice the honey into cubes. [step] Stack them on a plate."],
     ["a berry smoothie", "a mango smoothie", "a banana shake", "a peach smoothie"]),
    ("Personal Care and Style", "How to clean {x}", "Brush off loose dirt.",
     "Use a soft brush so that you do not scratch the surface.",
     "[title] Wipe them with a damp cloth. [step] Let the {x} air-dry away from direct "
     "heat.",
     ["[title] Put them in the oven. [step] Bake the {x} until the dirt melts.",
      "[title] Soak them in orange juice. [step] Leave them in it for a month.",
      "[title] Cover them in glue. [step] The dirt will be sealed inside."],
     ["white sneakers", "leather boots", "suede shoes", "canvas sneakers"]),
    ("Hobbies and Crafts", "How to start {x}", "Pick a notebook you like.",
     "A sturdy cover helps it survive being carried around.",
     "[title] Set aside a few minutes each day. [step] Write the date at the top of "
     "every entry.",
     ["[title] Tear out all the pages. [step] Keep only the cover.",
      "[title] Write with water instead of ink. [step] The words will stay secret.",
      "[title] Mail the notebook to a stranger. [step] Wait for it to come back."],
     ["a travel journal", "a gratitude journal", "a dream diary", "a nature journal"]),
    ("Pets and Animals", "How to bathe {x}", "Brush the fur before the bath.",
     "Removing tangles first keeps them from getting worse in the water.",
     "[title] Use lukewarm water. [step] Wet {x} gently, keeping water away from the "
     "eyes and ears.",
     ["[title] Use boiling water. [step] Hot water cleans faster.",
      "[title] Fill the tub with sand. [step] Sand is gentler than water.",
      "[title] Skip the shampoo and use glue. [step] It keeps the fur in place."],
     ["a small dog", "a puppy", "a long-haired dog", "an old dog"]),
]
# How-tos from the last category appear only in validation and test ("zeroshot").
_ZEROSHOT_HOWTOS = 1
# (activitynet indomain, activitynet zeroshot, wikihow indomain, wikihow zeroshot) per
# split: every TFDS split (by domain and source) gets examples.
_HELLASWAG_MIX = {"train": (28, 0, 12, 0), "val": (4, 2, 2, 2), "test": (4, 2, 2, 2)}


def _scene_row(scene: tuple, subject: tuple, label: int) -> dict:
    activity, context, right, wrongs = scene
    name, pronoun, possessive = subject
    ctx_a = context.format(S=name, P=possessive)
    return {"activity_label": activity, "ctx_a": ctx_a, "ctx_b": pronoun,
            "ctx": f"{ctx_a} {pronoun}",
            "endings": [e.format(P=possessive) for e in _place(right, wrongs, label)],
            "source_id": f"activitynet~v_{_hex_id('hellaswag', ctx_a, n=11)}"}


def _howto_row(howto: tuple, x: str, label: int) -> dict:
    category, title, step, detail, right, wrongs, _ = howto
    ctx_a = f"[header] {title.format(x=x)} [title] {step.format(x=x)} [step] {detail}"
    number = int(_hex_id("hellaswag", ctx_a, n=6), 16) % 90000 + 10000
    return {"activity_label": category, "ctx_a": ctx_a, "ctx_b": "", "ctx": ctx_a,
            "endings": [e.format(x=x) for e in _place(right, wrongs, label)],
            "source_id": f"wikihow~{number}"}


def _split_counts(n: int, mix: Sequence[int]) -> list[int]:
    """``n`` shared in proportion to ``mix`` (the last non-zero share takes the rest)."""
    counts = [n * m // sum(mix) for m in mix]
    last = max(i for i, m in enumerate(mix) if m)
    counts[last] += n - sum(counts)
    return counts


def write_hellaswag(root: pathlib.Path) -> None:
    """``root/hellaswag_{train,val,test}.jsonl`` (the test file carries no labels).

    ``hellaswag/hellaswag_{train,val,test}.jsonl``: ``ind``, ``activity_label``,
    ``ctx_a``, ``ctx_b``, ``ctx``, ``split``, ``split_type`` (``indomain``, or
    ``zeroshot`` for activities never seen in training), ``endings`` (four),
    ``source_id`` (``activitynet~...`` video scenes or ``wikihow~...`` how-to steps with
    their ``[header]``/``[title]``/``[step]`` markup) and ``label`` (absent from the
    test file).
    """
    rng = seeded_rng("hellaswag")
    split_scenes = len(HELLASWAG_SCENES) - _ZEROSHOT_SCENES
    split_howtos = len(HELLASWAG_HOWTOS) - _ZEROSHOT_HOWTOS
    pools = [
        [(_scene_row, s, subj) for s in HELLASWAG_SCENES[:split_scenes] for subj in _SUBJECTS],
        [(_scene_row, s, subj) for s in HELLASWAG_SCENES[split_scenes:] for subj in _SUBJECTS],
        [(_howto_row, h, x) for h in HELLASWAG_HOWTOS[:split_howtos] for x in h[-1]],
        [(_howto_row, h, x) for h in HELLASWAG_HOWTOS[split_howtos:] for x in h[-1]],
    ]
    split_types = ("indomain", "zeroshot", "indomain", "zeroshot")
    # Deal each pool over the splits, then the answer positions over each whole split.
    plan = scale.CURRENT.plan("hellaswag")
    if plan is None:
        dealt = [_deal(rng, pool, [_HELLASWAG_MIX[s][k] for s in _HELLASWAG_MIX], 1)
                 for k, pool in enumerate(pools)]
    else:  # the real sizes in the demo's mix of pools, drawn again (repeats allowed)
        full = seeded_rng("hellaswag/full")
        counts = [_split_counts(n, mix) for n, mix in
                  zip(scale.CURRENT.sizes(plan), _HELLASWAG_MIX.values())]
        dealt = [[[(0, full.choice(pool)) for _ in range(per_split[k])] for per_split in counts]
                 for k, pool in enumerate(pools)]
    ind = 0
    for s, split in enumerate(_HELLASWAG_MIX):
        drawn = [(split_types[k], item) for k in range(len(pools)) for _, item in dealt[k][s]]
        drawn = [(i % 4, *entry) for i, entry in enumerate(drawn)]
        rng.shuffle(drawn)
        rows = []
        for label, split_type, (make, scenario, value) in drawn:
            row = {"ind": ind, **make(scenario, value, label), "split": split,
                   "split_type": split_type}
            if split != "test":
                row["label"] = label
            rows.append(row)
            ind += 1
        write_jsonl(root / f"hellaswag_{split}.jsonl", rows)


def write_all(out: pathlib.Path) -> None:
    """Writes this group's demo raw files under ``out`` (the demo raw root)."""
    out = pathlib.Path(out)
    write_piqa(out / "piqa")
    write_openbookqa(out / "openbookqa")
    write_hellaswag(out / "hellaswag")
