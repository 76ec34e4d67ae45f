"""T5-style SQuAD (``squad_v010_allanswers``), declared as T5 declares it.

Question and paragraph in, the first gold answer out; exact match and F1 are the best
over a question's answers. SQuAD 2.0 has FLAN-style tasks only. The task joins
``ft_squad_mix.t5``. ``register()`` registers it (idempotent); importing this module
registers nothing.

See docs/tasks.md, "SQuAD"."""

from __future__ import annotations

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import names
from tasks import t5_style
from tasks.tfds_versions import tfds_name

from t5.data import postprocessors as t5_postprocessors
from t5.data import preprocessors as t5_preprocessors
from t5.evaluation import metrics as t5_metrics

TFDS_NAME = tfds_name("squad", "v1.1")
SPLITS = ("train", "validation")
MIXTURES = (names.SQUAD_MIX,)
SQUAD_TASKS = (names.squad_t5_name(),)


def register() -> tuple:
    """Registers ``squad_v010_allanswers``; returns the registered names."""
    t5_style.add_t5_task(
        names.squad_t5_name(), TFDS_NAME, [t5_preprocessors.squad],
        metric_fns=[t5_metrics.squad], postprocess_fn=t5_postprocessors.qa,
        splits=SPLITS, mixtures=MIXTURES)
    return SQUAD_TASKS
