"""Mixtures ``<family>.<style>`` built from generated task names (never typed by hand).

Importing this package registers every built-in task (T5 style: ``tasks.superglue``,
``tasks.glue``, ``tasks.squad``, ``tasks.translation``, ``tasks.summarization``,
``tasks.dpr``; FLAN style: ``tasks.flan``) and then
every mixture below. Rates follow the number of train examples with a cap, as T5 and
FLAN do (3000 per FLAN template task); a task with no train split gets rate 1 when
mixed for evaluation.

Families (see README, "Tasks and mixtures"):

* ``glue_mix`` / ``sglue_mix`` (``.t5`` and ``.flan``): the benchmark's tasks; the
  FLAN style uses every template that asks for the answer, zero-shot.
* ``sglue_prompted_mix.flan``: every SuperGLUE template, reversed ones included.
* ``sglue_noisy_prompted_mix.flan``: zero-, one- and multi-shot variants together.
* ``sglue_dpr_prompted_mix.flan`` and ``sglue_dpr_wsc_prompted_mix.flan``: every
  SuperGLUE template plus every DPR (and WSC273) template, reversed ones included;
  WSC273 has a test split only, so training on the mixture skips it.
* ``ft_sentiment_mix.flan`` (SST-2, IMDB, Yelp polarity, Sentiment140) and
  ``ft_paraphrase_similarity_mix.flan`` (MRPC, QQP, STS-B, PAWS-Wiki): every template
  of the datasets whose config names the family (``ft_mixtures``), reversed ones
  included, zero-shot.
* ``ft_squad_mix.flan`` (SQuAD 1.1 and 2.0, the same way) and ``ft_squad_mix.t5``
  (T5's ``squad_v010_allanswers``; T5 has no SQuAD 2.0 task).
* ``ft_closedbook_qa_mix.flan`` (Natural Questions open, TriviaQA, ARC easy and
  challenge), ``ft_translation_mix.flan`` (WMT16 ro-en, de-en, WMT14 fr-en) and
  ``ft_summarization_mix.flan`` (SAMSum, AESLC, XSum, CNN/DailyMail), the same way;
  ``ft_translation_mix.t5`` (``wmt16_enro_v003``, ``wmt14_enfr_v003``) and
  ``ft_summarization_mix.t5`` (``cnn_dailymail_v002``).
* user families: datasets registered with ``register_prompt_task(..., mixtures=[f])``
  form ``f.flan`` (call ``register_all()`` again after importing user modules).
"""

from __future__ import annotations

import functools
from typing import Callable, Dict, List, Sequence

import tasks  # noqa: F401  (compat fixes before seqio)
import tasks.dpr
import tasks.flan
import tasks.glue
import tasks.squad
import tasks.translation
import tasks.summarization
import tasks.superglue
from tasks import prompts
from tasks.flan.config import SQUAD_MIX, SUMMARIZATION_MIX, TRANSLATION_MIX
from tasks.names import Shot, mixture_name

import seqio

FLAN_CAP = 3000
T5_CAP = 2 ** 19  # T5's large cap: effectively proportional for GLUE/SuperGLUE


def rate_num_examples(task: seqio.Task, maximum: int) -> float:
    """``min(train examples, maximum)``; 1.0 for a task with no train split.

    Uses the cache's statistics when the task is cached, else the source's count.
    """
    if "train" not in task.splits:
        return 1.0
    if task.cache_dir:
        n = task.get_cached_stats("train")["examples"]
    else:
        n = task.num_input_examples("train")
    return float(min(n, maximum))


def _flan(datasets: Sequence[str], shots=(Shot.ZERO,), answer_only=True) -> Callable:
    return lambda: prompts.prompt_task_names(datasets, shots=shots, answer_only=answer_only)


ALL_SHOTS = (Shot.ZERO, Shot.ONE, Shot.MULTI)

# family -> style -> (function returning task names, cap)
FAMILIES: Dict[str, Dict[str, tuple]] = {
    "glue_mix": {
        "t5": (lambda: list(tasks.glue.GLUE_TASKS), T5_CAP),
        "flan": (_flan(tasks.flan.GLUE_DATASETS), FLAN_CAP),
    },
    "sglue_mix": {
        "t5": (lambda: list(tasks.superglue.SUPERGLUE_TASKS), T5_CAP),
        "flan": (_flan(tasks.flan.SUPERGLUE_DATASETS), FLAN_CAP),
    },
    "sglue_prompted_mix": {
        "flan": (_flan(tasks.flan.SUPERGLUE_DATASETS, answer_only=False), FLAN_CAP),
    },
    "sglue_noisy_prompted_mix": {
        "flan": (_flan(tasks.flan.SUPERGLUE_DATASETS, shots=ALL_SHOTS), FLAN_CAP),
    },
    # Every SuperGLUE template plus DPR's (and WSC273's, test only: evaluated, never
    # trained on), reversed ones included.
    "sglue_dpr_prompted_mix": {
        "flan": (_flan(tasks.flan.SUPERGLUE_DATASETS + ("dpr",), answer_only=False),
                 FLAN_CAP),
    },
    "sglue_dpr_wsc_prompted_mix": {
        "flan": (_flan(tasks.flan.SUPERGLUE_DATASETS + ("dpr", "wsc273"),
                       answer_only=False), FLAN_CAP),
    },
    **{family: {"flan": (_flan(datasets, answer_only=False), FLAN_CAP)}
       for family, datasets in tasks.flan.FT_DATASETS.items()},
}
# The ft_* families T5 also has: SQuAD (squad_v010_allanswers), WMT and CNN/DailyMail.
FAMILIES[SQUAD_MIX]["t5"] = (lambda: list(tasks.squad.SQUAD_TASKS), T5_CAP)
FAMILIES[TRANSLATION_MIX]["t5"] = (lambda: list(tasks.translation.TRANSLATION_TASKS), T5_CAP)
FAMILIES[SUMMARIZATION_MIX]["t5"] = (
    lambda: list(tasks.summarization.SUMMARIZATION_TASKS), T5_CAP)


def _add(name: str, task_names: List[str], cap: int) -> None:
    if name in seqio.MixtureRegistry.names():
        seqio.MixtureRegistry.remove(name)
    seqio.MixtureRegistry.add(
        name, task_names, default_rate=functools.partial(rate_num_examples, maximum=cap))


def register_all() -> List[str]:
    """(Re)registers every built-in and user mixture; returns their names."""
    names = []
    for family, styles in FAMILIES.items():
        for style, (task_names, cap) in styles.items():
            name = mixture_name(family, style)
            if name not in seqio.MixtureRegistry.names():
                _add(name, task_names(), cap)
            names.append(name)
    for family, datasets in prompts.MIXTURE_FAMILIES.items():
        name = mixture_name(family, "flan")
        # User families may grow as modules are imported: rebuild them every time.
        _add(name, prompts.prompt_task_names(datasets), FLAN_CAP)
        names.append(name)
    return names


MIXTURES = register_all()
