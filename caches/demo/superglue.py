"""Demo SuperGLUE archives: ``<Task>/{train,val,test}.jsonl``, labels absent from test.

BoolQ, CB, COPA, MultiRC, ReCoRD, RTE, WiC, WSC and the AX-b / AX-g diagnostics, each
in the exact shape TFDS's ``super_glue:1.0.2`` builder reads (see docs/offline-data.md).
"""

from __future__ import annotations

import pathlib
import random
import re
from typing import Callable, Sequence

from caches.demo.pools import (DAYS, DRINKS, EVENTS, JOBS, PEOPLE, PETS, PLANS, RELATIVES,
                               RIVERS, SHARED, SURNAMES, TOWNS, TRANSPORT)
from caches.demo.sentences import (game_passage, game_question, nli_pair, random_event,
                                   random_game, random_town, rte_example, town_passage,
                                   town_question, winograd_items)
from caches.demo import scale
from caches.demo.scale import draw_splits
from caches.demo.shared import (N_TEST, N_TRAIN, N_VAL, cap, seeded_rng,
                                write_jsonl)
from caches.demo.tables import (COPA_EVENTS, WIC_SENSES, WINOGENDER_SCHEMAS,
                                WINOGRAD_SCHEMAS)


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
    ev = random_event(rng)
    speaker = rng.choice([p for p in PEOPLE if p[0] != ev["N"]])
    ev.update(S=speaker[0], sp=speaker[1])
    premise, hypothesis = rng.choice(_CB_TEMPLATES[label])
    return {"premise": premise.format(**ev), "hypothesis": hypothesis.format(**ev)}


# ---------------------------------------------------------------------------
# Stories for MultiRC and news items for ReCoRD.
# ---------------------------------------------------------------------------


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
    f = dict(N=name, p=pron, P=cap(pron), poss=poss, job=job, work=work, tr=tr,
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
         [(f"{cap(poss)} {rel}, in {town2}", 1), (f"{cap(poss)} {rel}, in {town}", 0),
          (f"{cap(poss)} {rel2}, in {town2}", 0)]),
        (f"What is the name of {name}'s {pet}?",
         [(pet_name, 1), (name2, 0), (name3, 0)]),
        (f"What do {name} and {poss} {rel} usually do before dinner?",
         [(cap(shared), 1), (f"They {shared}", 1), (cap(shared2), 0)]),
        (f"What does {name} plan to do next month?",
         [(cap(plan), 1), (cap(plan2), 0), (cap(plan3), 0)]),
        ("Who waits by the door each evening?",
         [(pet_name, 1), (f"{name}'s {pet}", 1), (f"{name}'s {rel}", 0), (name, 0)]),
    ]
    return f, questions


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
    fill = dict(ents, P=cap(people[0][1]), age=rng.randrange(19, 45),
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


_SG_SPLITS = ("train", "val", "test")


def _labelled(split: str) -> bool:
    return split != "test"


# ---------------------------------------------------------------------------
# SuperGLUE (v2 archives: <Task>/{train,val,test}.jsonl, labels absent from test).
# ---------------------------------------------------------------------------

def _write_simple_sg(root: pathlib.Path, task: str, labels: Sequence, make: Callable,
                     fields: Sequence[str], sizes=(N_TRAIN, N_VAL, N_TEST)) -> None:
    """Writes a task whose rows are ``fields`` + ``label`` + ``idx`` (CB, RTE, BoolQ)."""
    for split, drawn in zip(_SG_SPLITS, draw_splits(f"super_glue/{task}", labels, make,
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
        write_jsonl(root / task / f"{split}.jsonl", rows)


def _boolq_example(rng: random.Random, answer: bool) -> dict:
    if rng.random() < 0.6:
        t = random_town(rng)
        question, title, passage = town_question(rng, t, answer), t["T"], town_passage(t)
    else:
        g = random_game(rng)
        question, title, passage = game_question(rng, g, answer), g["G"], game_passage(g)
    # Upstream BoolQ questions are lower-cased and carry no question mark.
    return {"question": question.lower(), "title": title, "passage": passage}


def _rte_sg_example(rng: random.Random, label: str) -> dict:
    premise, hypothesis = rte_example(rng, label)
    return {"premise": premise, "hypothesis": hypothesis}


def write_copa(root: pathlib.Path) -> None:
    """COPA: each event gives a cause and an effect question; label = correct choice."""
    rng = seeded_rng("super_glue/COPA")
    events = list(COPA_EVENTS)
    rng.shuffle(events)
    n_val = n_test = 5
    parts = [events[n_val + n_test:], events[:n_val], events[n_val:n_val + n_test]]
    drawn = []
    for part in parts:
        items = []
        for premise, cause, wrong_cause, effect, wrong_effect in part:
            first = rng.randrange(2)  # the two questions of an event get opposite labels
            for question, right, wrong, label in (("cause", cause, wrong_cause, first),
                                                  ("effect", effect, wrong_effect, 1 - first)):
                choices = (right, wrong) if label == 0 else (wrong, right)
                items.append((premise, choices, question, label))
        rng.shuffle(items)
        drawn.append(items)
    # Full scale: every split's real size drawn from all the questions, with repeats.
    full = scale.redraw("super_glue/COPA", [item for items in drawn for item in items], 3)
    for split, items in zip(_SG_SPLITS, full or drawn):
        rows = []
        for idx, (premise, (c1, c2), question, label) in enumerate(items):
            row = {"premise": premise, "choice1": c1, "choice2": c2, "question": question}
            if _labelled(split):
                row["label"] = label
            row["idx"] = idx
            rows.append(row)
        write_jsonl(root / "COPA" / f"{split}.jsonl", rows)


def write_multirc(root: pathlib.Path, passages=(3, 1, 1), n_questions=4,
                  n_answers=3) -> None:
    """MultiRC: passage -> questions -> answers, with file-wide running idx values."""
    rng = seeded_rng("super_glue/MultiRC")
    passages, length = scale.scaled_units("super_glue/MultiRC", passages,
                                          n_questions * n_answers)
    for split, n_passages in zip(_SG_SPLITS, passages):
        rows, q_idx, a_idx = [], 0, 0
        for p_idx in range(n_passages):
            facts, questions = _story(rng)
            sentences = [s.format(**facts) for s in _STORY]
            if length:  # the full scale: real paragraph lengths
                sentences += scale.padding(rng, len(" ".join(sentences).split()), *length)
            text = "".join(f"<b>Sent {i}: </b>{s}<br>" for i, s in enumerate(sentences, 1))
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
        write_jsonl(root / "MultiRC" / f"{split}.jsonl", rows)


def write_record(root: pathlib.Path, passages=(10, 3, 3), n_queries=4) -> None:
    """ReCoRD: entity spans have INCLUSIVE ends; answers are every mention of the entity."""
    rng = seeded_rng("super_glue/ReCoRD")
    passages, length = scale.scaled_units("super_glue/ReCoRD", passages, n_queries)
    for split, n_passages in zip(_SG_SPLITS, passages):
        rows, q_idx = [], 0
        for p_idx in range(n_passages):
            fill, text = _news(rng)
            if length:  # the full scale: real article lengths, before the highlights
                article, _, highlights = text.partition("\n@highlight")
                extra = scale.padding(rng, len(article.split()), *length)
                text = " ".join([article, *extra]) + "\n@highlight" + highlights
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
        write_jsonl(root / "ReCoRD" / f"{split}.jsonl", rows)


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
    rng = seeded_rng("super_glue/WiC/pairs")
    parts, keep = scale.split_groups("super_glue/WiC", WIC_SENSES, 3, 3, per_group=4)
    for split, senses, n in zip(_SG_SPLITS, parts, keep):
        rows = []
        for idx, (word, s1, s2, label) in enumerate(_wic_pairs(rng, senses)[:n]):
            (text1, start1, end1), (text2, start2, end2) = _unmark(s1), _unmark(s2)
            row = {"word": word, "sentence1": text1, "sentence2": text2, "idx": idx}
            if _labelled(split):
                row["label"] = label
            row.update(start1=start1, start2=start2, end1=end1, end2=end2, version=1.1)
            rows.append(row)
        write_jsonl(root / "WiC" / f"{split}.jsonl", rows)


def write_wsc(root: pathlib.Path) -> None:
    """WSC: span1 = candidate noun phrase, span2 = pronoun; indices into text.split()."""
    rng = seeded_rng("super_glue/WSC/items")
    parts, keep = scale.split_groups("super_glue/WSC", WINOGRAD_SCHEMAS, 3, 3, per_group=4)
    for split, part, n in zip(_SG_SPLITS, parts, keep):
        rows = []
        for idx, (text, cand, pronoun, is_ref, _) in enumerate(winograd_items(rng, part)[:n]):
            target = {"span2_index": _word_index(text, pronoun),
                      "span1_index": _word_index(text, cand),
                      "span1_text": cand, "span2_text": pronoun}
            row = {"text": text, "target": target, "idx": idx}
            if _labelled(split):
                row["label"] = is_ref
            rows.append(row)
        write_jsonl(root / "WSC" / f"{split}.jsonl", rows)


_AX_CATEGORIES = ("lexical-semantics", "predicate-argument-structure", "logic",
                  "knowledge")


def _axb_example(rng: random.Random, label: str) -> dict:
    """A diagnostic pair; some not_entailment pairs are entailment pairs reversed."""
    if label == "entailment":
        s1, s2, (key, value) = nli_pair(rng, "entailment")
    elif rng.random() < 0.3:
        s2, s1, (key, value) = nli_pair(rng, "entailment")  # specific no longer follows
    else:
        s1, s2, (key, value) = nli_pair(rng, rng.choice(["neutral", "contradiction"]))
    return {"sentence1": s1, "sentence2": s2, **{k: value if k == key else ""
                                                 for k in _AX_CATEGORIES}}


def write_axb(root: pathlib.Path, n: int = 16) -> None:
    """AX-b: the broad-coverage diagnostic, labelled, one file (a test split)."""
    (drawn,) = draw_splits("super_glue/AX-b", ["entailment", "not_entailment"],
                            _axb_example, [n])
    rows = [{"idx": idx, "label": label, **example}
            for idx, (label, example) in enumerate(drawn)]
    write_jsonl(root / "AX-b" / "AX-b.jsonl", rows)


def write_axg(root: pathlib.Path) -> None:
    """AX-g: Winogender-style premises, one hypothesis per candidate referent."""
    rows = []
    for s, (occ, part, premise, occ_clause, part_clause) in enumerate(WINOGENDER_SCHEMAS):
        for c, (clause, referent) in enumerate(((occ_clause, occ), (part_clause, part))):
            pronoun = ["he", "she"][(s + c) % 2]
            text = premise.format(p=pronoun, c=clause)
            for candidate in (occ, part):
                rows.append({"hypothesis": f"{cap(candidate)} {clause}.", "idx": 0,
                             "label": ("entailment" if candidate == referent
                                       else "not_entailment"),
                             "pair_id": 1000 + 10 * s + c, "premise": text})
    seeded_rng("super_glue/AX-g").shuffle(rows)
    for idx, row in enumerate(rows):
        row["idx"] = idx
    write_jsonl(root / "AX-g" / "AX-g.jsonl", rows)


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
