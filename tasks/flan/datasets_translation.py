"""FLAN-style dataset configs for translation (``ft_translation_mix``): WMT16 ro-en and de-en, WMT14 fr-en.

TFDS's WMT configs yield one ``{"<xx>": sentence, "en": translation}`` pair per
example. The formatter keeps the non-English sentence under its language code and
makes the English side the answer, so the templates (``templates_translation.py``)
translate into English when they ask for the answer and out of it when reversed.
Predictions are scored with corpus BLEU (``metrics.bleu``), as FLAN and T5 report WMT.
"""

from __future__ import annotations

from typing import Callable, Tuple

from tasks import metrics
from tasks.flan.config import TRANSLATION_MIX, PromptDataset


def to_english(code: str) -> Callable:
    """A formatter for a ``<code>``-English pair: the sentence, and English as answer.

    ``to_english("ro")({"ro": "Ana a vizitat Ashby luni.", "en": "Ana visited Ashby on
    Monday."})`` -> ``{"ro": "Ana a vizitat Ashby luni.", "answer": "Ana visited Ashby
    on Monday."}``.
    """
    def fmt(ex):
        return {code: ex[code], "answer": ex["en"]}
    return fmt


def _wmt(name: str, tfds_name: str, code: str) -> PromptDataset:
    return PromptDataset(name, tfds_name, (code,), to_english(code), None, (metrics.bleu,),
                         ft_mixtures=(TRANSLATION_MIX,))


DATASETS: Tuple[PromptDataset, ...] = (
    _wmt("wmt16_translate_roen", "wmt16_translate/ro-en:1.0.0", "ro"),
    _wmt("wmt16_translate_deen", "wmt16_translate/de-en:1.0.0", "de"),
    _wmt("wmt14_translate_fren", "wmt14_translate/fr-en:1.0.0", "fr"),
)
