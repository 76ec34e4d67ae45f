"""FLAN-style dataset configs for pronoun resolution: DPR and WSC273.

Both have per-example options (two candidates) and are scored by accuracy. WSC273 has a
test split only: it never trains. DPR joins ``sglue_dpr_prompted_mix`` and
``sglue_dpr_wsc_prompted_mix``, WSC273 the latter.

See docs/tasks.md, "Pronoun resolution: DPR and WSC273"."""

from __future__ import annotations

from typing import Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.tfds_versions import tfds_name
from tasks.flan.config import SGLUE_DPR, SGLUE_DPR_WSC, PromptDataset

import tensorflow as tf

DPR_TFDS = tfds_name("definite_pronoun_resolution")
WSC273_TFDS = tfds_name("wsc273")
# DPR has train and test splits only: its test split serves as the validation split.
_DPR_SPLITS = {"train": "train", "validation": "test"}
# WSC273 is one test split: evaluation finds it as validation (and as test).
_WSC273_SPLITS = {"validation": "test", "test": "test"}


def format_dpr(ex):
    """The two candidates as the options, the labelled one as the answer.

    ``{"sentence": "Ann thanked Eva because she had helped.", "pronoun": "she",
    "candidates": ["Ann", "Eva"], "label": 1}`` -> ``{"sentence": ..., "pronoun":
    "she", "options": ["Ann", "Eva"], "answer": "Eva"}``.
    """
    candidates = ex["candidates"]
    return {"sentence": ex["sentence"], "pronoun": ex["pronoun"], "options": candidates,
            "answer": tf.gather(candidates, tf.cast(ex["label"], tf.int32))}


def format_wsc273(ex):
    """The text before the pronoun as ``context``; each option is the rest of the
    sentence with one candidate (capitalised like the pronoun) in the pronoun's place.

    ``{"text": "The rope could not hold the crate because it was too thin.",
    "pronoun_start": 42, "pronoun_end": 44, "option1_normalized": "the rope",
    "option2_normalized": "the crate", "label": 0}`` -> ``{"context": "The rope could
    not hold the crate because", "options": ["the rope was too thin.", "the crate was
    too thin."], "answer": "the rope was too thin."}``. When the pronoun ends the
    sentence (``"... called him."``) the full stop follows the candidate directly.
    """
    text = ex["text"]
    # The builder counts characters, not bytes.
    context = tf.strings.substr(text, 0, ex["pronoun_start"], unit="UTF8_CHAR")
    rest = tf.strings.substr(text, ex["pronoun_end"], tf.strings.length(
        text, unit="UTF8_CHAR") - ex["pronoun_end"], unit="UTF8_CHAR")
    rest = tf.strings.strip(rest)
    space = tf.where(tf.strings.regex_full_match(rest, r"[.,;:!?].*"), "", " ")
    options = tf.strings.join(
        [tf.stack([ex["option1_normalized"], ex["option2_normalized"]]), space, rest])
    return {"context": tf.strings.strip(context), "options": options,
            "answer": tf.gather(options, tf.cast(ex["label"], tf.int32))}


DATASETS: Tuple[PromptDataset, ...] = (
    PromptDataset("dpr", DPR_TFDS, ("sentence", "pronoun", "options"), format_dpr,
                  None, (metrics.accuracy,), splits=_DPR_SPLITS,
                  mixtures=SGLUE_DPR + SGLUE_DPR_WSC),
    PromptDataset("wsc273", WSC273_TFDS, ("context", "options"), format_wsc273, None,
                  (metrics.accuracy,), splits=_WSC273_SPLITS, mixtures=SGLUE_DPR_WSC),
)
