"""Real-size output of the demo generators: ``python -m caches.demo --scale full``.

At the demo scale every dataset has a few dozen examples a split. At the full scale a
dataset listed in ``FULL`` gets the real dataset's split sizes (``caches.real_sizes``,
optionally capped) and, for its long fields, lengths drawn from the real dataset's
length distribution (log-normal: a median in words and a spread), padded with
sentences built from the project's own word pools. The text stays synthetic; the
shapes are the real ones. Datasets not in ``FULL`` keep their demo sizes; at the full
scale examples may repeat (the word pools are small), which a reading benchmark does
not mind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import random
from typing import Callable, Iterator, Mapping, Optional, Sequence, Tuple

from caches import real_sizes
from caches.demo import shared
from caches.demo.sentences import random_event

SCALES = ("demo", "full")


@dataclasses.dataclass(frozen=True)
class Plan:
    """How one drawn dataset is written at the full scale."""

    real: str  # key in ``caches.real_sizes.SPLITS``
    splits: Tuple[str, ...]  # its split names, in the order the generator draws them
    # example part -> (median words, log-normal spread): the part is a dict key, or
    # None for an example that is the text itself.
    lengths: Mapping[Optional[str], Tuple[int, float]] = dataclasses.field(
        default_factory=dict)


_SG = ("train", "validation", "test")
# Keyed by the name each generator passes to ``shared.draw_splits``. Medians and spreads
# follow the published statistics of each dataset (words, not tokens).
FULL: dict[str, Plan] = {
    "super_glue/BoolQ": Plan("super_glue/boolq", _SG, {"passage": (95, 0.5)}),
    "super_glue/CB": Plan("super_glue/cb", _SG, {"premise": (55, 0.6)}),
    "super_glue/RTE": Plan("super_glue/rte", _SG, {"premise": (40, 0.6)}),
    # Its hand-written questions drawn again (``scale.redraw``): only the sizes grow.
    "super_glue/COPA": Plan("super_glue/copa", _SG),
    "glue/CoLA": Plan("glue/cola", _SG),
    "glue/SST-2": Plan("glue/sst2", _SG),
    "glue/QQP": Plan("glue/qqp", _SG),
    "glue/STS-B": Plan("glue/stsb", _SG),
    # Dev rows sit in the train file, chosen by their ids (``glue.write_mrpc``).
    "glue/MRPC": Plan("glue/mrpc", _SG),
    # Drawn from hand-written groups (``split_groups``): 4 examples a group.
    "glue/WNLI": Plan("glue/wnli", _SG),
    "super_glue/WiC": Plan("super_glue/wic", _SG),
    "super_glue/WSC": Plan("super_glue/wsc.fixed", _SG),
    "glue/MNLI": Plan("glue/mnli", ("train", "validation_matched", "validation_mismatched",
                                    "test_matched", "test_mismatched")),
    "glue/QNLI": Plan("glue/qnli", _SG),
    "glue/RTE": Plan("glue/rte", _SG),
    "imdb_reviews": Plan("imdb_reviews/plain_text", ("train", "test", "unsupervised"),
                         {None: (174, 0.7)}),
    "yelp_polarity": Plan("yelp_polarity_reviews", ("train", "test"), {None: (110, 0.8)}),
    "sentiment140": Plan("sentiment140", ("train", "test")),
    "paws_wiki": Plan("paws_wiki/labeled_final_tokenized", _SG),
    "snli": Plan("snli", _SG),
    "anli/R1": Plan("anli/r1", _SG),
    "anli/R2": Plan("anli/r2", _SG),
    "anli/R3": Plan("anli/r3", _SG),
    "trec": Plan("trec", ("train", "test")),
    # Drawn per passage (``scaled_units``): sizes count examples, lengths the passage.
    "super_glue/MultiRC": Plan("super_glue/multirc", _SG, {"passage": (260, 0.35)}),
    "super_glue/ReCoRD": Plan("super_glue/record", _SG, {"passage": (170, 0.4)}),
    "samsum": Plan("samsum", _SG, {"dialogue": (85, 0.6)}),
    "aeslc": Plan("aeslc", _SG, {"body": (75, 0.7)}),
    "xsum": Plan("xsum", _SG, {"body": (350, 0.5)}),
    "cnn_dailymail": Plan("cnn_dailymail", _SG, {"paragraphs": (630, 0.45)}),
    # Short questions: only the sizes grow (questions repeat).
    "natural_questions_open": Plan("natural_questions_open", ("train", "validation")),
    "trivia_qa": Plan("trivia_qa/rc.nocontext", _SG),
    "piqa": Plan("piqa", ("train", "validation")),
    # Twin pairs drawn again (``coref.write_dpr``, ``coref.write_wsc273``).
    "definite_pronoun_resolution": Plan("definite_pronoun_resolution", ("train", "test")),
    "wsc273": Plan("wsc273", ("test",)),
    # Stories of the real length, padded after their text (``textgen.write_coqa``).
    "coqa": Plan("coqa", ("train", "test"), {"story": (270, 0.35)}),
    # Articles of two paragraphs and 8 (dev: 5) questions (``ft.write_squad``): sizes
    # count questions, lengths each paragraph (answers stay in its first sentences).
    "squad/v1.1": Plan("squad/v1.1", ("train", "validation"), {"context": (115, 0.4)}),
    "squad/v2.0": Plan("squad/v2.0", ("train", "validation"), {"context": (115, 0.4)}),
    "openbookqa": Plan("openbookqa", _SG),
    "hellaswag": Plan("hellaswag", _SG),
    "math_dataset": Plan("math_dataset/algebra__linear_1d", ("train", "test")),
    "dart": Plan("dart", _SG),
    **{f"ai2_arc/{c}": Plan(f"ai2_arc/{c}", _SG) for c in ("ARC-Easy", "ARC-Challenge")},
    # Translation: news sentences repeat at the full scale (cap WMT14 fr-en's 40.8M).
    **{name: Plan(name, _SG) for name in ("wmt16_translate/ro-en", "wmt16_translate/de-en",
                                           "wmt14_translate/fr-en")},
}


@dataclasses.dataclass(frozen=True)
class Scale:
    """``name`` "demo" or "full"; at full scale, ``max_examples`` caps every split and
    ``only`` (TFDS names without version) limits which datasets grow."""

    name: str = "demo"
    max_examples: Optional[int] = None
    only: Optional[frozenset] = None

    def plan(self, draw_name: str) -> Optional[Plan]:
        """The full-scale plan of a drawn dataset; None at the demo scale or when it has
        none (its demo sizes stay)."""
        if self.name != "full":
            return None
        plan = FULL.get(draw_name)
        if plan is None or (self.only is not None and plan.real not in self.only):
            return None
        return plan

    def sizes(self, plan: Plan) -> Tuple[int, ...]:
        counts = real_sizes.SPLITS[plan.real]
        cap = self.max_examples or math.inf
        return tuple(int(min(counts[s], cap)) for s in plan.splits)


CURRENT = Scale()


@contextlib.contextmanager
def scaled(scale: Scale) -> Iterator[Scale]:
    """Generators inside the block write at ``scale``."""
    global CURRENT
    before, CURRENT = CURRENT, scale
    try:
        yield scale
    finally:
        CURRENT = before


_FILLER = ("{N} {past} {obj} {place} on {day} {part}.",
           "On {day} {part}, {N} {past} {obj} {place}.",
           "{N} and {poss} {rel} had {pp} {obj} before, {place}.",
           "Later that {part}, {p} said {p} would {base} {general} again on {day2}.")


def filler(rng: random.Random, words: int) -> list[str]:
    """Sentences of about ``words`` words in all (at least one)."""
    out, count = [], 0
    while count < words or not out:
        sentence = rng.choice(_FILLER).format(**random_event(rng))
        out.append(sentence[:1].upper() + sentence[1:])
        count += len(sentence.split())
    return out


def target_words(rng: random.Random, median: int, spread: float) -> int:
    """A length drawn from the log-normal of ``median`` and ``spread`` (clipped to
    [median / 5, median * 8])."""
    value = median * math.exp(spread * rng.gauss(0.0, 1.0))
    return int(min(max(value, median / 5), median * 8))


def padding(rng: random.Random, have: int, median: int, spread: float) -> list[str]:
    """Filler sentences that bring a text of ``have`` words to a drawn length (none
    when it is already as long)."""
    missing = target_words(rng, median, spread) - have
    return filler(rng, missing) if missing > 0 else []


def grow(value, rng: random.Random, median: int, spread: float):
    """``value`` (a text, or a list of paragraphs) padded to a drawn length."""
    if isinstance(value, list):
        have = sum(len(p.split()) for p in value)
        missing = target_words(rng, median, spread) - have
        while missing > 0:
            paragraph = " ".join(filler(rng, min(missing, 60)))
            value.append(paragraph)
            missing -= len(paragraph.split())
        return value
    return " ".join([value, *padding(rng, len(value.split()), median, spread)])


def lengthen(make: Callable, lengths: Mapping) -> Callable:
    """``make(rng, label)`` whose long parts are padded to the real length distribution."""
    if not lengths:
        return make

    def full(rng: random.Random, label):
        example = make(rng, label)
        for part, (median, spread) in lengths.items():
            if part is None:
                example = grow(example, rng, median, spread)
            else:
                example[part] = grow(example[part], rng, median, spread)
        return example
    return full


def _current_plan(draw_name: str, num_splits: int) -> Optional[Plan]:
    """``CURRENT.plan(draw_name)``, checked against the splits the generator draws."""
    plan = CURRENT.plan(draw_name)
    if plan is not None and len(plan.splits) != num_splits:
        raise ValueError(f"{draw_name}: the full-scale plan lists {len(plan.splits)} "
                         f"splits, the generator draws {num_splits}")
    return plan


def full_sizes(draw_name: str, num_splits: int
               ) -> Optional[Tuple[Tuple[int, ...], Mapping[Optional[str], Tuple[int, float]]]]:
    """``(examples per split, lengths)`` of ``draw_name``'s plan at the current scale, for
    generators that build their own examples (SQuAD's articles); None at the demo scale
    or without a plan."""
    plan = _current_plan(draw_name, num_splits)
    return None if plan is None else (CURRENT.sizes(plan), plan.lengths)


def scaled_units(draw_name: str, units: Sequence[int], examples_per_unit: int
                 ) -> Tuple[Tuple[int, ...], Optional[Tuple[int, float]]]:
    """For generators that draw passages of several examples each (MultiRC, ReCoRD):
    ``(passages per split, (median, spread) of a passage or None)`` at the current
    scale; the demo's ``units`` and None when it has no full-scale plan."""
    plan = _current_plan(draw_name, len(units))
    if plan is None:
        return tuple(units), None
    sizes = CURRENT.sizes(plan)
    return (tuple(math.ceil(n / examples_per_unit) for n in sizes),
            plan.lengths.get("passage"))


def draw_splits(name: str, labels: Sequence, make: Callable,
                sizes: Sequence[int] = (shared.N_TRAIN, shared.N_VAL, shared.N_TEST)
                ) -> list[list]:
    """``shared.draw_splits`` at the current scale: the demo's disjoint draws, or at
    the full scale the real sizes and lengths (repeats allowed)."""
    plan = _current_plan(name, len(sizes))
    if plan is None:
        return shared.draw_splits(name, labels, make, sizes)
    return shared.draw_splits(name, labels, lengthen(make, plan.lengths),
                              CURRENT.sizes(plan), unique=False)


def split_groups(name: str, groups: Sequence, n_val: int, n_test: int, per_group: int
                 ) -> Tuple[list, Tuple[Optional[int], ...]]:
    """``shared.split_groups`` at the current scale: ``(groups per split, rows per split)``.

    The demo cuts the hand-written groups into disjoint splits (rows: None, all of them).
    At the full scale each split draws enough groups (repeats allowed) for the real size
    at ``per_group`` examples a group, and the rows to keep are the real sizes.
    """
    plan = _current_plan(name, 3)
    if plan is None:
        return shared.split_groups(name, list(groups), n_val, n_test), (None, None, None)
    sizes = CURRENT.sizes(plan)
    rng = shared.seeded_rng(f"{name}/full")
    return ([[rng.choice(groups) for _ in range(math.ceil(n / per_group))] for n in sizes],
            sizes)


def redraw(name: str, items: Sequence, num_splits: int) -> Optional[list]:
    """At the full scale (a plan for ``name``), each split's real size drawn from ``items``
    again, repeats allowed (for datasets whose items are short: only sizes grow); None at
    the demo scale or without a plan."""
    plan = _current_plan(name, num_splits)
    if plan is None:
        return None
    rng = shared.seeded_rng(f"{name}/full")
    return [[rng.choice(items) for _ in range(n)] for n in CURRENT.sizes(plan)]
