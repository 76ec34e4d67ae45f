"""The shape of one FLAN-style dataset config, the mixture families it may join, and
the two formatters most configs use.

``tasks/flan/datasets.py`` (GLUE, SuperGLUE, sentiment, paraphrase, SQuAD) and the
``tasks/flan/datasets_<group>.py`` modules (one per group of datasets beyond them)
declare ``PromptDataset`` tuples; ``tasks.flan.register_all`` registers them all.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Mapping, Optional, Sequence, Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import metrics, names
from tasks.names import Shot
from tasks.prompts import label_to_answer
from tasks.registration import Join

ALL_SHOTS = (Shot.ZERO, Shot.ONE, Shot.MULTI)
# The benchmark families: answer templates zero-shot (the ``*_mix`` ones), every
# template (``*_prompted_mix``), and every shot variant of the answer templates
# (``sglue_noisy_prompted_mix``). DPR and WSC273 join the last two ``dpr`` families.
GLUE = (Join(names.GLUE_MIX, answer_only=True),)
SGLUE_DPR = (Join(names.SGLUE_DPR_PROMPTED_MIX),)
SGLUE_DPR_WSC = (Join(names.SGLUE_DPR_WSC_PROMPTED_MIX),)
SGLUE = (Join(names.SGLUE_MIX, answer_only=True), Join(names.SGLUE_PROMPTED_MIX),
         Join(names.SGLUE_NOISY_PROMPTED_MIX, answer_only=True, shots=ALL_SHOTS),
         *SGLUE_DPR, *SGLUE_DPR_WSC)


def every_template(*families: str) -> Tuple[Join, ...]:
    """``every_template("ft_squad_mix") == (Join("ft_squad_mix"),)``: every template,
    zero-shot (the ``ft_*`` families)."""
    return tuple(Join(f) for f in families)


@dataclasses.dataclass(frozen=True)
class PromptDataset:
    """One FLAN-style dataset: source, fields, formatter, options, metrics, templates
    and the mixture families it joins."""

    name: str
    tfds_name: str
    fields: Tuple[str, ...]
    formatter: Callable
    options: Optional[Tuple[str, ...]] = None
    metric_fns: Tuple[Callable, ...] = (metrics.accuracy,)
    splits: Optional[Mapping[str, str]] = None  # canonical split -> TFDS split
    templates: Optional[str] = None  # key in PATTERNS when it differs from `name`
    mixtures: Tuple[Join, ...] = ()  # the families it joins (``tasks.registration.Join``)
    example_filter: Optional[Callable] = None  # source example -> keep it?
    postprocess_fn: Optional[Callable] = None  # prediction/target text -> scored value

    @property
    def template_key(self) -> str:
        """Its key in ``tasks.flan.templates.PATTERNS``."""
        return self.templates or self.name

    @property
    def families(self) -> Tuple[str, ...]:
        """The names of the families it joins."""
        return tuple(j.family for j in self.mixtures)


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
