"""FLAN's fixed-count shot variants, registered on first use.

``<task>_two_shot``, ``_three_shot``, ``_five_shot`` and ``_ten_shot`` of every FLAN
template task (``rte_type_0_five_shot``) and per-dataset task
(``rte_10templates_five_shot``) exist as FLAN v1 registers them, but are registered only
when a name asks for one (``tasks.lookup.get_provider``, the shot table): four more
variants of ~1,400 templates would double the registry every process builds. A variant
is its zero-shot task with ``tasks.shots.prepend_exemplars`` before EOS, the layout of
its dataset's one-shot variant, and the zero-shot task's metrics and postprocessor.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Optional, Tuple

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import prompts, registration
from tasks import shots as shots_lib
from tasks.names import ON_DEMAND_SHOTS, Shot

import seqio


def variant_of(name: str) -> Optional[Tuple[str, Shot]]:
    """``("rte_type_0", Shot.FIVE)`` for ``rte_type_0_five_shot``; None for a name that
    is not an on-demand variant of a registered zero-shot prompt task."""
    for shot in ON_DEMAND_SHOTS:
        if name.endswith(shot.value):
            zero = name[:-len(shot.value)]
            info = prompts.PROMPT_TASKS.get(zero) or prompts.DATASET_TASKS.get(zero)
            if info is not None and info.shot is Shot.ZERO:
                return zero, shot
    return None


def _layout_of(zero: str) -> dict:
    """The one-shot sibling's ``prepend_exemplars`` keywords beyond the task and shot
    (a dataset registered with its own ``fewshot_layout``)."""
    sibling = zero + Shot.ONE.value
    if sibling not in seqio.TaskRegistry.names():
        return {}
    step = shots_lib.exemplar_step(seqio.get_mixture_or_task(sibling))
    return {} if step is None else {k: v for k, v in step.keywords.items()
                                    if k not in ("zero_shot_task", "shot")}


def ensure(name: str) -> bool:
    """Registers ``name`` if it is an on-demand shot variant not registered yet (and, for
    a per-dataset task, the same variant of its templates); True when ``name`` is a
    registered task now."""
    if name in seqio.TaskRegistry.names():
        return True
    found = variant_of(name)
    if found is None:
        return False
    zero, shot = found
    base = seqio.get_mixture_or_task(zero)
    steps = list(base.preprocessors)
    eos = steps.pop()
    steps += [functools.partial(shots_lib.prepend_exemplars, zero_shot_task=zero, shot=shot,
                                **_layout_of(zero)), eos]
    registration.add_task(seqio.Task(
        name, source=base.source, preprocessors=steps, output_features=base.output_features,
        postprocess_fn=base.postprocessor, metric_fns=list(base.metric_fns)),
        "tasks.shot_variants (registered on first use)")
    if zero in prompts.PROMPT_TASKS:
        prompts.PROMPT_TASKS[name] = dataclasses.replace(prompts.PROMPT_TASKS[zero],
                                                          name=name, shot=shot)
    else:
        info = prompts.DATASET_TASKS[zero]
        prompts.DATASET_TASKS[name] = dataclasses.replace(info, name=name, shot=shot)
        for template_task in prompts.template_tasks(name):
            ensure(template_task)
    return True
