"""Mixtures ``<family>.<style>``, built in one loop from the families tasks declare.

Importing this package registers nothing: ``register_all()`` registers every built-in
task, then one mixture per family that registered tasks joined (a FLAN config's
``mixtures``, a T5 package's ``MIXTURES``, ``register_prompt_task(..., mixtures=)``).
Rates follow train example counts, capped at 3000 (FLAN) or 2**19 (T5); T5's GLUE and
SuperGLUE tasks take T5's own weights, and ``glue_mix.t5`` / ``sglue_mix.t5`` are also
registered under T5's names. The families are listed in README.md, "Tasks and mixtures".
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


def t5_rate(task, maximum: int) -> float:
    """T5's own weight for its GLUE and SuperGLUE tasks (the train sizes
    ``t5.data.glue_utils`` records; 0 for its evaluation-only tasks), else
    ``rate_num_examples``: the rates of T5's ``glue_v002_proportional`` and
    ``super_glue_v102_proportional``."""
    weights = _t5_weights()
    if task.name in weights:
        return float(weights[task.name])
    return rate_num_examples(task, maximum)


@functools.lru_cache(maxsize=None)
def _t5_weights() -> dict:
    from t5.data import glue_utils
    return {**glue_utils.get_glue_weight_mapping(),
            **glue_utils.get_super_glue_weight_mapping()}


RATES = {"flan": rate_num_examples, "t5": t5_rate}
# T5's own names for its GLUE and SuperGLUE mixtures: the same tasks and rates as ours.
T5_MIXTURE_NAMES = {"glue_v002_proportional": ("glue_mix", "t5"),
                    "super_glue_v102_proportional": ("sglue_mix", "t5")}


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
        aliases = [a for a, key in T5_MIXTURE_NAMES.items() if key == (family, style)]
        for mixture in [name, *aliases]:
            registration.add_mixture(
                mixture, task_names, origin="mixtures.register_all",
                default_rate=functools.partial(RATES[style], maximum=CAPS[style]))
            names.append(mixture)
    return names
