"""FLAN-style dataset configs for closed-book question answering (``ft_closedbook_qa_mix``): Natural Questions (open), TriviaQA, ARC easy and challenge.

Closed book: the model sees the question alone. Natural Questions (open) and TriviaQA
(the ``rc.nocontext`` config, which leaves the evidence documents out) are scored with
``metrics.closed_book_qa`` (SQuAD-normalised exact match and F1) against the first
accepted answer and the answer's value respectively. ARC easy and challenge are
multiple choice with the question's own choices as options, scored by accuracy; they
share the ``arc`` templates. Every dataset joins ``ft_closedbook_qa_mix``.
"""

from __future__ import annotations

from typing import Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.tfds_versions import tfds_name
from tasks.flan.config import PromptDataset, every_template
from tasks.names import CLOSEDBOOK_MIX

import tensorflow as tf

# TriviaQA's test split has no answers (its value is "<unk>"): only train and
# validation are exposed.
_TRAIN_VALIDATION = {"train": "train", "validation": "validation"}


def format_natural_questions(ex):
    """The question as it is, the first accepted answer as ``answer``.

    ``{"question": "when was ashby founded", "answer": ["1712", "in 1712"]}`` ->
    ``{"question": "when was ashby founded", "answer": "1712"}``.
    """
    answers = ex["answer"]
    return {"question": tf.strings.strip(ex["question"]),
            "answer": tf.cond(tf.size(answers) > 0, lambda: answers[0],
                              lambda: tf.constant(""))}


def format_trivia_qa(ex):
    """The question and the answer's value (its canonical spelling).

    ``{"question": "Ashby stands on which river?", "answer": {"value": "Esker River",
    "aliases": ["Esker", "Esker River"], ...}, ...}`` -> ``{"question": "Ashby stands
    on which river?", "answer": "Esker River"}``.
    """
    return {"question": tf.strings.strip(ex["question"]),
            "answer": ex["answer"]["value"]}


def format_arc(ex):
    """The question's choices as options; the answer is the text of the choice whose
    label is ``answerKey``.

    ``{"question": "Which tool measures mass?", "choices": {"text": ["a ruler",
    "a balance"], "label": [0, 1]}, "answerKey": 1}`` -> ``{"question": "Which tool
    measures mass?", "options": ["a ruler", "a balance"], "answer": "a balance"}``.
    """
    texts, labels = ex["choices"]["text"], ex["choices"]["label"]
    right = tf.equal(tf.cast(labels, tf.int64), tf.cast(ex["answerKey"], tf.int64))
    return {"question": tf.strings.strip(ex["question"]), "options": texts,
            "answer": tf.strings.reduce_join(tf.boolean_mask(texts, right))}


def _arc(config: str) -> PromptDataset:
    """ARC ``ARC-Easy`` or ``ARC-Challenge`` (train/validation/test, all labelled)."""
    name = "arc_easy" if config == "ARC-Easy" else "arc_challenge"
    return PromptDataset(name, tfds_name("ai2_arc", config), ("question", "options"),
                         format_arc, None, (metrics.accuracy,), templates="arc",
                         mixtures=every_template(CLOSEDBOOK_MIX))


DATASETS: Tuple[PromptDataset, ...] = (
    PromptDataset("natural_questions", tfds_name("natural_questions_open"), ("question",),
                  format_natural_questions, None, (metrics.closed_book_qa,),
                  mixtures=every_template(CLOSEDBOOK_MIX)),
    PromptDataset("trivia_qa", tfds_name("trivia_qa", "rc.nocontext"), ("question",),
                  format_trivia_qa, None, (metrics.closed_book_qa,),
                  splits=_TRAIN_VALIDATION,
                  mixtures=every_template(CLOSEDBOOK_MIX)),
    _arc("ARC-Easy"),
    _arc("ARC-Challenge"),
)
