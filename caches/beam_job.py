"""One Beam pipeline that caches many seqio tasks, with a graph that does not grow with them.

seqio's own job adds a dozen transforms per task and split (about 6 s each on the
DirectRunner). Here each (task, split, source shard) is one element, a *unit*: read and
preprocessed by seqio's ``PreprocessTask`` code, serialized as seqio's tf.train.Example
(in tf.data by ``caches.tf_example``, else by ``serialize``; the same bytes) and written
by the worker that read it into its own output shards (``num_shards`` is a multiple of
the source shards; each example goes to the unit's shard its bytes hash to), each under
a temporary name until whole. No record passes through Beam. The units' counts are
summed into ``info.<split>.json`` and ``stats.<split>.json``. A unit reads its shard in a
fixed order: a rebuild writes the same files. See docs/caching.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import zlib
from typing import Dict, Iterable, Iterator, Sequence, Tuple

from caches import tf_example
from common import seqio_compat

import apache_beam as beam
import numpy as np
import seqio
import tensorflow as tf
from seqio import beam_utils

Key = Tuple[str, str]  # (task name, split)


@dataclasses.dataclass(frozen=True)
class SplitJob:
    """One split of one task to cache: where its files go and how many shards."""

    task: seqio.Task
    split: str
    task_dir: str
    num_shards: int

    @property
    def key(self) -> Key:
        return (self.task.name, self.split)


# Examples converted to numpy at a time.
READ_BATCH = 256


def numpy_examples(ds: tf.data.Dataset) -> Iterator[dict]:
    """``ds.as_numpy_iterator()``, read ``READ_BATCH`` examples at a time when every
    feature has rank <= 1 (the same numpy values: bytes, numpy scalars and arrays)."""
    spec = ds.element_spec
    if not (isinstance(spec, dict) and all(
            isinstance(s, tf.TensorSpec) and s.shape.rank is not None and s.shape.rank <= 1
            for s in spec.values())):
        yield from ds.as_numpy_iterator()
        return
    for batch in ds.ragged_batch(READ_BATCH).prefetch(2):
        n = None
        columns = {}
        for key, value in batch.items():
            if isinstance(value, tf.RaggedTensor):
                values, splits = value.flat_values.numpy(), value.row_splits.numpy()
                columns[key] = [values[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]
            else:
                columns[key] = list(value.numpy())
            n = len(columns[key])
        for i in range(n or 0):  # the spec's key order: a record's bytes follow it
            yield {key: columns[key][i] for key in spec}


_INT_DTYPES = (np.bool_, np.int32, np.int64)
_FLOAT_DTYPES = (np.float32, np.float64)


def serialize(ex: dict) -> bytes:
    """``seqio.dict_to_tfexample(ex).SerializeToString(deterministic=True)`` without a
    TensorFlow tensor per feature, filled in place (the same bytes; a test holds the two
    together). About 3x faster than building a message per feature."""
    example = tf.train.Example()
    features = example.features.feature
    for key, value in ex.items():
        if isinstance(value, bytes):  # most fields of a cached prompt task
            features[key].bytes_list.value.append(value)
            continue
        array = np.asarray(value)
        kind = array.dtype.kind
        if array.ndim > 1 or not (kind in "SOU" or array.dtype.type in _INT_DTYPES
                                  or array.dtype.type in _FLOAT_DTYPES):
            raise ValueError(f"Unsupported type ({array.dtype}) and shape ({array.shape}) "
                             f"for '{key}' value: {value}")  # seqio's message
        if kind in "SOU":
            values = features[key].bytes_list
            values.SetInParent()  # set even when empty (explicit for every protobuf backend)
            values.value.extend([v if isinstance(v, bytes) else tf.compat.as_bytes(v)
                                 for v in ([value] if array.ndim == 0 else value)])
        else:
            values = (features[key].int64_list if array.dtype.type in _INT_DTYPES
                      else features[key].float_list)
            values.SetInParent()
            values.value.extend(array.reshape(-1).tolist())
    # Deterministic: map entries in the library's fixed order (upb: by key, a key after
    # the keys it prefixes). The default order follows protobuf's hash seed, which
    # changes from process to process (and so would the files).
    return example.SerializeToString(deterministic=True)


class _ProcessUnit(beam.DoFn):
    """(task, split, source shard index, shard name) -> its output shards written, as
    ((task, split), (shard, records)); and, tagged, the unit's counts (1 per example, and
    seqio's token counts per feature, EOS and padding left out) and its first example.

    Examples are read and preprocessed by seqio's own cache-job code for the task and
    split. Every one of the unit's shards is written, empty when nothing hashed to it,
    as seqio's own job writes them.
    """

    def __init__(self, readers: Dict[Key, beam_utils.PreprocessTask],
                 jobs: Dict[Key, "SplitJob"]):
        self._readers = readers
        self._jobs = jobs

    def process(self, unit):
        name, split, index, shard = unit
        key = (name, split)
        job, reader = self._jobs[key], self._readers[key]
        per_unit = job.num_shards // len(reader.shards)
        first = index * per_unit
        counts: Dict[str, int] = {"examples": 0}
        written = [0] * per_unit
        paths = [shard_path(job, first + i) for i in range(per_unit)]
        with contextlib.ExitStack() as stack:
            writers = [stack.enter_context(tf.io.TFRecordWriter(path + ".incomplete"))
                       for path in paths]
            for records, sample in unit_records(job, reader, (index, shard), counts):
                if sample is not None:
                    yield beam.pvalue.TaggedOutput("sample", (key, sample))
                for data in records:
                    out = zlib.crc32(data) % per_unit
                    writers[out].write(data)
                    written[out] += 1
        for i, path in enumerate(paths):
            tf.io.gfile.rename(path + ".incomplete", path, overwrite=True)
            yield key, (first + i, written[i])
        if counts["examples"]:
            yield beam.pvalue.TaggedOutput("counts", (key, counts))


# Splits of at least this many source examples are encoded in tf.data: tracing the
# encoder costs about what ~15,000 examples save (seqio's sizes; unknown: encoded).
TF_ENCODE_MIN_EXAMPLES = 10_000


def _encode_in_tf_data(job: SplitJob) -> bool:
    try:
        size = job.task.num_input_examples(job.split)
    except Exception:  # noqa: BLE001  (a source that cannot tell: assume a large one)
        size = None
    return size is None or size >= TF_ENCODE_MIN_EXAMPLES


def unit_records(job: SplitJob, reader, shard, counts: Dict[str, int]):
    """A unit's records in read order, a batch at a time, as ``(records, sample)`` (the
    first non-empty batch brings an example for ``info.<split>.json``), adding to
    ``counts``. Encoded in tf.data (``caches.tf_example``) when the features allow and
    the split is large (``TF_ENCODE_MIN_EXAMPLES``), else one ``serialize`` call an
    example (the same bytes)."""
    ds = seqio_compat.precache_dataset(reader, shard)
    batches = None if ds is None or not _encode_in_tf_data(job) else (
        tf_example.encoded_batches(ds, dict(job.task.output_features)))
    if batches is not None:
        for batch in batches:
            records = batch.pop("records")
            if not len(records):
                continue
            sample = None if counts["examples"] else tf_example.spec_example(ds.element_spec)
            counts["examples"] += len(records)
            for feature, tokens in batch.items():
                _add_count(counts, feature, int(tokens.sum()))
                _add_count(counts, feature.replace("tokens", "max_tokens"), int(tokens.max()))
            yield records, sample
        return
    counter = seqio_compat.token_counter(dict(job.task.output_features))
    examples = (seqio_compat.precache_examples(reader, shard) if ds is None
                else numpy_examples(ds))
    for ex in examples:
        sample = None if counts["examples"] else ex
        counts["examples"] += 1
        for feature, tokens in counter.process(ex):
            _add_count(counts, feature, tokens)
            _add_count(counts, feature.replace("tokens", "max_tokens"), tokens)
        yield (serialize(ex),), sample


def shard_path(job: SplitJob, shard: int) -> str:
    """Output shard ``shard`` of a split, named as seqio's cache job names it."""
    return (f"{seqio.get_cached_tfrecord_prefix(job.task_dir, job.split)}"
            f"-{shard:05d}-of-{job.num_shards:05d}")


def _add_count(counts: dict, name: str, value: int) -> None:
    """Adds ``value`` to ``counts[name]``; a ``*_max_tokens`` count keeps the maximum."""
    if name.endswith("_max_tokens"):
        counts[name] = max(counts.get(name, 0), value)
    else:
        counts[name] = counts.get(name, 0) + value


class _MergeCounts(beam.CombineFn):
    """Sums counts; ``*_max_tokens`` take the maximum."""

    def create_accumulator(self):
        return {}

    def add_input(self, acc, counts):
        return self.merge_accumulators([acc, counts])

    def merge_accumulators(self, accs: Iterable[dict]):
        merged: dict = {}
        for acc in accs:
            for name, value in acc.items():
                _add_count(merged, name, value)
        return merged

    def extract_output(self, acc):
        return acc


class _WriteJson(beam.DoFn):
    """Writes ``info.<split>.json`` (from one example) and ``stats.<split>.json``."""

    def __init__(self, jobs: Dict[Key, SplitJob]):
        self._jobs = jobs

    def process(self, item):
        key, grouped = item
        job = self._jobs[key]
        samples, stats, shards = grouped["sample"], grouped["stats"], grouped["shards"]
        if not samples or not stats:
            return
        info = seqio_compat.split_info(samples[0][0], job.num_shards)
        # Records per file, in file order: ranks read whole files of their share by them.
        stats = dict(stats[0], examples_per_shard=[n for _, n in sorted(shards)])
        for path, value in ((seqio.get_cached_info_path(job.task_dir, job.split), info),
                            (seqio.get_cached_stats_path(job.task_dir, job.split), stats)):
            with tf.io.gfile.GFile(path, "w") as f:
                f.write(json.dumps(value, sort_keys=True, indent=2))


def build_pipeline(pipeline: beam.Pipeline, jobs: Sequence[SplitJob], *,
                   modules_to_import: Sequence[str] = (),
                   tfds_data_dir: str | None = None) -> None:
    """Adds the caching of every ``jobs`` split to ``pipeline`` (a fixed set of transforms).
    A split's ``num_shards`` must be a multiple of its source shards."""
    readers, units = {}, []
    for job in jobs:
        os.makedirs(job.task_dir, exist_ok=True)
        reader = beam_utils.PreprocessTask(job.task, job.split,
                                           modules_to_import=list(modules_to_import),
                                           tfds_data_dir=tfds_data_dir)
        if job.num_shards % len(reader.shards):
            raise ValueError(f"{job.task.name} {job.split}: {job.num_shards} output shards "
                             f"is not a multiple of its {len(reader.shards)} source shards")
        readers[job.key] = reader
        units += [(*job.key, index, shard) for index, shard in reader.shards]
    by_key = {job.key: job for job in jobs}
    read = (pipeline
            | "units" >> beam.Create(units)
            | "spread_units" >> beam.Reshuffle()
            | "read_and_write" >> beam.ParDo(_ProcessUnit(readers, by_key)).with_outputs(
                "counts", "sample", main="shards"))
    stats = read.counts | "sum_counts" >> beam.CombinePerKey(_MergeCounts())
    sample = read.sample | "sample" >> beam.combiners.Sample.FixedSizePerKey(1)
    _ = ({"sample": sample, "stats": stats, "shards": read.shards}
         | "join" >> beam.CoGroupByKey()
         | "write_json" >> beam.ParDo(_WriteJson(by_key)))
