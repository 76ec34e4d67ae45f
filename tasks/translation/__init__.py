"""T5-style WMT translation (``wmt16_enro_v003``, ``wmt14_enfr_v003``), declared as T5
declares them.

English is the source, the other language the target, with T5's task prefix::

    {"ro": "Ana a vizitat Ashby luni.", "en": "Ana visited Ashby on Monday."}
    -> {"inputs": "translate English to Romanian: Ana visited Ashby on Monday.",
        "targets": "Ana a vizitat Ashby luni."}

``t5.data.preprocessors.translate`` builds that pair and ``t5.evaluation.metrics.bleu``
scores it (sacreBLEU on the detokenised text); the data comes from the local TFDS dir at
the versions T5 names (``wmt16_translate/ro-en:1.0.0``, ``wmt14_translate/fr-en:1.0.0``).
The name is T5's own formula, ``wmt<year>_<target code><source code>_v003`` over the
TFDS config's language pair (``("ro", "en")`` -> ``wmt16_enro_v003``).

T5 also declares ``wmt14_ende_v003``, ``wmt15_enfr_v003``, ``wmt19_ende_v003`` and
``wmt_t2t_ende_v003``; they read other builders (``wmt14_translate/de-en``,
``wmt15_translate``, ``wmt19_translate``, ``wmt_t2t_translate``) that this project does
not build, so they are left out rather than registered without data.

Importing this module registers the tasks; ``register()`` does it again (idempotent).
"""

from __future__ import annotations

import functools

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import t5_style

from t5.data import preprocessors as t5_preprocessors
from t5.evaluation import metrics as t5_metrics

# (WMT year, TFDS config's language pair, TFDS version): the pairs whose data we build.
WMT_CONFIGS = (
    ("16", ("ro", "en"), "1.0.0"),
    ("14", ("fr", "en"), "1.0.0"),
)


def t5_name(year: str, language_pair: tuple) -> str:
    """T5's task name for a WMT config: ``("16", ("ro", "en")) -> "wmt16_enro_v003"``."""
    return f"wmt{year}_{language_pair[1]}{language_pair[0]}_v003"


def tfds_name(year: str, language_pair: tuple, version: str) -> str:
    """``("16", ("ro", "en"), "1.0.0") -> "wmt16_translate/ro-en:1.0.0"``."""
    return f"wmt{year}_translate/{language_pair[0]}-{language_pair[1]}:{version}"


def register() -> tuple:
    """Registers ``wmt16_enro_v003`` and ``wmt14_enfr_v003``; returns their names."""
    names = []
    for year, pair, version in WMT_CONFIGS:
        name = t5_name(year, pair)
        t5_style.add_t5_task(
            name, tfds_name(year, pair, version),
            [functools.partial(t5_preprocessors.translate,
                               source_language=pair[1], target_language=pair[0])],
            metric_fns=[t5_metrics.bleu])
        names.append(name)
    return tuple(names)


# Every registered name, for mixtures.
TRANSLATION_TASKS = register()
