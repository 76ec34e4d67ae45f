"""The shape of one FLAN-style dataset config, and the two formatters most of them use.

``tasks/flan/datasets.py`` (GLUE, SuperGLUE, sentiment, paraphrase, SQuAD) and the
``tasks/flan/datasets_<group>.py`` modules (one per group of datasets beyond them)
declare ``PromptDataset`` tuples; ``tasks.flan.register_all`` registers them all.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Mapping, Optional, Sequence, Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics
from tasks.prompts import label_to_answer

# Mixture families a dataset may join (``PromptDataset.ft_mixtures``); ``mixtures``
# builds ``<family>.flan`` from every template of the datasets that name it.
SENTIMENT_MIX = "ft_sentiment_mix"
PARAPHRASE_MIX = "ft_paraphrase_similarity_mix"
SQUAD_MIX = "ft_squad_mix"
CLOSEDBOOK_MIX = "ft_closedbook_qa_mix"
TRANSLATION_MIX = "ft_translation_mix"
SUMMARIZATION_MIX = "ft_summarization_mix"
FT_MIXTURES = (SENTIMENT_MIX, PARAPHRASE_MIX, SQUAD_MIX, CLOSEDBOOK_MIX, TRANSLATION_MIX,
               SUMMARIZATION_MIX)


@dataclasses.dataclass(frozen=True)
class PromptDataset:
    """One FLAN-style dataset: source, fields, formatter, options and metrics."""

    name: str
    tfds_name: str
    fields: Tuple[str, ...]
    formatter: Callable
    options: Optional[Tuple[str, ...]] = None
    metric_fns: Tuple[Callable, ...] = (metrics.accuracy,)
    splits: Optional[Mapping[str, str]] = None  # canonical split -> TFDS split
    templates: Optional[str] = None  # key in PATTERNS when it differs from `name`
    family: str = ""  # "sglue" or "glue": which benchmark mixtures it joins
    ft_mixtures: Tuple[str, ...] = ()  # ft_* (and other) mixture families it joins
    example_filter: Optional[Callable] = None  # source example -> keep it?
    postprocess_fn: Optional[Callable] = None  # prediction/target text -> scored value


def pick(*names: str) -> Callable:
    """A formatter copying string features ``names``: ``{"a": x, ...} -> {"a": x}``."""
    def fmt(ex):
        return {n: ex[n] for n in names}
    return fmt


def with_label(options: Sequence[str], *names: str) -> Callable:
    """``pick(names)`` plus ``answer = options[label]``."""
    copy = pick(*names)

    def fmt(ex):
        out = copy(ex)
        out["answer"] = label_to_answer(ex["label"], options)
        return out
    return fmt
