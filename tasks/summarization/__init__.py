"""T5-style CNN/DailyMail (``cnn_dailymail_v002``), declared as T5 declares it.

``summarize:`` + article in, the highlights (one a line) out, scored with ROUGE-1,
ROUGE-2 and ROUGE-Lsum through ``tasks.metrics.rouge``. The task joins
``ft_summarization_mix.t5``. ``register()`` registers it (idempotent); importing this
module registers nothing.

See docs/tasks.md, "CNN/DailyMail"."""

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
