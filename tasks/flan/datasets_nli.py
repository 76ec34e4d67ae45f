"""FLAN-style dataset configs for natural language inference and question classification: ANLI r1-r3, SNLI, TREC.

ANLI's three rounds share the ``anli`` templates; every NLI set answers with the
three MNLI-style options (label 0 entailment -> ``yes``, 1 neutral -> ``it is not
possible to tell``, 2 contradiction -> ``no``). TREC keeps its coarse label only, as a
readable word. None of them joins an ``ft_*`` mixture.
"""

from __future__ import annotations

from typing import Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.tfds_versions import tfds_name
from tasks.flan.config import PromptDataset, with_label
from tasks.prompts import label_to_answer

import tensorflow as tf

# The same words, in the same label order, as the MNLI options in tasks/flan/datasets.py.
NLI_OPTIONS = ("yes", "it is not possible to tell", "no")
# TREC's coarse classes in the TFDS ClassLabel order: DESC, ENTY, ABBR, HUM, NUM, LOC.
TREC_OPTIONS = ("description", "entity", "abbreviation", "human", "number", "location")
# TREC has train and test splits only: its test split serves as the validation split.
_TRAIN_TEST = {"train": "train", "validation": "test"}


@tf.autograph.experimental.do_not_convert  # plain TF ops: no AST rewrite per pipeline
def has_gold_label(ex) -> tf.Tensor:
    """SNLI pairs whose annotators reached no majority carry label -1: drop them.

    ``{"premise": "...", "hypothesis": "...", "label": -1}`` -> ``False``.
    """
    return tf.greater_equal(ex["label"], 0)


def format_trec(ex):
    """The tokenized question with the spaces before punctuation removed, and the
    coarse label as a word.

    ``{"text": "Who founded Riverton ?", "label-coarse": 3, "label-fine": 4}`` ->
    ``{"question": "Who founded Riverton?", "answer": "human"}``.
    """
    question = tf.strings.regex_replace(ex["text"], r" +([?.,!;:])", r"\1")
    return {"question": tf.strings.strip(question),
            "answer": label_to_answer(ex["label-coarse"], TREC_OPTIONS)}


def _anli(round_: int) -> PromptDataset:
    """ANLI round ``round_`` (train/validation/test as TFDS names them)."""
    return PromptDataset(f"anli_r{round_}", tfds_name("anli", f"r{round_}"),
                         ("context", "hypothesis"),
                         with_label(NLI_OPTIONS, "context", "hypothesis"), NLI_OPTIONS,
                         (metrics.accuracy,), templates="anli")


DATASETS: Tuple[PromptDataset, ...] = (
    _anli(1), _anli(2), _anli(3),
    PromptDataset("snli", tfds_name("snli"), ("premise", "hypothesis"),
                  with_label(NLI_OPTIONS, "premise", "hypothesis"), NLI_OPTIONS,
                  (metrics.accuracy,), example_filter=has_gold_label),
    PromptDataset("trec", tfds_name("trec"), ("question",), format_trec, TREC_OPTIONS,
                  (metrics.accuracy,), splits=_TRAIN_TEST),
)
