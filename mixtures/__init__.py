"""Mixtures ``<family>.<style>``, built in one loop from the families tasks declare.

Importing this package registers nothing. ``register_all()`` registers every built-in
task (FLAN style: ``tasks.flan.register_all``; T5 style: ``tasks.t5_style.register_all``)
and then one mixture per family that registered tasks joined
(``tasks.registration.memberships``): a FLAN config's ``mixtures`` field, a T5 package's
``MIXTURES``, or ``register_prompt_task(..., mixtures=[f])`` for user tasks. Rates
follow the number of train examples with a cap, as T5 and FLAN do (3000 per FLAN
template task, 2**19 per T5 task); a task with no train split gets rate 1 when mixed
for evaluation.

Families (see README, "Tasks and mixtures"):

* ``glue_mix`` / ``sglue_mix`` (``.t5`` and ``.flan``): the benchmark's tasks; the
  FLAN style uses every template that asks for the answer, zero-shot.
* ``sglue_prompted_mix.flan``: every SuperGLUE template, reversed ones included.
* ``sglue_noisy_prompted_mix.flan``: zero-, one- and multi-shot variants together.
* ``sglue_dpr_prompted_mix.flan`` and ``sglue_dpr_wsc_prompted_mix.flan``: every
  SuperGLUE template plus every DPR (and WSC273) template, reversed ones included;
  WSC273 has a test split only, so training on the mixture skips it.
* ``ft_sentiment_mix.flan``, ``ft_paraphrase_similarity_mix.flan``,
  ``ft_squad_mix.flan``, ``ft_closedbook_qa_mix.flan``, ``ft_translation_mix.flan``,
  ``ft_summarization_mix.flan``: every template of the datasets that join them,
  zero-shot; ``ft_squad_mix.t5``, ``ft_translation_mix.t5`` and
  ``ft_summarization_mix.t5``: T5's SQuAD, WMT and CNN/DailyMail tasks.
* user families: ``f.flan`` for datasets registered with ``register_prompt_task(...,
  mixtures=[f])``; call ``register_all()`` again after importing user modules (a
  family that grew is rebuilt).
"""

from __future__ import annotations

import functools
from typing import List

from common import seqio_compat  # noqa: F401  (before seqio)

FLAN_CAP = 3000
T5_CAP = 2 ** 19  # T5's large cap: effectively proportional for GLUE/SuperGLUE
CAPS = {"flan": FLAN_CAP, "t5": T5_CAP}


def rate_num_examples(task, maximum: int) -> float:
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


def register_all() -> List[str]:
    """Registers every built-in task and every mixture (built-in and user families).

    Idempotent: calling it again registers what was added since (user modules) and
    rebuilds the families that grew. Returns the mixture names.
    """
    import tasks.flan
    from tasks import registration, t5_style
    from tasks.names import mixture_name
    tasks.flan.register_all()
    t5_style.register_all()
    names = []
    for (family, style), task_names in registration.memberships().items():
        name = mixture_name(family, style)
        registration.add_mixture(
            name, task_names, origin="mixtures.register_all",
            default_rate=functools.partial(rate_num_examples, maximum=CAPS[style]))
        names.append(name)
    return names
