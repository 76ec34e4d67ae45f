"""The training and evaluation streams of a run, one per data-parallel rank.

``build_train_stream`` / ``build_eval_stream`` turn the run's ``StreamConfig`` into a
``trainer.stream.Seq2SeqStream`` for shard ``(rank, ranks)``; ``count_examples`` gives one
pass of a shard, from which the number of steps follows without ``--max_steps``.
See docs/training.md, "Training length".
"""

from __future__ import annotations

import logging
import math
from typing import Optional

import tensorflow as tf

from trainer import data
from trainer.config import StreamConfig
from trainer.stream import Seq2SeqStream, build_stream

logger = logging.getLogger(__name__)

# Shuffle buffer for a --max_train_samples subset (the whole subset when smaller).
SUBSET_SHUFFLE_BUFFER = 10_000


def train_epochs(max_steps: int, num_train_epochs: float) -> Optional[int]:
    """Passes the train stream makes: None (forever) when ``max_steps`` decides, else ceil(epochs)."""
    if max_steps > 0:
        return None
    if num_train_epochs <= 0:
        raise ValueError(f"--num_train_epochs must be positive without --max_steps, got {num_train_epochs}")
    return int(math.ceil(num_train_epochs))


def build_train_stream(cfg: StreamConfig, *, batch_size: int,
                       packing: bool = False) -> Seq2SeqStream:
    """This rank's training stream for ``cfg`` (its train split; see the module docstring).

    With ``cfg.max_samples``, the first ``max_samples`` examples of the split (this
    shard's share), repeated ``cfg.num_epochs`` times and reshuffled every epoch.
    ``packing``: batches of ``batch_size`` packed rows (``trainer.packing``).
    """
    if cfg.max_samples is None:
        return build_stream(cfg, batch_size=batch_size, packing=packing)
    subset = data.plan_split(cfg.replace(num_epochs=1, shuffle=False))
    share = data.shard_count(int(cfg.max_samples), cfg.shard)

    def subset_dataset():
        return subset.dataset().repeat(cfg.num_epochs).shuffle(
            max(1, min(share, SUBSET_SHUFFLE_BUFFER)), seed=cfg.seed)

    return build_stream(cfg, batch_size=batch_size, dataset_fn=subset_dataset, packing=packing)


def build_eval_stream(cfg: StreamConfig, *, batch_size: int,
                      packing: bool = False) -> Seq2SeqStream:
    """This rank's evaluation stream: its shard of ``cfg.split``, read once in order
    (``packing``: in packed rows; the loss per target token is the same)."""
    return build_stream(cfg.replace(num_epochs=1, shuffle=False), batch_size=batch_size,
                        packing=packing)


def count_examples(cfg: StreamConfig) -> int:
    """Examples in one pass of ``cfg``'s shard: from the caches' statistics when the
    split is read from caches, else by reading the pass once."""
    plan = data.plan_split(cfg.replace(num_epochs=1, shuffle=False))
    known = plan.known_size()
    if known is not None:
        return known
    logger.info("%s: counting the examples of one pass (read once; cache the tasks to skip "
                "this)", cfg.describe())
    ds = plan.dataset()
    return int(ds.reduce(tf.constant(0, tf.int64), lambda n, _: n + 1).numpy())


def count_rows(cfg: StreamConfig) -> int:
    """Packed rows in one pass of ``cfg``'s shard (``trainer.packing``), by packing it once."""
    logger.info("%s: counting the packed rows of one pass (read and packed once)",
                cfg.describe())
    stream = build_stream(cfg.replace(num_epochs=1, shuffle=False), batch_size=1024,
                          packing=True, report_after=10 ** 15)
    batches = stream.batched(stream.dataset_fn())
    return int(batches.reduce(tf.constant(0, tf.int64),
                              lambda n, b: n + tf.shape(b["input_ids"], tf.int64)[0]).numpy())


def count_train_steps(examples_per_rank: int, *, num_train_epochs: float, batch_size: int,
                      gradient_accumulation_steps: int) -> int:
    """Optimizer steps of an epoch-based run, from the smallest rank's examples per pass."""
    batches = int(examples_per_rank * num_train_epochs) // int(batch_size)
    return batches // int(gradient_accumulation_steps)
