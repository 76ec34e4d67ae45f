"""Where this process stands among the ranks, and the few collectives the project calls.

All of it is torch.distributed; every function is a no-op (or the local value) when no
process group is initialised or it has one rank, so callers need no special case.
"""

from __future__ import annotations

import os
from typing import Optional

import torch
import torch.distributed as dist


def is_distributed() -> bool:
    """Whether a process group with more than one rank is initialised."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's rank in the default group (0 when not distributed)."""
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def world_size() -> int:
    """Ranks in the default group (1 when not distributed)."""
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def launch_rank() -> int:
    """The rank torchrun gave this process (``$RANK``), before any group exists."""
    return int(os.environ.get("RANK", "0"))


def barrier() -> None:
    """Waits for every rank (no-op alone)."""
    if is_distributed():
        dist.barrier()


def _reduce(value: int, op: str, device=None) -> int:
    if not is_distributed():
        return int(value)
    tensor = torch.tensor([int(value)], dtype=torch.int64, device=device or default_device())
    dist.all_reduce(tensor, op=getattr(dist.ReduceOp, op))
    return int(tensor.item())


def min_over_ranks(value: int, device=None) -> int:
    """The smallest ``value`` over all ranks (every rank must call it)."""
    return _reduce(value, "MIN", device)


def max_over_ranks(value: int, device=None) -> int:
    """The largest ``value`` over all ranks (every rank must call it)."""
    return _reduce(value, "MAX", device)


def any_rank(flag: bool, device=None) -> bool:
    """Whether ``flag`` is set on any rank (every rank must call it)."""
    return bool(max_over_ranks(int(flag), device))


def sum_over_ranks(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor`` summed over all ranks, in place (returned for convenience)."""
    if is_distributed():
        dist.all_reduce(tensor)
    return tensor


def gather_to_first(value) -> Optional[list]:
    """Every rank's ``value`` (any picklable object), by rank, on rank 0; None elsewhere."""
    if not is_distributed():
        return [value]
    gathered = [None] * dist.get_world_size() if dist.get_rank() == 0 else None
    dist.gather_object(value, gathered, dst=0)
    return gathered if dist.get_rank() == 0 else None


def join_launch_group() -> int:
    """Joins the process group torchrun launched this process in (NCCL on a GPU, else
    gloo; once); returns this rank (0 when not launched by torchrun)."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return 0
    if not dist.is_initialized():
        if torch.cuda.is_available():
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank()


def leave_group() -> None:
    """Waits for every rank, then leaves the process group (no-op alone)."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def default_device() -> Optional[str]:
    """The device collectives use: ``cuda`` under NCCL, else ``cpu``."""
    return "cuda" if is_distributed() and dist.get_backend() == "nccl" else "cpu"
