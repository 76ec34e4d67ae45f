"""``trainer.data.get_split`` and ``plan_split``: what one rank reads of a split.

Shards are disjoint, balanced and together the split (tasks, mixtures, a multi-file
source, a seqio cache; a TFDS split of a file per rank by whole files); caches are used only when every task has one; train repeats and
shuffles by seed; eval reads once in order; max_samples over all shards; a split is
resolved once per stream, and a cached pass is counted without reading it.
"""

from __future__ import annotations

import collections
import logging

import numpy as np
import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture
from tasks import vocab

import seqio

from helpers import (CACHE_MARK, COLA, FLAN_RTE, FLAN_RTE_ONE, LENGTHS, MRPC, RTE, check_partition, get_split,
                     shards, stream_of, texts)
from trainer import data, inputs, mixing
from trainer.config import StreamConfig


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


# ------------------------------------------------------------------ sharding


@pytest.mark.parametrize("name,split", [(MRPC, "validation"), (MRPC, "train"),
                                        (FLAN_RTE, "validation")])
def test_task_shards_partition_the_split(name, split):
    full = texts(name, split, shuffle=False)
    assert len(full) > 6
    for n in (2, 3):
        parts = shards(name, split, n, shuffle=False)
        check_partition(full, parts)
        assert parts == [full[i::n] for i in range(n)]  # example-level, read order kept


def test_shuffled_train_shards_partition_the_split():
    full = texts(MRPC, "train", seed=5)
    check_partition(full, shards(MRPC, "train", 2, seed=5))


@pytest.fixture
def small_mixture():
    """A mixture of two T5-style tasks and one FLAN task, removed afterwards."""
    name = "test_stream_mix"
    seqio.MixtureRegistry.add(name, [MRPC, RTE, FLAN_RTE], default_rate=1.0)
    yield name
    seqio.MixtureRegistry.remove(name)


@pytest.mark.parametrize("split,kwargs", [("validation", {}), ("train", {"seed": 3})])
def test_mixture_shards_are_the_task_shards(small_mixture, split, kwargs):
    """Each mixture shard holds exactly that shard of every task (multiset per task)."""
    kwargs = dict(kwargs, num_epochs=1)
    members = (MRPC, RTE, FLAN_RTE)
    full = texts(small_mixture, split, **kwargs)
    assert collections.Counter(full) == sum(
        (collections.Counter(texts(t, split, **kwargs)) for t in members), collections.Counter())
    for n in (2, 3):
        parts = shards(small_mixture, split, n, **kwargs)
        for i, part in enumerate(parts):
            per_task = [texts(t, split, seqio.ShardInfo(i, n), **kwargs) for t in members]
            assert collections.Counter(part) == sum(map(collections.Counter, per_task),
                                                    collections.Counter())
        total = sum(map(collections.Counter, parts), collections.Counter())
        assert total == collections.Counter(full)


def _every_feature(name, take=120, **kwargs):
    ds = get_split(name, "train", seed=3, num_epochs=None, **kwargs).take(take)
    return ds.element_spec, [{k: np.asarray(v).tolist() for k, v in ex.items()}
                             for ex in ds.as_numpy_iterator()]


@pytest.mark.parametrize("members,tail", [
    (["rte_10templates", "cb_10templates", "glue_mrpc_10templates"], ["tokenize", "append_eos"]),
    ([MRPC, RTE, FLAN_RTE], ["tokenize", "append_eos"]),
    ([MRPC, FLAN_RTE_ONE], ["append_eos"]),
    ([MRPC, "bool_q_10templates_one_shot"], ["append_eos"]),
])
def test_mixture_runs_shared_steps_once_with_the_same_examples(members, tail, monkeypatch):
    """Tokenising and EOS, when every task ends with them, run once after mixing: the
    same examples in the same order (every feature) as running them in each task."""
    name = "test_shared_tail_mix"
    seqio.MixtureRegistry.add(name, members, default_rate=1.0)
    try:
        tasks = [seqio.get_mixture_or_task(t) for t in members]
        assert [s.__name__ for s in mixing.shared_tail(tasks, use_cached=False)] == tail
        shared = _every_feature(name)
        monkeypatch.setattr(mixing, "SHARE_MIXTURE_TAIL", False)
        assert _every_feature(name) == shared
    finally:
        seqio.MixtureRegistry.remove(name)


def test_registered_mixture_shards_partition(demo_assets):
    full = texts("glue_mix.t5", "validation")
    assert len(full) > 50
    check_partition(full, shards("glue_mix.t5", "validation", 2))
    assert all(ex.get("targets_pretokenized") is not None for ex in get_split(
        "glue_mix.t5", "validation", sequence_length=LENGTHS).take(2).as_numpy_iterator())


@pytest.fixture
def multi_file_task(tmp_path):
    """A text-line task over three files of 1, 2 and 9 lines (seqio would shard by file)."""
    paths = []
    for i, n in enumerate((1, 2, 9)):
        path = tmp_path / f"part{i}.txt"
        path.write_text("".join(f"file{i} line{j}\n" for j in range(n)))
        paths.append(str(path))
    name = "test_stream_multi_file"
    seqio.TaskRegistry.add(
        name, source=seqio.TextLineDataSource({"train": paths}),
        preprocessors=[
            lambda ds: ds.map(lambda line: {"inputs": line, "targets": line}),
            seqio.preprocessors.tokenize, seqio.CacheDatasetPlaceholder(),
            seqio.preprocessors.append_eos_after_trim],
        output_features=vocab.get_output_features())
    yield name
    seqio.TaskRegistry.remove(name)


def test_few_files_still_shard_by_example(multi_file_task):
    full = texts(multi_file_task, "train", shuffle=False)
    assert len(full) == 12
    for n in (2, 3):
        check_partition(full, shards(multi_file_task, "train", n, shuffle=False))
    check_partition(texts(multi_file_task, "train", seed=1),
                    shards(multi_file_task, "train", 2, seed=1))


@pytest.fixture
def two_file_tfds_task(tmp_path_factory):
    """rte_type_0 over a TFDS build of super_glue/rte written as two files a split."""
    from helpers import build_demo_group
    from tasks.sources import LocalTfdsDataSource
    data_dir = build_demo_group(tmp_path_factory, "two_files", ["super_glue/rte"],
                                num_shards=2)
    base = seqio.get_mixture_or_task(FLAN_RTE)
    name = "test_rte_two_files"
    seqio.TaskRegistry.add(name, source=LocalTfdsDataSource("super_glue/rte:1.0.2",
                                                            tfds_data_dir=data_dir),
                           preprocessors=base.preprocessors,
                           output_features=base.output_features)
    yield name
    seqio.TaskRegistry.remove(name)


def test_tfds_files_split_among_ranks(two_file_tfds_task):
    """Uncached, a TFDS split with a file per rank is sharded by whole files (each rank
    reads and preprocesses only its share), not every N-th example."""
    from common import seqio_compat
    task = seqio.get_mixture_or_task(two_file_tfds_task)
    counts = seqio_compat.tfds_file_examples(task.source, "train")
    assert len(counts) == 2 and all(counts)
    full = texts(two_file_tfds_task, "train", shuffle=False)
    parts = shards(two_file_tfds_task, "train", 2, shuffle=False)
    assert [len(p) for p in parts] == list(counts)
    assert collections.Counter(parts[0] + parts[1]) == collections.Counter(full)
    assert parts[0] != full[0::2]  # not the example-level shard
    # What a rank reads is one file: TFDS's own per-file read.
    for index, part in enumerate(parts):
        ds = task.source.get_dataset("train", shuffle=False,
                                     shard_info=seqio.ShardInfo(index, 2))
        assert len(list(ds.as_numpy_iterator())) == len(part)
    # records_read says so: each rank reads its file's records, not the whole split.
    for index, part in enumerate(parts):
        plan = data.plan_split(StreamConfig(two_file_tfds_task, "train",
                                            shard=seqio.ShardInfo(index, 2)))
        assert plan.records_read() == (counts[index], len(full))
    assert data.plan_split(StreamConfig(two_file_tfds_task, "train")
                           ).records_read() == (len(full), len(full))
    # Shuffled and seeded, still disjoint and complete.
    seeded = shards(two_file_tfds_task, "train", 2, seed=4)
    assert collections.Counter(seeded[0] + seeded[1]) == collections.Counter(full)


def test_tfds_files_read_as_records_give_what_tfds_gives(two_file_tfds_task, monkeypatch,
                                                         caplog):
    """A TFDS split of whole TFRecord files is read as records, parsed by its features
    after the shuffle: in order, the examples TFDS's reader gives; shuffled, the same
    examples, the same for a seed."""
    with caplog.at_level(logging.INFO, logger="trainer.data"):
        ordered = texts(two_file_tfds_task, "train", shuffle=False)
        seeded = texts(two_file_tfds_task, "train", seed=5, num_epochs=2)
    assert "read=on the fly, TFDS records" in caplog.text
    assert seeded == texts(two_file_tfds_task, "train", seed=5, num_epochs=2)
    monkeypatch.setattr(data, "READ_TFDS_RECORDS", False)
    assert texts(two_file_tfds_task, "train", shuffle=False) == ordered
    assert collections.Counter(seeded) == collections.Counter(
        texts(two_file_tfds_task, "train", seed=5, num_epochs=2))


# ------------------------------------------------------------------ caches

def test_task_reads_its_cache(cached_tasks):
    full = texts(MRPC, "validation")
    assert full and all(t.startswith(CACHE_MARK) for t in full)
    assert not any(t.startswith(CACHE_MARK) for t in texts(MRPC, "validation", use_cached=False))
    assert not any(t.startswith(CACHE_MARK) for t in texts(COLA, "validation"))
    check_partition(full, shards(MRPC, "validation", 3))


def test_mixture_uses_caches_only_when_all_are_cached(cached_tasks, caplog):
    seqio.MixtureRegistry.add("test_stream_cached", [MRPC, RTE], default_rate=1.0)
    seqio.MixtureRegistry.add("test_stream_partly", [MRPC, RTE, COLA], default_rate=1.0)
    seqio.MixtureRegistry.add("test_stream_uncached", [COLA], default_rate=1.0)
    try:
        assert all(t.startswith(CACHE_MARK) for t in texts("test_stream_cached", "validation"))
        with caplog.at_level(logging.WARNING, logger="trainer.data"):
            first = texts("test_stream_partly", "validation")
            texts("test_stream_partly", "validation")  # rebuilt (a resume): no new warning
        warnings = [r.getMessage() for r in caplog.records
                    if r.name == "trainer.data" and r.levelno >= logging.WARNING]
        assert len(warnings) == 1, warnings
        assert COLA in warnings[0] and MRPC not in warnings[0]
        assert first and not any(t.startswith(CACHE_MARK) for t in first)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="trainer.data"):
            texts("test_stream_uncached", "validation")
            texts(COLA, "validation")  # a task without a cache: no warning
        warnings = [r.getMessage() for r in caplog.records
                    if r.name == "trainer.data" and r.levelno >= logging.WARNING]
        assert len(warnings) == 1 and "none of its 1 tasks is cached" in warnings[0]
        with pytest.raises(ValueError, match=COLA):
            get_split("test_stream_partly", "validation", sequence_length=LENGTHS,
                           use_cached=True)
    finally:
        seqio.MixtureRegistry.remove("test_stream_cached")
        seqio.MixtureRegistry.remove("test_stream_partly")
        seqio.MixtureRegistry.remove("test_stream_uncached")


# ------------------------------------------------------------------ epochs, order, caps


def test_train_repeats_and_shuffles_by_seed():
    once = texts(MRPC, "train", shuffle=False)
    two = texts(MRPC, "train", seed=1, num_epochs=2)
    assert collections.Counter(two) == collections.Counter(once * 2)
    assert two == texts(MRPC, "train", seed=1, num_epochs=2)
    assert two != texts(MRPC, "train", seed=2, num_epochs=2)
    assert two[:len(once)] != once  # shuffled by default on train
    forever = get_split(MRPC, "train", seed=1, num_epochs=None, sequence_length=LENGTHS)
    assert len(list(forever.take(5 * len(once)).as_numpy_iterator())) == 5 * len(once)


def test_eval_split_read_once_in_order():
    task = seqio.get_mixture_or_task(MRPC)
    expected = [ex["inputs_pretokenized"].decode() for ex in task.get_dataset(
        LENGTHS, split="validation", shuffle=False).as_numpy_iterator()]
    assert texts(MRPC, "validation") == expected
    assert texts(MRPC, "validation", seed=7) == expected  # no shuffle for eval splits


def test_max_samples_over_all_shards():
    full = texts(MRPC, "validation")
    assert texts(MRPC, "validation", max_samples=7) == full[:7]
    parts = shards(MRPC, "validation", 3, max_samples=7)
    assert [len(p) for p in parts] == [3, 2, 2]
    assert sorted(sum(parts, [])) == sorted(full[:7])


# ------------------------------------------------------------------ resolved once, counted


def test_a_stream_resolves_its_split_once(monkeypatch):
    """Every pass rebuilds the pipeline from the plan: no lookup, no member list again."""
    stream = stream_of(MRPC, "train", batch_size=4, max_source_length=32, max_target_length=4,
                       seed=1, num_epochs=1)
    calls = []

    def counted(fn):
        def wrapper(*args, **kwargs):
            calls.append(fn.__name__)
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(seqio, "get_mixture_or_task", counted(seqio.get_mixture_or_task))
    monkeypatch.setattr(data, "member_tasks", counted(data.member_tasks))
    monkeypatch.setattr(data, "choose_cache", counted(data.choose_cache))
    first, second = list(stream), list(stream)  # two passes
    assert len(first) == len(second) == 10 and not calls


def test_plan_takes_the_provider_object_or_its_name():
    task = seqio.get_mixture_or_task(MRPC)
    by_name = data.plan_split(StreamConfig(MRPC, "validation"))
    by_object = data.plan_split(StreamConfig(task, "validation"))
    assert by_name.provider is by_object.provider is task
    assert [m.name for m in by_name.members] == [MRPC]


def test_count_examples_from_cache_stats_without_reading(cached_tasks, monkeypatch):
    """A cached split's pass is counted from stats.<split>.json; uncached ones are read."""
    cfg = StreamConfig(MRPC, "train", seqio.ShardInfo(1, 3), max_source_length=32,
                       max_target_length=4, seed=1)
    read = len(list(data.get_split(cfg.replace(num_epochs=1, shuffle=False))
                    .as_numpy_iterator()))
    assert read == data.shard_count(40, cfg.shard)
    monkeypatch.setattr(data.SplitPlan, "dataset", lambda self: pytest.fail("read the split"))
    assert inputs.count_examples(cfg) == read
    assert inputs.count_examples(cfg.replace(max_samples=7)) == data.shard_count(7, cfg.shard)
    monkeypatch.undo()
    uncached = cfg.replace(provider=COLA)
    assert inputs.count_examples(uncached) == len(list(
        data.get_split(uncached.replace(num_epochs=1, shuffle=False)).as_numpy_iterator()))


def test_stream_config_checks_itself():
    with pytest.raises(ValueError, match="max_source_length must be at least 1"):
        StreamConfig(MRPC, max_source_length=0)
    with pytest.raises(ValueError, match=r"shard index 2 is not in \[0, 2\)"):
        StreamConfig(MRPC, shard=seqio.ShardInfo(2, 2))
    cfg = StreamConfig(MRPC, "validation", seqio.ShardInfo(1, 2), max_samples=5)
    assert not cfg.shuffled and StreamConfig(MRPC).shuffled
    assert cfg.describe() == f"{MRPC}:validation[:5] shard 1/2"
    assert cfg.replace(split="train").split == "train" and cfg.split == "validation"



@pytest.mark.parametrize("task", ["mnli_matched_10templates", "stsb_10templates",
                                  "sentiment140_10templates", "trec_10templates",
                                  "bool_q_10templates", "glue_qqp_10templates"])
def test_tfds_records_parsed_a_batch_at_once_are_tfds_examples(task):
    """Scalar Text, ClassLabel and Tensor features (ints, floats, text) parse a batch at
    once to exactly what TFDS's per-record parse gives: values, dtypes and shapes."""
    import numpy as np
    import tensorflow as tf
    from common import seqio_compat
    source = seqio.get_mixture_or_task(task).source
    files, _, parse = seqio_compat.tfds_records(source, "train")
    batch_parse = seqio_compat.tfds_batch_parse(source)
    records = tf.data.TFRecordDataset(list(files))
    one = records.map(parse)
    batched = records.batch(7).map(batch_parse).unbatch()
    assert batched.element_spec == one.element_spec
    want, got = list(one.as_numpy_iterator()), list(batched.as_numpy_iterator())
    assert len(got) == len(want) > 7
    for a, b in zip(want, got):
        assert a.keys() == b.keys()
        for key in a:
            assert np.asarray(a[key]).dtype == np.asarray(b[key]).dtype
            assert np.array_equal(a[key], b[key])
    squad = seqio.get_mixture_or_task("squad_v1_10templates").source
    assert seqio_compat.tfds_batch_parse(squad) is None  # a Sequence feature: per record
