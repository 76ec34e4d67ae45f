"""How the stream being built reads its split, for the task steps that depend on it.

seqio's preprocessors see only ``(dataset, sequence_length, output_features)``. A step
whose draws should follow the stream (``tasks.shots.prepend_exemplars``: a training
stream draws exemplars anew every round of examples, an evaluation stream keys them on
the example alone) reads ``current()``, which ``trainer.data`` sets while it builds a
task's pipeline (``with reading.stream(shuffled=True, rank=2): ...``). Outside such a
block (``task.get_dataset``, ``python -m tasks show``) a stream reads in order on rank 0.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses


@dataclasses.dataclass(frozen=True)
class Reading:
    """``shuffled``: a training stream (shuffled, usually repeated); ``rank``: the
    data-parallel rank building it."""

    shuffled: bool = False
    rank: int = 0


_CURRENT: contextvars.ContextVar[Reading] = contextvars.ContextVar("reading",
                                                                   default=Reading())


def current() -> Reading:
    """The reading of the stream being built (``Reading()`` outside ``stream``)."""
    return _CURRENT.get()


@contextlib.contextmanager
def stream(*, shuffled: bool, rank: int = 0):
    """Sets ``current()`` while a stream's steps are built."""
    token = _CURRENT.set(Reading(bool(shuffled), int(rank)))
    try:
        yield
    finally:
        _CURRENT.reset(token)
