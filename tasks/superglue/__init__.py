"""T5-style SuperGLUE tasks (``super_glue_<config>_v102``), declared as T5 declares them.

The t5 library's own preprocessors, postprocessors and metrics on the local TFDS
``super_glue/<config>``; AX-b, AX-g and WSC's simple train task get a metric. Every
task joins ``sglue_mix.t5``. ``register()`` registers them (idempotent); importing this
module registers nothing.

See docs/tasks.md, "SuperGLUE"."""

from __future__ import annotations

import functools

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import names
from tasks import t5_style
from tasks import tfds_versions

import tensorflow_datasets as tfds
from t5.data import glue_utils
from t5.data import postprocessors as t5_postprocessors
from t5.data import preprocessors as t5_preprocessors
from t5.evaluation import metrics as t5_metrics

# SuperGLUE configs registered through T5's GLUE-style helpers, in leaderboard order.
GLUE_STYLE_CONFIGS = ("boolq", "cb", "copa", "multirc", "record", "rte", "wic", "axb", "axg")

# The diagnostics only ship an unlabeled test split.
_TEST_ONLY_CONFIGS = ("axb", "axg")

# WSC in T5's "simple" form (predict the referent's text), one task per use.
WSC_SIMPLE_TRAIN = names.superglue_t5_name("wsc") + "_simple_train"
WSC_SIMPLE_EVAL = names.superglue_t5_name("wsc") + "_simple_eval"
WSC_TFDS_NAME = tfds_versions.tfds_name("super_glue", "wsc.fixed")

# T5's Definite Pronoun Resolution task (predict the referent's text), which T5's
# SuperGLUE mixture trains on beside WSC.
DPR_SIMPLE = "dpr_v001_simple"
DPR_TFDS_NAME = tfds_versions.tfds_name("definite_pronoun_resolution")

# The mixture families every SuperGLUE task joins (T5's ``super_glue_v102_proportional``).
MIXTURES = (names.SGLUE_MIX,)
# Every task name, in registration order: the GLUE-style configs, WSC train/eval, DPR.
SUPERGLUE_TASKS = (*(names.superglue_t5_name(c) for c in GLUE_STYLE_CONFIGS),
                   WSC_SIMPLE_TRAIN, WSC_SIMPLE_EVAL, DPR_SIMPLE)

# Metrics for the configs T5 leaves without any (see the module docstring).
_EXTRA_METRICS = {
    "axb": glue_utils.get_glue_metric("cola"),  # Matthews correlation, x100
    "axg": [t5_metrics.accuracy],
}


def tfds_name(config: str) -> str:
    """``tfds_name("boolq") == "super_glue/boolq:1.0.2"``."""
    return tfds_versions.tfds_name("super_glue", config)


def _builder_config(config: str):
    # The TFDS builder config carries the label names T5's helpers read.
    return tfds.text.super_glue.SuperGlue.builder_configs[config]


def _text_preprocessors(config: str) -> list:
    builder_config = _builder_config(config)
    steps = []
    if config == "axb":
        # AX-b has sentence1/sentence2; T5 renames them to RTE's premise/hypothesis.
        steps.append(functools.partial(
            t5_preprocessors.rekey,
            key_map={"premise": "sentence1", "hypothesis": "sentence2",
                     "label": "label", "idx": "idx"}))
    steps.append(glue_utils.get_glue_text_preprocessor(builder_config))
    return steps


def _metric_fns(config: str) -> list:
    return list(_EXTRA_METRICS.get(config) or glue_utils.get_super_glue_metric(config))


def register() -> tuple:
    """Registers every T5-style SuperGLUE task; returns their names (``SUPERGLUE_TASKS``)."""
    for config in GLUE_STYLE_CONFIGS:
        t5_style.add_t5_task(
            names.superglue_t5_name(config),
            tfds_name(config),
            _text_preprocessors(config),
            metric_fns=_metric_fns(config),
            postprocess_fn=glue_utils.get_glue_postprocess_fn(_builder_config(config)),
            splits=(t5_style.TEST_ONLY if config in _TEST_ONLY_CONFIGS
                    else t5_style.TRAIN_VALIDATION_TEST),
            mixtures=MIXTURES)

    # Train only on examples whose candidate is the correct referent, as T5 does.
    t5_style.add_t5_task(
        WSC_SIMPLE_TRAIN,
        WSC_TFDS_NAME,
        [functools.partial(t5_preprocessors.wsc_simple, correct_referent_only=True)],
        metric_fns=[t5_metrics.accuracy],
        postprocess_fn=t5_postprocessors.wsc_simple,
        splits=("train",), mixtures=MIXTURES)
    t5_style.add_t5_task(
        WSC_SIMPLE_EVAL,
        WSC_TFDS_NAME,
        [functools.partial(t5_preprocessors.wsc_simple, correct_referent_only=False)],
        metric_fns=[t5_metrics.accuracy],
        postprocess_fn=t5_postprocessors.wsc_simple,
        splits=t5_style.VALIDATION_TEST, mixtures=MIXTURES)
    t5_style.add_t5_task(
        DPR_SIMPLE,
        DPR_TFDS_NAME,
        [t5_preprocessors.definite_pronoun_resolution_simple],
        metric_fns=[t5_metrics.accuracy],
        splits=("train", "test"), mixtures=MIXTURES)
    return SUPERGLUE_TASKS
