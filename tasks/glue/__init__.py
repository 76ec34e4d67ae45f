"""T5-style GLUE tasks (``glue_<config>_v002``), declared as T5 declares them.

The t5 library's own preprocessors, postprocessors and metrics on the local TFDS
``glue/<config>``; ``glue_ax_v002`` is scored with Matthews correlation. Every task
joins ``glue_mix.t5``. ``register()`` registers them (idempotent); importing this
module registers nothing.

See docs/tasks.md, "GLUE"."""

from __future__ import annotations

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import names
from tasks import t5_style
from tasks import tfds_versions

import tensorflow_datasets as tfds
from t5.data import glue_utils

# Splits of each TFDS GLUE config (see tensorflow_datasets/text/glue.py).
_MNLI_SPLITS = ("train", "validation_matched", "validation_mismatched",
                "test_matched", "test_mismatched")
CONFIG_SPLITS = {
    "cola": t5_style.TRAIN_VALIDATION_TEST,
    "sst2": t5_style.TRAIN_VALIDATION_TEST,
    "mrpc": t5_style.TRAIN_VALIDATION_TEST,
    "qqp": t5_style.TRAIN_VALIDATION_TEST,
    "stsb": t5_style.TRAIN_VALIDATION_TEST,
    "mnli": _MNLI_SPLITS,
    "mnli_matched": t5_style.VALIDATION_TEST,
    "mnli_mismatched": t5_style.VALIDATION_TEST,
    "qnli": t5_style.TRAIN_VALIDATION_TEST,
    "rte": t5_style.TRAIN_VALIDATION_TEST,
    "wnli": t5_style.TRAIN_VALIDATION_TEST,
    "ax": t5_style.TEST_ONLY,
}

# Metrics for the configs T5 leaves without any (see the module docstring).
_EXTRA_METRICS = {
    "ax": glue_utils.get_glue_metric("cola"),  # Matthews correlation, x100
}


# The mixture families the GLUE tasks join: T5's ``glue_v002_proportional`` holds every
# task here but WNLI (registered, left out of the mixture as T5 does).
MIXTURES = (names.GLUE_MIX,)
OUTSIDE_MIXTURE = ("wnli",)
# Every task name, in registration order.
GLUE_TASKS = tuple(names.glue_t5_name(config) for config in CONFIG_SPLITS)


def tfds_name(config: str) -> str:
    """``tfds_name("mrpc") == "glue/mrpc:2.0.0"``."""
    return tfds_versions.tfds_name("glue", config)


def _builder_config(config: str):
    # The TFDS builder config carries the label names T5's helpers read.
    return tfds.text.glue.Glue.builder_configs[config]


def _metric_fns(config: str) -> list:
    return list(_EXTRA_METRICS.get(config) or glue_utils.get_glue_metric(config))


def register() -> tuple:
    """Registers every T5-style GLUE task; returns their names (``GLUE_TASKS``)."""
    for config, splits in CONFIG_SPLITS.items():
        builder_config = _builder_config(config)
        t5_style.add_t5_task(
            names.glue_t5_name(config),
            tfds_name(config),
            [glue_utils.get_glue_text_preprocessor(builder_config)],
            metric_fns=_metric_fns(config),
            postprocess_fn=glue_utils.get_glue_postprocess_fn(builder_config),
            splits=splits, mixtures=() if config in OUTSIDE_MIXTURE else MIXTURES)
    return GLUE_TASKS
