"""One Beam pipeline that caches many seqio tasks, with a graph that does not grow with them.

seqio's own job adds a dozen transforms per task and split, and the DirectRunner's cost
grows with the graph (about 6 s per task). Here each (task, split, source shard) is one
element: read and preprocessed by seqio's ``PreprocessTask`` code, keyed by (task,
split, output shard), grouped, written as one tfrecord file each
(``seqio.dict_to_tfexample``), and counted per (task, split) into ``info.<split>.json``
and ``stats.<split>.json`` (with each file's records). An example goes to the shard its
bytes hash to and a shard's records are sorted: a rebuild writes the same files.
See docs/caching.md.
"""

from __future__ import annotations

import dataclasses
import json
import os
import zlib
from typing import Dict, Iterable, Sequence, Tuple

from common import seqio_compat

import apache_beam as beam
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


class _Emit(beam.DoFn):
    """(task, split, shard index, shard name) -> ((task, split), example), read and
    preprocessed by seqio's own cache-job code for that task and split."""

    def __init__(self, readers: Dict[Key, beam_utils.PreprocessTask]):
        self._readers = readers

    def process(self, unit):
        name, split, index, shard = unit
        for ex in seqio_compat.precache_examples(self._readers[(name, split)], (index, shard)):
            yield (name, split), ex


class _Serialize(beam.DoFn):
    """((task, split), example) -> ((task, split, output shard), tf.train.Example bytes)."""

    def __init__(self, num_shards: Dict[Key, int]):
        self._num_shards = num_shards

    def process(self, item):
        key, ex = item
        data = seqio.dict_to_tfexample(ex).SerializeToString()
        yield (*key, zlib.crc32(data) % self._num_shards[key]), data


class _WriteShard(beam.DoFn):
    """Writes one output shard (its records sorted); a shard nothing hashed to is written
    empty, as seqio's own job does. Yields ((task, split), (shard, records written))."""

    def __init__(self, jobs: Dict[Key, SplitJob]):
        self._jobs = jobs

    def process(self, item):
        (name, split, shard), records = item
        job = self._jobs[(name, split)]
        path = (f"{seqio.get_cached_tfrecord_prefix(job.task_dir, split)}"
                f"-{shard:05d}-of-{job.num_shards:05d}")
        tmp = path + ".incomplete"
        records = sorted(r for r in records if r is not None)
        with tf.io.TFRecordWriter(tmp) as writer:
            for record in records:
                writer.write(record)
        tf.io.gfile.rename(tmp, path, overwrite=True)
        yield (name, split), (shard, len(records))


class _Count(beam.DoFn):
    """((task, split), example) -> ((task, split), counts): 1 example, and seqio's token
    counts per feature (EOS and padding left out)."""

    def __init__(self, features: Dict[Key, Dict[str, seqio.Feature]]):
        self._features = features
        self._counters: Dict[Key, object] = {}

    def process(self, item):
        key, ex = item
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = seqio_compat.token_counter(self._features[key])
        counts = {"examples": 1}
        for name, tokens in counter.process(ex):
            counts[name] = counts.get(name, 0) + tokens
            max_name = name.replace("tokens", "max_tokens")
            counts[max_name] = max(counts.get(max_name, 0), tokens)
        yield key, counts


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
                if name.endswith("_max_tokens"):
                    merged[name] = max(merged.get(name, 0), value)
                else:
                    merged[name] = merged.get(name, 0) + value
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
    """Adds the caching of every ``jobs`` split to ``pipeline`` (a fixed set of transforms)."""
    readers, units, shard_keys = {}, [], []
    for job in jobs:
        os.makedirs(job.task_dir, exist_ok=True)
        reader = beam_utils.PreprocessTask(job.task, job.split,
                                           modules_to_import=list(modules_to_import),
                                           tfds_data_dir=tfds_data_dir)
        readers[job.key] = reader
        units += [(*job.key, index, shard) for index, shard in reader.shards]
        shard_keys += [((*job.key, shard), None) for shard in range(job.num_shards)]
    by_key = {job.key: job for job in jobs}
    examples = (pipeline
                | "units" >> beam.Create(units)
                | "spread_units" >> beam.Reshuffle()
                | "read_and_preprocess" >> beam.ParDo(_Emit(readers)))
    records = examples | "serialize" >> beam.ParDo(
        _Serialize({key: job.num_shards for key, job in by_key.items()}))
    every_shard = pipeline | "every_shard" >> beam.Create(shard_keys)
    written = ((records, every_shard)
               | "with_empty_shards" >> beam.Flatten()
               | "group_shards" >> beam.GroupByKey()
               | "write_shards" >> beam.ParDo(_WriteShard(by_key)))
    stats = (examples
             | "count" >> beam.ParDo(_Count({key: dict(job.task.output_features)
                                             for key, job in by_key.items()}))
             | "sum_counts" >> beam.CombinePerKey(_MergeCounts()))
    sample = examples | "sample" >> beam.combiners.Sample.FixedSizePerKey(1)
    _ = ({"sample": sample, "stats": stats, "shards": written}
         | "join" >> beam.CoGroupByKey()
         | "write_json" >> beam.ParDo(_WriteJson(by_key)))
