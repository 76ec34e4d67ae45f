"""How the ranks of a run split into data-parallel and tensor-parallel groups, checked once.

``ParallelDims(tp, world_size)`` answers every layout question (rank positions, data
shards, the ``("dp", "tp")`` mesh) and checks the model (``tp`` divides heads, ``d_ff``
and vocabulary) and DeepSpeed (refused with TP); errors are one-line ``ParallelDimsError``s.
See docs/training.md, "Parallel dims".
"""

import os
from dataclasses import dataclass, field

from common.errors import UserError
from trainer.parallel import ranks

MESH_DIMS = ("dp", "tp")


class ParallelDimsError(UserError, ValueError):
    """Parallel sizes that cannot work together (one-line message naming the numbers and the fix)."""


@dataclass
class ParallelDims:
    """Data-parallel x tensor-parallel layout of ``world_size`` ranks (see the module docstring).

    ``dp`` defaults to ``world_size // tp``; passing it checks ``dp * tp == world_size``.
    """

    tp: int = 1
    world_size: int = 1
    dp: int = -1
    _mesh: object = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        for name in ("tp", "world_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ParallelDimsError(f"{name} must be a positive integer, got {value!r}")
        if self.world_size % self.tp:
            raise ParallelDimsError(
                f"--tensor_parallel_size {self.tp} does not divide the world size {self.world_size}; "
                f"launch a multiple of {self.tp} processes or pick a tensor-parallel size that divides "
                f"{self.world_size} ({', '.join(map(str, divisors(self.world_size)))})")
        if self.dp == -1:
            self.dp = self.world_size // self.tp
        if self.dp * self.tp != self.world_size:
            raise ParallelDimsError(
                f"dp {self.dp} x tp {self.tp} = {self.dp * self.tp} ranks, but the world size is "
                f"{self.world_size}; leave dp out (it is then world_size // tp = {self.world_size // self.tp})")

    @classmethod
    def from_env(cls, tp: int = 1) -> "ParallelDims":
        """The layout for this launch: ``world_size`` from torchrun's ``$WORLD_SIZE`` (1 when not set)."""
        return cls(tp=tp, world_size=int(os.environ.get("WORLD_SIZE", "1")))

    # --- arithmetic (no processes) --------------------------------------------------------

    @property
    def tp_enabled(self) -> bool:
        return self.tp > 1

    @property
    def dp_enabled(self) -> bool:
        return self.dp > 1

    @property
    def dp_size(self) -> int:
        """Number of data-parallel replicas: the number of data shards."""
        return self.dp

    def coords(self, rank: int) -> tuple:
        """``(dp_rank, tp_rank)`` of a global rank in the ``("dp", "tp")`` mesh."""
        if not 0 <= rank < self.world_size:
            raise ParallelDimsError(f"rank {rank} is not in [0, {self.world_size}) for world size {self.world_size}")
        return divmod(rank, self.tp)

    def dp_rank(self, rank: int | None = None) -> int:
        """Data-parallel rank of ``rank`` (default: this process, ``$RANK``); tp peers share it."""
        return self.coords(ranks.launch_rank() if rank is None else rank)[0]

    def tp_rank(self, rank: int | None = None) -> int:
        """Tensor-parallel rank of ``rank`` (default: this process, ``$RANK``) inside its group."""
        return self.coords(ranks.launch_rank() if rank is None else rank)[1]

    def data_shard(self, rank: int | None = None) -> tuple:
        """``(index, num_shards)`` for this rank's data: ``seqio.ShardInfo(*dims.data_shard())``."""
        return self.dp_rank(rank), self.dp

    def tp_group_ranks(self, rank: int | None = None) -> list:
        """The global ranks that hold the other shards of ``rank``'s model (its tensor-parallel group)."""
        dp_rank = self.dp_rank(rank)
        return list(range(dp_rank * self.tp, (dp_rank + 1) * self.tp))

    def check_model(self, config) -> None:
        """Raise a one-line error when ``tp`` does not divide what tensor parallelism splits (see below)."""
        check_model_divisible(config, self.tp)

    # --- the mesh (needs torch.distributed initialised, or initialises it) ------------------

    def build_mesh(self, device_type: str | None = None):
        """The 2-D ``DeviceMesh`` with dims ``("dp", "tp")``, built on first call and reused after.

        ``device_type`` defaults to ``"cuda"`` when a GPU is visible, else ``"cpu"`` (gloo).
        A world size that disagrees with the process group is an error.
        """
        if self._mesh is not None:
            return self._mesh
        import torch
        import torch.distributed as dist
        from torch.distributed.device_mesh import init_device_mesh

        if dist.is_initialized() and dist.get_world_size() != self.world_size:
            raise ParallelDimsError(
                f"ParallelDims says world size {self.world_size} but the process group has "
                f"{dist.get_world_size()} ranks; build it with ParallelDims.from_env(tp)")
        if device_type is None:
            device_type = "cuda" if torch.cuda.is_available() else "cpu"
        self._mesh = init_device_mesh(device_type, (self.dp, self.tp), mesh_dim_names=MESH_DIMS)
        return self._mesh

    @property
    def mesh(self):
        """The 2-D mesh (built on first use)."""
        return self.build_mesh()

    @property
    def dp_mesh(self):
        """1-D mesh over this rank's data-parallel peers (same tp rank, one per replica)."""
        return self.mesh["dp"]

    @property
    def tp_mesh(self):
        """1-D mesh over this rank's tensor-parallel group (same dp rank, same batch)."""
        return self.mesh["tp"]


def check_compatible(tp: int, deepspeed) -> None:
    """Refuse DeepSpeed together with tensor parallelism (one-line ``ParallelDimsError``).

    DeepSpeed's ZeRO flattens and partitions whole ``nn.Parameter``s and all-reduces over
    every rank; it does not understand DTensor shards nor tensor-parallel groups. Data
    parallelism next to TP is FSDP2 on the ``dp`` mesh instead.
    """
    if tp > 1 and deepspeed:
        name = deepspeed if isinstance(deepspeed, (str, os.PathLike)) else "<config dict>"
        raise ParallelDimsError(
            f"--tensor_parallel_size {tp} cannot be combined with --deepspeed {name} (ZeRO does not shard "
            f"DTensor tensor-parallel weights); drop --deepspeed (data parallelism then uses FSDP2 over "
            f"the dp ranks) or use --tensor_parallel_size 1")


def check_model_divisible(config, tp: int) -> None:
    """Raise a one-line ``ParallelDimsError`` when ``tp`` does not divide what tensor parallelism splits.

    ``config`` is a T5 config (or anything with ``num_heads``, ``d_ff``, ``vocab_size``):
    heads are split over the tp ranks (q, k, v, o and the relative position bias), so are
    the FFN width and the vocabulary (embedding rows, lm_head outputs). ``d_model`` is not
    split.
    """
    if tp <= 1:
        return
    splits = (("num_heads", "attention heads"), ("d_ff", "FFN width"), ("vocab_size", "vocabulary"))
    for key, what in splits:
        value = getattr(config, key)
        if value % tp == 0:
            continue
        if key == "vocab_size":
            fix = (f"pad the vocabulary to a multiple of {tp} "
                   f"(model.resize_token_embeddings(n, pad_to_multiple_of={tp}))")
        else:
            fix = f"use a tensor-parallel size that divides {value} ({', '.join(map(str, divisors(value)))})"
        raise ParallelDimsError(f"--tensor_parallel_size {tp} does not divide the model's {key}={value} "
                                f"(tensor parallelism splits the {what} over the tp ranks); {fix}")


def divisors(n: int, limit: int = 64) -> list:
    """Positive divisors of ``n`` up to ``limit``, ascending (the sizes that would work, for messages)."""
    return [d for d in range(1, min(n, limit) + 1) if n % d == 0]
