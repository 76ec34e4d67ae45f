"""Data streams: ``trainer.data.get_split`` semantics and the ``trainer.stream`` bridge.

get_split: shards are disjoint, balanced and together the split (tasks, mixtures, a
multi-file source, a seqio cache); caches are used only when every task has one; train
repeats and shuffles by seed; eval reads once in order; max_samples over all shards.
Seq2SeqStream: dynamic padding, -100 labels, truncation that keeps EOS and is counted
and warned once, exact resume (one process, two ranks), and no DataLoader workers.
"""

from __future__ import annotations

import collections
import functools
import json
import logging
import os

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture
from tasks import vocab
from tasks.names import Shot, shot_name

import numpy as np
import seqio
import tensorflow as tf
import torch

from trainer import data
from trainer.stream import LABEL_PAD, Seq2SeqStream, build_stream, truncate, truncate_rows

LENGTHS = {"inputs": 512, "targets": 64}
MRPC, RTE, COLA = "glue_mrpc_v002", "glue_rte_v002", "glue_cola_v002"
FLAN_RTE = "rte_type_0"


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


def texts(name, split, shard=None, key="inputs_pretokenized", **kwargs):
    kwargs.setdefault("sequence_length", LENGTHS)
    ds = data.get_split(name, split, shard, **kwargs)
    return [ex[key].decode() for ex in ds.as_numpy_iterator()]


def shards(name, split, n, **kwargs):
    return [texts(name, split, seqio.ShardInfo(i, n), **kwargs) for i in range(n)]


def check_partition(full, parts):
    """Disjoint shards whose sizes differ by at most one and whose union is ``full``."""
    assert max(map(len, parts)) - min(map(len, parts)) <= 1, [len(p) for p in parts]
    total = collections.Counter()
    for part in parts:
        total += collections.Counter(part)
    assert total == collections.Counter(full)


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


def test_registered_mixture_shards_partition(demo_assets):
    full = texts("glue_mix.t5", "validation")
    assert len(full) > 50
    check_partition(full, shards("glue_mix.t5", "validation", 2))
    assert all(ex.get("targets_pretokenized") is not None for ex in data.get_split(
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


# ------------------------------------------------------------------ caches

CACHE_MARK = "CACHED "


def serialize(ex, spec, mark=CACHE_MARK):
    """One example as a ``tf.train.Example`` record, as seqio's cache job writes it."""
    feature = {}
    for k, v in ex.items():
        if k == "inputs_pretokenized":
            v = mark.encode() + v
        values = list(np.atleast_1d(v))
        if spec[k].dtype == tf.string:
            feature[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
        else:
            feature[k] = tf.train.Feature(int64_list=tf.train.Int64List(
                value=[int(x) for x in values]))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def write_cache(task_name, root, num_files=2):
    """A seqio cache (format of seqio 0.0.8) of the task's train and validation splits,
    with a mark in ``inputs_pretokenized`` to tell cached examples apart. Each split is
    cut into ``num_files`` consecutive runs: seqio reads 16 records of each file in turn,
    so with 20 records a file (MRPC train) its read order is not the written one."""
    task = seqio.get_mixture_or_task(task_name)
    out = os.path.join(root, task_name)
    os.makedirs(out)
    for split in ("train", "validation"):
        ds = task.preprocess_precache(task.source.get_dataset(split=split, shuffle=False))
        spec = ds.element_spec
        features = {k: {"shape": [None] * s.shape.rank, "dtype": s.dtype.name}
                    for k, s in spec.items()}
        records = [serialize(ex, spec) for ex in ds.as_numpy_iterator()]
        for i, part in enumerate(np.array_split(np.arange(len(records)), num_files)):
            path = os.path.join(out, f"{split}.tfrecord-{i:05d}-of-{num_files:05d}")
            with tf.io.TFRecordWriter(path) as writer:
                for j in part:
                    writer.write(records[j])
        with open(os.path.join(out, f"info.{split}.json"), "w") as f:
            json.dump({"features": features, "seqio_version": seqio.__version__,
                       "num_shards": num_files}, f)
        with open(os.path.join(out, f"stats.{split}.json"), "w") as f:
            json.dump({"examples": len(records)}, f)
    open(os.path.join(out, "COMPLETED"), "w").close()


FLAN_RTE_ONE = shot_name("rte", 0, Shot.ONE)
CACHED = (MRPC, RTE, FLAN_RTE, FLAN_RTE_ONE)


@pytest.fixture
def cached_tasks(tmp_path):
    """MRPC and RTE (T5 style), rte_type_0 and its one-shot variant cached in a temporary
    global cache dir; COLA is not."""
    names = CACHED + (COLA,)

    def forget():
        for name in names:
            task = seqio.get_mixture_or_task(name)
            task._cache_dir, task._stats = None, {}
        data._warned_uncached.clear()

    saved = list(seqio.utils.get_global_cache_dirs())
    for name in CACHED:
        write_cache(name, str(tmp_path))
    seqio.utils.set_global_cache_dirs([str(tmp_path)])
    forget()
    yield
    seqio.utils.set_global_cache_dirs(saved)
    forget()


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
        warnings = [r.getMessage() for r in caplog.records if r.name == "trainer.data"]
        assert len(warnings) == 1, warnings
        assert COLA in warnings[0] and MRPC not in warnings[0]
        assert first and not any(t.startswith(CACHE_MARK) for t in first)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="trainer.data"):
            texts("test_stream_uncached", "validation")
            texts(COLA, "validation")  # a task without a cache: no warning
        warnings = [r.getMessage() for r in caplog.records if r.name == "trainer.data"]
        assert len(warnings) == 1 and "none of its 1 tasks is cached" in warnings[0]
        with pytest.raises(ValueError, match=COLA):
            data.get_split("test_stream_partly", "validation", sequence_length=LENGTHS,
                           use_cached=True)
    finally:
        seqio.MixtureRegistry.remove("test_stream_cached")
        seqio.MixtureRegistry.remove("test_stream_partly")
        seqio.MixtureRegistry.remove("test_stream_uncached")


# ------------------------------------------------------------------ direct cache read


def examples(name, split, shard=None, *, direct=True, **kwargs):
    """Every feature of every example, in order, read directly or through seqio's
    per-task pipelines."""
    kwargs.setdefault("sequence_length", LENGTHS)
    saved = data.DIRECT_CACHE_READ
    data.DIRECT_CACHE_READ = direct
    try:
        ds = data.get_split(name, split, shard, use_cached=True, **kwargs)
    finally:
        data.DIRECT_CACHE_READ = saved
    return ds.element_spec, [{k: np.asarray(v).tolist() for k, v in ex.items()}
                             for ex in ds.as_numpy_iterator()]


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
            check_partition(texts(task, split, **kwargs), parts)
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
    make = functools.partial(build_stream, cached_mixture, "train", batch_size=3,
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
        ds = data.get_split(cached_mixture, split, sequence_length=LENGTHS,
                            use_cached=use_cached, **kwargs)
        return [(tuple(ex["inputs"]), tuple(ex["targets"])) for ex in ds.as_numpy_iterator()]

    cached = ids("train", True, seed=2)
    assert collections.Counter(cached) == collections.Counter(ids("train", False, seed=2))
    assert ids("validation", True) == ids("validation", False)


def test_post_cache_exemplars_keep_the_general_path(cached_tasks, caplog):
    """A few-shot task prepends exemplars after its cache: its mixture is read through
    seqio's per-task pipelines (from the caches), and says why."""
    seqio.MixtureRegistry.add("test_stream_shots", [MRPC, FLAN_RTE_ONE], default_rate=1.0)
    try:
        with caplog.at_level(logging.INFO, logger="trainer.data"):
            got = texts("test_stream_shots", "validation")
        assert "read=cache, seqio" in caplog.text
        assert "post-cache step other than EOS: prepend_exemplars" in caplog.text
        assert got and all(CACHE_MARK in t for t in got)  # after the exemplars
    finally:
        seqio.MixtureRegistry.remove("test_stream_shots")


# ------------------------------------------------------------------ epochs, order, caps


def test_train_repeats_and_shuffles_by_seed():
    once = texts(MRPC, "train", shuffle=False)
    two = texts(MRPC, "train", seed=1, num_epochs=2)
    assert collections.Counter(two) == collections.Counter(once * 2)
    assert two == texts(MRPC, "train", seed=1, num_epochs=2)
    assert two != texts(MRPC, "train", seed=2, num_epochs=2)
    assert two[:len(once)] != once  # shuffled by default on train
    forever = data.get_split(MRPC, "train", seed=1, num_epochs=None, sequence_length=LENGTHS)
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


# ------------------------------------------------------------------ the stream

EOS, PAD = 1, 0


def synthetic(lengths, offset=10):
    """A factory of examples whose inputs/targets have the given lengths, EOS last."""
    def make():
        def gen():
            for i, (n_in, n_tg) in enumerate(lengths):
                yield {"inputs": np.r_[np.arange(offset + i, offset + i + n_in - 1), EOS],
                       "targets": np.r_[np.full(n_tg - 1, 3 + i), EOS]}
        sig = {k: tf.TensorSpec([None], tf.int32) for k in ("inputs", "targets")}
        return tf.data.Dataset.from_generator(
            lambda: ({k: v.astype(np.int32) for k, v in ex.items()} for ex in gen()),
            output_signature=sig)
    return make


def rows(batch, key):
    """The unpadded rows of one batch feature, as lists."""
    values = batch[key].tolist()
    if key == "labels":
        return [[x for x in row if x != LABEL_PAD] for row in values]
    masks = batch["attention_mask"].tolist()
    return [[x for x, m in zip(row, mask) if m] for row, mask in zip(values, masks)]


def test_truncate_keeps_eos():
    ids = tf.constant([5, 6, 7, 8, EOS])
    out, cut = truncate(ids, 3, EOS)
    assert out.numpy().tolist() == [5, 6, EOS] and bool(cut)
    out, cut = truncate(tf.constant([5, 6, 7, 8]), 3, EOS)
    assert out.numpy().tolist() == [5, 6, 7] and bool(cut)
    out, cut = truncate(ids, 5, EOS)
    assert out.numpy().tolist() == [5, 6, 7, 8, EOS] and not bool(cut)
    out, cut = truncate(tf.constant([], tf.int32), 3, EOS)
    assert out.numpy().tolist() == [] and not bool(cut)
    # The stream cuts whole batches padded with ROW_END, row by row, the same way.
    batch = tf.constant([[5, 6, 7, 8, EOS], [5, 6, 7, 8, 9], [5, 6, -1, -1, -1],
                         [-1, -1, -1, -1, -1]])
    out, cut, lengths = truncate_rows(batch, 3, EOS)
    assert out.numpy().tolist() == [[5, 6, EOS], [5, 6, 7], [5, 6, -1], [-1, -1, -1]]
    assert cut.numpy().tolist() == [True, True, False, False]
    assert lengths.numpy().tolist() == [3, 3, 2, 0]


def test_dynamic_padding_labels_and_mask():
    lengths = [(3, 2), (7, 4), (5, 1), (2, 3), (4, 2)]
    stream = Seq2SeqStream(synthetic(lengths), 2, max_source_length=64, max_target_length=64)
    batches = list(stream)
    assert [b["input_ids"].shape[0] for b in batches] == [2, 2, 1]
    for batch, group in zip(batches, [lengths[0:2], lengths[2:4], lengths[4:]]):
        assert all(t.dtype == torch.long for t in batch.values())
        assert batch["input_ids"].shape[1] == max(n for n, _ in group)
        assert batch["labels"].shape[1] == max(n for _, n in group)
        assert batch["attention_mask"].sum(1).tolist() == [n for n, _ in group]
        assert ((batch["input_ids"] == PAD) == (batch["attention_mask"] == 0)).all()
        assert (batch["labels"] != LABEL_PAD).sum(1).tolist() == [n for _, n in group]
        assert all(row[-1] == EOS for row in rows(batch, "labels"))
    c = stream.counters
    assert (c.examples, c.batches, c.passes, c.position) == (5, 3, 1, 0)
    assert c.input_tokens == sum(n for n, _ in lengths)
    assert c.target_tokens == sum(n for _, n in lengths)
    assert c.tokens == c.input_tokens + c.target_tokens
    assert (c.truncated_inputs, c.truncated_targets) == (0, 0)


@pytest.mark.parametrize("extra", ["text_list", "unknown_rank"])
def test_other_features_do_not_change_the_batches(extra):
    """Other features ride along in the padded batch (or, when padded_batch cannot take
    them, are dropped first); the batches are those of the ids alone."""
    plain = synthetic([(3, 2), (7, 4), (5, 1), (2, 3), (4, 2)])

    def add_extra(ex):
        if extra == "text_list":
            return dict(ex, extra=tf.constant(["a", "b"]))
        dims = tf.ones(tf.minimum(tf.size(ex["inputs"]), 1), tf.int32)  # length unknown
        return dict(ex, extra=tf.reshape(tf.constant([7]), dims))

    def with_extra():
        ds = plain().map(add_extra)
        assert (ds.element_spec["extra"].shape.rank is None) == (extra == "unknown_rank")
        return ds

    make = functools.partial(Seq2SeqStream, batch_size=2, max_source_length=6,
                             max_target_length=3)
    expected, got = list(make(plain)), list(make(with_extra))
    assert len(got) == len(expected) == 3
    for a, b in zip(expected, got):
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_truncation_counted_and_warned_once(caplog):
    lengths = [(10, 2), (3, 9), (12, 8), (4, 1)] * 3
    stream = Seq2SeqStream(synthetic(lengths), 3, max_source_length=6, max_target_length=5,
                           name="toy", report_after=1000)
    with caplog.at_level(logging.WARNING, logger="trainer.stream"):
        for _ in range(2):  # two passes: the warning comes at the end of the first only
            for batch in stream:
                assert batch["input_ids"].shape[1] <= 6 and batch["labels"].shape[1] <= 5
                assert all(row[-1] == EOS for row in rows(batch, "input_ids"))
                assert all(row[-1] == EOS for row in rows(batch, "labels"))
    c = stream.counters
    assert (c.truncated_inputs, c.truncated_targets) == (12, 12)
    messages = [r.getMessage() for r in caplog.records if r.name == "trainer.stream"]
    assert len(messages) == 1
    assert "toy" in messages[0] and "truncated 6 of 12" in messages[0]
    assert "max_source_length=6" in messages[0]


def test_truncation_warned_after_report_after_examples(caplog):
    stream = Seq2SeqStream(synthetic([(10, 2)] * 8), 2, max_source_length=4,
                           max_target_length=4, report_after=4)
    with caplog.at_level(logging.WARNING, logger="trainer.stream"):
        it = iter(stream)
        next(it)
        assert not caplog.records
        next(it)
        assert len(caplog.records) == 1 and "truncated 4 of 4" in caplog.records[0].getMessage()
        list(it)
    assert len(caplog.records) == 1


def test_stream_matches_seqio_trimming():
    """Truncating in the bridge gives what seqio's append_eos_after_trim would."""
    lengths = {"inputs": 24, "targets": 2}
    task = seqio.get_mixture_or_task(MRPC)
    expected = list(task.get_dataset(lengths, split="validation", shuffle=False)
                    .as_numpy_iterator())
    stream = build_stream(MRPC, "validation", batch_size=4, max_source_length=24,
                          max_target_length=2)
    got = [(i, t) for b in stream for i, t in zip(rows(b, "input_ids"), rows(b, "labels"))]
    assert got == [(e["inputs"].tolist(), e["targets"].tolist()) for e in expected]
    assert stream.counters.truncated_inputs == len(expected)


def flat(batches):
    return [row for b in batches for row in rows(b, "input_ids")]


def take(stream, n):
    """The next n batches, starting a new pass (a new ``iter``) when one ends."""
    out = []
    while len(out) < n:
        before = len(out)
        for batch in stream:
            out.append(batch)
            if len(out) == n:
                break
        assert len(out) > before, "empty stream"
    return out


@pytest.mark.parametrize("num_epochs,k,n", [(None, 5, 20), (1, 12, 5)])
def test_resume_continues_exactly(num_epochs, k, n):
    """Stop after k batches, restore the state in a new stream, read n more: the same
    batches as an uninterrupted stream (one epoch of 40 examples is 14 batches of 3, so
    the finite case resumes in pass 1 and crosses into pass 2)."""
    make = functools.partial(build_stream, MRPC, "train", batch_size=3, max_source_length=32,
                             max_target_length=4, seed=11, num_epochs=num_epochs)
    straight = take(make(), k + n)
    first = make()
    before = take(first, k)
    state = first.state_dict()
    assert state["position"] == 3 * k
    resumed = make()
    resumed.load_state_dict(state)
    after = take(resumed, n)
    assert flat(before + after) == flat(straight)
    assert resumed.counters.batches == k + n


def test_resume_two_ranks_independently():
    def make(rank):
        return build_stream(MRPC, "train", seqio.ShardInfo(rank, 2), batch_size=2,
                            max_source_length=32, max_target_length=4, seed=4, num_epochs=None)
    for rank, k in ((0, 3), (1, 6)):
        straight = take(make(rank), 12)
        first = make(rank)
        before = take(first, k)
        resumed = make(rank)
        resumed.load_state_dict(first.state_dict())
        assert flat(before + take(resumed, 12 - k)) == flat(straight)
    seen = [set(map(tuple, flat(take(make(r), 10)))) for r in (0, 1)]  # 20 of 20 per rank
    assert not seen[0] & seen[1]


def test_state_dict_for_an_earlier_batch():
    """A loader that read ahead can save the state after the batch it actually used."""
    make = functools.partial(Seq2SeqStream, synthetic([(3, 2)] * 30), 4,
                             max_source_length=8, max_target_length=8)
    straight = flat(take(make(), 6))
    ahead = make()
    take(ahead, 4)  # the trainer used 3, its loader prefetched the 4th
    resumed = make()
    resumed.load_state_dict(ahead.state_dict(batches=3))
    assert flat(take(make(), 3) + take(resumed, 3)) == straight
    with pytest.raises(ValueError, match="no saved state"):
        ahead.state_dict(batches=99)


def test_dataloader_main_process_only():
    make = functools.partial(Seq2SeqStream, synthetic([(3, 2), (5, 2), (2, 2)]), 2,
                             max_source_length=8, max_target_length=8)
    direct = list(make())
    loaded = list(torch.utils.data.DataLoader(make(), batch_size=None))
    assert len(loaded) == len(direct)
    for a, b in zip(direct, loaded):
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    with pytest.raises(RuntimeError, match="num_workers=0"):
        list(torch.utils.data.DataLoader(make(), batch_size=None, num_workers=1))
