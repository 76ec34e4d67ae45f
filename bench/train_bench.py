"""Training benchmark: train tokens/s of run.py's stream, packed and not, against HF's recipes.

    python bench/train_bench.py                          # glue_mix.flan, demo T5, CPU
    python bench/train_bench.py --model_config t5-small --batch_size 32 --cache_dir DIR
    python bench/train_bench.py --model_config t5-base --bf16     # on a GPU: adds MFU

Four ways train the same model on the same examples for the same number of steps
(``--ways`` picks some):

* **stream**: run.py's path: ``trainer.inputs.build_train_stream`` over the mixture's
  train split (``glue_mix.flan`` by default; shard 0 of 1, shuffled with ``--seed``,
  repeating) into ``trainer.hf.StreamTrainer``: truncation in tf.data and dynamic
  padding to the longest example of each batch.
* **packed**: the same with ``run.py --packing``: batches of ``--batch_size`` rows of
  ``--max_source_length`` / ``--max_target_length`` tokens, several examples each
  (``trainer.packing``), so a step holds more examples.
* **dynamic**: HF's ``run_summarization.py`` defaults, what most users run: a
  ``datasets.Dataset`` of the texts, ``T5TokenizerFast(..., truncation=True)`` and
  ``DataCollatorForSeq2Seq`` (each batch padded to its longest example) into a plain
  ``Seq2SeqTrainer``. It imports neither the project nor TensorFlow.
* **pad-to-max**: the same with ``--pad_to_max_length``: every example padded to
  ``--max_source_length`` (default 1024) / ``--max_target_length`` (default 256),
  ``default_data_collator``.

Fairness. Before training, this script reads the first ``max_steps x batch_size``
examples of the very sequence the stream reads (``trainer.data.get_split`` with the
stream's arguments) and hands their text to the HF ways, read in that order
(``train_sampling_strategy="sequential"``). Each way records the input and target
length of every example of every step it trains on; the report says whether each way
saw exactly the dumped examples, step by step (packed: its examples are the same
sequence, in order, as far as the dump goes), and whether the tokenizer gives the
baselines the same ids seqio gives the stream. Every way gets the same training
arguments (batch size, steps, learning rate 1e-3 constant, seed), the same model
(``from_pretrained`` of ``--model_path``, or a T5 config built from scratch with the
same seed for ``--model_config t5-small`` / ``t5-base``; a weight checksum is compared)
and the same vocabulary. Each way runs in its own process, in turn, so that peak memory
is its own.

What is timed: the steady state, from the end of optimizer step ``--warmup_steps`` to
the end of the last step (data loading, forward, backward and optimizer all inside).
Start-up (building the trainer, and training up to the timed window: model on the
device, the stream's tf.data pipeline, the warm-up steps) is shown apart. The
baseline's tokenisation (``Dataset.map``, once before training) is not timed; the
stream formats and tokenises inside the timed steps (seqio, in tf.data threads: an
uncached mixture needs a dozen steps or so before its prefetching keeps up; ``data %``
is the share of the timed window spent waiting for batches, and ``--cache_dir`` reads
a seqio cache as ``run.py --cache_dir`` does). Tokens are the non-pad input and target
tokens (EOS included) of the timed steps.

Memory: peak RSS of each way's process (``ru_maxrss``; the stream's includes
TensorFlow, which run.py's path loads) and its RSS when training starts; on CUDA also
``torch.cuda.max_memory_allocated``. On CUDA the report adds MFU: model FLOPs of the
non-pad tokens (an encoder/decoder estimate: 6 x matmul weights x the tokens each
weight sees, plus attention scores, see ``train_flops``) per second over the device's
bf16 dense peak (``PEAK_FLOPS``); skipped on CPU.

Output: a table (pad % and data % per way), the ratio lines ``stream/pad-to-max``
(target 2x), ``stream/dynamic``, ``packed/dynamic`` (target 1.3x) and
``packed/pad-to-max``, the checks and an environment line, printed and written to
``--out``.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Dict, List, Optional, Sequence, Tuple  # noqa: E402

# Nothing heavy at module level: the pad-to-max worker must not load TensorFlow or
# seqio (its peak RSS is the plain recipe's), so the project is imported where used.

DEFAULT_OUT = os.path.join(ROOT, "bench", "results", "train_bench.txt")
DEFAULT_MODEL = os.path.join(ROOT, "caches", "built", "demo-model")  # tasks.paths.DEMO_MODEL_DIR
DEFAULT_VOCAB = os.path.join(ROOT, "caches", "built", "demo-vocab", "spiece.model")
WAYS = ("stream", "packed", "dynamic", "pad-to-max")
# Ratio lines (numerator way, denominator way, target or None), printed when both ran.
RATIOS = (("stream", "pad-to-max", 2.0), ("stream", "dynamic", None),
          ("packed", "dynamic", 1.3), ("packed", "pad-to-max", None))
from trainer.config import LABEL_PAD  # noqa: E402  (no TensorFlow: the baseline stays plain)
# bf16 dense peak FLOP/s by a substring of torch.cuda.get_device_name().
PEAK_FLOPS = {"H200": 989e12, "H100": 989e12, "A100": 312e12}
# t5-base's shape (the T5 paper / HF config), random weights: --model_config t5-base.
T5_BASE = dict(d_model=768, d_kv=64, d_ff=3072, num_layers=12, num_decoder_layers=12,
               num_heads=12, vocab_size=32128, relative_attention_num_buckets=32,
               relative_attention_max_distance=128, dropout_rate=0.1,
               feed_forward_proj="relu", tie_word_embeddings=True, pad_token_id=0,
               eos_token_id=1, decoder_start_token_id=0)
# t5-small's shape (HF's t5-small config), random weights: --model_config t5-small.
T5_SMALL = dict(T5_BASE, d_model=512, d_ff=2048, num_layers=6, num_decoder_layers=6, num_heads=8)
MODEL_CONFIGS = {"t5-base": T5_BASE, "t5-small": T5_SMALL}


# ------------------------------------------------------------------ counting


def batch_lengths(batch) -> Tuple[object, object]:
    """Per-example non-pad lengths of a training batch: ``(inputs, targets)`` tensors.

    Inputs count ``attention_mask`` ones, targets the labels that are not -100: the
    tokens the model learns from, EOS included, padding excluded. A batch of packed rows
    gives each example's (its segment's) lengths, rows in order. Left on the batch's
    device (no sync).
    """
    if "encoder_segment_ids" not in batch:
        return batch["attention_mask"].sum(dim=1), (batch["labels"] != LABEL_PAD).sum(dim=1)
    import torch
    enc, dec = batch["encoder_segment_ids"], batch["decoder_segment_ids"]
    segments = torch.arange(1, int(max(enc.max(), dec.max())) + 1, device=enc.device)
    inputs = (enc[:, :, None] == segments).sum(dim=1)  # [rows, segments]
    targets = ((dec[:, :, None] == segments) & (batch["labels"] != LABEL_PAD)[:, :, None]).sum(dim=1)
    present = (dec[:, :, None] == segments).any(dim=1) | (inputs > 0)
    return inputs[present], targets[present]


def count_tokens(batch) -> int:
    """Non-pad input + target tokens of a training batch (see ``batch_lengths``)."""
    inputs, targets = batch_lengths(batch)
    return int(inputs.sum()) + int(targets.sum())


def matmul_weights(model) -> Tuple[int, int]:
    """``(weights applied once per input token, once per target token)`` of a T5's matmuls.

    Encoder layers and the decoder's cross-attention keys/values see every input
    token; the rest of the decoder and the LM head see every target token.
    Embedding lookups cost no FLOPs and are left out.
    """
    import torch
    per_input = per_target = 0
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Linear):
            continue
        if name.startswith("encoder.") or re.search(r"EncDecAttention\.[kv]$", name):
            per_input += module.weight.numel()
        else:
            per_target += module.weight.numel()
    return per_input, per_target


def train_flops(config, weights: Tuple[int, int], input_lens: Sequence[int],
                target_lens: Sequence[int]) -> float:
    """Training FLOPs (forward + backward, 3x forward) of examples of the given lengths.

    Per example: ``6 x (W_in x L_in + W_tgt x L_tgt)`` for the matmul weights
    (``matmul_weights``), plus the attention products (scores and weighted values,
    ``2 x 2 x L_q x L_k x heads x d_kv`` forward per layer): encoder self-attention over
    ``L_in``, decoder self-attention over ``L_tgt`` (full, as HF computes it) and
    cross-attention ``L_tgt x L_in``. Padding is not counted: these are model FLOPs.
    """
    inner = config.num_heads * config.d_kv
    decoder_layers = config.num_decoder_layers or config.num_layers
    total = 0.0
    for li, lt in zip(input_lens, target_lens):
        total += 6.0 * (weights[0] * li + weights[1] * lt)
        total += 12.0 * inner * (config.num_layers * li * li
                                 + decoder_layers * (lt * lt + lt * li))
    return total


# ------------------------------------------------------------------ the examples


def register(args) -> None:
    """What run.py sets up before a run: tasks, mixtures, vocabulary, caches, few-shot seed."""
    from mixtures.setup import setup_registry
    setup_registry(vocab_path=args.vocab_path, model_path=args.model_path,
                   cache_dir=args.cache_dir, fewshot_seed=args.seed)


def train_config(args):
    """The stream settings run.py would use: one rank, the train split, forever."""
    import seqio
    from trainer.config import StreamConfig
    return StreamConfig(args.dataset_name, "train", seqio.ShardInfo(index=0, num_shards=1),
                        max_source_length=args.max_source_length,
                        max_target_length=args.max_target_length, seed=args.seed,
                        num_epochs=None)


def dump_examples(args, path: str) -> List[dict]:
    """The first ``max_steps x batch_size`` examples the stream will read, written as JSONL."""
    from trainer import data
    ds = data.get_split(train_config(args))
    rows = []
    for ex in ds.take(args.max_steps * args.batch_size).as_numpy_iterator():
        rows.append({"inputs": ex["inputs_pretokenized"].decode("utf-8"),
                     "targets": ex["targets_pretokenized"].decode("utf-8"),
                     "input_ids": ex["inputs"].tolist(), "target_ids": ex["targets"].tolist()})
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    return rows


def read_examples(path: str) -> List[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def expected_lengths(rows: Sequence[dict], args) -> List[List[List[int]]]:
    """Per step, ``[input lengths, target lengths]`` after truncation: what both ways must see."""
    steps = []
    for start in range(0, len(rows), args.batch_size):
        batch = rows[start:start + args.batch_size]
        steps.append([[min(len(r["input_ids"]), args.max_source_length) for r in batch],
                      [min(len(r["target_ids"]), args.max_target_length) for r in batch]])
    return steps


def load_fast_tokenizer(vocab_path: str):
    """``T5TokenizerFast`` of the folder holding ``vocab_path`` (the baseline's tokenizer)."""
    from transformers import T5TokenizerFast
    return T5TokenizerFast.from_pretrained(os.path.dirname(os.path.abspath(vocab_path)))


def check_tokenizer(rows: Sequence[dict], vocab_path: str) -> str:
    """How many examples the baseline's tokenizer turns into the ids seqio gave the stream."""
    tokenizer = load_fast_tokenizer(vocab_path)
    inputs = tokenizer([r["inputs"] for r in rows])["input_ids"]
    targets = tokenizer(text_target=[r["targets"] for r in rows])["input_ids"]
    same = sum(i == r["input_ids"] and t == r["target_ids"]
               for i, t, r in zip(inputs, targets, rows))
    return f"{same}/{len(rows)} examples tokenise to the same ids in both ways"


# ------------------------------------------------------------------ the workers


def build_model(args):
    """The model every way trains: ``from_pretrained(--model_path)``, or t5-small's or
    t5-base's shape at random (``--seed``)."""
    import transformers
    if args.model_config in MODEL_CONFIGS:
        transformers.set_seed(args.seed)
        config = transformers.T5Config(**MODEL_CONFIGS[args.model_config])
        config._attn_implementation = args.attn_implementation
        return transformers.T5ForConditionalGeneration(config)
    return transformers.T5ForConditionalGeneration.from_pretrained(
        args.model_path, attn_implementation=args.attn_implementation)


def training_kwargs(args, output_dir: str) -> dict:
    """The training arguments both ways share."""
    return dict(output_dir=output_dir, per_device_train_batch_size=args.batch_size,
                max_steps=args.max_steps, learning_rate=1e-3, lr_scheduler_type="constant",
                seed=args.seed, bf16=args.bf16, logging_strategy="no", save_strategy="no",
                report_to="none", disable_tqdm=True, dataloader_num_workers=0,
                torch_compile=args.torch_compile)


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def probed(trainer_cls):
    """``trainer_cls`` recording each step's batch lengths and end time (same cost both ways)."""
    import torch
    from transformers import TrainerCallback

    class _Clock(TrainerCallback):
        def __init__(self, trainer):
            self.trainer = trainer

        def on_train_begin(self, args, state, control, **kwargs):
            self.trainer.bench["rss_start_mib"] = _rss_mib()
            self.trainer.bench["begin"] = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            self.trainer.bench["ends"].append(time.perf_counter())

    class Probed(trainer_cls):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self.bench = {"starts": [], "ends": [], "lengths": [], "padded": []}
            self.add_callback(_Clock(self))

        def training_step(self, model, inputs, num_items_in_batch=None):
            self.bench["starts"].append(time.perf_counter())  # the batch is here
            self.bench["lengths"].append(batch_lengths(inputs))
            self.bench["padded"].append(inputs["input_ids"].numel() + inputs["labels"].numel())
            return super().training_step(model, inputs, num_items_in_batch)

    Probed.__name__ = f"Probed{trainer_cls.__name__}"
    return Probed


def stream_trainer(args, output_dir: str, packing: bool = False):
    """run.py's path: the registry stream into ``StreamTrainer`` (as ``run.build_streams``);
    ``packing``: ``run.py --packing``."""
    register(args)
    import shutil
    from transformers import T5Tokenizer
    from trainer import inputs
    from trainer.arguments import TrainingArguments
    from trainer.hf import StreamTrainer
    folder = os.path.join(output_dir, "vocab")
    os.makedirs(folder)
    shutil.copyfile(args.vocab_path, os.path.join(folder, "spiece.model"))
    tokenizer = T5Tokenizer.from_pretrained(folder, extra_ids=100)  # as run.build_tokenizer
    model = build_model(args)
    stream = inputs.build_train_stream(train_config(args), batch_size=args.batch_size,
                                       packing=packing)
    training_args = TrainingArguments(**training_kwargs(args, output_dir))
    return probed(StreamTrainer)(
        model=model, args=training_args, train_dataset=stream, processing_class=tokenizer,
        vocab_file=args.vocab_path,
        stream_meta={"dataset": args.dataset_name, "seed": args.seed, "num_ranks": 1,
                     "packing": packing})


def hf_trainer(args, output_dir: str, examples_path: str, pad_to_max: bool):
    """The plain recipes, HF's ``run_summarization.py``: HF datasets + T5TokenizerFast +
    ``Seq2SeqTrainer``, with ``--pad_to_max_length`` (``pad_to_max``: every example
    padded to the limits, ``default_data_collator``) or its default (truncation only,
    ``DataCollatorForSeq2Seq`` padding each batch to its longest example)."""
    import datasets
    from transformers import (DataCollatorForSeq2Seq, Seq2SeqTrainer, Seq2SeqTrainingArguments,
                              default_data_collator)
    datasets.disable_progress_bars()
    tokenizer = load_fast_tokenizer(args.vocab_path)
    rows = read_examples(examples_path)[:args.max_steps * args.batch_size]
    raw = datasets.Dataset.from_dict({"inputs": [r["inputs"] for r in rows],
                                      "targets": [r["targets"] for r in rows]})
    padding = "max_length" if pad_to_max else False

    def preprocess(batch):
        enc = tokenizer(batch["inputs"], max_length=args.max_source_length,
                        padding=padding, truncation=True)
        labels = tokenizer(text_target=batch["targets"], max_length=args.max_target_length,
                           padding=padding, truncation=True)["input_ids"]
        enc["labels"] = [[(t if t != tokenizer.pad_token_id else LABEL_PAD) for t in row]
                         for row in labels]
        return enc

    train = raw.map(preprocess, batched=True, remove_columns=raw.column_names)
    model = build_model(args)
    collator = (default_data_collator if pad_to_max else
                DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=LABEL_PAD))
    training_args = Seq2SeqTrainingArguments(**training_kwargs(args, output_dir),
                                             train_sampling_strategy="sequential")
    return probed(Seq2SeqTrainer)(model=model, args=training_args, train_dataset=train,
                                  data_collator=collator, processing_class=tokenizer)


def run_worker(args) -> int:
    """One way in this process; writes its measurements to ``--_result`` (JSON)."""
    import torch
    import transformers
    transformers.utils.logging.set_verbosity_error()
    with tempfile.TemporaryDirectory(prefix="train-bench-") as output_dir:
        start = time.perf_counter()
        if args._worker in ("stream", "packed"):
            trainer = stream_trainer(args, output_dir, packing=args._worker == "packed")
        else:
            trainer = hf_trainer(args, output_dir, args._examples,
                                 pad_to_max=args._worker == "pad-to-max")
        setup_s = time.perf_counter() - start
        model = trainer.model
        checksum = float(sum(p.detach().double().sum() for p in model.parameters()))
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        result = trainer.train()
    bench = trainer.bench
    lengths = [[i.tolist(), t.tolist()] for i, t in bench["lengths"]]
    weights = matmul_weights(model)
    cuda = torch.cuda.is_available()
    out = {
        "way": args._worker, "setup_s": setup_s, "begin": bench["begin"],
        "starts": bench["starts"], "ends": bench["ends"],
        "lengths": lengths, "padded": bench["padded"], "checksum": checksum,
        "train_loss": result.metrics.get("train_loss"),
        "flops": [train_flops(model.config, weights, i, t) for i, t in lengths],
        "rss_start_mib": bench["rss_start_mib"],
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cuda_peak_mib": torch.cuda.max_memory_allocated() / 2 ** 20 if cuda else None,
        "device": torch.cuda.get_device_name() if cuda else "cpu",
        "torch_threads": torch.get_num_threads(),
        "attention": getattr(model.config, "_attn_implementation", None),
        "params": sum(p.numel() for p in model.parameters()),
    }
    with open(args._result, "w", encoding="utf-8") as f:
        json.dump(out, f)
    return 0


# ------------------------------------------------------------------ report


def summarise(result: dict, warmup: int) -> Dict[str, float]:
    """Steady-state figures of one worker's result (steps after ``warmup``)."""
    ends, lengths = result["ends"], result["lengths"]
    timed = range(warmup, len(ends))
    seconds = ends[-1] - ends[warmup - 1] if warmup else ends[-1] - result["begin"]
    tokens = sum(sum(lengths[s][0]) + sum(lengths[s][1]) for s in timed)
    padded = sum(result["padded"][s] for s in timed)
    flops = sum(result["flops"][s] for s in timed)
    # Waiting for the batch: from the end of the previous step to the batch's arrival.
    wait = sum(result["starts"][s] - (ends[s - 1] if s else result["begin"]) for s in timed)
    return {"steps": len(ends), "timed": len(timed),
            "examples": sum(len(x[0]) for x in lengths), "tokens": tokens,
            "seconds": seconds, "tokens_per_s": tokens / seconds if seconds > 0 else 0.0,
            "pad_fraction": 1 - tokens / padded if padded else 0.0,
            "data_fraction": wait / seconds if seconds > 0 else 0.0,
            "startup_s": result["setup_s"]
            + (ends[warmup - 1] - result["begin"] if warmup else 0.0),
            "flops_per_s": flops / seconds if seconds > 0 else 0.0,
            "rss_start_mib": result["rss_start_mib"], "peak_rss_mib": result["peak_rss_mib"],
            "cuda_peak_mib": result["cuda_peak_mib"], "train_loss": result["train_loss"]}


def peak_flops(device: str) -> Optional[float]:
    """The bf16 dense peak of a CUDA device by name (None: unknown or CPU)."""
    for key, value in PEAK_FLOPS.items():
        if key in device:
            return value
    return None


def report(results: Dict[str, List[dict]], expected, args) -> Tuple[List[str], float]:
    """The table (medians over repeats; peak memory: the largest), ratio line and checks."""
    rows = {}
    for way, runs in results.items():
        figures = [summarise(r, args.warmup_steps) for r in runs]
        row = {k: statistics.median(f[k] for f in figures)
               for k in ("tokens_per_s", "pad_fraction", "data_fraction", "startup_s",
                         "flops_per_s", "seconds", "train_loss")}
        for k in ("steps", "timed", "examples", "tokens"):
            row[k] = figures[0][k]
        for k in ("rss_start_mib", "peak_rss_mib", "cuda_peak_mib"):
            row[k] = None if figures[0][k] is None else max(f[k] for f in figures)
        rows[way] = row
    device = next(iter(results.values()))[0]["device"]
    cuda, peak = device != "cpu", peak_flops(device)
    head = (f"{'way':<11} {'steps':>5} {'timed':>5} {'examples':>8} {'tokens':>9} "
            f"{'tokens/s':>9} {'pad %':>5} {'data %':>6} {'start-up s':>10} {'RSS start MiB':>13} "
            f"{'peak RSS MiB':>12}")
    if cuda:
        head += f" {'CUDA peak MiB':>13} {'MFU %':>6}"
    lines = [head]
    for way, r in rows.items():
        line = (f"{way:<11} {r['steps']:>5} {r['timed']:>5} {r['examples']:>8} "
                f"{r['tokens']:>9,} {r['tokens_per_s']:>9,.0f} {100 * r['pad_fraction']:>5.1f} "
                f"{100 * r['data_fraction']:>6.1f} "
                f"{r['startup_s']:>10.1f} {r['rss_start_mib']:>13,.0f} {r['peak_rss_mib']:>12,.0f}")
        if cuda:
            mfu = f"{100 * r['flops_per_s'] / peak:>6.1f}" if peak else f"{'?':>6}"
            line += f" {r['cuda_peak_mib']:>13,.0f} {mfu}"
        lines.append(line)
    ratios = {}
    for top, bottom, target in RATIOS:
        if top not in rows or bottom not in rows:
            continue
        base = rows[bottom]["tokens_per_s"]
        ratio = ratios[top, bottom] = rows[top]["tokens_per_s"] / base if base else 0.0
        line = f"{top}/{bottom}: {ratio:.2f}x tokens/s"
        if target is not None:
            line += f" (target >= {target:g}x: {'met' if ratio >= target else 'NOT met'})"
        lines.append(line)
    if "stream" in rows and "pad-to-max" in rows:
        stream, padded = rows["stream"], rows["pad-to-max"]
        memory = (f"peak RSS stream/pad-to-max: "
                  f"{stream['peak_rss_mib'] / padded['peak_rss_mib']:.2f}x")
        if cuda:
            memory += f"; CUDA peak {stream['cuda_peak_mib'] / padded['cuda_peak_mib']:.2f}x"
        lines.append(memory)
    if not cuda:
        lines.append("MFU: skipped on CPU (reported on CUDA against the bf16 dense peak)")
    elif peak is None:
        lines.append(f"MFU: no peak FLOP/s known for {device} (PEAK_FLOPS)")
    else:
        lines.append(f"MFU: model FLOPs of the non-pad tokens / {peak / 1e12:g} TFLOP/s "
                     f"({device}, bf16 dense peak){'' if args.bf16 else '; NOT run in bf16'}")
    # Fairness checks: every run trained on exactly the dumped examples, step by step (a
    # packed run on more examples a step: its examples in order, up to those dumped).
    same = {way: all((_same_prefix(r["lengths"], expected) if way == "packed"
                      else r["lengths"] == expected) for r in runs)
            for way, runs in results.items()}
    lines.append("same examples: " + ", ".join(
        f"{way} {'yes' if ok else 'NO'}" for way, ok in same.items())
        + " (every step's input/target lengths equal those of the examples read beforehand;"
        " packed: its examples in order)")
    sums = {round(r["checksum"], 3) for runs in results.values() for r in runs}
    lines.append(f"same initial weights: {'yes' if len(sums) == 1 else 'NO'} "
                 f"(parameter sum {', '.join(f'{s:.3f}' for s in sorted(sums))})")
    lines.append("train loss (mean over steps): " + ", ".join(
        f"{way} {r['train_loss']:.4f}" for way, r in rows.items()))
    return lines, ratios.get(("stream", "pad-to-max"), 0.0)


def _same_prefix(lengths, expected) -> bool:
    """Whether the examples of ``lengths`` (per step, packed) are, in order, those of
    ``expected`` as far as both go."""
    def flat(steps):
        return [(i, t) for step in steps for i, t in zip(step[0], step[1])]
    got, want = flat(lengths), flat(expected)
    n = min(len(got), len(want))
    return n > 0 and got[:n] == want[:n]


def environment(results: Dict[str, List[dict]]) -> str:
    """One line: machine, load, threads and library versions."""
    import importlib
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0,) * 3
    first = next(iter(results.values()))[0]
    versions = ", ".join(f"{name} {importlib.import_module(name).__version__}" for name in
                         ("torch", "transformers", "datasets", "tensorflow", "seqio"))
    return (f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
            f"{' '.join(f'{x:.2f}' for x in load)}, device {first['device']}, torch threads "
            f"{first['torch_threads']} (OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}), "
            f"attention {first.get('attention')}; {versions}")


def parse_args(argv: Optional[Sequence[str]] = None):
    parser = argparse.ArgumentParser(
        prog="python bench/train_bench.py",
        description="train tokens/s and peak memory: run.py's stream (dynamic padding) vs "
                    "HF datasets + T5TokenizerFast padded to max length + Seq2SeqTrainer")
    parser.add_argument("--dataset_name", default="glue_mix.flan",
                        help="registered task or mixture (its train split)")
    parser.add_argument("--model_path", default=DEFAULT_MODEL,
                        help="local HF T5 folder (default: the demo model)")
    parser.add_argument("--vocab_path", default=DEFAULT_VOCAB, help="SentencePiece model")
    parser.add_argument("--model_config", choices=("pretrained", *MODEL_CONFIGS),
                        default="pretrained",
                        help="t5-small / t5-base: that shape from scratch (random weights, --seed)")
    parser.add_argument("--ways", default=",".join(WAYS),
                        help=f"comma-separated ways to run (default: all of {', '.join(WAYS)})")
    parser.add_argument("--max_steps", type=int, default=20, help="optimizer steps per way")
    parser.add_argument("--warmup_steps", type=int, default=5,
                        help="first steps left out of the timing")
    parser.add_argument("--batch_size", type=int, default=8)
    parser.add_argument("--max_source_length", type=int, default=1024)
    parser.add_argument("--max_target_length", type=int, default=256)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--bf16", action="store_true", help="train in bf16 (HF --bf16)")
    parser.add_argument("--attn_implementation", choices=("sdpa", "eager"), default="sdpa",
                        help="HF attention kernel of every way's model (default: sdpa)")
    parser.add_argument("--torch_compile", action="store_true",
                        help="HF --torch_compile for every way")
    parser.add_argument("--cache_dir", default=None,
                        help="seqio cache folder for the stream (also $SEQIO_CACHE_DIR)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each way, alternating (table: medians)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="report file ('' for none)")
    parser.add_argument("--_worker", choices=WAYS, help=argparse.SUPPRESS)
    parser.add_argument("--_examples", help=argparse.SUPPRESS)
    parser.add_argument("--_result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 0 <= args.warmup_steps < args.max_steps:
        parser.error("--warmup_steps must be at least 0 and below --max_steps")
    args.ways = [w for w in args.ways.split(",") if w]
    unknown = sorted(set(args.ways) - set(WAYS))
    if unknown or not args.ways:
        parser.error(f"--ways: unknown {', '.join(unknown) or '(none given)'}; "
                     f"choose from {', '.join(WAYS)}")
    return args


def run_way(way: str, argv: Sequence[str], examples: str, folder: str, index: int) -> dict:
    """One way in a fresh process; returns its result (raises with its output tail on failure)."""
    result = os.path.join(folder, f"{way}-{index}.json")
    cmd = [sys.executable, os.path.abspath(__file__), *argv, "--_worker", way,
           "--_examples", examples, "--_result", result]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{way} worker failed (exit {proc.returncode}):\n"
                         f"{(proc.stdout + proc.stderr)[-4000:]}")
    with open(result, encoding="utf-8") as f:
        return json.load(f)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs both ways; prints the report and writes it to ``--out``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args._worker:
        return run_worker(args)
    lines: List[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    model = (args.model_path if args.model_config == "pretrained"
             else f"{args.model_config} shape, random")
    say(f"train_bench: {args.dataset_name} train, model {model}"
        f"{', bf16' if args.bf16 else ''}, {args.attn_implementation} attention"
        f"{', torch.compile' if args.torch_compile else ''}, {args.max_steps} steps ({args.warmup_steps} "
        f"warm-up, untimed) of batch {args.batch_size}, max_source_length "
        f"{args.max_source_length}, max_target_length {args.max_target_length}, seed "
        f"{args.seed}, {args.repeats} run(s) per way")
    say(" ".join(["command: python bench/train_bench.py"] + argv))
    if not (os.path.isfile(os.path.join(args.model_path, "config.json"))
            and os.path.isfile(args.vocab_path)):
        from caches import demo_assets
        demo_assets.ensure_demo_assets(verbose=False)
    register(args)
    with tempfile.TemporaryDirectory(prefix="train-bench-") as folder:
        examples = os.path.join(folder, "examples.jsonl")
        start = time.perf_counter()
        rows = dump_examples(args, examples)
        say(f"examples: the first {len(rows)} of the stream's sequence, read in "
            f"{time.perf_counter() - start:.1f}s; {check_tokenizer(rows, args.vocab_path)}")
        results: Dict[str, List[dict]] = {way: [] for way in args.ways}
        for index in range(args.repeats):
            order = args.ways if index % 2 == 0 else args.ways[::-1]
            for way in order:
                results[way].append(run_way(way, argv, examples, folder, index))
                s = summarise(results[way][-1], args.warmup_steps)
                say(f"run {index + 1} {way:<10} {s['tokens']:,} tokens in {s['seconds']:.2f}s: "
                    f"{s['tokens_per_s']:,.0f} tokens/s (start-up {s['startup_s']:.1f}s)")
    say()
    table, _ = report(results, expected_lengths(rows, args), args)
    for line in table:
        say(line)
    say(environment(results))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
