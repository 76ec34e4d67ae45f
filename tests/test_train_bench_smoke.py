"""bench/train_bench.py: its token counting, its FLOPs estimate, and a tiny end-to-end run.

No timing is asserted (the machine may be shared): the counts must equal the non-pad
tokens of the batches, and the tiny run must print the table, the ratio line and the
fairness checks (same examples, same initial weights) and write them to ``--out``.
"""

import importlib.util
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _bench():
    spec = importlib.util.spec_from_file_location(
        "train_bench", os.path.join(ROOT, "bench", "train_bench.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_counts_equal_the_stream_tokens():
    """Stream batches (truncated, dynamically padded): counted = non-pad tokens yielded."""
    import tensorflow as tf
    from trainer.stream import Seq2SeqStream
    bench = _bench()
    # Lengths chosen so that batches pad, one input and one target are cut (limits 6 and 4).
    inputs = [[5, 6, 1], [7, 8, 9, 10, 11, 12, 13, 14, 1], [5, 1], [9, 9, 9, 9, 1]]
    targets = [[3, 1], [4, 4, 1], [3, 3, 3, 3, 3, 1], [1]]

    def factory():
        return tf.data.Dataset.from_generator(
            lambda: ({"inputs": i, "targets": t} for i, t in zip(inputs, targets)),
            output_signature={"inputs": tf.TensorSpec([None], tf.int32),
                              "targets": tf.TensorSpec([None], tf.int32)})

    stream = Seq2SeqStream(factory, 3, max_source_length=6, max_target_length=4)
    batches = list(stream)
    counted = sum(bench.count_tokens(b) for b in batches)
    want_in = [min(len(i), 6) for i in inputs]
    want_tgt = [min(len(t), 4) for t in targets]
    assert counted == sum(want_in) + sum(want_tgt) == stream.counters.tokens
    lengths = [bench.batch_lengths(b) for b in batches]
    assert [x for i, _ in lengths for x in i.tolist()] == want_in
    assert [x for _, t in lengths for x in t.tolist()] == want_tgt
    # The padding is really there and really not counted.
    assert sum(b["input_ids"].numel() + b["labels"].numel() for b in batches) > counted


def test_counts_equal_the_pad_to_max_tokens(demo_assets):
    """Padded to max length by the baseline's tokenizer: counted = unpadded encodings."""
    import torch
    bench = _bench()
    tokenizer = bench.load_fast_tokenizer(str(demo_assets.DEMO_VOCAB_PATH))
    texts = ["premise: a cat sat. hypothesis: a cat.", "yes", "the quick brown fox " * 20]
    answers = ["entailment", "no", "a much longer target answer than the others"]
    enc = tokenizer(texts, max_length=32, padding="max_length", truncation=True,
                    return_tensors="pt")
    labels = tokenizer(text_target=answers, max_length=8, padding="max_length",
                       truncation=True, return_tensors="pt")["input_ids"]
    labels = labels.masked_fill(labels == tokenizer.pad_token_id, bench.LABEL_PAD)
    batch = {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
             "labels": labels}
    plain_in = [min(len(ids), 32) for ids in tokenizer(texts)["input_ids"]]
    plain_tgt = [min(len(ids), 8) for ids in tokenizer(text_target=answers)["input_ids"]]
    assert bench.count_tokens(batch) == sum(plain_in) + sum(plain_tgt)
    assert enc["input_ids"].shape == (3, 32) and labels.shape == (3, 8)
    inputs, targets = bench.batch_lengths(batch)
    assert inputs.tolist() == plain_in and targets.tolist() == plain_tgt
    assert torch.equal(labels[2] != bench.LABEL_PAD, torch.ones(8, dtype=torch.bool))


def test_counts_of_a_packed_batch_are_its_examples():
    """A packed batch: one (input, target) length per example, rows in order; the sum is
    the non-pad tokens."""
    import torch
    bench = _bench()
    batch = {"encoder_segment_ids": torch.tensor([[1, 1, 2, 2, 2], [1, 1, 1, 0, 0]]),
             "decoder_segment_ids": torch.tensor([[1, 2, 2], [1, 1, 0]]),
             "labels": torch.tensor([[5, 6, 1], [7, 1, bench.LABEL_PAD]])}
    batch["attention_mask"] = (batch["encoder_segment_ids"] > 0).long()
    inputs, targets = bench.batch_lengths(batch)
    assert inputs.tolist() == [2, 3, 3] and targets.tolist() == [1, 2, 2]
    assert bench.count_tokens(batch) == 8 + 5
    expected = [[[2, 3], [1, 2]], [[3, 4], [2, 2]]]  # two steps of two examples
    assert bench._same_prefix([[[2, 3, 3], [1, 2, 2]]], expected)
    assert not bench._same_prefix([[[2, 3, 4], [1, 2, 2]]], expected)


def test_train_flops_by_hand():
    """Matmul weights split by the tokens they see; FLOPs = 6 x weights x tokens + attention."""
    import transformers
    bench = _bench()
    config = transformers.T5Config(d_model=8, d_kv=2, d_ff=16, num_layers=1,
                                   num_decoder_layers=1, num_heads=2, vocab_size=32)
    model = transformers.T5ForConditionalGeneration(config)
    per_input, per_target = bench.matmul_weights(model)
    inner = 2 * 2
    attention = 4 * 8 * inner  # q, k, v, o
    # encoder: attention + two FF matrices; decoder cross-attention keys and values.
    assert per_input == attention + 2 * 8 * 16 + 2 * 8 * inner
    # decoder: self-attention, cross q and o, FF; the LM head.
    assert per_target == attention + 2 * 8 * inner + 2 * 8 * 16 + 8 * 32
    li, lt = 5, 3
    want = 6 * (per_input * li + per_target * lt) + 12 * inner * (li * li + lt * lt + lt * li)
    assert bench.train_flops(config, (per_input, per_target), [li], [lt]) == want
    assert bench.train_flops(config, (per_input, per_target), [li, li], [lt, lt]) == 2 * want


def _result(way, seconds_per_step, lengths, device="NVIDIA H100 80GB HBM3"):
    ends = [seconds_per_step * (i + 1) for i in range(len(lengths))]
    return {"way": way, "setup_s": 1.0, "begin": 0.0, "ends": ends,
            "starts": [e - seconds_per_step / 2 for e in ends], "lengths": lengths,
            "padded": [100] * len(lengths), "checksum": 1.5, "train_loss": 2.0,
            "flops": [2e12] * len(lengths), "rss_start_mib": 500.0, "peak_rss_mib": 1000.0,
            "cuda_peak_mib": 2048.0, "device": device, "torch_threads": 1, "params": 10}


def test_report_from_step_times():
    """tokens/s over the steps after warm-up, the ratio verdict, MFU on a known GPU."""
    import types
    bench = _bench()
    lengths = [[[10, 10], [2, 2]]] * 3  # 24 tokens a step
    results = {"stream": [_result("stream", 1.0, lengths)],
               "pad-to-max": [_result("pad-to-max", 4.0, lengths)]}
    args = types.SimpleNamespace(warmup_steps=1, bf16=True)
    lines, ratio = bench.report(results, lengths, args)
    text = "\n".join(lines)
    assert ratio == pytest.approx(4.0)  # 48 tokens in 2 s against 48 tokens in 8 s
    assert re.search(r"^stream +3 +2 +6 +48 +24 +76\.0 +50\.0 +2\.0 ", text, re.M), text
    assert re.search(r"^pad-to-max +3 +2 +6 +48 +6 +76\.0 +50\.0 +5\.0 ", text, re.M), text
    assert "stream/pad-to-max: 4.00x tokens/s (target >= 2x: met)" in text
    # 2e12 FLOPs a step against the H100's 989e12 FLOP/s: 0.2 % in 1 s steps,
    # 0.05 % (shown 0.1) in 4 s steps.
    assert re.search(r"^stream .* 2,048 +0\.2$", text, re.M), text
    assert re.search(r"^pad-to-max .* 2,048 +0\.1$", text, re.M), text
    assert "same examples: stream yes, pad-to-max yes" in text
    results["stream"] = [_result("stream", 1.0, [lengths[0]] * 2 + [[[10, 9], [2, 2]]])]
    lines, _ = bench.report(results, lengths, args)
    assert "same examples: stream NO, pad-to-max yes" in "\n".join(lines)
    # Four ways: every ratio line; packed trains on more examples a step, in order.
    packed = [[[10, 10, 10, 10], [2, 2, 2, 2]]] * 3  # 48 tokens a step, the stream's order
    results = {"stream": [_result("stream", 1.0, lengths)],
               "packed": [_result("packed", 1.0, packed)],
               "dynamic": [_result("dynamic", 1.5, lengths)],
               "pad-to-max": [_result("pad-to-max", 4.0, lengths)]}
    text = "\n".join(bench.report(results, lengths, args)[0])
    assert "packed/dynamic: 3.00x tokens/s (target >= 1.3x: met)" in text
    assert "stream/dynamic: 1.50x tokens/s" in text and "packed/pad-to-max: 8.00x tokens/s" in text
    assert "same examples: stream yes, packed yes, dynamic yes, pad-to-max yes" in text


@pytest.mark.slow
def test_train_bench_tiny(demo_assets, tmp_path, capsys, monkeypatch, user_registrations):
    """The bench's main in this process; each way still runs in a process of its own."""
    out = tmp_path / "train_bench.txt"
    for var, value in (("OMP_NUM_THREADS", "1"), ("CUDA_VISIBLE_DEVICES", "")):
        monkeypatch.setenv(var, value)  # the ways' processes inherit them
    capsys.readouterr()
    # One small mixture keeps the pipeline build short; the bench's default is
    # glue_mix.flan, the same code path. pad-to-max is left out here (its tokenising and
    # report lines have tests above; it is the dynamic way's code with padding).
    code = _bench().main(["--max_steps", "3", "--dataset_name", "sglue_mix.t5",
                          "--ways", "stream,packed,dynamic",
                          "--warmup_steps", "1", "--batch_size", "2", "--max_source_length",
                          "320", "--max_target_length", "16", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text[-3000:]
    assert re.search(r"^way +steps +timed +examples +tokens +tokens/s ", text, re.M), text
    for way in ("stream", "dynamic"):
        assert re.search(rf"^{way} +3 +2 +6 +[\d,]+ +[\d,]+ ", text, re.M), text
    packed = re.search(r"^packed +3 +2 +(\d+) ", text, re.M)
    assert packed and int(packed.group(1)) > 6, text  # rows of several examples
    assert re.search(r"^packed/dynamic: [\d.]+x tokens/s \(target >= 1.3x: (met|NOT met)\)$",
                     text, re.M), text
    assert re.search(r"^stream/dynamic: [\d.]+x tokens/s$", text, re.M), text
    assert not re.search(r"^pad-to-max ", text, re.M)  # not asked for
    assert "same examples: stream yes, packed yes, dynamic yes" in text
    assert "same initial weights: yes" in text
    assert "6/6 examples tokenise to the same ids in both ways" in text
    assert "MFU: skipped on CPU" in text
    written = out.read_text()
    assert "packed/dynamic:" in written and "peak RSS MiB" in written


def test_pack_bench_rows_pad_less_than_dynamic_batches(demo_assets, tmp_path, capsys,
                                                       user_registrations):
    """bench/pack_bench.py on the demo data: packed rows hold several examples each and
    leave less padding than the same stream padded per batch."""
    spec = importlib.util.spec_from_file_location(
        "pack_bench", os.path.join(ROOT, "bench", "pack_bench.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.parse_lengths("192/16, 256/20") == [(192, 16), (256, 20)]
    with pytest.raises(ValueError, match="INPUTS/TARGETS"):
        bench.parse_lengths("256")
    out = tmp_path / "pack_bench.txt"
    capsys.readouterr()
    assert bench.main(["--lengths", "256/20", "--batches", "3", "--batch_size", "8",
                       "--out", str(out)]) == 0  # glue_mix.flan
    text = capsys.readouterr().out
    row = re.search(r"^ +256/20 +([\d.]+) +([\d.]+) +([\d.]+)$", text, re.M)
    assert row, text
    dynamic, packed, per_row = map(float, row.groups())
    assert per_row > 1.5 and packed < dynamic, text
    assert out.read_text().splitlines()[2].strip().startswith("256/20")
