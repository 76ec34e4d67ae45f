"""``trainer.stream``: the tf.data -> torch bridge.

Dynamic padding, -100 labels, one truncation rule that keeps EOS (list and tensor forms
agree) and is counted and warned once, exact resume (one process, two ranks), and no
DataLoader workers.
"""

from __future__ import annotations

import functools
import logging

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture

import seqio
import tensorflow as tf
import torch

from helpers import EOS, LABEL_PAD, MRPC, PAD, flat, rows, stream_of, synthetic, take
from trainer.stream import Seq2SeqStream, truncate, truncate_ids, truncate_rows


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


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


@pytest.mark.parametrize("ids", [[5, 6, 7, 8, EOS], [5, 6, 7, 8], [5, EOS], [EOS], [],
                                 [5, 6, EOS, 7, 8], [EOS, EOS, EOS, EOS]])
@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_one_truncation_rule(ids, limit):
    """The list form (evaluation) and the tensor form (the training stream) agree."""
    expected, cut = truncate(tf.constant(ids, tf.int32), limit, EOS)
    assert truncate_ids(ids, limit, EOS) == expected.numpy().tolist()
    assert bool(cut) == (len(ids) > limit)
    assert truncate_ids(ids, None, EOS) == ids


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
    def warned():
        return [r.getMessage() for r in caplog.records if r.name == "trainer.stream"]

    with caplog.at_level(logging.WARNING, logger="trainer.stream"):
        it = iter(stream)
        next(it)
        assert not warned()
        next(it)
        assert len(warned()) == 1 and "truncated 4 of 4" in warned()[0]
        list(it)
    assert len(warned()) == 1


def test_stream_matches_seqio_trimming():
    """Truncating in the bridge gives what seqio's append_eos_after_trim would."""
    lengths = {"inputs": 24, "targets": 2}
    task = seqio.get_mixture_or_task(MRPC)
    expected = list(task.get_dataset(lengths, split="validation", shuffle=False)
                    .as_numpy_iterator())
    stream = stream_of(MRPC, "validation", batch_size=4, max_source_length=24,
                          max_target_length=2)
    got = [(i, t) for b in stream for i, t in zip(rows(b, "input_ids"), rows(b, "labels"))]
    assert got == [(e["inputs"].tolist(), e["targets"].tolist()) for e in expected]
    assert stream.counters.truncated_inputs == len(expected)


def test_one_shot_mixture_with_inputs_over_the_limit_trains():
    """Inputs longer than the limit leave no room for an exemplar: they train with none
    (and are truncated), the stream never stops on them."""
    name = "test_one_shot_over_limit_mix"
    seqio.MixtureRegistry.add(name, ["rte_type_0_one_shot", "cb_type_0_one_shot"],
                              default_rate=1.0)
    try:
        stream = stream_of(name, "train", batch_size=8, max_source_length=32,
                           max_target_length=4, seed=1, num_epochs=None)
        batches = take(stream, 6)
    finally:
        seqio.MixtureRegistry.remove(name)
    assert len(batches) == 6 and all(b["input_ids"].shape[1] <= 32 for b in batches)
    assert stream.counters.truncated_inputs > 0


@pytest.mark.parametrize("num_epochs,k,n", [(None, 5, 20), (1, 12, 5)])
def test_resume_continues_exactly(num_epochs, k, n):
    """Stop after k batches, restore the state in a new stream, read n more: the same
    batches as an uninterrupted stream (one epoch of 40 examples is 14 batches of 3, so
    the finite case resumes in pass 1 and crosses into pass 2)."""
    make = functools.partial(stream_of, MRPC, "train", batch_size=3, max_source_length=32,
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
        return stream_of(MRPC, "train", seqio.ShardInfo(rank, 2), batch_size=2,
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
