"""Per-example steps that a mixture may split around its sampling, run once for all tasks.

A task preprocessor ``functools.partial(fn, **kwargs)`` whose ``fn`` carries ``Halves``
as ``fn.halves`` promises that ``fn(ds, **kwargs)`` gives exactly the examples of
``finish(prepare(ds, index=0, **kwargs))`` with the one state. ``prepare`` runs where the
step would (it takes the step's seeds) and gives every task's examples one element spec,
with the task's ``index`` in them; ``finish`` runs once after mixing, each example with
the state of its task. ``trainer.data`` splits FLAN's per-dataset template step this way
(``tasks.any_template``). See docs/data-streams.md, "What `get_split`
guarantees".
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, Optional


@dataclasses.dataclass(frozen=True)
class Halves:
    """``prepare(ds, index=i, **kwargs) -> (ds, state)``; ``finish(ds, states) -> ds``."""

    prepare: Callable[..., Any]
    finish: Callable[..., Any]


def halves_of(step) -> Optional[Halves]:
    """The ``Halves`` of a preprocessor (a ``functools.partial`` of a split step), else None."""
    if not isinstance(step, functools.partial) or step.args:
        return None
    halves = getattr(step.func, "halves", None)
    return halves if isinstance(halves, Halves) else None
