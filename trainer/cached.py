"""Splits stored as TFRecord files (seqio caches, TFDS files) read as records, parsed late.

``record_streams`` reads each task's records in seqio's order, shards, repeats and
shuffles them; ``parsed`` then parses them (a batch at a time where TFDS allows) for the
per-task pipelines of ``trainer.data`` (``plan_records``, ``tfds_task``). A fully cached
split whose only post-cache step is seqio's EOS step (``plan_cached`` checks it from the
cache info alone, or says why not) is mixed as records and parsed once for all tasks
(``read_cached``). Never imports ``trainer.data`` (which calls it); seqio internals come
through ``common.seqio_compat``. See docs/data-streams.md.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import os
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import tensorflow as tf

from common import seqio_compat  # before seqio: the import fix

import seqio

# seqio's cached source reads this many files at a time, this many records from each.
READ_CYCLE = 16
READ_BLOCK = 16
# seqio keeps a split in memory after its first read when it is this small (0.0.8's
# ``_MAX_EXAMPLES_TO_MEM_CACHE``); both read paths keep the same behaviour.
MEMORY_CACHE_MAX_EXAMPLES = 10_000
# seqio's sampling seed for an unshuffled mixture with no seed.
UNSHUFFLED_MIXTURE_SEED = 42


@dataclasses.dataclass(frozen=True)
class CachedTask:
    """One task's split as TFRecord files the readers here read: its seqio cache, or its
    TFDS files (``tfds_task``, with their ``parse``)."""

    task: "seqio.Task"
    files: Tuple[str, ...]  # sorted
    num_examples: int
    file_shuffle_buffer_size: Optional[int]  # the cache placeholder's (None: all files)
    file_examples: Optional[Tuple[int, ...]] = None  # records per file, when recorded
    features: Mapping[str, Tuple[str, Tuple[Optional[int], ...]]] = dataclasses.field(
        default_factory=dict)  # every cached feature: name -> (dtype, shape)
    parse: Optional[Callable] = None  # record -> example when not a seqio cache's
    parse_batch: Optional[Callable] = None  # records -> examples, the same, a batch at once


@dataclasses.dataclass(frozen=True)
class CachedPlan:
    """What ``read_cached`` reads: the tasks, and what one parse function does to all."""

    tasks: Tuple[CachedTask, ...]
    features: Mapping[str, Tuple[str, Tuple[Optional[int], ...]]]  # name -> (dtype, shape)
    eos: Mapping[str, int]  # feature -> EOS id appended after parsing



# File-level shards only when no rank gets more than this times its even share.
MAX_FILE_SHARD_IMBALANCE = 1.5


@dataclasses.dataclass(frozen=True)
class RankFiles:
    """The whole files one rank reads of a split, and how many records they hold."""

    files: Tuple[str, ...]  # sorted
    examples: int


def file_examples(task: "seqio.Task", split: str,
                  files: Sequence[str]) -> Optional[Tuple[int, ...]]:
    """Records per cache file (``files`` sorted), as ``caches.cache_tasks`` records them in
    ``stats.<split>.json``; None for a cache that does not (seqio's own job)."""
    counts = task.get_cached_stats(split).get("examples_per_shard")
    if not counts or len(counts) != len(files):
        return None
    return tuple(int(n) for n in counts)


def balanced(loads: Sequence[int]) -> bool:
    """Whether records per rank are fit for file-level shards: every rank reads some, none
    over ``MAX_FILE_SHARD_IMBALANCE`` times its even share."""
    return min(loads) > 0 and max(loads) * len(loads) <= MAX_FILE_SHARD_IMBALANCE * sum(loads)


def rank_files(files: Sequence[str], counts: Optional[Sequence[int]],
               shard: Optional["seqio.ShardInfo"]) -> Optional[RankFiles]:
    """This rank's share of a split as whole files, or None for example-level shards.

    Files go, largest first, to the rank holding the fewest records so far (ties: the
    lower rank, the earlier file): disjoint, complete, the same on every rank and run.
    None when there is one rank, fewer files than ranks, no per-file counts, or when a
    rank would read nothing or over ``MAX_FILE_SHARD_IMBALANCE`` times its share.
    """
    if shard is None or shard.num_shards <= 1 or counts is None:
        return None
    n = shard.num_shards
    if len(files) < n:
        return None
    loads, owner = [0] * n, {}
    for i in sorted(range(len(files)), key=lambda i: (-counts[i], i)):
        rank = min(range(n), key=lambda r: (loads[r], r))
        loads[rank] += counts[i]
        owner[i] = rank
    if not balanced(loads):
        return None
    return RankFiles(tuple(f for i, f in enumerate(files) if owner[i] == shard.index),
                     loads[shard.index])


def sample_mixture(mixture: "seqio.Mixture", datasets: Sequence[tf.data.Dataset],
                   rates: Sequence[float], *, shuffle: bool,
                   seed: Optional[int]) -> tf.data.Dataset:
    """seqio 0.0.8's mixing: the mixture's sample function, sampling seed ``seed`` (42
    when unshuffled and unseeded)."""
    if seed is not None:
        sample_seed = seed
    else:
        sample_seed = None if shuffle else UNSHUFFLED_MIXTURE_SEED
    return seqio_compat.sample_fn(mixture)(datasets, rates, sample_seed)


def _eos_step_features(task: "seqio.Task") -> Optional[Dict[str, int]]:
    """The features that get EOS after the cache, or None when a post-cache step is not
    seqio's EOS step (``append_eos``, or ``append_eos_after_trim``, run as ``append_eos``
    by ``trainer.data``); ``{}`` when there is no post-cache step."""
    prep = seqio.preprocessors
    steps = seqio_compat.post_cache_steps(task)
    if not steps:
        return {}
    if len(steps) > 1 or not (steps[0] is prep.append_eos
                              or steps[0] is prep.append_eos_after_trim):
        return None
    return {name: int(feature.vocabulary.eos_id)
            for name, feature in task.output_features.items() if feature.add_eos}


def _read_info(task: "seqio.Task", split: str) -> dict:
    with tf.io.gfile.GFile(seqio.utils.get_cached_info_path(task.cache_dir, split)) as f:
        return json.load(f)


def _check_task(task: "seqio.Task", info: dict, keys: Optional[set]):
    """``(features kept, EOS map, None)`` or ``(None, None, reason)`` for one task."""
    eos = _eos_step_features(task)
    if eos is None:
        prep = seqio.preprocessors
        steps = seqio_compat.post_cache_steps(task)
        others = [getattr(getattr(s, "func", s), "__name__", repr(s)) for s in steps
                  if s is not prep.append_eos and s is not prep.append_eos_after_trim]
        return None, None, (f"{task.name} has a post-cache step other than EOS: "
                            f"{', '.join(others) or 'EOS twice'}")
    if "seqio_version" not in info:
        return None, None, f"{task.name}'s cache predates seqio's dtype records"
    cached = _cached_features(info)
    if any(name.endswith("_plaintext") for name in cached):
        return None, None, f"{task.name}'s cache uses legacy *_plaintext features"
    for name, feature in task.output_features.items():  # seqio's _validate_preprocessing
        if name not in cached:
            if feature.required:
                return None, None, f"{task.name}'s cache lacks feature {name!r}"
            continue
        dtype, shape = cached[name]
        if dtype != feature.dtype.name or len(shape) != feature.rank:
            return None, None, (f"{task.name}'s cached {name!r} is not "
                                f"{feature.dtype.name} of rank {feature.rank}")
    eos = {name: i for name, i in eos.items() if name in cached}
    for name in eos:
        dtype, shape = cached[name]
        if len(shape) != 1 or not tf.as_dtype(dtype).is_integer:
            return None, None, f"{task.name}'s EOS feature {name!r} is not a 1-d id sequence"
    kept = {name: cached[name] for name in cached if keys is None or name in keys}
    return kept, {name: i for name, i in eos.items() if name in kept}, None


def _list_files(tasks: Sequence["seqio.Task"], infos: Sequence[dict],
                split: str) -> List[Tuple[str, ...]]:
    """Each task's cache files for ``split``, sorted: what seqio's cached source globs
    (``<prefix>-*-of-*<num_shards>``), listed with one glob per folder of task caches."""
    patterns = [f"{seqio.utils.get_cached_tfrecord_prefix(t.cache_dir, split)}-*-of-*"
                f"{info['num_shards']}" for t, info in zip(tasks, infos)]
    by_parent: Dict[str, List[str]] = {}
    for pattern in patterns:
        by_parent.setdefault(os.path.dirname(os.path.dirname(pattern)), []).append(pattern)
    found: Dict[str, List[str]] = {}  # task folder -> files
    for parent, group in by_parent.items():
        # One glob per folder of task caches: listing 85 task folders one by one costs more.
        wide = os.path.join(parent, "*", f"{split}.tfrecord-*-of-*")
        for path in tf.io.gfile.glob(wide if len(group) > 1 else group[0]):
            found.setdefault(os.path.dirname(path), []).append(path)
    return [tuple(sorted(fnmatch.filter(found.get(os.path.dirname(pattern), []), pattern)))
            for pattern in patterns]


def _cached_features(info: dict):
    return {name: (desc["dtype"], tuple(desc["shape"])) for name, desc in info["features"].items()}


def _cached_tasks(members: Sequence["seqio.Task"], infos: Sequence[dict],
                  split: str) -> Tuple[Optional[Tuple[CachedTask, ...]], str]:
    files = _list_files(members, infos, split)
    for task, task_files in zip(members, files):
        if not task_files:
            return None, f"{task.name} has no cache files for {split!r}"
    return tuple(
        CachedTask(task, task_files, int(task.get_cached_stats(split)["examples"]),
                   seqio_compat.cache_placeholder(task).file_shuffle_buffer_size,
                   file_examples(task, split, task_files), _cached_features(info))
        for task, task_files, info in zip(members, files, infos)), ""


def plan_records(members: Sequence["seqio.Task"],
                 split: str) -> Tuple[Optional[Tuple[CachedTask, ...]], str]:
    """``(tasks, "")`` when every member's cache can be read as records
    (``record_streams``) and parsed by ``parse_task_fn``, else ``(None, reason)``: a
    cache without seqio's dtype records or with legacy ``*_plaintext`` features is read
    by seqio's own source."""
    infos = [_read_info(task, split) for task in members]
    for task, info in zip(members, infos):
        if "seqio_version" not in info:
            return None, f"{task.name}'s cache predates seqio's dtype records"
        if any(name.endswith("_plaintext") for name in info["features"]):
            return None, f"{task.name}'s cache uses legacy *_plaintext features"
    return _cached_tasks(members, infos, split)


def tfds_task(task: "seqio.Task", split: str) -> Optional[CachedTask]:
    """The task's TFDS split as records (``seqio_compat.tfds_records``), read and parsed
    here as its cache would be, or None when it has no such source."""
    if not isinstance(task.source, seqio.TfdsDataSource):
        return None
    found = seqio_compat.tfds_records(task.source, split)
    if found is None:
        return None
    files, counts, parse = found
    return CachedTask(task, files, sum(counts), None, counts, parse=parse,
                      parse_batch=seqio_compat.tfds_batch_parse(task.source))


def plan_cached(members: Sequence["seqio.Task"], split: str,
                keys: Optional[set]) -> Tuple[Optional[CachedPlan], str]:
    """``(plan, "")`` when every member can be read directly, else ``(None, reason)``.

    ``members`` all have a cache for ``split``; ``keys`` are the features a mixture
    keeps (None: a task keeps all its cached features).
    """
    infos = [_read_info(task, split) for task in members]
    features = eos = None
    for task, info in zip(members, infos):
        kept, task_eos, reason = _check_task(task, info, keys)
        if reason:
            return None, reason
        if features is None:
            features, eos = kept, task_eos
        elif (kept, task_eos) != (features, eos):
            return None, f"{task.name}'s cached features or EOS differ from {members[0].name}'s"
    tasks, reason = _cached_tasks(members, infos, split)
    return (CachedPlan(tasks, features, eos), "") if tasks else (None, reason)


# ------------------------------------------------------------------ reading


def _parse_config(dtype: str, shape: Sequence[Optional[int]]):
    """seqio's parse config for a cached feature (int32 and bool are stored as int64)."""
    stored = "int64" if dtype in ("int32", "bool") else dtype
    if shape and shape[0] is None:
        return tf.io.FixedLenSequenceFeature(list(shape[1:]), stored, allow_missing=True)
    return tf.io.FixedLenFeature(list(shape), stored)


def parse_task_fn(task: CachedTask):
    """record -> the task's example, as seqio's cached source (or TFDS) parses it."""
    return task.parse or build_parse_fn(CachedPlan((task,), task.features, {}))


PARSE_BATCH = 64  # records parsed at once by a ``parse_batch``


def parsed(records: tf.data.Dataset, task: CachedTask) -> tf.data.Dataset:
    """A task's records (``record_streams``) parsed into its examples, in order: a batch
    at a time when the task can (``parse_batch``), else one by one."""
    if task.parse_batch is not None:
        return (records.batch(PARSE_BATCH)
                .map(task.parse_batch, num_parallel_calls=tf.data.AUTOTUNE).unbatch())
    return records.map(parse_task_fn(task), num_parallel_calls=tf.data.AUTOTUNE)


def build_parse_fn(plan: CachedPlan):
    """record -> example: the kept features, cast to their cached dtypes, EOS appended."""
    config = {name: _parse_config(dtype, shape) for name, (dtype, shape) in plan.features.items()}
    dtypes = {name: tf.as_dtype(dtype) for name, (dtype, _) in plan.features.items()}

    def parse(record):
        ex = tf.io.parse_single_example(record, config)
        out = {}
        for name, value in ex.items():
            value = tf.cast(value, dtypes[name])
            if name in plan.eos:
                value = tf.concat([value, tf.constant([plan.eos[name]], value.dtype)], axis=0)
            out[name] = value
        return out

    return parse


def _permutation(size: int, buffer_size: int, seed: Optional[int]) -> List[int]:
    """The order in which ``Dataset.shuffle(buffer_size, seed)`` yields ``size`` elements
    on its first pass (the order does not depend on the elements)."""
    ds = tf.data.Dataset.range(size).shuffle(buffer_size, seed=seed)
    return [int(i) for i in ds.as_numpy_iterator()]


def _file_orders(tasks: Sequence[CachedTask], shuffle_files: bool,
                 seed: Optional[int]) -> List[List[str]]:
    """Each task's files in the order seqio's cached source reads them on a first pass."""
    if not shuffle_files:
        return [list(t.files) for t in tasks]
    permutations: Dict[Tuple[int, int], List[int]] = {}
    orders = []
    for task in tasks:
        key = (len(task.files), task.file_shuffle_buffer_size or len(task.files))
        if key not in permutations or seed is None:  # unseeded: a fresh random order each
            permutations[key] = _permutation(*key, seed)
        orders.append([task.files[i] for i in permutations[key]])
    return orders


def _interleave_files(files: tf.data.Dataset, parallel: bool = True) -> tf.data.Dataset:
    """seqio's cached read: 16 files at a time, 16 records from each in turn (a parallel
    interleave is deterministic by default: the same order as the sequential one)."""
    return files.interleave(tf.data.TFRecordDataset, cycle_length=READ_CYCLE,
                            block_length=READ_BLOCK,
                            num_parallel_calls=tf.data.AUTOTUNE if parallel else None)


def read_records_in_memory(file_lists: Sequence[Sequence[str]]) -> List[tf.Tensor]:
    """Each list's records, in seqio's read order, as one string tensor per list.

    One pipeline reads every list (several lists at a time, each in its own order): one
    function to trace, however many tasks.
    """
    if not file_lists:
        return []
    if len(file_lists) == 1:  # one task (most single-task streams): no table to trace
        files = tf.constant(list(file_lists[0]), tf.string, shape=[len(file_lists[0])])
        parts = list(_interleave_files(tf.data.Dataset.from_tensor_slices(files),
                                       parallel=False).batch(MEMORY_CACHE_MAX_EXAMPLES))
        return [tf.concat(parts, 0) if parts else tf.constant([], tf.string)]
    flat = [f for files in file_lists for f in files]
    table = tf.RaggedTensor.from_row_lengths(
        tf.constant(flat, tf.string), tf.constant([len(f) for f in file_lists], tf.int64))

    def read(i):
        # Lists are read in parallel; within one, threads would cost more than they save.
        records = _interleave_files(tf.data.Dataset.from_tensor_slices(table[i]),
                                    parallel=False)
        batches = records.batch(MEMORY_CACHE_MAX_EXAMPLES)
        return tf.data.Dataset.zip((tf.data.Dataset.from_tensors(i).repeat(), batches))

    ds = tf.data.Dataset.range(len(file_lists)).interleave(
        read, cycle_length=8, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    parts: List[List[tf.Tensor]] = [[] for _ in file_lists]
    for i, batch in ds:
        parts[int(i)].append(batch)
    return [tf.concat(p, 0) if p else tf.constant([], tf.string) for p in parts]


def record_streams(tasks: Sequence[CachedTask], shard: Optional["seqio.ShardInfo"], *,
                   shuffle: bool, seed: Optional[int],
                   num_epochs: Optional[int]) -> List[tf.data.Dataset]:
    """Each task's raw records as ``trainer.data``'s general path reads its cache, in its
    order: this rank's whole files or an example-level shard, small splits kept in
    memory, repeated, then shuffled (records: the buffer fills without parsing)."""
    # Each task: this rank's whole files, or all files and an example-level shard.
    # Memory or streaming depends on the whole split's size, as in the general path.
    views, strided = [], []
    for task in tasks:
        mine = rank_files(task.files, task.file_examples, shard)
        views.append(task if mine is None else dataclasses.replace(task, files=mine.files))
        strided.append(mine is None and shard is not None and shard.num_shards > 1)
    # As the general path: ranks that stride one read order share it, so unseeded they
    # read files unshuffled.
    shuffle_files = [shuffle and (seed is not None or not s) for s in strided]
    small = [i for i, t in enumerate(tasks)
             if t.num_examples and t.num_examples < MEMORY_CACHE_MAX_EXAMPLES]
    in_memory = {}
    for flag in (False, True):
        group = [i for i in small if shuffle_files[i] == flag]
        in_memory.update(zip(group, read_records_in_memory(
            _file_orders([views[i] for i in group], flag, seed))))
    datasets = []
    for i, task in enumerate(views):
        if i in in_memory:  # read once, kept in memory (seqio's ds.cache())
            records = in_memory[i]
            if strided[i]:  # example-level shard of the read order, as Dataset.shard
                records = records[shard.index::shard.num_shards]
            ds = tf.data.Dataset.from_tensor_slices(records)
        else:  # streamed, files reshuffled each epoch, exactly as seqio's source
            files = tf.data.Dataset.from_tensor_slices(list(task.files))
            if shuffle_files[i]:
                files = files.shuffle(task.file_shuffle_buffer_size or len(task.files),
                                      seed=seed)
            ds = _interleave_files(files)
            if strided[i]:
                ds = ds.shard(shard.num_shards, shard.index)
        if num_epochs != 1:
            ds = ds.repeat(num_epochs)
        if shuffle:
            ds = ds.shuffle(seqio_compat.shuffle_buffer_size(task.task), seed=seed)
        datasets.append(ds)
    return datasets


def read_cached(plan: CachedPlan, shard: Optional["seqio.ShardInfo"], *, shuffle: bool,
                seed: Optional[int], num_epochs: Optional[int],
                mixture: Optional["seqio.Mixture"] = None) -> tf.data.Dataset:
    """The examples ``trainer.data``'s general path gives for ``plan``, in its order.

    ``mixture`` mixes the tasks as ``trainer.data`` does (its rates, sample function and
    seed); None reads the plan's single task.
    """
    datasets = record_streams(plan.tasks, shard, shuffle=shuffle, seed=seed,
                              num_epochs=num_epochs)
    if mixture is None:
        (ds,) = datasets
    else:
        rates = [mixture.get_rate(t.task) for t in plan.tasks]
        ds = sample_mixture(mixture, datasets, rates, shuffle=shuffle, seed=seed)
    return ds.map(build_parse_fn(plan), num_parallel_calls=tf.data.AUTOTUNE)
