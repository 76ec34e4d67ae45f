"""Data-stream benchmark: examples/s and tokens/s delivered to the torch batch, three ways.

    python bench/data_bench.py                      # glue_mix.flan's 85 template tasks
    python bench/data_bench.py --num_examples 50000 --repeats 5 --profile

The same ``N`` examples of a mixture's train split (the epoch repeated as often as
needed) become padded ``torch.long`` batches (``batch_size`` 32, ``max_source_length``
512, ``max_target_length`` 64 by default) in three ways:

* **uncached**: ``trainer.stream.build_stream(..., use_cached=False)``: seqio formats
  the prompts and tokenises every example on the fly (``trainer.data.get_split``).
* **cached**: the same stream reading the seqio cache that ``caches.cache_tasks`` built
  once (``--cache_dir``, default ``bench/results/seqio-cache``; built here when missing,
  not timed, its build time printed and kept in ``<cache_dir>/bench-build.json``).
  ``get_split`` reads the cache files directly (``trainer.cached``) when every task's
  only post-cache step is EOS, as for the per-template tasks of the default
  ``glue_mix.flan:per_template`` (``glue_mix.flan`` itself holds per-dataset tasks,
  which render a template per example after the cache: the general path); the report
  says which read it took. ``--seqio_cache_read`` times seqio's per-task pipelines instead (the same
  examples in the same order), for comparison.
* **baseline**: what a user would write without the project: the TFDS examples as
  ``datasets.Dataset.from_list`` tables, the same prompts rendered in plain Python
  (``tasks.flan.templates.PATTERNS``, the same fields and ``OPTIONS:`` block) with one
  batched ``Dataset.map`` per dataset (once a run), shuffled each epoch, then per batch
  ``T5TokenizerFast(texts, truncation=True, padding="longest", return_tensors="pt")``
  of the demo vocabulary, with pad labels set to -100. Untimed: reading the TFDS
  examples into the tables (a user's ``load_dataset``) and loading the tokenizer.

Timing covers everything from building the stream (or formatting, for the baseline)
to the last batch of ``N`` examples; start-up (to the first batch) is also shown on
its own. Tokens are the non-pad tokens of ``input_ids`` and ``labels`` (EOS included).
Each round runs the three ways in a rotated order (the machine may be shared: noise
hits all ways alike), after one untimed warm-up of each; the table shows medians.

The script prints (and writes to ``--out``) the table and two ratio lines in tokens/s:
``cached/uncached`` (target at least 5x) and ``cached/baseline`` (at least 1x). When a
target is missed, or with ``--profile``, it profiles the ways concerned (cProfile,
the stream's stages timed one by one, and the cached records read as one flat
pipeline for comparison) and prints where the time goes.
"""

from __future__ import annotations

import os
import sys

# Quiet TensorFlow before anything imports it; a user's HF tokenizer runs its batch
# encoding in parallel threads by default (the project's Makefile turns that off).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import argparse  # noqa: E402
import cProfile  # noqa: E402
import dataclasses  # noqa: E402
import functools  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple  # noqa: E402

import tasks  # noqa: E402,F401  (seqio compat fix first)
import mixtures  # noqa: E402
mixtures.register_all()  # every built-in task and mixture
from caches import cache_tasks  # noqa: E402
from tasks import cache_dirs, lookup, paths, prompts  # noqa: E402
from tasks.flan import datasets as flan_datasets  # noqa: E402
from tasks.flan import templates as flan_templates  # noqa: E402
from tasks.templating import OPTIONS_HEADER  # noqa: E402

import numpy as np  # noqa: E402
import seqio  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402

from trainer import cached as trainer_cached  # noqa: E402
from trainer import data as trainer_data  # noqa: E402
from trainer.config import StreamConfig  # noqa: E402
from trainer.stream import LABEL_PAD, build_stream  # noqa: E402

DEFAULT_CACHE_DIR = os.path.join(ROOT, "bench", "results", "seqio-cache")
DEFAULT_OUT = os.path.join(ROOT, "bench", "results", "data_bench.txt")
BUILD_RECORD = "bench-build.json"
WAYS = ("uncached", "cached", "baseline")
TARGETS = {"cached/uncached": 5.0, "cached/baseline": 1.0}
TINY_TASKS = "rte_type_0,cola_type_0"
BENCH_MIXTURE = "data_bench_mix"  # registered when --tasks names tasks, not a mixture
PER_TEMPLATE = "per_template"  # --tasks MIXTURE:per_template


@dataclasses.dataclass
class Run:
    """One timed pass of one way over ``examples`` examples."""

    way: str
    examples: int = 0
    input_tokens: int = 0
    target_tokens: int = 0
    padded_tokens: int = 0  # elements of input_ids + labels, padding included
    batches: int = 0
    seconds: float = 0.0
    startup: float = 0.0  # seconds to the first batch
    cpu: float = 0.0  # CPU seconds of this process (all threads): less noisy when shared

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.target_tokens

    @property
    def examples_per_s(self) -> float:
        return self.examples / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    @property
    def steady_tokens_per_s(self) -> float:
        """tokens/s after the first batch (start-up left out)."""
        rest = self.seconds - self.startup
        return self.tokens / rest if rest > 0 else 0.0


# ------------------------------------------------------------------ setup


def resolve_provider(spec: str) -> Tuple[str, List[str]]:
    """(mixture name, its task names) for a mixture, ``MIXTURE:per_template`` (the
    per-template tasks its per-dataset members draw from) or comma-separated
    tasks/regexes.

    Tasks that are not one registered mixture form ``BENCH_MIXTURE`` with the same
    rates as the FLAN mixtures (train examples, capped).
    """
    if spec in seqio.MixtureRegistry.names():
        return spec, [t.name for t in seqio.get_mixture_or_task(spec).tasks]
    base, _, flavour = spec.partition(":")
    if flavour == PER_TEMPLATE:
        names = [n for t in lookup.get_provider(base).tasks
                 for n in (prompts.template_tasks(t.name) or [t.name])]
    else:
        names = cache_tasks.resolve_tasks(spec)
    if BENCH_MIXTURE in seqio.MixtureRegistry.names():
        seqio.MixtureRegistry.remove(BENCH_MIXTURE)
    seqio.MixtureRegistry.add(BENCH_MIXTURE, names, default_rate=functools.partial(
        mixtures.rate_num_examples, maximum=mixtures.FLAN_CAP))
    return BENCH_MIXTURE, names


def ensure_cache(spec: str, names: Sequence[str], cache_dir: str, num_workers: int,
                 min_shards: Optional[int]) -> str:
    """Builds the train-split cache with ``caches.cache_tasks`` unless every task has
    one; registers the folder. Returns a line saying what was done and how long it took.
    """
    cache_dir = os.path.abspath(cache_dir)
    cached = set(cache_dirs.cached_tasks(cache_dir)) if os.path.isdir(cache_dir) else set()
    missing = [n for n in names if n not in cached]
    record_path = os.path.join(cache_dir, BUILD_RECORD)
    if missing:
        whole = len(missing) == len(names) and PER_TEMPLATE not in spec
        argv = ["--tasks", spec if whole else ",".join(missing),
                "--cache_dir", cache_dir, "--num_workers", str(num_workers),
                "--splits", "train"]
        if min_shards is not None:
            argv += ["--min_shards", str(min_shards)]
        command = "python -m caches.cache_tasks " + " ".join(argv)
        print(f"building the seqio cache (not timed in the benchmark): {command}", flush=True)
        start = time.perf_counter()
        code = cache_tasks.main(argv)
        seconds = time.perf_counter() - start
        if code:
            raise SystemExit(f"cache build failed (exit {code}): {command}")
        record = {"command": command, "seconds": round(seconds, 1), "tasks": len(missing),
                  "built": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        with open(record_path, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=2)
        line = f"cache: built {len(missing)} task(s) in {seconds:.1f}s into {cache_dir}"
    else:
        try:
            with open(record_path, encoding="utf-8") as f:
                record = json.load(f)
            took = f"built earlier in {record['seconds']}s ({record['command']})"
        except (OSError, ValueError, KeyError):
            took = "built earlier (build time not recorded)"
        line = f"cache: reused {cache_dir}, {took}"
    cache_dirs.register_cache_dir(cache_dir)
    return line


def cache_read(provider: str) -> str:
    """One line: how ``get_split`` reads the cached train split (directly or not, why)."""
    if not trainer_data.DIRECT_CACHE_READ:
        return "cached read: seqio's per-task pipelines (--seqio_cache_read)"
    mixture = seqio.get_mixture_or_task(provider)
    members = trainer_data.member_tasks(mixture, "train")
    plan, reason = trainer_cached.plan_cached(members, "train",
                                              trainer_data.mixture_keys(mixture))
    if plan is None:
        return f"cached read: seqio's per-task pipelines ({reason})"
    small = sum(t.num_examples < trainer_cached.MEMORY_CACHE_MAX_EXAMPLES for t in plan.tasks)
    return (f"cached read: direct (trainer.cached): {len(plan.tasks)} tasks, "
            f"{sum(len(t.files) for t in plan.tasks)} files, {small} split(s) held in "
            f"memory, one parse function; EOS appended to {', '.join(sorted(plan.eos))}")


# ------------------------------------------------------------------ stream ways


def train_config(provider: str, use_cached: bool, n: int, epochs: int, args) -> StreamConfig:
    """The stream settings every way reads with: ``n`` train examples, ``epochs`` passes."""
    return StreamConfig(provider, "train", max_source_length=args.max_source_length,
                        max_target_length=args.max_target_length, seed=args.seed,
                        num_epochs=epochs, max_samples=n, use_cached=use_cached)


def stream_batches(provider: str, use_cached: bool, n: int, epochs: int,
                   args) -> Tuple[Iterator[Dict[str, torch.Tensor]], Callable]:
    """The project's stream over ``n`` train examples; returns (batches, counters)."""
    stream = build_stream(train_config(provider, use_cached, n, epochs, args),
                          batch_size=args.batch_size, report_after=10 ** 12)
    return iter(stream), lambda: stream.counters


def time_stream(way: str, provider: str, n: int, epochs: int, args) -> Run:
    """One timed run of the ``uncached`` or ``cached`` stream over ``n`` examples."""
    run = Run(way)
    cpu, start = time.process_time(), time.perf_counter()
    batches, counters = stream_batches(provider, way == "cached", n, epochs, args)
    for batch in batches:
        if not run.batches:
            run.startup = time.perf_counter() - start
        run.batches += 1
        run.padded_tokens += batch["input_ids"].numel() + batch["labels"].numel()
    run.seconds, run.cpu = time.perf_counter() - start, time.process_time() - cpu
    c = counters()
    run.examples, run.input_tokens, run.target_tokens = c.examples, c.input_tokens, c.target_tokens
    return run


# ------------------------------------------------------------------ baseline way


def prompt_config(dataset: str) -> flan_datasets.PromptDataset:
    """The built-in FLAN dataset config named ``dataset``."""
    for cfg in flan_datasets.DATASETS:
        if cfg.name == dataset:
            return cfg
    raise ValueError(f"the baseline knows only the built-in FLAN datasets, not {dataset!r}")


def python_fields(cfg: flan_datasets.PromptDataset, ex: dict) -> Dict[str, str]:
    """What ``cfg.formatter`` computes, in plain Python, for label-as-option datasets.

    ``{"premise": "A.", "hypothesis": "B.", "label": 1}`` (RTE, options yes/no) ->
    ``{"premise": "A.", "hypothesis": "B.", "answer": "no",
    "options_": "OPTIONS:\\n- yes\\n- no"}``.
    """
    label = ex["label"]
    if cfg.formatter is flan_datasets.format_stsb:
        # tf.round and Python's round both round half to even.
        answer = str(int(round(label))) if label >= 0 else ""
    elif cfg.options and cfg.formatter.__qualname__.startswith("with_label"):
        answer = cfg.options[int(label)] if label >= 0 else ""
    else:
        raise ValueError(f"the baseline has no plain-Python formatter for {cfg.name}")
    fields = {name: ex[name] for name in cfg.fields}
    fields["answer"] = answer
    if cfg.options:
        fields["options_"] = OPTIONS_HEADER + "\n- " + "\n- ".join(cfg.options)
    return fields


def load_raw_tables(names: Sequence[str]) -> Dict[str, "object"]:
    """dataset -> ``datasets.Dataset`` of its TFDS train examples (strings decoded)."""
    import datasets as hf_datasets
    hf_datasets.disable_progress_bars()
    tables = {}
    for name in names:
        info = prompts.PROMPT_TASKS[name]
        if info.dataset in tables:
            continue
        cfg = prompt_config(info.dataset)
        source = seqio.get_mixture_or_task(name).source
        rows = []
        for ex in source.get_dataset("train", shuffle=False).as_numpy_iterator():
            row = {k: (v.decode("utf-8") if isinstance(v, bytes) else v.item())
                   for k, v in ex.items() if k in cfg.fields or k == "label"}
            rows.append(row)
        tables[info.dataset] = hf_datasets.Dataset.from_list(rows)
    return tables


def format_batch(batch: Dict[str, list], cfg, task_templates) -> Dict[str, list]:
    """A batched ``Dataset.map`` function: every example under each of its templates."""
    out = {"task": [], "inputs": [], "targets": []}
    for i in range(len(batch["label"])):
        fields = python_fields(cfg, {k: v[i] for k, v in batch.items()})
        for task, (inputs, targets) in task_templates:
            out["task"].append(task)
            out["inputs"].append(inputs.format(**fields))
            out["targets"].append(targets.format(**fields))
    return out


def format_epoch(tables: Dict[str, "object"], names: Sequence[str]):
    """One epoch of the mixture as formatted text (one ``map`` per dataset)."""
    import datasets as hf_datasets
    by_dataset: Dict[str, list] = {}
    for name in names:
        info = prompts.PROMPT_TASKS[name]
        cfg = prompt_config(info.dataset)
        template = flan_templates.PATTERNS[cfg.templates or cfg.name][info.template_idx]
        by_dataset.setdefault(info.dataset, []).append((name, template))
    parts = []
    for dataset, task_templates in by_dataset.items():
        table = tables[dataset]
        # An explicit fingerprint spares datasets from hashing the function and its
        # arguments with dill (0.1 s a call here): the baseline gets the benefit.
        parts.append(table.map(
            format_batch, batched=True, remove_columns=table.column_names,
            fn_kwargs={"cfg": prompt_config(dataset), "task_templates": task_templates},
            new_fingerprint=f"data_bench-{dataset}-{len(task_templates)}"))
    return hf_datasets.concatenate_datasets(parts)


def baseline_batches(tables, names, tokenizer, n: int, args) -> Iterator[Dict[str, torch.Tensor]]:
    """Formatted text, shuffled per epoch, tokenised and padded one batch at a time."""
    epoch = format_epoch(tables, names)
    size = len(epoch)
    rng = np.random.default_rng(args.seed)
    order = np.concatenate([rng.permutation(size) for _ in range(math.ceil(n / size))])[:n]
    for start in range(0, n, args.batch_size):
        rows = epoch[order[start:start + args.batch_size]]
        enc = tokenizer(rows["inputs"], max_length=args.max_source_length, truncation=True,
                        padding="longest", return_tensors="pt")
        labels = tokenizer(text_target=rows["targets"], max_length=args.max_target_length,
                           truncation=True, padding="longest", return_tensors="pt")["input_ids"]
        labels = labels.masked_fill(labels == tokenizer.pad_token_id, LABEL_PAD)
        yield {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
               "labels": labels}


def time_baseline(tables, names, tokenizer, n: int, args) -> Run:
    """One timed run of the baseline over ``n`` examples."""
    run = Run("baseline")
    cpu, start = time.process_time(), time.perf_counter()
    for batch in baseline_batches(tables, names, tokenizer, n, args):
        if not run.batches:
            run.startup = time.perf_counter() - start
        run.batches += 1
        run.examples += int(batch["input_ids"].shape[0])
        run.input_tokens += int(batch["attention_mask"].sum())
        run.target_tokens += int((batch["labels"] != LABEL_PAD).sum())
        run.padded_tokens += batch["input_ids"].numel() + batch["labels"].numel()
    run.seconds, run.cpu = time.perf_counter() - start, time.process_time() - cpu
    return run


def load_tokenizer(path: str):
    """``T5TokenizerFast`` of a folder holding ``spiece.model`` (or of the file's folder)."""
    import transformers
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    return transformers.T5TokenizerFast.from_pretrained(folder)


def check_baseline(tables, names, tokenizer, per_task: int = 2) -> str:
    """How many sampled examples the baseline renders and tokenises as seqio does."""
    epoch = format_epoch(tables, names)
    want: Dict[str, List[Tuple[str, str]]] = {}
    for row in epoch:
        if len(want.setdefault(row["task"], [])) < per_task:
            want[row["task"]].append((row["inputs"], row["targets"]))
    texts = ids = total = 0
    for name in names:
        task = seqio.get_mixture_or_task(name)
        ds = task.preprocess_precache(task.source.get_dataset("train", shuffle=False))
        for (inputs, targets), ex in zip(want[name], ds.take(per_task).as_numpy_iterator()):
            total += 1
            texts += (inputs == ex["inputs_pretokenized"].decode()
                      and targets == ex["targets_pretokenized"].decode())
            eos = tokenizer.eos_token_id
            ids += (tokenizer(inputs)["input_ids"] == list(ex["inputs"]) + [eos]
                    and tokenizer(targets)["input_ids"] == list(ex["targets"]) + [eos])
    return (f"baseline check: {texts}/{total} sampled examples render the same text as "
            f"seqio, {ids}/{total} tokenise to the same ids")


# ------------------------------------------------------------------ profiling


def profile_way(way: str, run_fn: Callable[[], Run], top: int) -> str:
    """cProfile of one run: the Python functions with the most cumulative time.

    For the streams most of it is building the pipelines (tracing every task's map
    functions); time inside tf.data's C++ threads shows as ``iterator_get_next``.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    run = run_fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    body = "\n".join(line for line in out.getvalue().splitlines()
                     if line.strip() and "function calls" not in line
                     and "Ordered by" not in line and "List reduced" not in line)
    return (f"--- cProfile {way}: {run.examples} examples in {run.seconds:.2f}s "
            f"(cumulative, top {top}) ---\n{body}")


def _timed(fn: Callable[[], object]) -> Tuple[object, float, float]:
    cpu, start = time.process_time(), time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start, time.process_time() - cpu


def stage_times(provider: str, use_cached: bool, n: int, epochs: int, args) -> str:
    """The stream's stages one by one (wall and CPU seconds): building the tf.data
    pipeline, starting its iterator up to the first batch, the remaining batches."""
    way = "cached" if use_cached else "uncached"
    cfg = train_config(provider, use_cached, n, epochs, args)
    stream = build_stream(cfg, batch_size=args.batch_size)
    ds, build_s, build_cpu = _timed(lambda: stream.batched(trainer_data.get_split(cfg)))
    iterator = ds.as_numpy_iterator()
    first, first_s, first_cpu = _timed(lambda: next(iterator))
    count, rest_s, rest_cpu = _timed(lambda: int(first["input_ids"].shape[0]) + sum(
        int(b["input_ids"].shape[0]) for b in iterator))
    total = build_s + first_s + rest_s
    return (f"--- stages {way} ({count} examples, {count / total:,.0f} examples/s) ---\n"
            f"  build the pipeline (get_split + batching): {build_s:6.2f}s wall "
            f"{build_cpu:6.2f}s CPU\n"
            f"  start the iterator, first batch:           {first_s:6.2f}s wall "
            f"{first_cpu:6.2f}s CPU\n"
            f"  the other batches:                         {rest_s:6.2f}s wall "
            f"{rest_cpu:6.2f}s CPU ({count / rest_s:,.0f} examples/s)")


def flat_cached_reader(names: Sequence[str], cache_dir: str, n: int, epochs: int,
                       args) -> str:
    """Diagnostic, not a way: the same cached records read as ONE tf.data pipeline.

    All tasks' cache shards in one ``TFRecordDataset``, EOS appended, cached in memory,
    repeated, shuffled globally and batched by the same ``Seq2SeqStream.batched``: no
    per-task pipelines and no ``sample_from_datasets``. With rates proportional to
    example counts (no cap reached, as on the demo data) a global shuffle mixes the
    tasks in the same proportions. It prices the per-task mixing of ``get_split``.
    """
    import glob
    files = sorted(f for name in names for f in glob.glob(os.path.join(
        os.path.abspath(cache_dir), seqio.get_task_dir_from_name(name), "train.tfrecord-*")))
    features = {k: tf.io.VarLenFeature(tf.int64) for k in ("inputs", "targets")}

    def parse(record):
        ex = tf.io.parse_single_example(record, features)
        return {k: tf.concat([tf.cast(v.values, tf.int32), [1]], 0) for k, v in ex.items()}

    stream = build_stream(StreamConfig(names[0], "train",
                                       max_source_length=args.max_source_length,
                                       max_target_length=args.max_target_length),
                          batch_size=args.batch_size)

    def build():
        ds = tf.data.TFRecordDataset(files).map(parse, num_parallel_calls=tf.data.AUTOTUNE)
        ds = ds.cache().repeat(epochs).shuffle(10_000, seed=args.seed).take(n)
        return stream.batched(ds)

    ds, build_s, build_cpu = _timed(build)
    count, run_s, run_cpu = _timed(lambda: sum(int(b["input_ids"].shape[0])
                                               for b in ds.as_numpy_iterator()))
    total = build_s + run_s
    return (f"--- diagnostic: cached records of {len(names)} tasks ({len(files)} shards) "
            f"as one flat tf.data pipeline ---\n"
            f"  {count} examples in {total:.2f}s wall, {build_cpu + run_cpu:.2f}s CPU: "
            f"{count / total:,.0f} examples/s")


# ------------------------------------------------------------------ report


def median_run(runs: Sequence[Run]) -> Dict[str, float]:
    """Medians of one way's rounds, figure by figure."""
    def med(fn):
        return statistics.median(fn(r) for r in runs)
    return {"examples_per_s": med(lambda r: r.examples_per_s),
            "tokens_per_s": med(lambda r: r.tokens_per_s),
            "steady_tokens_per_s": med(lambda r: r.steady_tokens_per_s),
            "startup": med(lambda r: r.startup), "seconds": med(lambda r: r.seconds),
            "cpu_ms_per_example": med(lambda r: 1000 * r.cpu / max(r.examples, 1)),
            "tokens_per_example": med(lambda r: r.tokens / max(r.examples, 1)),
            "pad_fraction": med(lambda r: 1 - r.tokens / max(r.padded_tokens, 1))}


def report(results: Dict[str, List[Run]]) -> Tuple[List[str], Dict[str, float]]:
    """The table of medians and the ratio lines; also returns the ratios."""
    med = {way: median_run(runs) for way, runs in results.items()}
    lines = [f"{'way':<9} {'examples/s':>10} {'tokens/s':>9} {'steady tok/s':>12} "
             f"{'start-up s':>10} {'total s':>7} {'CPU ms/ex':>9} {'tok/ex':>6} {'pad %':>5}"]
    for way, m in med.items():
        lines.append(f"{way:<9} {m['examples_per_s']:>10,.0f} {m['tokens_per_s']:>9,.0f} "
                     f"{m['steady_tokens_per_s']:>12,.0f} {m['startup']:>10.2f} "
                     f"{m['seconds']:>7.2f} {m['cpu_ms_per_example']:>9.3f} "
                     f"{m['tokens_per_example']:>6.1f} {100 * m['pad_fraction']:>5.1f}")
    ratios = {}
    for name, target in TARGETS.items():
        top, bottom = name.split("/")
        if top in med and bottom in med and med[bottom]["tokens_per_s"]:
            ratio = med[top]["tokens_per_s"] / med[bottom]["tokens_per_s"]
            steady = (med[top]["steady_tokens_per_s"] / med[bottom]["steady_tokens_per_s"]
                      if med[bottom]["steady_tokens_per_s"] else 0.0)
            ratios[name] = ratio
            verdict = "met" if ratio >= target else "NOT met"
            lines.append(f"{name}: {ratio:.2f}x tokens/s (target >= {target:g}x: {verdict}; "
                         f"after start-up {steady:.2f}x)")
    return lines, ratios


def parse_args(argv: Optional[Sequence[str]] = None):
    """The command line (``--tiny`` sets the smoke-test sizes)."""
    parser = argparse.ArgumentParser(
        prog="python bench/data_bench.py",
        description="examples/s and tokens/s into torch batches: uncached stream, cached "
                    "stream, HF datasets + T5TokenizerFast baseline")
    parser.add_argument("--tasks", default=f"glue_mix.flan:{PER_TEMPLATE}",
                        help="a mixture, MIXTURE:per_template (the template tasks its "
                             "per-dataset members draw from), or comma-separated task "
                             "names/regexes (FLAN style)")
    parser.add_argument("--num_examples", type=int, default=20_000,
                        help="examples each way delivers per run (epochs repeat as needed)")
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds (medians)")
    parser.add_argument("--warmup", type=int, default=1_000,
                        help="examples of one untimed warm-up run per way (0: none)")
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--max_source_length", type=int, default=512)
    parser.add_argument("--max_target_length", type=int, default=64)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--ways", default=",".join(WAYS), help="subset of " + ",".join(WAYS))
    parser.add_argument("--cache_dir", default=DEFAULT_CACHE_DIR,
                        help="seqio cache to read (built here when missing)")
    parser.add_argument("--cache_workers", type=int, default=1,
                        help="--num_workers of the cache build")
    parser.add_argument("--min_shards", type=int, default=None,
                        help="--min_shards of the cache build (default: by split size)")
    parser.add_argument("--seqio_cache_read", action="store_true",
                        help="cached way: read through seqio's per-task pipelines "
                             "(trainer.data.DIRECT_CACHE_READ = False) instead of directly")
    parser.add_argument("--tokenizer", default=str(paths.DEMO_VOCAB_DIR),
                        help="folder (or spiece.model) for the baseline's T5TokenizerFast")
    parser.add_argument("--profile", action="store_true",
                        help="profile every way (default: only when a target is missed)")
    parser.add_argument("--no_profile", action="store_true", help="never profile")
    parser.add_argument("--profile_top", type=int, default=15)
    parser.add_argument("--out", default=DEFAULT_OUT, help="report file ('' for none)")
    parser.add_argument("--tiny", action="store_true",
                        help=f"smoke-test size: tasks {TINY_TASKS}, 96 examples, 1 round, "
                             "a 2-shard cache built in process, no profiling")
    args = parser.parse_args(argv)
    if args.tiny:
        args.tasks, args.num_examples, args.repeats, args.warmup = TINY_TASKS, 96, 1, 0
        args.min_shards, args.cache_workers, args.no_profile = 2, 1, True
    args.ways = [w.strip() for w in args.ways.split(",") if w.strip()]
    unknown = set(args.ways) - set(WAYS)
    if unknown:
        parser.error(f"unknown --ways {sorted(unknown)}; choose from {', '.join(WAYS)}")
    return args


def environment() -> str:
    """One line: machine, load and library versions (numbers depend on all three)."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    import datasets as hf_datasets
    import transformers
    return (f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
            f"{' '.join(f'{x:.2f}' for x in load)}; tensorflow {tf.__version__}, torch "
            f"{torch.__version__}, seqio {seqio.__version__}, transformers "
            f"{transformers.__version__}, datasets {hf_datasets.__version__}; "
            f"TOKENIZERS_PARALLELISM={os.environ.get('TOKENIZERS_PARALLELISM')}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the benchmark; prints the report and writes it to ``--out``."""
    args = parse_args(argv)
    for name in ("absl", "tensorflow"):
        logging.getLogger(name).setLevel(logging.ERROR)
    lines: List[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    provider, names = resolve_provider(args.tasks)
    say(f"data_bench: {args.tasks} train ({len(names)} tasks), {args.num_examples} examples "
        f"per way and round, batch {args.batch_size}, max_source_length "
        f"{args.max_source_length}, max_target_length {args.max_target_length}, "
        f"{args.repeats} round(s), seed {args.seed}")
    given = list(argv if argv is not None else sys.argv[1:])
    say(" ".join(["command: python bench/data_bench.py"] + given))
    if "cached" in args.ways:
        say(ensure_cache(args.tasks, names, args.cache_dir, args.cache_workers,
                         args.min_shards))
        trainer_data.DIRECT_CACHE_READ = not args.seqio_cache_read
        say(cache_read(provider))
    mixture = seqio.get_mixture_or_task(provider)
    epoch_size = sum(t.num_input_examples("train") for t in mixture.tasks)
    epochs = math.ceil(args.num_examples / epoch_size)
    say(f"epoch: {epoch_size} examples; {epochs} epoch(s) for {args.num_examples} examples")
    say(environment())

    def stream_runner(way: str) -> Callable[[int], Run]:
        return lambda n: time_stream(way, provider, n, math.ceil(n / epoch_size), args)

    runners: Dict[str, Callable[[int], Run]] = {
        way: stream_runner(way) for way in ("uncached", "cached") if way in args.ways}
    if "baseline" in args.ways:
        start = time.perf_counter()
        tables = load_raw_tables(names)
        tokenizer = load_tokenizer(args.tokenizer)
        say(f"baseline setup (untimed): {sum(len(t) for t in tables.values())} TFDS examples "
            f"in {len(tables)} datasets.Dataset tables, {type(tokenizer).__name__}, "
            f"{time.perf_counter() - start:.1f}s")
        say(check_baseline(tables, names, tokenizer))
        runners["baseline"] = lambda n: time_baseline(tables, names, tokenizer, n, args)
    order = [w for w in WAYS if w in runners]

    if args.warmup:
        for way in order:
            runners[way](min(args.warmup, args.num_examples))
    results: Dict[str, List[Run]] = {w: [] for w in order}
    for round_ in range(args.repeats):
        rotated = order[round_ % len(order):] + order[:round_ % len(order)]
        for way in rotated:
            run = runners[way](args.num_examples)
            results[way].append(run)
            say(f"round {round_ + 1} {way:<9} {run.examples} examples {run.tokens} tokens "
                f"{run.seconds:7.2f}s ({run.examples_per_s:,.0f} examples/s, "
                f"{run.tokens_per_s:,.0f} tokens/s, first batch {run.startup:.2f}s)")
    say()
    say(f"medians over {args.repeats} round(s):")
    table, ratios = report(results)
    for line in table:
        say(line)

    missed = [name for name, r in ratios.items() if r < TARGETS[name]]
    if not args.no_profile and (args.profile or missed):
        profiled = set(order) if args.profile else {w for m in missed for w in m.split("/")}
        n = max(args.num_examples // 3, args.batch_size)
        say()
        say(f"where the time goes ({n} examples per way"
            + (f"; missed: {', '.join(missed)}" if missed else "") + "):")
        epochs_n = math.ceil(n / epoch_size)
        for way in (w for w in order if w in profiled):
            if way != "baseline":
                say(stage_times(provider, way == "cached", n, epochs_n, args))
            if way == "cached":
                say(flat_cached_reader(names, args.cache_dir, n, epochs_n, args))
            say(profile_way(way, functools.partial(runners[way], n), args.profile_top))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
