"""Demo GLUE archives: ``<Task>/{train,dev,test}.tsv``, MRPC and the diagnostic apart.

Each file has the shape TFDS's ``glue:2.0.0`` builder reads (see docs/offline-data.md).
"""

from __future__ import annotations

import pathlib
import random
from typing import Callable, Sequence

from caches.demo.parse import binary_parse, parse, tokenize
from caches.demo.pools import COMPANIES, DAYS, PROJECTS, TEAMS, TOWNS
from caches.demo.sentences import (GAME_QUESTIONS, GAME_SENTENCES, TOWN_QUESTIONS,
                                   TOWN_SENTENCES, nli_pair, random_event, random_game,
                                   random_town, rte_example, winograd_items)
from caches.demo import scale
from caches.demo.scale import draw_splits
from caches.demo.shared import (N_TEST, N_TRAIN, N_VAL, cap, seeded_rng,
                                write_tsv)
from caches.demo.tables import WINOGRAD_SCHEMAS


# ---------------------------------------------------------------------------
# GLUE (v1 archives: <Task>/{train,dev,test}.tsv, MRPC and the diagnostic apart).
# ---------------------------------------------------------------------------

def _cola_example(rng: random.Random, label: int) -> str:
    """A grammatical sentence (label 1) or one with a single clear error (label 0)."""
    ev = random_event(rng)
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
    return cap(rng.choice(templates).format(**ev))


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
        facts, sentences, questions = random_town(rng), TOWN_SENTENCES, TOWN_QUESTIONS
    else:
        facts, sentences, questions = random_game(rng), GAME_SENTENCES, GAME_QUESTIONS
    keys = sorted(questions)
    asked = rng.choice(keys)
    told = asked if label == "entailment" else rng.choice([k for k in keys if k != asked])
    return questions[asked].format(**facts), sentences[told].format(**facts)


def _wnli_rows(rng: random.Random, schema_pairs: list) -> list[tuple[str, str, int]]:
    """WNLI: the pronoun's clause with one candidate substituted; 1 iff the referent."""
    rows = []
    for text, cand, _, is_ref, clause in winograd_items(rng, schema_pairs):
        if cand.split()[0] in ("The", "the"):
            cand = "the " + cand.split(" ", 1)[1]  # lower-case mid-sentence
        rows.append((text, cap(clause.format(X=cand)), int(is_ref)))
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
        t1, t2 = tokenize(s1), tokenize(s2)
        row = [index, prompt_id, pair_id, rng.choice(genres), binary_parse(t1),
               binary_parse(t2), parse(t1), parse(t2), s1, s2]
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
    return draw_splits(f"glue/{name}", labels, make, sizes)


def write_glue(root: pathlib.Path) -> None:
    """Every GLUE task archive, under ``root`` (= <out>/glue)."""
    names = ("train", "dev", "test")

    # CoLA: train/dev are headerless (source, label, original mark, sentence); test has
    # an index/sentence header.
    for split, drawn in zip(names, _glue_splits("CoLA", [1, 0], _cola_example)):
        rng = seeded_rng(f"glue/CoLA/{split}/sources")
        if split == "test":
            write_tsv(root / "CoLA" / "test.tsv", ["index", "sentence"],
                       [[i, s] for i, (_, s) in enumerate(drawn)])
        else:
            write_tsv(root / "CoLA" / f"{split}.tsv", None,
                       [[f"dm{rng.randrange(1, 5):02d}", label, "" if label else "*", s]
                        for label, s in drawn])

    # SST-2: sentence/label; test index/sentence.
    for split, drawn in zip(names, _glue_splits("SST-2", [1, 0], _sst_example)):
        if split == "test":
            write_tsv(root / "SST-2" / "test.tsv", ["index", "sentence"],
                       [[i, s] for i, (_, s) in enumerate(drawn)])
        else:
            write_tsv(root / "SST-2" / f"{split}.tsv", ["sentence", "label"],
                       [[s, label] for label, s in drawn])

    write_mrpc(root / "MRPC")

    # QQP: id/qid1/qid2/question1/question2/is_duplicate; test id/question1/question2.
    rng, qids = seeded_rng("glue/QQP/ids"), {}
    for split, drawn in zip(names, _glue_splits("QQP", [1, 0], _qqp_example)):
        if split == "test":
            write_tsv(root / "QQP" / "test.tsv", ["id", "question1", "question2"],
                       [[i, q1, q2] for i, (_, (q1, q2)) in enumerate(drawn)])
            continue
        rows = []
        for label, (q1, q2) in drawn:
            ids = [qids.setdefault(q, len(qids) + 1) for q in (q1, q2)]
            rows.append([rng.randrange(1000, 400000), *ids, q1, q2, label])
        write_tsv(root / "QQP" / f"{split}.tsv",
                   ["id", "qid1", "qid2", "question1", "question2", "is_duplicate"], rows)

    # STS-B: ten columns, the score last (absent from test).
    sts_cols = ["index", "genre", "filename", "year", "old_index", "source1", "source2",
                "sentence1", "sentence2"]
    rng = seeded_rng("glue/STS-B/ids")
    for split, drawn in zip(names, _glue_splits("STS-B", [4, 3, 2, 1, 0], _sts_example)):
        rows = []
        for i, (_, (s1, s2, score)) in enumerate(drawn):
            row = [i, "main-captions", "MSRvid", "2012test", f"{rng.randrange(1, 1500):04d}",
                   "none", "none", s1, s2]
            rows.append(row if split == "test" else row + [f"{score:.3f}"])
        write_tsv(root / "STS-B" / f"{split}.tsv",
                   sts_cols if split == "test" else sts_cols + ["score"], rows)

    # MNLI: train, dev/test x matched/mismatched (genres differ between the two).
    two = ["entailment", "not_entailment"]
    mnli = _glue_splits("MNLI", _MNLI_LABELS,
                        lambda r, l: nli_pair(r, l)[:2], (N_TRAIN,) + (N_VAL,) * 4)
    rng = seeded_rng("glue/MNLI/columns")
    files = [("train", "matched", "train"), ("dev_matched", "matched", "dev"),
             ("dev_mismatched", "mismatched", "dev"), ("test_matched", "matched", "test"),
             ("test_mismatched", "mismatched", "test")]
    for (fname, match, kind), drawn in zip(files, mnli):
        extra = {"train": ["label1", "gold_label"], "test": [],
                 "dev": [f"label{i}" for i in range(1, 6)] + ["gold_label"]}[kind]
        genres = _MNLI_GENRES[match]
        write_tsv(root / "MNLI" / f"{fname}.tsv", _MNLI_COLUMNS + extra,
                   _mnli_rows(rng, drawn, genres, kind))

    # QNLI and RTE: index, two texts, string label; WNLI the same with 0/1 labels.
    for split, drawn in zip(names, _glue_splits("QNLI", two, _qnli_example)):
        _write_pair_tsv(root / "QNLI" / f"{split}.tsv", ["question", "sentence"], drawn,
                        split)
    for split, drawn in zip(names, _glue_splits("RTE", two, rte_example)):
        _write_pair_tsv(root / "RTE" / f"{split}.tsv", ["sentence1", "sentence2"], drawn,
                        split)
    rng = seeded_rng("glue/WNLI/items")
    parts, keep = scale.split_groups("glue/WNLI", WINOGRAD_SCHEMAS, 3, 3, per_group=4)
    for split, part, n in zip(names, parts, keep):
        drawn = [(label, (s1, s2)) for s1, s2, label in _wnli_rows(rng, part)][:n]
        _write_pair_tsv(root / "WNLI" / f"{split}.tsv", ["sentence1", "sentence2"], drawn,
                        split)

    # The diagnostic (glue/ax): one unlabelled file, index/sentence1/sentence2.
    (drawn,) = _glue_splits("diagnostic", _MNLI_LABELS, lambda r, l: nli_pair(r, l)[:2],
                            [16])
    write_tsv(root / "diagnostic" / "diagnostic.tsv", ["index", "sentence1", "sentence2"],
               [[i, s1, s2] for i, (_, (s1, s2)) in enumerate(drawn)])


def _write_pair_tsv(path: pathlib.Path, text_cols: list[str], drawn: list,
                    split: str) -> None:
    """index + two text columns (+ label outside test)."""
    header = ["index"] + text_cols + ([] if split == "test" else ["label"])
    rows = []
    for i, (label, (a, b)) in enumerate(drawn):
        rows.append([i, a, b] + ([] if split == "test" else [label]))
    write_tsv(path, header, rows)


def write_mrpc(root: pathlib.Path) -> None:
    """MRPC as GLUE fetches it: SentEval's train/test files plus the dev id list.

    The train file holds train and dev rows (UTF-8 BOM first, as upstream); the dev
    rows are those whose (#1 ID, #2 ID) appear in mrpc_dev_ids.tsv. The test file keeps
    its Quality column, which the TFDS builder ignores.
    """
    train, dev, test = _glue_splits("MRPC", [1, 0], _mrpc_example)
    rng, used = seeded_rng("glue/MRPC/ids"), set()

    def new_id() -> int:
        while True:
            i = rng.randrange(100000, 3500000)
            if i not in used:
                used.add(i)
                return i

    header = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]
    # Marked by row, not by text: at the full scale a dev pair may repeat a train pair.
    marked = [([label, new_id(), new_id(), s1, s2], k >= len(train))
              for k, (label, (s1, s2)) in enumerate(train + dev)]
    rng.shuffle(marked)  # dev rows sit among the train rows, as upstream
    train_rows = [row for row, _ in marked]
    dev_ids = [[row[1], row[2]] for row, is_dev in marked if is_dev]
    write_tsv(root / "msr_paraphrase_train.txt", header, train_rows, bom=True)
    write_tsv(root / "mrpc_dev_ids.tsv", None, dev_ids)
    write_tsv(root / "msr_paraphrase_test.txt", header,
               [[label, new_id(), new_id(), s1, s2] for label, (s1, s2) in test])
