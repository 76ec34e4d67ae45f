"""``trainer.cached``: fully cached splits read directly, exactly as seqio's pipelines read them.

The same examples in the same order (in memory and streamed, sharded, repeated,
capped), the same ids as on-the-fly processing, exact resume, and the general path kept
for tasks with a post-cache step other than EOS.
"""

from __future__ import annotations

import collections
import functools
import logging

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture

import seqio

from helpers import (CACHE_MARK, EOS, FLAN_RTE, FLAN_RTE_ONE, LENGTHS, MRPC, RTE,
                     check_partition, examples, flat, get_split, shards, stream_of, take, texts)
from trainer import data
from trainer.config import StreamConfig


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


@pytest.fixture
def cached_mixture(cached_tasks):
    """Two T5-style tasks and a zero-shot FLAN task, all cached (2 files a split)."""
    name = "test_stream_direct"
    seqio.MixtureRegistry.add(name, [MRPC, RTE, FLAN_RTE], default_rate=1.0)
    yield name
    seqio.MixtureRegistry.remove(name)


DIRECT_CASES = [("train", None, {"seed": 3, "num_epochs": 2}),
                ("train", seqio.ShardInfo(1, 3), {"seed": 3}),
                ("train", seqio.ShardInfo(0, 2), {"shuffle": False}),
                ("validation", None, {}),
                ("validation", seqio.ShardInfo(2, 3), {"max_samples": 20})]


@pytest.mark.parametrize("split,shard,kwargs", DIRECT_CASES)
@pytest.mark.parametrize("small", [True, False], ids=["in_memory", "streamed"])
def test_direct_cache_read_equals_seqio_pipelines(cached_mixture, caplog, monkeypatch,
                                                  split, shard, kwargs, small):
    """The same examples, every feature, in the same order, as seqio's per-task
    pipelines; for the mixture, a T5-style task and a FLAN task (its ``options`` along)."""
    if not small:  # splits at or over the limit stream from their files instead
        monkeypatch.setattr(data, "MEMORY_CACHE_MAX_EXAMPLES", 10)
    for name in (cached_mixture, MRPC, FLAN_RTE):
        with caplog.at_level(logging.INFO, logger="trainer.data"):
            spec, direct = examples(name, split, shard, **kwargs)
        assert "read=cache, direct" in caplog.text
        caplog.clear()
        assert direct and all(ex["inputs_pretokenized"].startswith(CACHE_MARK.encode())
                              for ex in direct)
        assert all(ex["inputs"][-1] == EOS and ex["targets"][-1] == EOS for ex in direct)
        general_spec, general = examples(name, split, shard, direct=False, **kwargs)
        assert spec == general_spec
        assert direct == general
    assert "options" in spec and "options" not in examples(cached_mixture, split, shard,
                                                           **kwargs)[0]


@pytest.mark.parametrize("split,kwargs", [("train", {"seed": 5}), ("validation", {})])
def test_direct_cache_read_shards_partition(cached_mixture, split, kwargs):
    """Task shards partition the task; a mixture shard is exactly its tasks' shards."""
    kwargs = dict(kwargs, use_cached=True)
    full = texts(cached_mixture, split, **kwargs)
    assert full and all(t.startswith(CACHE_MARK) for t in full)
    for n in (2, 3):
        task_parts = {t: shards(t, split, n, **kwargs) for t in (MRPC, RTE, FLAN_RTE)}
        for task, parts in task_parts.items():
            whole = texts(task, split, **kwargs)
            check_partition(whole, parts)
            # What each rank reads from storage: its whole files (exactly its shard), or
            # under example-level shards the whole split.
            reads = [data.plan_split(StreamConfig(task, split, shard=seqio.ShardInfo(i, n),
                                                  **kwargs)).records_read()
                     for i in range(n)]
            assert {total for _, total in reads} == {len(whole)}
            assert ([r for r, _ in reads] in ([len(p) for p in parts], [len(whole)] * n))
        parts = shards(cached_mixture, split, n, **kwargs)
        assert sum(map(collections.Counter, parts), collections.Counter()) == \
            collections.Counter(full)
        for i, part in enumerate(parts):
            assert collections.Counter(part) == collections.Counter(
                sum((p[i] for p in task_parts.values()), []))
    if split == "validation":  # max_samples: a task's first examples, over all shards
        parts = shards(MRPC, split, 3, max_samples=7, **kwargs)
        assert [len(p) for p in parts] == [3, 2, 2]
        assert sorted(sum(parts, [])) == sorted(texts(MRPC, split, **kwargs)[:7])
        # A mixture shard mixes its tasks' shards on its own: each rank takes its share
        # of max_samples from the start of its own stream.
        parts = shards(cached_mixture, split, 3, max_samples=7, **kwargs)
        assert parts == [p[:k] for p, k in zip(shards(cached_mixture, split, 3, **kwargs),
                                               (3, 2, 2))]


def test_direct_cache_read_resumes_exactly(cached_mixture):
    make = functools.partial(stream_of, cached_mixture, "train", batch_size=3,
                             max_source_length=32, max_target_length=4, seed=11,
                             num_epochs=None, use_cached=True)
    straight = take(make(), 30)  # one epoch is 120 examples: 40 batches
    first = make()
    before = take(first, 12)
    resumed = make()
    resumed.load_state_dict(first.state_dict())
    assert flat(before + take(resumed, 18)) == flat(straight)


def test_direct_cache_read_same_ids_as_uncached(cached_mixture):
    """The cache holds the same token ids as on-the-fly processing: one epoch of each
    is the same multiset; evaluation splits (read in order, from files of at most 16
    records) give the very same sequence."""
    def ids(split, use_cached, **kwargs):
        ds = get_split(cached_mixture, split, sequence_length=LENGTHS,
                            use_cached=use_cached, **kwargs)
        return [(tuple(ex["inputs"]), tuple(ex["targets"])) for ex in ds.as_numpy_iterator()]

    cached = ids("train", True, seed=2)
    assert collections.Counter(cached) == collections.Counter(ids("train", False, seed=2))
    assert ids("validation", True) == ids("validation", False)


def test_post_cache_exemplars_keep_the_general_path(cached_tasks, caplog):
    """A few-shot task prepends exemplars after its cache: its mixture is read through
    per-task pipelines, from its cache files read as records, says why, and gives what
    seqio's cached source gives."""
    seqio.MixtureRegistry.add("test_stream_shots", [MRPC, FLAN_RTE_ONE], default_rate=1.0)
    try:
        with caplog.at_level(logging.INFO, logger="trainer.data"):
            got = texts("test_stream_shots", "validation")
        assert "read=cache, records" in caplog.text
        assert "post-cache step other than EOS: prepend_exemplars" in caplog.text
        assert got and all(CACHE_MARK in t for t in got)  # after the exemplars
        for kwargs in ({}, {"seed": 4, "num_epochs": 2}):
            assert (examples("test_stream_shots", "validation", direct=False, **kwargs)
                    == examples("test_stream_shots", "validation", **kwargs))
    finally:
        seqio.MixtureRegistry.remove("test_stream_shots")


def test_rank_files_balance_whole_files_or_fall_back():
    from trainer import cached as cached_read
    files, counts = [f"f{i}" for i in range(5)], [50, 40, 30, 20, 10]
    shares = [cached_read.rank_files(files, counts, seqio.ShardInfo(i, 2)) for i in range(2)]
    # Largest first to the rank with the fewest records (ties: the lower rank).
    assert shares[0] == cached_read.RankFiles(("f0", "f3", "f4"), 80)
    assert shares[1] == cached_read.RankFiles(("f1", "f2"), 70)
    for files_, counts_, shard in [
            (files, counts, None), (files, counts, seqio.ShardInfo(0, 1)),  # one rank
            (files[:2], counts[:2], seqio.ShardInfo(0, 3)),  # fewer files than ranks
            (files, None, seqio.ShardInfo(0, 2)),  # counts not recorded
            (["a", "b", "c"], [100, 1, 1], seqio.ShardInfo(0, 2)),  # 1.96x a rank's share
            (["a", "b", "c"], [5, 0, 0], seqio.ShardInfo(1, 2))]:  # a rank would read nothing
        assert cached_read.rank_files(files_, counts_, shard) is None


PER_DATASET = ("rte_10templates", "cb_10templates", "glue_mrpc_10templates")


@pytest.fixture
def cached_per_dataset(tmp_path):
    """FLAN's per-dataset tasks of three datasets, cached (two files a split)."""
    from common import seqio_compat
    from helpers import write_cache

    def forget():
        for name in PER_DATASET:
            seqio_compat.forget_cache_lookup(seqio.get_mixture_or_task(name))

    saved = list(seqio.utils.get_global_cache_dirs())
    for name in PER_DATASET:
        write_cache(name, str(tmp_path))
    seqio.utils.set_global_cache_dirs([str(tmp_path)])
    forget()
    seqio.MixtureRegistry.add("test_per_dataset_mix", list(PER_DATASET), default_rate=1.0)
    yield "test_per_dataset_mix"
    seqio.MixtureRegistry.remove("test_per_dataset_mix")
    seqio.utils.set_global_cache_dirs(saved)
    forget()


def test_cached_per_dataset_mixture_reads_records_and_renders_once(cached_per_dataset,
                                                                     monkeypatch, caplog):
    """A cached FLAN mixture reads each cache as records (parsed after the shuffle) and
    renders templates once after mixing: every feature of every example, in order, is
    what seqio's cached source and a render in each task's pipeline give."""
    from trainer import mixing
    name = cached_per_dataset
    with caplog.at_level(logging.INFO, logger="trainer.data"):
        fast = [examples(name, "train", shard, seed=3, num_epochs=2)
                for shard in (None, seqio.ShardInfo(1, 2))]
    assert "read=cache, records" in caplog.text
    assert len(fast[0][1]) > 100 and len(fast[1][1]) < len(fast[0][1])
    monkeypatch.setattr(mixing, "SPLIT_MIXTURE_STEP", False)
    slow = [examples(name, "train", shard, direct=False, seed=3, num_epochs=2)
            for shard in (None, seqio.ShardInfo(1, 2))]
    assert fast == slow
