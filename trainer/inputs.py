"""The training and evaluation streams of a run, one per data-parallel rank.

``build_train_stream`` / ``build_eval_stream`` turn ``run.py``'s flags into
``trainer.stream.Seq2SeqStream``s over ``trainer.data.get_split`` (docs MISSION.md,
"The data path"): rank ``r`` of ``n`` reads shard ``seqio.ShardInfo(r, n)``; the train
split is shuffled with ``--seed``; the eval split is read once, in order, capped at
``--max_eval_samples`` over all ranks.

How long training runs:

* ``--max_steps N`` (N > 0): the train split repeats forever and training stops after N
  optimizer steps (``--num_train_epochs`` is then ignored, as in HF).
* no ``--max_steps``: the split repeats ``ceil(--num_train_epochs)`` times, shuffled
  across epoch boundaries. A stream has no length, so ``count_train_steps`` reads one
  pass of every rank's shard once (logged), and the run takes
  ``floor(min over ranks of examples x epochs / batch size) // gradient accumulation``
  steps: every rank takes the same number of steps, and no rank runs out.

``--max_train_samples N`` trains on the first N examples of the split (all ranks
together, each rank its share), reshuffled every epoch with ``--seed``.

seqio is used by name only (this is ``trainer/``); callers import ``tasks`` first.
"""

from __future__ import annotations

import functools
import logging
import math
from typing import Optional

import tensorflow as tf

from trainer import data
from trainer.stream import Seq2SeqStream, build_stream

logger = logging.getLogger(__name__)

# Shuffle buffer for a --max_train_samples subset (the whole subset when smaller).
SUBSET_SHUFFLE_BUFFER = 10_000


def _lengths(max_source_length: int, max_target_length: int) -> dict:
    return {"inputs": int(max_source_length), "targets": int(max_target_length)}


def train_epochs(max_steps: int, num_train_epochs: float) -> Optional[int]:
    """Passes the train stream makes: None (forever) when ``max_steps`` decides, else ceil(epochs)."""
    if max_steps > 0:
        return None
    if num_train_epochs <= 0:
        raise ValueError(f"--num_train_epochs must be positive without --max_steps, got {num_train_epochs}")
    return int(math.ceil(num_train_epochs))


def _subset_dataset(name: str, shard, *, sequence_length: dict, seed: int, max_samples: int,
                    num_epochs: Optional[int]) -> tf.data.Dataset:
    """The first ``max_samples`` examples of the train split (this shard's share), repeated
    ``num_epochs`` times and shuffled with ``seed`` (a new order every epoch)."""
    subset = data.get_split(name, "train", shard, sequence_length=sequence_length, seed=seed,
                            num_epochs=1, shuffle=False, max_samples=max_samples)
    share = data.shard_count(int(max_samples), shard)
    return subset.repeat(num_epochs).shuffle(max(1, min(share, SUBSET_SHUFFLE_BUFFER)), seed=seed)


def build_train_stream(name: str, shard, *, batch_size: int, max_source_length: int,
                       max_target_length: int, seed: int, num_epochs: Optional[int],
                       max_samples: Optional[int] = None) -> Seq2SeqStream:
    """This rank's training stream: ``shard`` of ``name``'s train split (see the module docstring)."""
    if max_samples is None:
        return build_stream(name, "train", shard, batch_size=batch_size,
                            max_source_length=max_source_length,
                            max_target_length=max_target_length, seed=seed,
                            num_epochs=num_epochs)
    pad_id, eos_id = data.get_special_ids(name)
    factory = functools.partial(_subset_dataset, name, shard,
                                sequence_length=_lengths(max_source_length, max_target_length),
                                seed=seed, max_samples=max_samples, num_epochs=num_epochs)
    where = f"{name}:train[:{max_samples}]"
    if shard is not None and shard.num_shards > 1:
        where += f" shard {shard.index}/{shard.num_shards}"
    return Seq2SeqStream(factory, batch_size, max_source_length=max_source_length,
                         max_target_length=max_target_length, pad_id=pad_id, eos_id=eos_id,
                         name=where)


def build_eval_stream(name: str, split: str, shard, *, batch_size: int, max_source_length: int,
                      max_target_length: int, seed: int,
                      max_samples: Optional[int] = None) -> Seq2SeqStream:
    """This rank's evaluation stream: ``shard`` of ``split``, read once in order, capped over all ranks."""
    return build_stream(name, split, shard, batch_size=batch_size,
                        max_source_length=max_source_length, max_target_length=max_target_length,
                        seed=seed, num_epochs=1, shuffle=False, max_samples=max_samples)


def count_examples(name: str, shard, *, max_source_length: int, max_target_length: int,
                   seed: int, max_samples: Optional[int] = None) -> int:
    """Examples in one pass of ``shard`` of ``name``'s train split (reads the pass once)."""
    ds = data.get_split(name, "train", shard,
                        sequence_length=_lengths(max_source_length, max_target_length), seed=seed,
                        num_epochs=1, shuffle=False, max_samples=max_samples)
    return int(ds.reduce(tf.constant(0, tf.int64), lambda n, _: n + 1).numpy())


def count_train_steps(examples_per_rank: int, *, num_train_epochs: float, batch_size: int,
                      gradient_accumulation_steps: int) -> int:
    """Optimizer steps of an epoch-based run, from the smallest rank's examples per pass."""
    batches = int(examples_per_rank * num_train_epochs) // int(batch_size)
    return batches // int(gradient_accumulation_steps)
