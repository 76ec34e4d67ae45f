"""FLAN-style dataset configs for text generation: CoQA, DART, math_dataset, true_case, fix_punct.

Every answer here is written out (``templates_textgen.FREE_TEXT``); none of these
datasets joins an ``ft_*`` mixture.

See docs/tasks.md, "Text generation" (metrics and splits of each dataset)."""

from __future__ import annotations

import re
from typing import Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.tfds_versions import tfds_name
from tasks.flan.config import PromptDataset

import tensorflow as tf

_TRAIN_TEST = {"train": "train", "validation": "test"}
QNLI = tfds_name("glue", "qnli")


def _numbered(items: tf.Tensor) -> tf.Tensor:
    """``["Who?", "Where?"]`` -> ``"1. Who?\\n2. Where?"`` (a scalar tf.string)."""
    numbers = tf.strings.as_string(tf.range(1, tf.size(items) + 1))
    return tf.strings.reduce_join(tf.strings.join([numbers, items], separator=". "),
                                  separator="\n")


def format_coqa(ex):
    """The story, and the conversation's questions and answers numbered turn by turn.

    ``{"story": "Rosa lived in Ashby.", "questions": ["Where did Rosa live?", "Was it
    big?"], "answers": {"input_text": ["in Ashby", "unknown"], ...}}`` ->
    ``{"story": "Rosa lived in Ashby.", "questions": "1. Where did Rosa live?\\n2. Was
    it big?", "answer": "1. in Ashby\\n2. unknown"}``.
    """
    return {"story": ex["story"], "questions": _numbered(ex["questions"]),
            "answer": _numbered(ex["answers"]["input_text"])}


_TURN_NUMBER = re.compile(r"^\s*\d+\.\s*", re.MULTILINE)


def strip_turn_numbers(output, example=None, is_target=False):
    """Scoring view of a numbered answer list: ``"1. in Ashby\\n2. no"`` -> ``"in
    Ashby\\nno"`` (so only answer words count towards F1)."""
    del example, is_target
    return _TURN_NUMBER.sub("", output).strip() if isinstance(output, str) else output


def format_dart(ex):
    """The triples one a line, ``subject | predicate | object``; the sentence as answer.

    ``{"input_text": {"table": {"content": ["Ashby", "river", "Esker River", "Ashby",
    "knownFor", "cider"], ...}}, "target_text": "Ashby, on the Esker, makes cider."}``
    -> ``{"triples": "Ashby | river | Esker River\\nAshby | knownFor | cider", "answer":
    "Ashby, on the Esker, makes cider."}``.
    """
    # The builder lays each triple out as three consecutive cells.
    cells = tf.reshape(ex["input_text"]["table"]["content"], [-1, 3])
    rows = tf.strings.reduce_join(cells, axis=1, separator=" | ")
    return {"triples": tf.strings.reduce_join(rows, separator="\n"),
            "answer": ex["target_text"]}


def format_math(ex):
    """``{"question": "Solve 3*x + 2 = 11 for x.", "answer": "3"}`` as it is."""
    return {"question": ex["question"], "answer": ex["answer"]}


def lower_case(text: tf.Tensor) -> tf.Tensor:
    """``"Ashby lies on the Esker."`` -> ``"ashby lies on the esker."`` (UTF-8 aware)."""
    return tf.strings.lower(text, encoding="utf-8")


# Applied in order. Apostrophes, hyphens inside words and the points or commas inside
# numbers ("3.5", "1,200") are spelling, not punctuation: they stay.
_PUNCTUATION_RULES = (
    (r"[\"“”‘’«»()\[\]{}]", ""),  # quotes and brackets (a lone "’" is a quote here)
    (r"[.,;:!?…]+(\s|$)", r"\1"),  # marks that end a word
    (r"(^|\s)[-–—]+(\s|$)", r"\1"),  # dashes standing between words
    (r"\s+", " "),
)


def remove_punctuation(text: tf.Tensor) -> tf.Tensor:
    """``"In 1850, the town (pop. 1,200) grew."`` -> ``"In 1850 the town pop 1,200
    grew"``."""
    for pattern, replacement in _PUNCTUATION_RULES:
        text = tf.strings.regex_replace(text, pattern, replacement)
    return tf.strings.strip(text)


def format_true_case(ex):
    """``{"sentence": "Ashby lies on the Esker."}`` -> ``{"sentence": "ashby lies on the
    esker.", "answer": "Ashby lies on the Esker."}``."""
    sentence = tf.strings.strip(ex["sentence"])
    return {"sentence": lower_case(sentence), "answer": sentence}


def format_fix_punct(ex):
    """``{"sentence": "Ashby, a town, lies on the Esker."}`` -> ``{"sentence": "Ashby a
    town lies on the Esker", "answer": "Ashby, a town, lies on the Esker."}``."""
    sentence = tf.strings.strip(ex["sentence"])
    return {"sentence": remove_punctuation(sentence), "answer": sentence}


@tf.autograph.experimental.do_not_convert  # plain TF ops: no AST rewrite per pipeline
def has_upper_case(ex):
    """Keep sentences that lower-casing changes (there is something to restore)."""
    sentence = tf.strings.strip(ex["sentence"])
    return tf.not_equal(lower_case(sentence), sentence)


@tf.autograph.experimental.do_not_convert  # plain TF ops: no AST rewrite per pipeline
def has_punctuation(ex):
    """Keep sentences that removing punctuation changes (there is something to add)."""
    sentence = tf.strings.strip(ex["sentence"])
    return tf.not_equal(remove_punctuation(sentence), sentence)


DATASETS: Tuple[PromptDataset, ...] = (
    PromptDataset("coqa", tfds_name("coqa"), ("story", "questions"), format_coqa, None,
                  (metrics.squad,), splits=_TRAIN_TEST, postprocess_fn=strip_turn_numbers),
    PromptDataset("dart", tfds_name("dart"), ("triples",), format_dart, None,
                  (metrics.bleu, metrics.rouge)),
    PromptDataset("math_dataset", tfds_name("math_dataset", "algebra__linear_1d"), ("question",),
                  format_math, None, (metrics.accuracy,), splits=_TRAIN_TEST),
    PromptDataset("true_case", QNLI, ("sentence",), format_true_case, None,
                  (metrics.accuracy, metrics.bleu), example_filter=has_upper_case),
    PromptDataset("fix_punct", QNLI, ("sentence",), format_fix_punct, None,
                  (metrics.accuracy, metrics.bleu), example_filter=has_punctuation),
)
