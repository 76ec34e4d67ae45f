"""T5-style definite pronoun resolution (``dpr_v001_simple``), declared as T5 declares it.

T5's WSC-style prompt (the pronoun marked by asterisks) in, the referent out, scored by
accuracy. It joins no mixture. ``register()`` registers it (idempotent); importing this
module registers nothing.

See docs/tasks.md, "DPR"."""

from __future__ import annotations

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import t5_style
from tasks.tfds_versions import tfds_name

from t5.data import preprocessors as t5_preprocessors
from t5.evaluation import metrics as t5_metrics

TFDS_NAME = tfds_name("definite_pronoun_resolution")
SPLITS = ("train", "test")
# T5's name: the suffix is the TFDS version T5 first used (like ``_v002``, ``_v102``).
DPR_T5_NAME = "dpr_v001_simple"
DPR_TASKS = (DPR_T5_NAME,)


def register() -> tuple:
    """Registers ``dpr_v001_simple``; returns the registered names."""
    t5_style.add_t5_task(
        DPR_T5_NAME, TFDS_NAME, [t5_preprocessors.definite_pronoun_resolution_simple],
        metric_fns=[t5_metrics.accuracy], splits=SPLITS)
    return DPR_TASKS
