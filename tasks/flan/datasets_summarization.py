"""FLAN-style dataset configs for summarization (``ft_summarization_mix``): SAMSum, AESLC, XSum, CNN/DailyMail.

Each source text becomes one field (``dialogue``, ``body``, ``document``, ``article``)
and its summary the written-out ``answer``; every dataset is scored with ROUGE
(``tasks.metrics.rouge``: ROUGE-1, ROUGE-2, ROUGE-Lsum) and joins
``ft_summarization_mix``. The TFDS builders' split names are the canonical ones.
"""

from __future__ import annotations

from typing import Callable, Sequence, Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.tfds_versions import tfds_name
from tasks.flan.config import PromptDataset, every_template
from tasks.names import SUMMARIZATION_MIX

import tensorflow as tf

# SAMSum joins dialogue turns with Windows line breaks (a few with bare "\r").
_LINE_BREAKS = ((r"\r\n?", "\n"),)


def summary_pair(text_key: str, field: str, summary_key: str,
                 rules: Sequence[Tuple[str, str]] = ()) -> Callable:
    """A formatter: ``field`` = the stripped ``text_key`` with ``rules`` (regex,
    replacement) applied, ``answer`` = the stripped ``summary_key``.

    ``summary_pair("email_body", "body", "subject_line")`` on ``{"email_body":
    "Hi Ann,\\nLunch on Friday?\\n", "subject_line": "Team lunch\\n"}`` ->
    ``{"body": "Hi Ann,\\nLunch on Friday?", "answer": "Team lunch"}``.
    """
    def fmt(ex):
        text = ex[text_key]
        for pattern, replacement in rules:
            text = tf.strings.regex_replace(text, pattern, replacement)
        return {field: tf.strings.strip(text),
                "answer": tf.strings.strip(ex[summary_key])}
    return fmt


# ``{"dialogue": "Ann: Lunch?\r\nBo: Sure", "summary": "Bo joins Ann.", "id": "13"}``
# -> ``{"dialogue": "Ann: Lunch?\nBo: Sure", "answer": "Bo joins Ann."}``.
format_samsum = summary_pair("dialogue", "dialogue", "summary", _LINE_BREAKS)
# AESLC's parser keeps each block's final newline: stripped here.
format_aeslc = summary_pair("email_body", "body", "subject_line")
format_xsum = summary_pair("document", "document", "summary")
# Highlights stay one per line (ROUGE-Lsum splits summaries on newlines).
format_cnn_dailymail = summary_pair("article", "article", "highlights")

_ROUGE = (metrics.rouge,)

DATASETS: Tuple[PromptDataset, ...] = (
    PromptDataset("samsum", tfds_name("samsum"), ("dialogue",), format_samsum, None, _ROUGE,
                  mixtures=every_template(SUMMARIZATION_MIX)),
    PromptDataset("aeslc", tfds_name("aeslc"), ("body",), format_aeslc, None, _ROUGE,
                  mixtures=every_template(SUMMARIZATION_MIX)),
    PromptDataset("xsum", tfds_name("xsum"), ("document",), format_xsum, None, _ROUGE,
                  mixtures=every_template(SUMMARIZATION_MIX)),
    PromptDataset("cnn_dailymail", tfds_name("cnn_dailymail"), ("article",),
                  format_cnn_dailymail, None, _ROUGE,
                  mixtures=every_template(SUMMARIZATION_MIX)),
)
