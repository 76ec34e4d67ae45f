"""``get_split(cfg)``: one rank's shard of a registered task or mixture split, as tf.data.

``cfg`` is a ``trainer.config.StreamConfig``. ``plan_split(cfg)`` resolves once what does
not change between passes (provider, member tasks, cache use, the direct-read plan);
``SplitPlan.dataset()`` builds the pipeline: shards (whole cache files when the cache
counts each file's records, else example-level), epochs, seeded
shuffling, seqio 0.0.8's mixing, full-length features with their text. seqio internals
come through ``common.seqio_compat``. See docs/data-streams.md.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import List, Mapping, Optional, Sequence, Set, Tuple, Union

import tensorflow as tf

from common import reading
from common import seqio_compat  # before seqio: the import fix

import seqio
from trainer import cached as cached_read
from trainer.cached import MEMORY_CACHE_MAX_EXAMPLES, sample_mixture
from trainer.config import StreamConfig

logger = logging.getLogger(__name__)

# Read fully cached providers whose only post-cache step is EOS with ``trainer.cached``
# (the same examples in the same order, without per-task pipelines); False always takes
# seqio's per-task pipelines (tests compare the two).
DIRECT_CACHE_READ = True

# (provider, split) pairs whose cache warning was already logged in this process.
_warned_uncached: Set[Tuple[str, str]] = set()



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


# Per-example steps a mixture may run once after mixing when every member ends with them
# (1:1, unseeded, the same for every task of one vocabulary): tokenising and EOS.
SHARED_STEPS = (seqio.preprocessors.tokenize, seqio.preprocessors.append_eos)
# tf.data's autotuner models every stage of every member pipeline: over this many tasks
# its cost outgrows what it tunes (48 FLAN datasets on 2 cores: 1.4x examples/s with it
# off), so a larger mixture runs with fixed parallelism (each parallel step as many calls
# as cores).
AUTOTUNE_MAX_TASKS = 8
# Run a mixture's shared tail once after mixing; False runs it in every task's pipeline
# (the same examples in the same order: tests compare the two).
SHARE_MIXTURE_TAIL = True
TAIL_BATCH = 64


def _task_steps(task: "seqio.Task", use_cached: bool) -> Tuple[list, list]:
    """``(pre-cache steps, post-cache steps)`` as ``_read_task`` runs them: no pre-cache
    step when reading the cache; ``append_eos_after_trim`` run as ``append_eos`` (the
    stream truncates the same way, first ``limit - 1`` tokens then EOS, and counts what
    it cut; length-aware steps still get ``sequence_length``)."""
    index = seqio_compat.cache_step_index(task)
    pre = [] if use_cached or index < 0 else list(task.preprocessors[:index])
    post = [seqio.preprocessors.append_eos
            if s is seqio.preprocessors.append_eos_after_trim else s
            for s in seqio_compat.post_cache_steps(task)]
    return pre, post


def _same_step(a, b) -> bool:
    if a is b:
        return True
    return (isinstance(a, functools.partial) and isinstance(b, functools.partial)
            and a.func is b.func and a.args == b.args and a.keywords == b.keywords)


def shared_tail(members: Sequence["seqio.Task"], use_cached: bool) -> list:
    """The last steps every member runs alike and that may run once after mixing
    (``SHARED_STEPS``): ``[tokenize, append_eos]`` for FLAN's per-dataset tasks."""
    lists = [sum(_task_steps(task, use_cached), []) for task in members]
    tail: list = []
    for i in range(1, min(len(steps) for steps in lists) + 1):
        step = lists[0][-i]
        if (getattr(step, "func", step) not in SHARED_STEPS
                or not all(_same_step(step, steps[-i]) for steps in lists[1:])):
            break
        tail.insert(0, step)
    return tail


def _tokenize_batch(features: Mapping[str, "seqio.Feature"]):
    """seqio's ``tokenize`` then ``append_eos`` on a batch of examples: one SentencePiece
    call per feature and batch (ragged ids, EOS where the feature adds it)."""
    def fn(batch):
        out = dict(batch)
        for key, feature in features.items():
            if key not in batch:
                continue
            out[f"{key}_pretokenized"] = batch[key]
            ids = feature.vocabulary.tf_tokenizer.tokenize(batch[key])
            if feature.add_eos:
                eos = tf.fill([tf.shape(batch[key])[0], 1],
                              tf.constant(feature.vocabulary.eos_id, ids.dtype))
                ids = tf.concat([ids, eos], axis=1)
            out[key] = ids
        return out
    return fn


def _run_tail(task: "seqio.Task", ds: tf.data.Dataset, tail: list,
              sequence_length) -> tf.data.Dataset:
    """A mixture's shared tail, run once after mixing. ``[tokenize, append_eos]`` over
    SentencePiece features runs on batches of ``TAIL_BATCH`` examples (the same ids as
    seqio's per-example steps, in the same order, a third cheaper); other tails run as
    seqio's steps."""
    prep = seqio.preprocessors
    features = task.output_features
    if (tail == [prep.tokenize, prep.append_eos]
            and all(isinstance(f.vocabulary, seqio.SentencePieceVocabulary)
                    for f in features.values())
            and all(isinstance(spec, tf.TensorSpec) and spec.shape.rank == 0
                    for spec in ds.element_spec.values())):
        # unbatch gives the ids as 0-ragged-rank RaggedTensors; a map sees them as plain
        # tensors again (the element spec of seqio's steps).
        return (ds.batch(TAIL_BATCH)
                .map(_tokenize_batch(features), num_parallel_calls=tf.data.AUTOTUNE)
                .unbatch().map(dict))
    return seqio_compat.run_steps(task, ds, tail, sequence_length)


def _run_task_steps(task: "seqio.Task", ds: tf.data.Dataset, cfg: StreamConfig,
                    use_cached: bool, leave_out: int) -> tf.data.Dataset:
    """seqio 0.0.8's ``preprocess_precache`` (uncached) and ``preprocess_postcache``,
    without their last ``leave_out`` steps (a mixture's shared tail). The steps are
    built knowing how the stream reads (``common.reading``: shuffled or not, the rank)."""
    pre, post = _task_steps(task, use_cached)
    steps = (pre + post)[:len(pre) + len(post) - leave_out]
    pre, post = steps[:len(pre)], steps[len(pre):]
    seed = cfg.seed
    with reading.stream(shuffled=cfg.shuffled, rank=0 if cfg.shard is None else cfg.shard.index):
        if pre:
            with seqio.utils.map_seed_manager(seed):
                ds = seqio_compat.run_steps(task, ds, pre, None)
        step = seqio_compat.cache_step_index(task)
        if step >= 0 and seed is not None:
            seed = seed + 42 * step  # seqio's offset: post-cache seeds never repeat pre-cache ones
        with seqio.utils.map_seed_manager(seed):
            return seqio_compat.run_steps(task, ds, post, cfg.sequence_length)


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


def _read_task(task: "seqio.Task", cfg: StreamConfig, use_cached: bool,
               leave_out: int = 0) -> tf.data.Dataset:
    """seqio 0.0.8's ``Task.get_dataset`` without trimming (and without its last
    ``leave_out`` steps, which a mixture runs after mixing). Shards: whole cache files
    (``trainer.cached.rank_files``) or whole TFDS files (``_tfds_file_shards``) where
    the split has a balanced file per rank, else every N-th example."""
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
    ds = _run_task_steps(task, ds, cfg, use_cached, leave_out)
    return seqio_compat.validate_features(task, ds) if not leave_out else ds


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
                  cfg: StreamConfig, use_cached: bool) -> tf.data.Dataset:
    """seqio 0.0.8's ``Mixture.get_dataset(copy_pretokenized=True)`` over ``_read_task``."""
    keys = mixture_keys(mixture)

    def keep_features(ex):
        return {k: v for k, v in ex.items() if k in keys}

    rates = [mixture.get_rate(task) for task in members]
    tail = shared_tail(members, use_cached) if SHARE_MIXTURE_TAIL else []
    datasets = [_read_task(task, cfg, use_cached, len(tail)) for task in members]
    if tail:
        # Mixed before the shared tail: it is traced and run once, not once per task.
        kept = [ds.map(keep_features) for ds in datasets]
        if all(ds.element_spec == kept[0].element_spec for ds in kept):
            ds = sample_mixture(mixture, kept, rates, shuffle=cfg.shuffled, seed=cfg.seed)
            ds = _run_tail(members[0], ds, tail, cfg.sequence_length)
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
        elif self.is_task:
            ds = _read_task(self.provider, cfg, self.cached)
        else:
            ds = _read_mixture(self.provider, self.members, cfg, self.cached)
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
                files = self._cached_rank_files(i)
                mine = None if files is None else files.examples
            else:
                n = task.num_input_examples(split)
                mine = _tfds_file_shards(task.source, split, shard) if sharded else None
            read += n if mine is None else mine
            total += n
        return read, total

    def _cached_rank_files(self, i: int) -> Optional[cached_read.RankFiles]:
        """Member ``i``'s whole cache files for this rank (from the direct plan's file
        lists when there is one: no glob again), or None for example-level shards."""
        if self.direct is not None:
            planned = self.direct.tasks[i]
            return cached_read.rank_files(planned.files, planned.file_examples, self.cfg.shard)
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
            mine = self._cached_rank_files(i)
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
    direct = None
    if cached and DIRECT_CACHE_READ:
        keys = None if is_task else mixture_keys(provider)
        direct, reason = cached_read.plan_cached(members, cfg.split, keys)
        if direct is None:
            logger.info("%s:%s: reading the caches through seqio's per-task pipelines: %s",
                        provider.name, cfg.split, reason)
    read = "on the fly" if not cached else "cache, direct" if direct else "cache, seqio"
    shard = cfg.shard
    logger.info("%s:%s shard %s: read=%s shuffle=%s seed=%s epochs=%s", provider.name,
                cfg.split, f"{shard.index}/{shard.num_shards}" if shard else "all", read,
                cfg.shuffled, cfg.seed, cfg.num_epochs)
    return SplitPlan(cfg.replace(provider=provider), provider, tuple(members), cached, direct)


def get_split(cfg: StreamConfig) -> tf.data.Dataset:
    """One shard of a split of a registered task or mixture (see the module docstring).

    Returns examples with int32 ``inputs``/``targets`` (full length, EOS last) and their
    ``*_pretokenized`` text. Example::

        get_split(StreamConfig("glue_mix.flan", "train", seqio.ShardInfo(rank, world),
                               max_source_length=1024, max_target_length=256,
                               seed=42, num_epochs=None))
    """
    return plan_split(cfg).dataset()
