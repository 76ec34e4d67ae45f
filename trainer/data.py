"""``get_split(cfg)``: one rank's shard of a registered task or mixture split, as tf.data.

``cfg`` is a ``trainer.config.StreamConfig``. ``plan_split(cfg)`` resolves once what does
not change between passes (provider, member tasks, cache use, the files to read as
records); ``SplitPlan.dataset()`` builds the pipeline: shards (whole files when their
records are counted, else example-level), epochs, seeded shuffling, seqio 0.0.8's mixing
(shared steps after it: ``trainer.mixing``), full-length features with their text. seqio
internals come through ``common.seqio_compat``. See docs/data-streams.md.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import List, Optional, Sequence, Set, Tuple, Union

import tensorflow as tf

from common import reading
from common import seqio_compat  # before seqio: the import fix
from common import split_steps

import seqio
from trainer import cached as cached_read
from trainer import mixing
from trainer.cached import MEMORY_CACHE_MAX_EXAMPLES, sample_mixture
from trainer.config import StreamConfig

logger = logging.getLogger(__name__)

# Read fully cached providers whose only post-cache step is EOS with ``trainer.cached``
# (the same examples in the same order, without per-task pipelines); False always takes
# seqio's per-task pipelines (tests compare the two).
DIRECT_CACHE_READ = True

# Read a task's TFDS files as records (``trainer.cached.tfds_task``: parsed after the
# shuffle, a batch at a time where the features allow), where its split is whole
# TFRecord files; False reads through TFDS's own reader (the same examples; shuffled, in
# another order).
READ_TFDS_RECORDS = True

# (provider, split) pairs whose cache warning was already logged in this process.
_warned_uncached: Set[Tuple[str, str]] = set()

# tf.data's autotuner models every stage of every member pipeline: over this many tasks
# its cost outgrows what it tunes (48 FLAN datasets on 2 cores: 1.4x examples/s with it
# off), so a larger mixture runs with fixed parallelism (each parallel step as many calls
# as cores).
AUTOTUNE_MAX_TASKS = 8



def get_provider(provider: Union[str, "seqio.Task", "seqio.Mixture"]):
    """The registered ``seqio.Task`` / ``seqio.Mixture`` named ``provider`` (or itself).

    Entry points resolve a user's name with ``tasks.lookup.get_provider`` (nearest-name
    errors) and pass the object; a name here is looked up in seqio's registries.
    """
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


def member_tasks(provider, split: str) -> List["seqio.Task"]:
    """The tasks a split of ``provider`` reads: itself, or the mixture's tasks with
    ``split`` and a rate above 0."""
    if isinstance(provider, seqio.Task):
        if split not in provider.splits:
            raise ValueError(f"task {provider.name} has no split {split!r}; "
                             f"it has {', '.join(provider.splits)}")
        return [provider]
    # Rate 0 (T5's evaluation-only tasks): never sampled, so not read (a split whose
    # other members end would otherwise wait on them forever).
    members = [t for t in provider.tasks if split in t.splits and provider.get_rate(t) > 0]
    if not members:
        raise ValueError(f"no task of mixture {provider.name} has a {split!r} split "
                         "and a rate above 0")
    skipped = [t.name for t in provider.tasks if t not in members]
    if skipped:
        logger.info("%s: %d task(s) have no %r split or rate 0 and are left out: %s",
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
    uncached = [t.name for t in members if not seqio_compat.has_cache(t, split)]
    if not uncached:
        return True
    if use_cached:
        raise ValueError(f"{provider.name}: use_cached=True but {len(uncached)} task(s) "
                         f"have no cache for split {split!r}: {', '.join(uncached)}")
    key = (provider.name, split)
    if isinstance(provider, seqio.Mixture) and key not in _warned_uncached:
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


def _run_task_steps(task: "seqio.Task", ds: tf.data.Dataset, cfg: StreamConfig,
                    use_cached: bool, leave_out: int,
                    split_index: Optional[int] = None) -> Tuple[tf.data.Dataset, object]:
    """seqio 0.0.8's ``preprocess_precache`` (uncached) and ``preprocess_postcache``,
    without their last ``leave_out`` steps (a mixture's shared tail): ``(ds, None)``.
    With ``split_index``, the last step kept is a split step (``common.split_steps``)
    and only its first half runs, as task ``split_index``: ``(ds, its state)``. The steps
    are built knowing how the stream reads (``common.reading``: shuffled or not, the
    rank)."""
    pre, post = mixing.task_steps(task, use_cached)
    steps = (pre + post)[:len(pre) + len(post) - leave_out]
    split = steps.pop() if split_index is not None else None
    split_pre = split is not None and len(steps) < len(pre)
    pre, post = steps[:len(pre)], steps[len(pre):]
    state = None

    def run(ds, steps, sequence_length, split_here):
        nonlocal state
        ds = seqio_compat.run_steps(task, ds, steps, sequence_length)
        if split_here:  # where the step would run: it takes the same seeds
            ds, state = split_steps.halves_of(split).prepare(ds, index=split_index,
                                                             **split.keywords)
        return ds

    seed = cfg.seed
    with reading.stream(shuffled=cfg.shuffled, rank=0 if cfg.shard is None else cfg.shard.index):
        if pre or split_pre:
            with seqio.utils.map_seed_manager(seed):
                ds = run(ds, pre, None, split_pre)
        step = seqio_compat.cache_step_index(task)
        if step >= 0 and seed is not None:
            seed = seed + 42 * step  # seqio's offset: post-cache seeds never repeat pre-cache ones
        with seqio.utils.map_seed_manager(seed):
            ds = run(ds, post, cfg.sequence_length, split is not None and not split_pre)
    return ds, state


def _rank_files(task: "seqio.Task", split: str, shard: Optional["seqio.ShardInfo"],
                source=None) -> Optional[cached_read.RankFiles]:
    """This rank's whole cache files (``trainer.cached.rank_files``), or None."""
    if shard is None or shard.num_shards <= 1:
        return None
    files = (source or seqio_compat.cached_source(task, split)).list_shards(split)
    return cached_read.rank_files(files, cached_read.file_examples(task, split, files), shard)


def _tfds_file_shards(source, split: str, shard: "seqio.ShardInfo") -> Optional[int]:
    """The records of this rank's TFDS files when TFDS shards ``split`` by files, else
    None: TFDS gives rank ``r`` files ``r, r + N, ...`` (seqio passes the shard as a
    ``tf.distribute.InputContext``), taken when that share is balanced
    (``trainer.cached.balanced``)."""
    if not isinstance(source, seqio.TfdsDataSource):
        return None
    counts = seqio_compat.tfds_file_examples(source, split)
    if not counts or len(counts) < shard.num_shards:
        return None
    loads = [sum(counts[r::shard.num_shards]) for r in range(shard.num_shards)]
    return loads[shard.index] if cached_read.balanced(loads) else None


def _read_task(task: "seqio.Task", cfg: StreamConfig, use_cached: bool, leave_out: int = 0,
               examples: Optional[tf.data.Dataset] = None) -> tf.data.Dataset:
    """``_read_task_split`` without a split step: the task's examples."""
    return _read_task_split(task, cfg, use_cached, leave_out, examples=examples)[0]


def _read_task_split(task: "seqio.Task", cfg: StreamConfig, use_cached: bool,
                     leave_out: int = 0, split_index: Optional[int] = None,
                     examples: Optional[tf.data.Dataset] = None
                     ) -> Tuple[tf.data.Dataset, object]:
    """seqio 0.0.8's ``Task.get_dataset`` without trimming (and without its last
    ``leave_out`` steps, which a mixture runs after mixing). ``split_index``: the last
    step kept runs its first half (``_run_task_steps``), whose state comes second.
    ``examples``: the source or cache examples as ``_read_examples`` gives them, already
    read (``trainer.cached.record_streams``, parsed)."""
    ds = _read_examples(task, cfg, use_cached) if examples is None else examples
    ds, state = _run_task_steps(task, ds, cfg, use_cached, leave_out, split_index)
    return (seqio_compat.validate_features(task, ds) if not leave_out else ds), state


def _read_examples(task: "seqio.Task", cfg: StreamConfig, use_cached: bool) -> tf.data.Dataset:
    """A task's source (or cache) examples, sharded, repeated and shuffled. Shards: whole
    cache files (``trainer.cached.rank_files``) or whole TFDS files
    (``_tfds_file_shards``) where the split has a balanced file per rank, else every
    N-th example."""
    split, shard, seed, shuffle = cfg.split, cfg.shard, cfg.seed, cfg.shuffled
    if use_cached:
        source = seqio_compat.cached_source(task, split)
        num_examples = task.get_cached_stats(split)["examples"]
        mine = _rank_files(task, split, shard, source)
        if mine is not None:  # this rank's whole files, read as an unsharded split
            source, shard = seqio_compat.cached_source(task, split, files=mine.files), None
    else:
        if task.requires_caching:
            raise ValueError(f"task {task.name} requires a seqio cache for split {split!r} "
                             "and has none")
        source = task.source
        num_examples = task.num_input_examples(split)

    sharded = shard is not None and shard.num_shards > 1
    if sharded and (source.supports_arbitrary_sharding or
                    _tfds_file_shards(source, split, shard) is not None):
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
    # Repeat, then shuffle the records as read (source text or cached fields), before the
    # steps that cost (templates, tokenizing, exemplars): the shuffle buffer fills with
    # cheap records and only the examples delivered are preprocessed, which is what keeps
    # a mixture of many tasks (a buffer each) fast. Each epoch samples anew.
    ds = ds.repeat(cfg.num_epochs)
    if shuffle:
        ds = ds.shuffle(seqio_compat.shuffle_buffer_size(task), seed=seed)
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


def mixture_keys(mixture: "seqio.Mixture") -> Set[str]:
    """The features a mixture keeps (seqio's ``copy_pretokenized=True``)."""
    keys = set(mixture.output_features)
    return keys | {k + "_pretokenized" for k in keys}


def _read_mixture(mixture: "seqio.Mixture", members: Sequence["seqio.Task"],
                  cfg: StreamConfig, use_cached: bool,
                  examples: Optional[Sequence[tf.data.Dataset]] = None) -> tf.data.Dataset:
    """seqio 0.0.8's ``Mixture.get_dataset(copy_pretokenized=True)`` over ``_read_task``
    (``examples``: each member's, already read)."""
    examples = examples or [None] * len(members)
    keys = mixture_keys(mixture)

    def keep_features(ex):
        return {k: v for k, v in ex.items() if k in keys}

    rates = [mixture.get_rate(task) for task in members]
    tail = mixing.shared_tail(members, use_cached) if mixing.SHARE_MIXTURE_TAIL else []
    halves = mixing.split_before_tail(members, use_cached, len(tail)) if tail else None
    if halves is not None:
        # The split step's first half in each task, its second once after mixing.
        read = [_read_task_split(task, cfg, use_cached, len(tail), i, ex)
                for i, (task, ex) in enumerate(zip(members, examples))]
        if all(ds.element_spec == read[0][0].element_spec for ds, _ in read):
            ds = sample_mixture(mixture, [ds for ds, _ in read], rates,
                                shuffle=cfg.shuffled, seed=cfg.seed)
            ds = halves.finish(ds, [state for _, state in read]).map(keep_features)
            ds = mixing.run_tail(members[0], ds, tail, cfg.sequence_length)
            return seqio_compat.validate_features(members[0], ds)
    datasets = [_read_task(task, cfg, use_cached, len(tail), ex)
                for task, ex in zip(members, examples)]
    if tail:
        # Mixed before the shared tail: it is traced and run once, not once per task.
        kept = [ds.map(keep_features) for ds in datasets]
        if all(ds.element_spec == kept[0].element_spec for ds in kept):
            ds = sample_mixture(mixture, kept, rates, shuffle=cfg.shuffled, seed=cfg.seed)
            ds = mixing.run_tail(members[0], ds, tail, cfg.sequence_length)
            return seqio_compat.validate_features(members[0], ds)
        # Members whose features differ before the tail: the tail in each pipeline.
        datasets = [seqio_compat.validate_features(task, seqio_compat.run_steps(
            task, ds, tail, cfg.sequence_length)) for task, ds in zip(members, kept)]
    else:
        datasets = [ds.map(keep_features, num_parallel_calls=tf.data.AUTOTUNE)
                    for ds in datasets]
    return sample_mixture(mixture, datasets, rates, shuffle=cfg.shuffled, seed=cfg.seed)


@dataclasses.dataclass(frozen=True)
class SplitPlan:
    """What ``get_split`` reads for a config, resolved once (see the module docstring)."""

    cfg: StreamConfig
    provider: object  # the seqio.Task or seqio.Mixture
    members: Tuple["seqio.Task", ...]
    cached: bool  # read the members' caches
    direct: Optional[cached_read.CachedPlan]  # trainer.cached's plan, or None
    # Otherwise, each member's cache or TFDS files read as records
    # (trainer.cached.record_streams) into its pipeline; None: through seqio's source.
    records: Optional[Tuple[Optional[cached_read.CachedTask], ...]] = None

    @property
    def is_task(self) -> bool:
        """Whether the provider is one task (not a mixture)."""
        return isinstance(self.provider, seqio.Task)

    def dataset(self) -> tf.data.Dataset:
        """A fresh ``tf.data.Dataset`` of the split (the same sequence every call)."""
        cfg = self.cfg
        if self.direct is not None:
            ds = cached_read.read_cached(self.direct, cfg.shard, shuffle=cfg.shuffled,
                                         seed=cfg.seed, num_epochs=cfg.num_epochs,
                                         mixture=None if self.is_task else self.provider)
        else:
            examples = None
            if self.records is not None:  # parsed after the shuffle: its buffer holds records
                streams = iter(cached_read.record_streams(
                    [t for t in self.records if t is not None], cfg.shard,
                    shuffle=cfg.shuffled, seed=cfg.seed, num_epochs=cfg.num_epochs))
                examples = [None if task is None else cached_read.parsed(next(streams), task)
                            for task in self.records]
            if self.is_task:
                ds = _read_task(self.provider, cfg, self.cached,
                                examples=examples[0] if examples else None)
            else:
                ds = _read_mixture(self.provider, self.members, cfg, self.cached, examples)
        if cfg.max_samples is not None:
            ds = ds.take(shard_count(int(cfg.max_samples), cfg.shard))
        if len(self.members) > AUTOTUNE_MAX_TASKS:
            options = tf.data.Options()
            options.autotune.enabled = False
            ds = ds.with_options(options)
        return ds

    def records_read(self) -> Tuple[int, int]:
        """``(records this rank reads from storage in one pass, records in the split)``:
        its whole files under file-level shards (cache files or TFDS files, as
        ``get_split`` picks them), the whole split under example-level shards (every rank
        reads it all and keeps every N-th example)."""
        split, shard = self.cfg.split, self.cfg.shard
        sharded = shard is not None and shard.num_shards > 1
        read = total = 0
        for i, task in enumerate(self.members):
            if self.cached:
                n = int(task.get_cached_stats(split)["examples"])
            else:
                n = task.num_input_examples(split)
            if self.cached or self._planned(i) is not None:
                files = self._rank_files_of(i)
                mine = None if files is None else files.examples
            else:  # TFDS's own reader
                mine = _tfds_file_shards(task.source, split, shard) if sharded else None
            read += n if mine is None else mine
            total += n
        return read, total

    def _planned(self, i: int) -> Optional[cached_read.CachedTask]:
        """Member ``i``'s files as the plan lists them (direct or record reads), or None."""
        planned = self.direct.tasks if self.direct is not None else self.records
        return None if planned is None else planned[i]

    def _rank_files_of(self, i: int) -> Optional[cached_read.RankFiles]:
        """Member ``i``'s whole files for this rank (from the plan's file lists when there
        is one: no glob again; else its cache's), or None for example-level shards."""
        planned = self._planned(i)
        if planned is not None:
            return cached_read.rank_files(planned.files, planned.file_examples, self.cfg.shard)
        if not self.cached:
            return None
        return _rank_files(self.members[i], self.cfg.split, self.cfg.shard)

    def known_size(self) -> Optional[int]:
        """Examples in one pass of this rank's shard when the caches record it, else None.

        Only cached reads know their size without reading (a source's count is before
        preprocessors that may drop examples).
        """
        if not self.cached or self.cfg.num_epochs is None:
            return None
        split, shard = self.cfg.split, self.cfg.shard
        total = 0
        for i, task in enumerate(self.members):
            mine = self._rank_files_of(i)
            total += (mine.examples if mine is not None else
                      shard_count(int(task.get_cached_stats(split)["examples"]), shard))
        if self.cfg.max_samples is not None:
            total = min(total, shard_count(int(self.cfg.max_samples), self.cfg.shard))
        return total * int(self.cfg.num_epochs)


def plan_split(cfg: StreamConfig) -> SplitPlan:
    """Resolves ``cfg`` once: provider, member tasks, cache use and the direct-read plan."""
    provider = get_provider(cfg.provider)
    members = member_tasks(provider, cfg.split)
    cached = choose_cache(provider, members, cfg.split, cfg.use_cached)
    is_task = isinstance(provider, seqio.Task)
    if not is_task:
        check_compatible_features(provider)
    direct = records = None
    if cached and DIRECT_CACHE_READ:
        keys = None if is_task else mixture_keys(provider)
        direct, reason = cached_read.plan_cached(members, cfg.split, keys)
        if direct is None:
            records, why = cached_read.plan_records(members, cfg.split)
            logger.info("%s:%s: reading the caches through per-task pipelines: %s%s",
                        provider.name, cfg.split, reason,
                        "" if records else f"; with seqio's cached source: {why}")
    if not cached and READ_TFDS_RECORDS:
        records = tuple(cached_read.tfds_task(t, cfg.split) if not t.requires_caching
                        else None for t in members)
        records = records if any(records) else None
    read = ("on the fly" + (", TFDS records" if records else "") if not cached else
            "cache, direct" if direct else "cache, records" if records else "cache, seqio")
    shard = cfg.shard
    logger.info("%s:%s shard %s: read=%s shuffle=%s seed=%s epochs=%s", provider.name,
                cfg.split, f"{shard.index}/{shard.num_shards}" if shard else "all", read,
                cfg.shuffled, cfg.seed, cfg.num_epochs)
    return SplitPlan(cfg.replace(provider=provider), provider, tuple(members), cached, direct,
                     records)


def get_split(cfg: StreamConfig) -> tf.data.Dataset:
    """One shard of a split of a registered task or mixture (see the module docstring).

    Returns examples with int32 ``inputs``/``targets`` (full length, EOS last) and their
    ``*_pretokenized`` text. Example::

        get_split(StreamConfig("glue_mix.flan", "train", seqio.ShardInfo(rank, world),
                               max_source_length=1024, max_target_length=256,
                               seed=42, num_epochs=None))
    """
    return plan_split(cfg).dataset()
