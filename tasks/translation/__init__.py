"""T5-style WMT translation (``wmt16_enro_v003``, ``wmt14_enfr_v003``), declared as T5
declares them.

English is the source, the other language the target, with T5's task prefix::

    {"ro": "Ana a vizitat Ashby luni.", "en": "Ana visited Ashby on Monday."}
    -> {"inputs": "translate English to Romanian: Ana visited Ashby on Monday.",
        "targets": "Ana a vizitat Ashby luni."}

``t5.data.preprocessors.translate`` builds that pair and ``t5.evaluation.metrics.bleu``
scores it (sacreBLEU on the detokenised text); the data comes from the local TFDS dir at
the versions in ``tasks/tfds_versions.py``, the ones T5 names
(``wmt16_translate/ro-en:1.0.0``, ``wmt14_translate/fr-en:1.0.0``).
The name is T5's own formula, ``wmt<year>_<target code><source code>_v003`` over the
TFDS config's language pair (``("ro", "en")`` -> ``wmt16_enro_v003``).

T5 also declares ``wmt14_ende_v003``, ``wmt15_enfr_v003``, ``wmt19_ende_v003`` and
``wmt_t2t_ende_v003``; they read other builders (``wmt14_translate/de-en``,
``wmt15_translate``, ``wmt19_translate``, ``wmt_t2t_translate``) that this project does
not build, so they are left out rather than registered without data.

Both join ``ft_translation_mix.t5``. ``register()`` registers them (idempotent);
importing this module registers nothing.
"""

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
