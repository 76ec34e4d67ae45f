"""One rank's shard of a registered task or mixture split, as a ``tf.data.Dataset``.

``get_split(name, split, shard, sequence_length=...)`` gives the semantics users rely on
(docs MISSION.md, "The data path"):

* **cache**: a task reads its seqio cache when it has one for ``split``; a mixture reads
  the caches only when *every* member task has one, else it processes everything on
  the fly and logs one warning naming the uncached tasks (or saying none is cached),
  once per process even though the stream rebuilds it. ``use_cached=True`` makes a
  missing cache an error, ``False`` never reads caches. When every task's only
  post-cache step is EOS (zero-shot FLAN, T5 style), ``trainer.cached`` reads the
  cache files directly: the same examples in the same order as the per-task pipelines
  below, without building one per task (``DIRECT_CACHE_READ = False`` turns it off).
  Cache files are read sorted by name in both ways (seqio takes the file system's order).
* **text along**: examples keep ``inputs_pretokenized`` / ``targets_pretokenized``
  (seqio's ``copy_pretokenized=True`` for mixtures).
* **sharding**: ``shard=seqio.ShardInfo(index=dp_rank, num_shards=dp_size)``. Shards are
  always cut at the *example* level: every rank reads the split's records in the same
  order and keeps every ``num_shards``-th one, before any preprocessing. seqio would
  instead hand whole files to ranks when a split has at least ``num_shards`` files
  (TFDS ``input_context``): shard sizes then follow file sizes (3 files on 2 ranks is
  2:1, so distributed evaluation would see unequal batch counts), and a cache with fewer
  files than the raw source fails outright. Example-level shards are disjoint, their
  union is the split, and their sizes differ by at most one, whatever the file layout
  (one file included). The price: each rank reads and decodes the whole split (it only
  preprocesses its own share), which is cheap next to tokenising and formatting.
* **epochs and order**: the split repeats ``num_epochs`` times (None: forever) and is
  shuffled with ``seed`` when ``shuffle`` (default: only the ``train`` split); other
  splits are read once, in order. The same arguments always give the same sequence,
  which is what lets ``trainer.stream`` resume by skipping.
* **max_samples**: caps the examples read *over all shards* (HF's
  ``max_eval_samples``): rank ``i`` of ``n`` takes ``max_samples // n`` (+1 for the
  first ``max_samples % n`` ranks), so with example-level shards the ranks together read
  exactly the first ``max_samples`` examples of a task's unsharded stream (a mixture
  shard mixes its tasks' shards on its own: each rank takes the start of its stream).
* **no trimming**: features come back at full length, EOS last. seqio's final
  ``trim_output_features`` is off and its ``append_eos_after_trim`` step runs as
  ``append_eos``; ``sequence_length`` still reaches length-aware preprocessors (few-shot
  exemplar packing). ``trainer.stream`` truncates exactly as ``append_eos_after_trim``
  would (first ``limit - 1`` tokens, then EOS) and *counts* what it cuts, which seqio
  cannot report. A task that trims in some other step trims there, uncounted.

Mixing follows seqio 0.0.8's ``Mixture.get_dataset`` (rates from the registry, sampling
seed ``seed``, or 42 when unshuffled); this module reproduces seqio's task reading only to
own the sharding step and depends on seqio 0.0.8 internals noted where used.

Callers import ``tasks`` before using this module (it applies the seqio compat fix);
seqio is imported lazily here for that reason (see ``trainer/__init__.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, List, Mapping, Optional, Sequence, Set, Tuple, Union

import tensorflow as tf

if TYPE_CHECKING:  # pragma: no cover
    import seqio

logger = logging.getLogger(__name__)

# seqio keeps a split in memory after its first read when it is this small (0.0.8's
# ``_MAX_EXAMPLES_TO_MEM_CACHE``); we keep the same behaviour.
MEMORY_CACHE_MAX_EXAMPLES = 10_000
# seqio's sampling seed for an unshuffled mixture with no seed.
UNSHUFFLED_MIXTURE_SEED = 42
# Read fully cached providers whose only post-cache step is EOS with ``trainer.cached``
# (the same examples in the same order, without per-task pipelines); False always takes
# seqio's per-task pipelines (tests compare the two).
DIRECT_CACHE_READ = True

# (provider, split) pairs whose cache warning was already logged in this process: the
# stream rebuilds the dataset on every pass and resume, the warning should appear once.
_warned_uncached: Set[Tuple[str, str]] = set()


def _seqio():
    """seqio, with a clear message when the project's compat fix was not applied first."""
    try:
        import seqio
    except ValueError as e:  # seqio 0.0.8 on Python 3.11: "mutable default ..."
        raise ImportError(
            "import seqio failed; import the `tasks` package first (it applies the "
            "seqio/Python 3.11 fix; run.py and the tests do)") from e
    return seqio


def get_provider(provider: Union[str, "seqio.Task", "seqio.Mixture"]):
    """The registered ``seqio.Task`` / ``seqio.Mixture`` named ``provider`` (or itself)."""
    seqio = _seqio()
    if isinstance(provider, str):
        return seqio.get_mixture_or_task(provider)
    return provider


def get_special_ids(provider: Union[str, "seqio.Task", "seqio.Mixture"]) -> Tuple[int, int]:
    """``(pad_id, eos_id)`` of the provider's ``targets`` vocabulary (T5 layout: 0, 1)."""
    vocab = get_provider(provider).output_features["targets"].vocabulary
    return int(vocab.pad_id), int(vocab.eos_id)


def shard_count(total: int, shard: Optional["seqio.ShardInfo"]) -> int:
    """How many of ``total`` consecutive examples fall to ``shard`` (example-level shards)."""
    if shard is None or shard.num_shards <= 1:
        return total
    n, i = shard.num_shards, shard.index
    return total // n + (1 if i < total % n else 0)


def _check_shard(shard: Optional["seqio.ShardInfo"]) -> None:
    if shard is not None and not 0 <= shard.index < shard.num_shards:
        raise ValueError(f"shard index {shard.index} is not in [0, {shard.num_shards})")


def has_cache(task: "seqio.Task", split: str) -> bool:
    """Whether ``task`` has a completed seqio cache that includes ``split``."""
    seqio = _seqio()
    if not task.supports_caching:
        return False
    cache_dir = task.cache_dir  # searched in seqio's global cache dirs; None if absent
    if not cache_dir:
        return False
    return tf.io.gfile.exists(seqio.utils.get_cached_info_path(cache_dir, split))


def member_tasks(provider, split: str) -> List["seqio.Task"]:
    """The tasks a split of ``provider`` reads: itself, or the mixture's tasks with ``split``."""
    seqio = _seqio()
    if isinstance(provider, seqio.Task):
        if split not in provider.splits:
            raise ValueError(f"task {provider.name} has no split {split!r}; "
                             f"it has {', '.join(provider.splits)}")
        return [provider]
    members = [t for t in provider.tasks if split in t.splits]
    if not members:
        raise ValueError(f"no task of mixture {provider.name} has a {split!r} split")
    skipped = [t.name for t in provider.tasks if split not in t.splits]
    if skipped:
        logger.info("%s: %d task(s) have no %r split and are left out: %s",
                    provider.name, len(skipped), split, ", ".join(skipped))
    return members


def choose_cache(provider, members: Sequence["seqio.Task"], split: str,
                 use_cached: Optional[bool]) -> bool:
    """Whether to read caches: all members cached (None: auto; True: required).

    A mixture that will not read caches logs one warning per (mixture, split) and
    process, naming its uncached tasks when some are cached.
    """
    if use_cached is False:
        return False
    uncached = [t.name for t in members if not has_cache(t, split)]
    if not uncached:
        return True
    if use_cached:
        raise ValueError(f"{provider.name}: use_cached=True but {len(uncached)} task(s) "
                         f"have no cache for split {split!r}: {', '.join(uncached)}")
    key = (provider.name, split)
    if isinstance(provider, _seqio().Mixture) and key not in _warned_uncached:
        _warned_uncached.add(key)
        if len(uncached) < len(members):  # partly cached: say what stops the cache's use
            which = f"{len(uncached)} of {len(members)} tasks are not cached: " + ", ".join(
                uncached)
        else:
            which = f"none of its {len(members)} tasks is cached"
        logger.warning("%s: not using the seqio cache for split %r (%s); every task is "
                       "preprocessed on the fly. Cache them to start faster.",
                       provider.name, split, which)
    return False


def _postcache(task: "seqio.Task", ds: tf.data.Dataset,
               sequence_length: Optional[Mapping[str, int]], seed: Optional[int]):
    """seqio 0.0.8's ``Task.preprocess_postcache``, with ``append_eos_after_trim`` run as
    ``append_eos``: the stream truncates the same way (first ``limit - 1`` tokens, then
    EOS) and counts what it cut; length-aware steps still get ``sequence_length``."""
    seqio = _seqio()
    start = 0
    if task.supports_caching:
        start = task._cache_step_idx + 1  # noqa: SLF001
        # seqio's offset, so post-cache seeds never repeat pre-cache ones.
        seed = None if seed is None else seed + 42 * task._cache_step_idx  # noqa: SLF001
    steps = [seqio.preprocessors.append_eos
             if step is seqio.preprocessors.append_eos_after_trim else step
             for step in task.preprocessors[start:]]
    with seqio.utils.map_seed_manager(seed):
        return task._preprocess_dataset(ds, steps, sequence_length=sequence_length)  # noqa: SLF001


def _read_task(task: "seqio.Task", split: str, shard: Optional["seqio.ShardInfo"], *,
               sequence_length: Optional[Mapping[str, int]], use_cached: bool,
               shuffle: bool, seed: Optional[int], num_epochs: Optional[int]) -> tf.data.Dataset:
    """seqio 0.0.8's ``Task.get_dataset`` with example-level sharding and no trimming."""
    if use_cached:
        # seqio internals: the placeholder step holds the cache's file shuffle buffer.
        placeholder = task.preprocessors[task._cache_step_idx]  # noqa: SLF001
        source = task._get_cached_source(  # noqa: SLF001
            split, placeholder.file_shuffle_buffer_size)
        # seqio lists the cache files with glob, in the file system's order: sort them,
        # so a cache reads the same wherever it is copied (and as trainer.cached reads it).
        listed = source.list_shards
        source.list_shards = lambda split_name: sorted(listed(split_name))
        num_examples = task.get_cached_stats(split)["examples"]
    else:
        if task.requires_caching:
            raise ValueError(f"task {task.name} requires a seqio cache for split {split!r} "
                             "and has none")
        source = task.source
        num_examples = task.num_input_examples(split)

    sharded = shard is not None and shard.num_shards > 1
    if sharded and source.supports_arbitrary_sharding:
        ds = source.get_dataset(split=split, shuffle=shuffle, seed=seed, shard_info=shard)
    else:
        # Every rank must read the records in the *same* order for the strided shard to
        # be disjoint: file order is shuffled only with a seed all ranks share.
        ds = source.get_dataset(split=split, shuffle=shuffle and (seed is not None or not sharded),
                                seed=seed)
        if sharded:
            ds = ds.shard(shard.num_shards, shard.index)
    if num_examples and num_examples < MEMORY_CACHE_MAX_EXAMPLES:
        ds = ds.cache()
    if not use_cached:
        ds = task.preprocess_precache(ds, seed=seed)
    # Repeat before the (possibly random) post-cache steps, so each epoch samples anew.
    ds = ds.repeat(num_epochs)
    ds = _postcache(task, ds, sequence_length, seed)
    ds = task._validate_preprocessing(ds)  # noqa: SLF001  (checks features and dtypes)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size(task), seed=seed)
    return ds


def check_compatible_features(mixture: "seqio.Mixture") -> None:
    """seqio's ``Mixture._check_compatible_features``: one vocabulary and dtype per
    feature across tasks. A vocabulary shared by object passes at once (seqio compares
    SentencePiece models by hashing both files, 85 tasks x 2 features of it)."""
    first = mixture.tasks[0].output_features
    for task in mixture.tasks[1:]:
        for name, feature in first.items():
            other = task.output_features[name]
            vocabulary = other.vocabulary
            if vocabulary is not feature.vocabulary and vocabulary != feature.vocabulary:
                raise ValueError(f"{mixture.name}: features across tasks in a mixture must "
                                 f"use the same vocabulary ({name!r} of {task.name} differs)")
            if other.dtype != feature.dtype:
                raise ValueError(f"{mixture.name}: features across tasks in a mixture must "
                                 f"use the same dtype ({name!r} of {task.name} differs)")


def shuffle_buffer_size(task: "seqio.Task") -> int:
    """The task's shuffle buffer; an error when the task forbids shuffling."""
    buffer_size = task._shuffle_buffer_size  # noqa: SLF001
    if buffer_size is None:
        raise ValueError(f"task {task.name} forbids shuffling (shuffle_buffer_size=None); "
                         "pass shuffle=False")
    return buffer_size


def mixture_keys(mixture: "seqio.Mixture") -> Set[str]:
    """The features a mixture keeps (seqio's ``copy_pretokenized=True``)."""
    keys = set(mixture.output_features)
    return keys | {k + "_pretokenized" for k in keys}


def sample_mixture(mixture: "seqio.Mixture", datasets: Sequence[tf.data.Dataset],
                   rates: Sequence[float], *, shuffle: bool,
                   seed: Optional[int]) -> tf.data.Dataset:
    """seqio 0.0.8's mixing: the mixture's sample function, sampling seed ``seed`` (42
    when unshuffled and unseeded)."""
    if seed is not None:
        sample_seed = seed
    else:
        sample_seed = None if shuffle else UNSHUFFLED_MIXTURE_SEED
    sample_fn = getattr(mixture, "_sample_fn", tf.data.Dataset.sample_from_datasets)
    return sample_fn(datasets, rates, sample_seed)


def _read_mixture(mixture: "seqio.Mixture", members: Sequence["seqio.Task"], split: str,
                  shard: Optional["seqio.ShardInfo"], *, shuffle: bool, seed: Optional[int],
                  **task_kwargs) -> tf.data.Dataset:
    """seqio 0.0.8's ``Mixture.get_dataset(copy_pretokenized=True)`` over ``_read_task``."""
    keys = mixture_keys(mixture)

    def keep_features(ex):
        return {k: v for k, v in ex.items() if k in keys}

    datasets = [
        _read_task(task, split, shard, shuffle=shuffle, seed=seed, **task_kwargs)
        .map(keep_features, num_parallel_calls=tf.data.AUTOTUNE)
        for task in members
    ]
    rates = [mixture.get_rate(task) for task in members]
    return sample_mixture(mixture, datasets, rates, shuffle=shuffle, seed=seed)


def _direct_plan(provider, members: Sequence["seqio.Task"], split: str):
    """``trainer.cached``'s plan for reading the caches directly, or None (reason logged)."""
    from trainer import cached as cached_read  # imports this module
    keys = None if isinstance(provider, _seqio().Task) else mixture_keys(provider)
    plan, reason = cached_read.plan_cached(members, split, keys)
    if plan is None:
        logger.info("%s:%s: reading the caches through seqio's per-task pipelines: %s",
                    provider.name, split, reason)
    return plan


def get_split(provider_name: Union[str, "seqio.Task", "seqio.Mixture"],
              split: str,
              shard: Optional["seqio.ShardInfo"] = None,
              *,
              sequence_length: Optional[Mapping[str, int]],
              seed: Optional[int] = None,
              num_epochs: Optional[int] = 1,
              shuffle: Optional[bool] = None,
              max_samples: Optional[int] = None,
              use_cached: Optional[bool] = None) -> tf.data.Dataset:
    """One shard of ``split`` of a registered task or mixture (see the module docstring).

    Args:
      provider_name: a registered task or mixture name (or the object itself).
      split: e.g. ``"train"``, ``"validation"``.
      shard: ``seqio.ShardInfo(index=dp_rank, num_shards=dp_size)``; None reads it all.
      sequence_length: ``{"inputs": max_source_length, "targets": max_target_length}``,
        given to length-aware preprocessors; features are *not* trimmed to it.
      seed: the run's seed; shuffling and mixing are deterministic given it.
      num_epochs: passes over the split (None: repeat forever).
      shuffle: default True for ``"train"`` and False otherwise (read once, in order).
      max_samples: cap on examples over all shards (each rank takes its share).
      use_cached: None uses caches when every task has one; True requires them.

    Returns:
      Examples with int32 ``inputs``/``targets`` (full length, EOS last) and their
      ``*_pretokenized`` text.

    Example::

        get_split("glue_mix.flan", "train", seqio.ShardInfo(rank, world), seed=42,
                  num_epochs=None, sequence_length={"inputs": 1024, "targets": 256})
    """
    provider = get_provider(provider_name)
    _check_shard(shard)
    members = member_tasks(provider, split)
    cached = choose_cache(provider, members, split, use_cached)
    shuffle = split == "train" if shuffle is None else bool(shuffle)
    is_task = isinstance(provider, _seqio().Task)
    if not is_task:
        check_compatible_features(provider)
    plan = _direct_plan(provider, members, split) if cached and DIRECT_CACHE_READ else None
    if plan is not None:
        from trainer import cached as cached_read  # imports this module
        ds = cached_read.read_cached(plan, shard, shuffle=shuffle, seed=seed,
                                     num_epochs=num_epochs,
                                     mixture=None if is_task else provider)
    else:
        kwargs = dict(sequence_length=sequence_length, use_cached=cached, shuffle=shuffle,
                      seed=seed, num_epochs=num_epochs)
        if is_task:
            ds = _read_task(provider, split, shard, **kwargs)
        else:
            ds = _read_mixture(provider, members, split, shard, **kwargs)
    read = "on the fly" if not cached else "cache, direct" if plan else "cache, seqio"
    logger.info("%s:%s shard %s: read=%s shuffle=%s seed=%s epochs=%s", provider.name,
                split, f"{shard.index}/{shard.num_shards}" if shard else "all", read,
                shuffle, seed, num_epochs)
    if max_samples is not None:
        ds = ds.take(shard_count(int(max_samples), shard))
    return ds
