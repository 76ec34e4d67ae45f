"""``StreamConfig``: the one value that says which examples a stream reads, and how.

``run.py`` and ``eval`` build one per split from their flags and hand it down to
``trainer.data.get_split`` / ``trainer.stream.build_stream`` / ``eval.predict``,
instead of keyword chains. See docs/data-streams.md.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, Optional

# Label id of padding in a batch: ignored by torch's cross-entropy (and HF's loss).
LABEL_PAD = -100


@dataclasses.dataclass(frozen=True)
class StreamConfig:
    """One data-parallel rank's view of a registered task or mixture split.

    Attributes:
      provider: a registered task or mixture name, or the ``seqio.Task`` /
        ``seqio.Mixture`` itself (resolve a user's name once, with
        ``tasks.lookup.get_provider``, and pass the object).
      split: e.g. ``"train"``, ``"validation"``.
      shard: ``seqio.ShardInfo(index=dp_rank, num_shards=dp_size)``; None reads it all.
      max_source_length / max_target_length: the truncation limits (EOS kept), also
        given to length-aware preprocessors as seqio's ``sequence_length``; None: no
        limit is known (features come back at full length either way).
      seed: the run's seed; shuffling and mixing are deterministic given it.
      num_epochs: passes over the split (None: repeat forever).
      shuffle: None shuffles the ``train`` split only (others are read once, in order).
      max_samples: cap on examples over all shards (each rank takes its share).
      use_cached: None reads caches when every task has one; True requires them;
        False never reads them.
    """

    provider: Any
    split: str = "train"
    shard: Any = None
    max_source_length: Optional[int] = None
    max_target_length: Optional[int] = None
    seed: Optional[int] = None
    num_epochs: Optional[int] = 1
    shuffle: Optional[bool] = None
    max_samples: Optional[int] = None
    use_cached: Optional[bool] = None

    def __post_init__(self):
        for name in ("max_source_length", "max_target_length"):
            value = getattr(self, name)
            if value is not None and int(value) < 1:
                raise ValueError(f"{name} must be at least 1, got {value}")
        shard = self.shard
        if shard is not None and not 0 <= shard.index < shard.num_shards:
            raise ValueError(f"shard index {shard.index} is not in [0, {shard.num_shards})")

    @property
    def sequence_length(self) -> Optional[Dict[str, int]]:
        """seqio's ``sequence_length`` (``{"inputs": ..., "targets": ...}``) or None."""
        if self.max_source_length is None and self.max_target_length is None:
            return None
        return {"inputs": self.max_source_length, "targets": self.max_target_length}

    @property
    def shuffled(self) -> bool:
        """Whether the stream is shuffled (default: the train split only)."""
        return self.split == "train" if self.shuffle is None else bool(self.shuffle)

    @property
    def name(self) -> str:
        """The provider's name (for messages)."""
        return self.provider if isinstance(self.provider, str) else self.provider.name

    def describe(self) -> str:
        """``name:split[:max_samples]`` plus the shard, for log lines."""
        where = f"{self.name}:{self.split}"
        if self.max_samples is not None:
            where += f"[:{self.max_samples}]"
        if self.shard is not None and self.shard.num_shards > 1:
            where += f" shard {self.shard.index}/{self.shard.num_shards}"
        return where

    def replace(self, **changes) -> "StreamConfig":
        """A copy with ``changes`` (e.g. ``cfg.replace(split="validation")``)."""
        return dataclasses.replace(self, **changes)
