"""Task and mixture names: built and parsed in one place.

Mixtures, tests and the CLI call these functions; nobody types a task name by hand:
``<dataset>_type_<i>``, ``<dataset>_10templates`` and ``<dataset>_all_templates``
(+ ``_one_shot`` / ``_multi_shot``), T5's own names, and
``<family>.<style>`` for mixtures.

See docs/tasks.md, "Task and mixture names"."""

from __future__ import annotations

import enum
import re
from typing import NamedTuple, Optional


class Shot(enum.Enum):
    """Shot settings of a FLAN-style task; the value is the name suffix."""

    ZERO = ""
    ONE = "_one_shot"
    MULTI = "_multi_shot"
    # FLAN v1's fixed counts, registered on first use (``tasks.shot_variants``).
    TWO = "_two_shot"
    THREE = "_three_shot"
    FIVE = "_five_shot"
    TEN = "_ten_shot"

    @property
    def label(self) -> str:
        """Short label for tables and flags: ``0``, ``1``, ``2``, ``3``, ``5``, ``10``,
        ``multi``."""
        return _SHOT_LABELS[self.name]

    @classmethod
    def from_label(cls, label: str) -> "Shot":
        """``0``/``zero``, ``1``/``one``, ``2``/``two``, ``3``, ``5``, ``10``,
        ``multi``/``few`` -> Shot."""
        key = label.strip().lower()
        aliases = {"zero": cls.ZERO, "one": cls.ONE, "two": cls.TWO, "three": cls.THREE,
                   "five": cls.FIVE, "ten": cls.TEN, "few": cls.MULTI, "many": cls.MULTI,
                   **{text: cls[name] for name, text in _SHOT_LABELS.items()}}
        if key not in aliases:
            raise ValueError(f"unknown shot setting {label!r}; use 0, 1, 2, 3, 5, 10 or multi")
        return aliases[key]


_SHOT_LABELS = {"ZERO": "0", "ONE": "1", "TWO": "2", "THREE": "3", "FIVE": "5", "TEN": "10",
                "MULTI": "multi"}
# The shot variants registered with every prompt task; the others on first use.
REGISTERED_SHOTS = (Shot.ZERO, Shot.ONE, Shot.MULTI)
ON_DEMAND_SHOTS = (Shot.TWO, Shot.THREE, Shot.FIVE, Shot.TEN)


STYLES = ("t5", "flan")

# Mixture families that tasks of both styles join (``<family>.t5`` / ``<family>.flan``),
# and the FLAN-only ft_* ones; tasks declare which they join (``tasks.registration``).
GLUE_MIX = "glue_mix"
SGLUE_MIX = "sglue_mix"
SGLUE_PROMPTED_MIX = "sglue_prompted_mix"
SGLUE_NOISY_PROMPTED_MIX = "sglue_noisy_prompted_mix"
SGLUE_DPR_PROMPTED_MIX = "sglue_dpr_prompted_mix"
SGLUE_DPR_WSC_PROMPTED_MIX = "sglue_dpr_wsc_prompted_mix"
SENTIMENT_MIX = "ft_sentiment_mix"
PARAPHRASE_MIX = "ft_paraphrase_similarity_mix"
SQUAD_MIX = "ft_squad_mix"
CLOSEDBOOK_MIX = "ft_closedbook_qa_mix"
TRANSLATION_MIX = "ft_translation_mix"
SUMMARIZATION_MIX = "ft_summarization_mix"


def zero_shot_name(dataset: str, template_idx: int) -> str:
    """``zero_shot_name("rte", 3) == "rte_type_3"``."""
    return f"{dataset}_type_{template_idx}"


def shot_name(dataset: str, template_idx: int, shot: Shot) -> str:
    """``shot_name("rte", 3, Shot.ONE) == "rte_type_3_one_shot"``."""
    return zero_shot_name(dataset, template_idx) + shot.value


# FLAN's per-dataset tasks: each example rendered with one of the dataset's answer
# templates (``_10templates``), or with one of all its templates, reversed included.
DATASET_TASK_SUFFIX = "_10templates"
ALL_TEMPLATES_SUFFIX = "_all_templates"


def dataset_task_name(dataset: str, shot: Shot = Shot.ZERO,
                      every_template: bool = False) -> str:
    """``dataset_task_name("rte", Shot.ONE) == "rte_10templates_one_shot"`` (FLAN's
    name, whatever the number of templates); with ``every_template``,
    ``"rte_all_templates_one_shot"``."""
    suffix = ALL_TEMPLATES_SUFFIX if every_template else DATASET_TASK_SUFFIX
    return f"{dataset}{suffix}{shot.value}"


class FlanName(NamedTuple):
    dataset: str
    template_idx: int
    shot: Shot


_FLAN_RE = re.compile(r"^(?P<dataset>.+)_type_(?P<idx>\d+)(?P<suffix>_one_shot|_multi_shot)?$")


def parse_flan_name(name: str) -> Optional[FlanName]:
    """Inverse of ``shot_name``; None for a name that is not FLAN style."""
    m = _FLAN_RE.match(name)
    if not m:
        return None
    shot = {None: Shot.ZERO, "_one_shot": Shot.ONE, "_multi_shot": Shot.MULTI}[m["suffix"]]
    return FlanName(m["dataset"], int(m["idx"]), shot)


def superglue_t5_name(config: str) -> str:
    """``superglue_t5_name("boolq") == "super_glue_boolq_v102"``."""
    return f"super_glue_{config}_v102"


def glue_t5_name(config: str) -> str:
    """``glue_t5_name("mrpc") == "glue_mrpc_v002"``."""
    return f"glue_{config}_v002"


def squad_t5_name() -> str:
    """T5's name for SQuAD 1.1 scored against all answers: ``squad_v010_allanswers``
    (like ``_v002``/``_v102`` above, the suffix is the TFDS version T5 first used)."""
    return "squad_v010_allanswers"


def mixture_name(family: str, style: str) -> str:
    """``mixture_name("glue_mix", "flan") == "glue_mix.flan"``."""
    if style not in STYLES:
        raise ValueError(f"unknown mixture style {style!r}; use one of {', '.join(STYLES)}")
    return f"{family}.{style}"
