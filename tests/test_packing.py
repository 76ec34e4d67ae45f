"""Packing as T5 packs: seqio's packed features, and each example's loss in a packed
batch equal to its loss alone (HF's T5, 4-D masks), for T5 v1.0 and v1.1 configs."""

import numpy as np
import pytest
import tensorflow as tf
import torch
from transformers import T5Config, T5ForConditionalGeneration

import seqio
from trainer import packing
from trainer.config import LABEL_PAD
from trainer.stream import Seq2SeqStream

LENGTHS = {"inputs": 24, "targets": 8}
EOS = 1


def examples(n=23, seed=0, longest=(30, 10)):
    """Examples of varied lengths (ids >= 2, EOS last), by default a few longer than a row."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        a, b = int(rng.integers(1, longest[0])), int(rng.integers(1, longest[1]))
        out.append({"inputs": np.append(rng.integers(2, 50, a), EOS).astype(np.int32),
                    "targets": np.append(rng.integers(2, 50, b), EOS).astype(np.int32)})
    return out


def as_dataset(rows):
    return tf.data.Dataset.from_generator(
        lambda: iter(rows), output_signature={"inputs": tf.TensorSpec([None], tf.int32),
                                              "targets": tf.TensorSpec([None], tf.int32)})


def truncated(rows):
    """The stream's rule: first limit - 1 ids and EOS."""
    def cut(ids, limit):
        return ids if len(ids) <= limit else np.append(ids[:limit - 1], EOS).astype(np.int32)
    return [{"inputs": cut(r["inputs"], LENGTHS["inputs"]),
             "targets": cut(r["targets"], LENGTHS["targets"])} for r in rows]


def test_packed_rows_are_seqios_encdec_converter_rows():
    """Every feature of every row, as seqio's ``EncDecFeatureConverter(pack=True)`` packs
    the same (truncated) examples; the truncation marks count the cut examples."""
    rows = examples()
    expected = list(seqio.EncDecFeatureConverter(pack=True)(
        as_dataset(truncated(rows)), LENGTHS).as_numpy_iterator())
    flagged = as_dataset(truncated(rows)).map(
        lambda ex: {**ex, "cut": tf.zeros([2], tf.int32)})
    got = list(packing.pack(flagged, LENGTHS).as_numpy_iterator())
    assert len(got) == len(expected) > 1
    for ours, theirs in zip(got, expected):
        assert set(ours) - {"cut"} == set(theirs)
        for key in theirs:
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_packed_stream_batches_and_counts():
    """The stream's packed batches: seqio's rows cut to the longest row, labels -100
    where there is no loss, every example once, truncations counted."""
    rows = examples()
    stream = Seq2SeqStream(lambda: as_dataset(rows), 3, max_source_length=LENGTHS["inputs"],
                           max_target_length=LENGTHS["targets"], packing=True)
    expected = list(seqio.EncDecFeatureConverter(pack=True)(
        as_dataset(truncated(rows)), LENGTHS).as_numpy_iterator())
    batches = list(stream)
    got_rows = [{k: b[k][i].numpy() for k in b} for b in batches for i in range(len(b["input_ids"]))]
    assert len(got_rows) == len(expected)
    for ours, theirs in zip(got_rows, expected):
        n = len(ours["input_ids"])
        np.testing.assert_array_equal(ours["input_ids"], theirs["encoder_input_tokens"][:n])
        assert not theirs["encoder_input_tokens"][n:].any()
        np.testing.assert_array_equal(ours["encoder_segment_ids"], theirs["encoder_segment_ids"][:n])
        m = len(ours["labels"])
        weights = theirs["decoder_loss_weights"][:m] > 0
        np.testing.assert_array_equal(
            ours["labels"], np.where(weights, theirs["decoder_target_tokens"][:m], LABEL_PAD))
        np.testing.assert_array_equal(ours["decoder_input_ids"], theirs["decoder_input_tokens"][:m])
        np.testing.assert_array_equal(ours["decoder_segment_ids"], theirs["decoder_segment_ids"][:m])
    c = stream.counters
    assert c.examples == len(rows) and c.batches == len(batches) == -(-len(expected) // 3)
    cut = [r for r in rows if len(r["inputs"]) > LENGTHS["inputs"]]
    assert c.truncated_inputs == len(cut) > 0
    assert c.truncated_targets == sum(len(r["targets"]) > LENGTHS["targets"] for r in rows)


def test_packed_stream_resumes_at_its_row():
    """The position counts rows: a stream restored after two batches yields the rest."""
    rows = examples()

    def stream():
        return Seq2SeqStream(lambda: as_dataset(rows), 3, max_source_length=LENGTHS["inputs"],
                             max_target_length=LENGTHS["targets"], packing=True)

    whole = [b["input_ids"] for b in stream()]
    first = stream()
    it = iter(first)
    next(it), next(it)
    assert first.state_dict()["position"] == 6
    resumed = stream()
    resumed.load_state_dict(first.state_dict())
    rest = [b["input_ids"] for b in resumed]
    assert len(rest) == len(whole) - 2
    for a, b in zip(rest, whole[2:]):
        assert torch.equal(a, b)


def tiny_t5(version: str, attn: str) -> T5ForConditionalGeneration:
    """A small random T5 of config v1.0 (ReLU, tied embeddings) or v1.1 (gated GELU)."""
    kwargs = dict(vocab_size=64, d_model=32, d_kv=8, d_ff=48, num_layers=2, num_heads=4,
                  relative_attention_num_buckets=8, relative_attention_max_distance=16,
                  dropout_rate=0.0, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    if version == "v1.1":
        kwargs.update(feed_forward_proj="gated-gelu", tie_word_embeddings=False)
    torch.manual_seed(0)
    config = T5Config(**kwargs)
    config._attn_implementation = attn
    return T5ForConditionalGeneration(config).eval()


def token_losses(logits, labels):
    return torch.nn.functional.cross_entropy(
        logits.transpose(1, 2), labels, ignore_index=LABEL_PAD, reduction="none")


@pytest.fixture(scope="module")
def packed_batches():
    """Twelve short examples and the stream's packed batches of them (several a row)."""
    rows = truncated(examples(12, seed=1, longest=(12, 3)))
    stream = Seq2SeqStream(lambda: as_dataset(rows), 4, max_source_length=LENGTHS["inputs"],
                           max_target_length=LENGTHS["targets"], packing=True)
    return rows, list(stream)


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
@pytest.mark.parametrize("version", ["v1.0", "v1.1"])
def test_each_example_loss_in_a_packed_batch_is_its_loss_alone(version, attn, packed_batches):
    model = tiny_t5(version, attn)
    rows, batches = packed_batches
    packed, alone = [], []
    with torch.no_grad():
        for batch in batches:
            logits = packing.packed_forward(model, {k: v for k, v in batch.items()
                                                    if k != "labels"}).logits
            losses = token_losses(logits, batch["labels"])
            for r in range(len(losses)):
                seg = batch["decoder_segment_ids"][r]
                packed += [losses[r][seg == s].mean().item() for s in range(1, int(seg.max()) + 1)]
        for ex in rows:
            inputs = torch.tensor(ex["inputs"], dtype=torch.long)[None]
            labels = torch.tensor(ex["targets"], dtype=torch.long)[None]
            out = model(input_ids=inputs, labels=labels)
            alone.append(out.loss.item())
    # An example's loss: the mean over its target tokens.
    assert len(packed) == len(alone) == len(rows)
    assert max(int(b["decoder_segment_ids"].max()) for b in batches) >= 3  # rows hold several
    np.testing.assert_allclose(packed, alone, rtol=0, atol=1e-5)
    # The batch loss is the mean over its target tokens, as an unpacked batch's.
    batch = batches[0]
    with torch.no_grad():
        loss = packing.packed_forward(model, batch).loss.item()
        logits = packing.packed_forward(model, {k: v for k, v in batch.items()
                                                if k != "labels"}).logits
    tokens = token_losses(logits, batch["labels"])
    assert loss == pytest.approx(tokens.sum().item() / (batch["labels"] != LABEL_PAD).sum().item(),
                                 abs=1e-6)


def test_packed_masks_keep_examples_apart():
    enc = torch.tensor([[1, 1, 2, 0]])
    dec = torch.tensor([[1, 2, 2, 0]])
    enc_self, dec_self, cross = packing.packed_masks(enc, dec, torch.float32)
    allowed = lambda m: (m[0, 0] == 0).int().tolist()  # noqa: E731
    assert allowed(enc_self) == [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    assert allowed(dec_self) == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]]
    assert allowed(cross) == [[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
