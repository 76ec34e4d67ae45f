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
from tasks.tfds_versions import tfds_name
from tasks.flan.config import PromptDataset, every_template
from tasks.names import TRANSLATION_MIX


def to_english(code: str) -> Callable:
    """A formatter for a ``<code>``-English pair: the sentence, and English as answer.

    ``to_english("ro")({"ro": "Ana a vizitat Ashby luni.", "en": "Ana visited Ashby on
    Monday."})`` -> ``{"ro": "Ana a vizitat Ashby luni.", "answer": "Ana visited Ashby
    on Monday."}``.
    """
    def fmt(ex):
        return {code: ex[code], "answer": ex["en"]}
    return fmt


def _wmt(name: str, source: str, code: str) -> PromptDataset:
    return PromptDataset(name, source, (code,), to_english(code), None, (metrics.bleu,),
                         mixtures=every_template(TRANSLATION_MIX))


DATASETS: Tuple[PromptDataset, ...] = (
    _wmt("wmt16_translate_roen", tfds_name("wmt16_translate", "ro-en"), "ro"),
    _wmt("wmt16_translate_deen", tfds_name("wmt16_translate", "de-en"), "de"),
    _wmt("wmt14_translate_fren", tfds_name("wmt14_translate", "fr-en"), "fr"),
)
