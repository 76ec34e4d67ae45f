"""T5-style CNN/DailyMail (``cnn_dailymail_v002``), declared as T5 declares it.

The input is the article after T5's ``summarize:`` prefix; the target is the
highlights, one per line, as the TFDS builder joins them::

    {"article": "Floodwater rose overnight.", "highlights": "River rose.\\nFamilies left.",
     "publisher": "cnn", "id": "c2847..."}
    -> {"inputs": "summarize: Floodwater rose overnight.",
        "targets": "River rose.\\nFamilies left."}

``t5.data.preprocessors.summarize`` keeps only ``inputs`` and ``targets``; the task
has no postprocessor and is scored with ROUGE-1, ROUGE-2 and ROUGE-Lsum (the last
splitting summaries on those newlines) through ``tasks.metrics.rouge``, which calls
``t5.evaluation.metrics.rouge``: seqio refuses that function itself as a metric, since
its signature ends in ``**kwargs``. The data
comes from the local TFDS dir (``cnn_dailymail`` at the version in
``tasks/tfds_versions.py``, 3.4.0, the one T5 names too).

T5 registers no task for SAMSum, AESLC or XSum; the FLAN-style ``<dataset>_type_*``
tasks cover all four datasets.

The task joins ``ft_summarization_mix.t5``. ``register()`` registers it (idempotent);
importing this module registers nothing.
"""

from __future__ import annotations

import functools

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics, names, t5_style
from tasks.tfds_versions import tfds_name

from t5.data import preprocessors as t5_preprocessors

# T5's name: like ``_v002`` of the GLUE tasks, the suffix is a TFDS version T5 once used.
CNN_DAILYMAIL_T5_NAME = "cnn_dailymail_v002"
TFDS_NAME = tfds_name("cnn_dailymail")
MIXTURES = (names.SUMMARIZATION_MIX,)
SUMMARIZATION_TASKS = (CNN_DAILYMAIL_T5_NAME,)


def register() -> tuple:
    """Registers ``cnn_dailymail_v002``; returns the registered names."""
    t5_style.add_t5_task(
        CNN_DAILYMAIL_T5_NAME, TFDS_NAME,
        [functools.partial(t5_preprocessors.summarize, article_key="article",
                           summary_key="highlights")],
        metric_fns=[metrics.rouge], mixtures=MIXTURES)
    return SUMMARIZATION_TASKS
