"""FLAN-style dataset configs for commonsense multiple choice: PIQA, OpenBookQA, HellaSwag.

Each example carries its own candidates (solutions, answer choices, endings): the
formatters return them as ``options`` and the right one's text as ``answer`` (``""``
for an unlabelled test example, HellaSwag's label -1). Scored by accuracy; these sets
join no ft_* mixture.
"""

from __future__ import annotations

from typing import Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.tfds_versions import tfds_name
from tasks.flan.config import PromptDataset

import tensorflow as tf

# HellaSwag's WikiHow half marks its structure inline: "[header] How to X [title] Step.
# [step] Detail." The header marker is dropped, the others become line breaks in the
# context and disappear from the endings (a model should not have to write brackets).
_HEADER = r"\[header\]\s*"
_MARKER = r"\s*\[[a-z]+\]\s*"


def _choose(options: tf.Tensor, label: tf.Tensor) -> tf.Tensor:
    """``options[label]``, or ``""`` when the label is -1 (no label)."""
    label = tf.cast(label, tf.int32)
    return tf.where(label >= 0, tf.gather(options, tf.maximum(label, 0)), "")


def format_piqa(ex):
    """The two solutions are the options; the answer is the right one.

    ``{"goal": "To dry a shoe,", "sol1": "stuff it with paper.", "sol2": "soak it.",
    "label": 0}`` -> ``{"goal": ..., "sol1": ..., "sol2": ..., "options":
    ["stuff it with paper.", "soak it."], "answer": "stuff it with paper."}``.
    """
    options = tf.stack([ex["sol1"], ex["sol2"]])
    return {"goal": ex["goal"], "sol1": ex["sol1"], "sol2": ex["sol2"],
            "options": options, "answer": _choose(options, ex["label"])}


def format_openbookqa(ex):
    """The stem, the supporting fact, choices A-D as options, the keyed one as answer.

    ``{"question": {"stem": "Which floats?", "choice_A": "a cork", "choice_B":
    "a nail", ...}, "fact1": "less dense objects float", "answerKey": 0}`` ->
    ``{"question": "Which floats?", "fact": "less dense objects float", "options":
    ["a cork", "a nail", ...], "answer": "a cork"}``.
    """
    question = ex["question"]
    options = tf.stack([question[f"choice_{key}"] for key in "ABCD"])
    return {"question": question["stem"], "fact": ex["fact1"], "options": options,
            "answer": _choose(options, ex["answerKey"])}


def format_hellaswag(ex):
    """The context and endings without WikiHow's ``[...]`` markers; the right ending.

    ``{"context": "[header] How to bathe a dog [title] Brush it. [step] Tangles...",
    "endings": ["[title] Use warm water. [step] Wet it.", ...], "activity_label":
    "Pets and Animals", "label": 0}`` -> ``{"context": "How to bathe a dog\\nBrush
    it.\\nTangles...", "activity_label": "Pets and Animals", "options": ["Use warm
    water. Wet it.", ...], "answer": "Use warm water. Wet it."}``.
    """
    context = tf.strings.regex_replace(ex["context"], _HEADER, "")
    context = tf.strings.regex_replace(context, _MARKER, "\n")
    endings = tf.strings.strip(tf.strings.regex_replace(ex["endings"], _MARKER, " "))
    return {"context": tf.strings.strip(context), "activity_label": ex["activity_label"],
            "options": endings, "answer": _choose(endings, ex["label"])}


DATASETS: Tuple[PromptDataset, ...] = (
    # Upstream PIQA publishes train and dev only: TFDS train / validation.
    PromptDataset("piqa", tfds_name("piqa"), ("goal", "sol1", "sol2", "options"),
                  format_piqa, metric_fns=(metrics.accuracy,)),
    PromptDataset("openbookqa", tfds_name("openbookqa"), ("question", "fact", "options"),
                  format_openbookqa, metric_fns=(metrics.accuracy,)),
    # Only the three canonical splits; the per-domain and per-source views stay in TFDS.
    PromptDataset("hellaswag", tfds_name("hellaswag"), ("context", "activity_label", "options"),
                  format_hellaswag, metric_fns=(metrics.accuracy,),
                  splits={"train": "train", "validation": "validation", "test": "test"}),
)
