"""Mixtures ``<family>.<style>``, built in one loop from the families tasks declare.

Importing this package registers nothing: ``register_all()`` registers every built-in
task, then one mixture per family that registered tasks joined (a FLAN config's
``mixtures``, a T5 package's ``MIXTURES``, ``register_prompt_task(..., mixtures=)``).
Rates follow train example counts, capped at 3000 (FLAN) or 2**19 (T5). The families
are listed in README.md, "Tasks and mixtures".
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
