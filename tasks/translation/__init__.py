"""T5-style WMT translation (``wmt16_enro_v003``, ``wmt14_enfr_v003``), declared as T5
declares them.

English to Romanian / French with T5's task prefix, scored with BLEU. Both join
``ft_translation_mix.t5``. ``register()`` registers them (idempotent); importing this
module registers nothing.

See docs/tasks.md, "WMT translation"."""

from __future__ import annotations

import functools

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import names as task_names
from tasks import t5_style
from tasks import tfds_versions

from t5.data import preprocessors as t5_preprocessors
from t5.evaluation import metrics as t5_metrics

# (WMT year, TFDS config's language pair): the pairs whose data we build.
WMT_CONFIGS = (
    ("16", ("ro", "en")),
    ("14", ("fr", "en")),
)
MIXTURES = (task_names.TRANSLATION_MIX,)


def t5_name(year: str, language_pair: tuple) -> str:
    """T5's task name for a WMT config: ``("16", ("ro", "en")) -> "wmt16_enro_v003"``."""
    return f"wmt{year}_{language_pair[1]}{language_pair[0]}_v003"


def tfds_name(year: str, language_pair: tuple) -> str:
    """``("16", ("ro", "en")) -> "wmt16_translate/ro-en:1.0.0"``."""
    return tfds_versions.tfds_name(f"wmt{year}_translate",
                                   f"{language_pair[0]}-{language_pair[1]}")


# Every task name, in registration order.
TRANSLATION_TASKS = tuple(t5_name(year, pair) for year, pair in WMT_CONFIGS)


def register() -> tuple:
    """Registers ``wmt16_enro_v003`` and ``wmt14_enfr_v003``; returns their names."""
    for year, pair in WMT_CONFIGS:
        t5_style.add_t5_task(
            t5_name(year, pair), tfds_name(year, pair),
            [functools.partial(t5_preprocessors.translate,
                               source_language=pair[1], target_language=pair[0])],
            metric_fns=[t5_metrics.bleu], mixtures=MIXTURES)
    return TRANSLATION_TASKS
