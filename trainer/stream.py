"""The tf.data -> PyTorch bridge: resumable, dynamically padded seq2seq batches.

``build_stream(cfg, batch_size=...)`` gives a ``Seq2SeqStream`` over
``trainer.data.get_split(cfg)``: ``input_ids`` / ``attention_mask`` / ``labels`` padded
to each batch's longest example, truncated by the one rule (``truncate_ids`` on a list,
``truncate_rows`` on a batch: first ``limit - 1`` tokens and EOS), with counters, and
``state_dict()`` / ``load_state_dict()`` for exact resume. Read it in the main process
(``DataLoader(stream, batch_size=None)``). See docs/data-streams.md.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from typing import Callable, Dict, Iterator, Mapping, Optional, Union

import numpy as np
import tensorflow as tf
import torch

from trainer import data, packing
from trainer.config import LABEL_PAD, StreamConfig  # noqa: F401  (LABEL_PAD re-exported)

logger = logging.getLogger(__name__)

HISTORY = 64  # batches whose state ``state_dict(batches=k)`` can still give
STATE_VERSION = 1
WORKERS_ERROR = (
    "Seq2SeqStream must be read in the main process: use DataLoader(stream, "
    "batch_size=None, num_workers=0). tf.data already reads and prefetches in C++ "
    "threads; DataLoader workers would each replay the whole stream (duplicate "
    "batches) and keep the stream position out of reach of checkpoints.")


@dataclasses.dataclass
class StreamCounters:
    """Where a stream stands, and what it has yielded (saved by ``state_dict``).

    ``position`` is the resume point (examples yielded in the current pass); the rest
    are totals over every pass of this stream (or of the run, across resumes).
    """

    position: int = 0
    passes: int = 0
    batches: int = 0
    examples: int = 0
    input_tokens: int = 0  # non-pad input tokens yielded (after truncation)
    target_tokens: int = 0  # non-pad target tokens yielded (after truncation)
    truncated_inputs: int = 0
    truncated_targets: int = 0
    warned: bool = False  # the truncation warning was already given

    @property
    def tokens(self) -> int:
        """Non-pad tokens yielded, inputs and targets."""
        return self.input_tokens + self.target_tokens


# Pads the id features of a batch before truncation: no token id is negative, so it
# marks where each row ends (a pad id inside a sequence still counts as a token).
ROW_END = -1
ID_FEATURES = ("inputs", "targets")


def truncate_rows(ids: tf.Tensor, limit: int, eos_id: int):
    """``truncate`` of every row of a ``ROW_END``-padded batch: ``(ids, was_cut, lengths)``.

    ``[[5, 6, 7, 8, 1], [5, 6, -1, -1, -1]]`` with limit 3 and EOS 1 ->
    ``([[5, 6, 1], [5, 6, -1]], [True, False], [3, 2])``: the columns past ``limit`` go,
    and a cut row that ended with EOS ends with it again.
    """
    lengths = tf.reduce_sum(tf.cast(tf.not_equal(ids, ROW_END), tf.int32), axis=1)
    positions = tf.range(tf.shape(ids)[1])[tf.newaxis, :]
    is_last = tf.equal(positions, lengths[:, tf.newaxis] - 1)
    last = tf.reduce_sum(tf.where(is_last, ids, tf.zeros_like(ids)), axis=1)
    eos = tf.cast(eos_id, ids.dtype)
    cut = lengths > limit
    fix_last = tf.logical_and(cut, tf.equal(last, eos))
    at_limit = tf.equal(positions[:, :limit], limit - 1)
    head = tf.where(tf.logical_and(fix_last[:, tf.newaxis], at_limit), eos, ids[:, :limit])
    return head, cut, tf.minimum(lengths, limit)


def truncate_ids(ids, limit: Optional[int], eos_id: int) -> list:
    """The truncation rule on a plain list: first ``limit`` ids, a final EOS kept last.

    ``[5, 6, 7, 8, 1]`` with limit 3 and EOS 1 -> ``[5, 6, 1]``; no EOS -> ``[5, 6, 7]``;
    no limit (None or 0) or a short list: unchanged. ``truncate_rows`` is the same rule
    on a batch of tensors (a test holds the two together).
    """
    ids = [int(i) for i in ids]
    if not limit or len(ids) <= limit:
        return ids
    if ids[-1] == eos_id:
        return ids[:limit - 1] + [eos_id]
    return ids[:limit]


def truncate(ids: tf.Tensor, limit: int, eos_id: int):
    """``(ids cut to limit, was_cut)``, keeping a final EOS as the last token.

    ``[5, 6, 7, 8, 1]`` with limit 3 and EOS 1 -> ``([5, 6, 1], True)``;
    ``[5, 6, 7, 8]`` (no EOS) -> ``([5, 6, 7], True)``; short inputs are unchanged.
    """
    head, cut, _ = truncate_rows(ids[tf.newaxis], limit, eos_id)
    return head[0], cut[0]


def _batch_padding(spec: Mapping[str, tf.TensorSpec]):
    """``padded_batch`` padding values: ``ROW_END`` for the ids, zeros ('' for text) for
    the rest; None when some feature cannot be padded (not a tensor of known rank)."""
    if not all(isinstance(s, tf.TensorSpec) and s.shape.rank is not None
               for s in spec.values()):
        return None
    return {key: tf.constant(ROW_END, s.dtype) if key in ID_FEATURES else tf.zeros([], s.dtype)
            for key, s in spec.items()}


def _check_lengths(max_source_length: int, max_target_length: int) -> None:
    for name, value in (("max_source_length", max_source_length),
                        ("max_target_length", max_target_length)):
        if int(value) < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")


class Seq2SeqStream(torch.utils.data.IterableDataset):
    """Padded seq2seq batches from a tf.data factory, resumable (see the module docstring).

    Args:
      dataset_fn: zero-argument callable returning the ``tf.data.Dataset`` of examples
        (int ``inputs``/``targets``); called on every ``iter()``. It must give the same
        sequence each call for resume to be exact.
      batch_size: examples per batch (per data-parallel rank).
      max_source_length / max_target_length: truncation limits (EOS kept).
      pad_id / eos_id: the vocabulary's ids (T5: 0 and 1).
      drop_remainder: drop a pass's last partial batch.
      name: used in log messages (e.g. the task or mixture name and split).
      report_after: examples after which truncation counts are reported (once).
      packing: batches of packed rows (``trainer.packing``: seqio's packing, segment
        ids, decoder inputs), ``batch_size`` rows of ``max_source_length`` /
        ``max_target_length`` tokens; ``position`` then counts rows.
    """

    def __init__(self, dataset_fn: Callable[[], tf.data.Dataset], batch_size: int, *,
                 max_source_length: int, max_target_length: int, pad_id: int = 0,
                 eos_id: int = 1, drop_remainder: bool = False, name: str = "stream",
                 report_after: int = 10_000, packing: bool = False):
        super().__init__()
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        _check_lengths(max_source_length, max_target_length)
        self.dataset_fn = dataset_fn
        self.batch_size = int(batch_size)
        self.max_source_length = int(max_source_length)
        self.max_target_length = int(max_target_length)
        self.pad_id = int(pad_id)
        self.eos_id = int(eos_id)
        self.drop_remainder = bool(drop_remainder)
        self.name = name
        self.report_after = int(report_after)
        self.packing = bool(packing)
        self._counters = StreamCounters()
        self._history: collections.deque = collections.deque(maxlen=HISTORY + 1)
        self._history.append(dataclasses.replace(self._counters))

    # -- position -------------------------------------------------------------------

    @property
    def counters(self) -> StreamCounters:
        """A copy of the current counters (position, batches, tokens, truncations)."""
        return dataclasses.replace(self._counters)

    def state_dict(self, batches: Optional[int] = None) -> Dict[str, Union[int, bool]]:
        """The stream's position and counters, to save with a checkpoint.

        ``batches``: the state right after the stream's ``batches``-th batch (counted
        over its life, across resumes) instead of now; it must be one of the last
        ``HISTORY`` batches yielded. For a loader that reads ahead of the step saved.
        """
        if batches is None or batches == self._counters.batches:
            counters = self._counters
        else:
            found = [c for c in self._history if c.batches == batches]
            if not found:
                known = sorted({c.batches for c in self._history})
                raise ValueError(f"{self.name}: no saved state after batch {batches}; "
                                 f"known: {known[0]}..{known[-1]}")
            counters = found[-1]
        return {"version": STATE_VERSION, **dataclasses.asdict(counters)}

    def load_state_dict(self, state: Mapping[str, Union[int, bool]]) -> None:
        """Restores a ``state_dict()``: the next ``iter()`` continues after its position."""
        state = dict(state)
        version = state.pop("version", STATE_VERSION)
        if version != STATE_VERSION:
            raise ValueError(f"{self.name}: stream state version {version} is not "
                             f"{STATE_VERSION}")
        fields = {f.name for f in dataclasses.fields(StreamCounters)}
        unknown = set(state) - fields
        if unknown:
            raise ValueError(f"{self.name}: unknown stream state keys {sorted(unknown)}")
        self._counters = StreamCounters(**state)
        self._history.clear()
        self._history.append(dataclasses.replace(self._counters))

    # -- iteration ------------------------------------------------------------------

    def batched(self, dataset: tf.data.Dataset, skip: int = 0) -> tf.data.Dataset:
        """``dataset`` padded into batches, then truncated and converted, all in tf.data,
        after ``skip`` examples (packed: rows).

        Examples are batched as they come (ids padded with ``ROW_END``, other features
        along); everything else runs once per *batch*, vectorised: a function call per
        example would cost more than the work itself.
        """
        src, tgt = self.max_source_length, self.max_target_length
        eos, pad = self.eos_id, self.pad_id
        if self.packing:
            return self._packed(dataset, skip)
        if skip:
            dataset = dataset.skip(skip)
        padding = _batch_padding(dataset.element_spec)
        if padding is None:  # features padded_batch cannot take: keep only the ids
            dataset = dataset.map(lambda ex: {key: ex[key] for key in ID_FEATURES},
                                  num_parallel_calls=tf.data.AUTOTUNE)
            padding = _batch_padding(dataset.element_spec)

        def prepare(batch):
            inputs, inputs_cut, input_len = truncate_rows(batch["inputs"], src, eos)
            targets, targets_cut, target_len = truncate_rows(batch["targets"], tgt, eos)
            input_mask = tf.not_equal(inputs, ROW_END)
            target_mask = tf.logical_and(tf.not_equal(targets, ROW_END),
                                         tf.not_equal(targets, pad))
            inputs = tf.cast(inputs, tf.int64)
            targets = tf.cast(targets, tf.int64)
            return {
                "input_ids": tf.where(input_mask, inputs, tf.constant(pad, tf.int64)),
                "attention_mask": tf.cast(input_mask, tf.int64),
                "labels": tf.where(target_mask, targets, tf.constant(LABEL_PAD, tf.int64)),
                "input_len": input_len,
                "target_len": target_len,
                "inputs_cut": inputs_cut,
                "targets_cut": targets_cut,
            }

        return (dataset.padded_batch(self.batch_size, padding_values=padding,
                                     drop_remainder=self.drop_remainder)
                .map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
                .prefetch(tf.data.AUTOTUNE))

    def _packed(self, dataset: tf.data.Dataset, skip: int) -> tf.data.Dataset:
        """Batches of packed rows after ``skip`` rows: each example truncated by the
        stream's rule (and counted), then seqio's ``EncDecFeatureConverter(pack=True)``
        (``trainer.packing``). Rows follow from the examples in order, so replaying the
        examples and skipping rows resumes exactly."""
        src, tgt, eos = self.max_source_length, self.max_target_length, self.eos_id

        def cut(ex):
            inputs, inputs_cut = truncate(tf.cast(ex["inputs"], tf.int32), src, eos)
            targets, targets_cut = truncate(tf.cast(ex["targets"], tf.int32), tgt, eos)
            return {"inputs": inputs, "targets": targets,
                    "cut": tf.stack([tf.cast(inputs_cut, tf.int32),
                                     tf.cast(targets_cut, tf.int32)])}

        dataset = dataset.map(cut, num_parallel_calls=tf.data.AUTOTUNE)
        rows = packing.pack(dataset, {"inputs": src, "targets": tgt})
        if skip:
            rows = rows.skip(skip)
        return (rows.batch(self.batch_size, drop_remainder=self.drop_remainder)
                .map(lambda batch: packing.batch_features(batch, LABEL_PAD),
                     num_parallel_calls=tf.data.AUTOTUNE)
                .prefetch(tf.data.AUTOTUNE))

    def __iter__(self) -> Iterator[Dict[str, torch.Tensor]]:
        if torch.utils.data.get_worker_info() is not None:
            raise RuntimeError(WORKERS_ERROR)
        dataset = self.dataset_fn()
        keys = packing.PACKED_FEATURES if self.packing else ("input_ids", "attention_mask",
                                                              "labels")
        for batch in self.batched(dataset, self._counters.position).as_numpy_iterator():
            self._count(batch)
            # tf.data's numpy arrays are read-only: copy (cheap) rather than share.
            yield {key: torch.from_numpy(batch[key].copy()) for key in keys}
        self._end_pass()

    def _count(self, batch: Mapping[str, np.ndarray]) -> None:
        c = self._counters
        n = int(batch["input_ids"].shape[0])
        c.position += n  # examples, or packed rows: what a resume skips
        c.batches += 1
        c.examples += int(batch["examples"].sum()) if self.packing else n
        c.input_tokens += int(batch["input_len"].sum())
        c.target_tokens += int(batch["target_len"].sum())
        c.truncated_inputs += int(batch["inputs_cut"].sum())
        c.truncated_targets += int(batch["targets_cut"].sum())
        if c.examples >= self.report_after:
            self._report()
        self._history.append(dataclasses.replace(c))

    def _end_pass(self) -> None:
        self._report()
        self._counters.position = 0
        self._counters.passes += 1
        self._history.append(dataclasses.replace(self._counters))

    def _report(self) -> None:
        """The one truncation warning (if anything was cut and it was not given yet)."""
        c = self._counters
        if c.warned or not (c.truncated_inputs or c.truncated_targets):
            return
        c.warned = True
        logger.warning(
            "%s: truncated %d of %d examples' inputs to max_source_length=%d and %d "
            "targets to max_target_length=%d (EOS kept); counts so far, reported once "
            "(stream.counters has the running totals)", self.name, c.truncated_inputs,
            c.examples, self.max_source_length, c.truncated_targets, self.max_target_length)

    def __getstate__(self):
        # Pickling is how DataLoader hands a dataset to spawned workers: refuse clearly.
        raise TypeError(WORKERS_ERROR)


def build_stream(cfg: StreamConfig, *, batch_size: int, pad_id: Optional[int] = None,
                 eos_id: Optional[int] = None, drop_remainder: bool = False,
                 report_after: int = 10_000, dataset_fn=None,
                 packing: bool = False) -> Seq2SeqStream:
    """A ``Seq2SeqStream`` over ``trainer.data.get_split(cfg)``.

    The split is resolved once (``trainer.data.plan_split``); each pass only rebuilds
    the tf.data pipeline. ``cfg`` must give both length limits. Pad and EOS ids default
    to the provider's vocabulary. ``dataset_fn`` replaces the split's dataset factory
    (e.g. a subset of it), keeping the rest. ``packing``: batches of packed rows
    (``trainer.packing``).
    """
    if cfg.max_source_length is None or cfg.max_target_length is None:
        raise ValueError("a stream needs max_source_length and max_target_length")
    plan = data.plan_split(cfg)
    default_pad, default_eos = data.get_special_ids(plan.provider)
    return Seq2SeqStream(
        dataset_fn or plan.dataset, batch_size, max_source_length=cfg.max_source_length,
        max_target_length=cfg.max_target_length,
        pad_id=default_pad if pad_id is None else pad_id,
        eos_id=default_eos if eos_id is None else eos_id,
        drop_remainder=drop_remainder, name=cfg.describe(), report_after=report_after,
        packing=packing)
