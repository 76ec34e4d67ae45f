"""FLAN-scale data-path benchmark: per-dataset against per-template tasks on real-size data.

    python -m caches.demo --scale full --out RAW --max_examples 100000
    python -m caches.build_tfds --raw_dir RAW --data_dir TFDS --num_shards 4
    python bench/scale_bench.py --tfds_data_dir TFDS --work_dir WORK
    python bench/scale_bench.py --tiny        # smoke test: demo data, a few hundred examples

Streams, each the trainer's own (``trainer.stream.build_stream`` over the train split,
shard 0 of 1, shuffled, repeating, batch 32, lengths 512/64), for three sizes of mixture
and two task families:

* **single**: one dataset (``--single``, MNLI matched by default);
* **ten**: ``glue_mix.flan``'s 10 datasets;
* **all**: every FLAN dataset with a train split, at FLAN's rates (min(train, 3000));
* family **per-dataset** (``<d>_10templates``, what the ``.flan`` mixtures train on:
  one pipeline per dataset) and **per-template** (the ``<d>_type_<i>`` answer-template
  tasks the per-dataset ones draw from: one pipeline per template).

Each stream runs uncached and cached (the seqio cache that ``caches.cache_tasks`` builds
here; per-template streams run cached for ``single`` only: caching every template task
of every dataset copies each dataset ~8 times). Per stream: build time (registry to a
stream object), time to the first batch, examples/s over ``--num_examples`` examples
after the first batch (``--per_template_all_examples`` for the slow per-template ``all``),
and peak RSS; each runs in a fresh process (``--worker``) so its peak RSS is its own.

Also: cache build time for 1, 20 and all per-dataset tasks (each a fresh
``python -m caches.cache_tasks`` into its own folder), and, with 2 data-parallel ranks,
the records each rank reads from storage against its share
(``trainer.data.SplitPlan.records_read``) and the examples it delivers in one pass.

The report (printed, and written to ``--out``) is the table and the ratio lines of the
targets: all/single examples/s >= 0.5x and first batch <= 5x (uncached and cached),
cache 20/1 <= 3x, peak RSS of the all-datasets stream <= 4 GB, records read per rank
<= 1.5x its share.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

DEFAULT_OUT = os.path.join(ROOT, "bench", "results", "scale_bench.txt")
MIX = "scale_bench_mix"
SIZES = ("single", "ten", "all")
FAMILIES = ("per-dataset", "per-template")
# Targets (issue: FLAN at real scale).
MIN_RATE_RATIO, MAX_FIRST_BATCH_RATIO = 0.5, 5.0
MAX_CACHE_RATIO, MAX_RSS_GB, MAX_READ_RATIO = 3.0, 4.0, 1.5


# ------------------------------------------------------------------ registry side

def setup(args) -> None:
    """Every task and mixture, the data dir and the cache folder to read."""
    from mixtures.setup import setup_registry
    cache_dir = args.cache_dir if args.cache_dir and os.path.isdir(args.cache_dir) else None
    setup_registry(tfds_data_dir=args.tfds_data_dir, cache_dir=cache_dir,
                   env_cache_dirs=False)


def dataset_tasks(size: str, single: str) -> List[str]:
    """The per-dataset tasks of a mixture size."""
    import seqio
    from tasks.flan import datasets as flan_datasets
    from tasks.names import dataset_task_name
    if size == "single":
        return [single]
    if size == "ten":
        return [t.name for t in seqio.get_mixture_or_task("glue_mix.flan").tasks]
    names = [dataset_task_name(cfg.name) for cfg in flan_datasets.DATASETS]
    return [n for n in names if "train" in seqio.get_mixture_or_task(n).splits]


def template_tasks(names: Sequence[str]) -> List[str]:
    """The answer-template tasks that per-dataset tasks draw from."""
    from tasks import prompts
    return [t for n in names for t in prompts.template_tasks(n, scored_only=True)]


def register_mixture(names: Sequence[str]) -> str:
    """One task as itself; several as ``MIX`` with FLAN's rates."""
    import functools
    import mixtures
    import seqio
    if len(names) == 1:
        return names[0]
    if MIX in seqio.MixtureRegistry.names():
        seqio.MixtureRegistry.remove(MIX)
    seqio.MixtureRegistry.add(MIX, list(names), default_rate=functools.partial(
        mixtures.rate_num_examples, maximum=mixtures.FLAN_CAP))
    return MIX


# ------------------------------------------------------------------ one stream (worker)

def measure_stream(spec: dict, args) -> dict:
    """Builds one stream and reads ``spec["n"]`` examples; times and peak RSS."""
    setup(args)
    from trainer.config import StreamConfig
    from trainer.stream import build_stream
    start = time.perf_counter()
    provider = register_mixture(spec["tasks"])
    cfg = StreamConfig(provider, "train", max_source_length=512, max_target_length=64,
                       seed=1, num_epochs=None, use_cached=spec["cached"])
    stream = build_stream(cfg, batch_size=args.batch_size, report_after=10 ** 12)
    built = time.perf_counter() - start
    batches = iter(stream)
    first_examples = len(next(batches)["input_ids"])
    first = time.perf_counter() - start
    examples, tokens = first_examples, 0
    while examples < spec["n"]:
        batch = next(batches)
        examples += len(batch["input_ids"])
        # Non-pad input and target tokens (EOS included), as data_bench counts them.
        tokens += int((batch["input_ids"] != 0).sum()) + int((batch["labels"] >= 0).sum())
    seconds = max(time.perf_counter() - start - first, 1e-9)
    return {"build_s": built, "first_s": first, "examples": examples,
            "eps": (examples - first_examples) / seconds, "tps": tokens / seconds,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_worker(spec: dict, args) -> dict:
    """``measure_stream`` in a fresh process (its own peak RSS), or here with --in_process."""
    if args.in_process:
        return measure_stream(spec, args)
    argv = [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec),
            "--batch_size", str(args.batch_size), "--tfds_data_dir", args.tfds_data_dir or "",
            "--cache_dir", args.cache_dir]
    done = subprocess.run(argv, capture_output=True, text=True)
    lines = [l for l in done.stdout.splitlines() if l.startswith("{")]
    if done.returncode or not lines:
        raise SystemExit(f"worker failed ({spec['label']}): {done.stderr.strip()[-2000:]}")
    return json.loads(lines[-1])


# ------------------------------------------------------------------ caches, ranks

def build_cache(names: Sequence[str], cache_dir: str, args) -> float:
    """Seconds of one ``python -m caches.cache_tasks`` job for ``names`` (train split)."""
    argv = ["--tasks", ",".join(names), "--cache_dir", cache_dir, "--splits", "train",
            "--num_workers", str(args.cache_workers)]
    if args.tfds_data_dir:
        argv += ["--tfds_data_dir", args.tfds_data_dir]
    start = time.perf_counter()
    if args.in_process:
        from caches import cache_tasks
        code = cache_tasks.main(argv)
    else:
        code = subprocess.run([sys.executable, "-m", "caches.cache_tasks", *argv],
                              cwd=ROOT, capture_output=True, text=True).returncode
    if code:
        raise SystemExit(f"cache build failed: python -m caches.cache_tasks {' '.join(argv)}")
    return time.perf_counter() - start


def rank_reads(provider_names: Sequence[str], cached: bool, args) -> List[dict]:
    """For 2 data-parallel ranks: records read from storage and examples delivered in one
    unshuffled pass, per rank."""
    import seqio
    from trainer import data
    from trainer.config import StreamConfig
    provider = register_mixture(provider_names)
    out = []
    for index in range(2):
        cfg = StreamConfig(provider, "train", shard=seqio.ShardInfo(index, 2), shuffle=False,
                           num_epochs=1, use_cached=cached)
        plan = data.plan_split(cfg)
        read, total = plan.records_read()
        delivered = sum(1 for _ in plan.dataset().as_numpy_iterator()) if plan.is_task else None
        out.append({"rank": index, "read": read, "total": total, "delivered": delivered})
    return out


# ------------------------------------------------------------------ report

def ratio_line(name: str, value: float, target: str, met: bool) -> str:
    return f"{name}: {value:.2f}x ({target}: {'met' if met else 'NOT met'})"


def report(rows: Dict[str, dict], caches: Dict[str, float], reads: Dict[str, list],
           args) -> List[str]:
    lines = [f"{'stream':38} {'build s':>8} {'first s':>8} {'examples/s':>11} "
             f"{'tokens/s':>10} {'peak RSS MB':>12}"]
    for label, r in rows.items():
        lines.append(f"{label:38} {r['build_s']:8.2f} {r['first_s']:8.2f} {r['eps']:11,.0f} "
                     f"{r.get('tps', 0):10,.0f} {r['rss_mb']:12,.0f}")
    lines.append("")
    for label, seconds in caches.items():
        lines.append(f"cache build, {label}: {seconds:.1f} s")
    for label, per_rank in reads.items():
        for r in per_rank:
            share = r["total"] / 2
            delivered = "" if r["delivered"] is None else f", delivered {r['delivered']:,}"
            lines.append(f"2 ranks, {label}, rank {r['rank']}: read {r['read']:,} of "
                         f"{r['total']:,} records ({r['read'] / share:.2f}x its share"
                         f"{delivered})")
    lines.append("")
    for way in ("uncached", "cached"):
        single, every = rows.get(f"single per-dataset {way}"), rows.get(f"all per-dataset {way}")
        if single and every:
            rate = every["eps"] / single["eps"]
            lines.append(ratio_line(f"all/single examples/s, {way}", rate,
                                    f"target >= {MIN_RATE_RATIO}x", rate >= MIN_RATE_RATIO)
                         + f"; tokens/s {every['tps'] / max(single['tps'], 1e-9):.2f}x")
            first = every["first_s"] / single["first_s"]
            lines.append(ratio_line(f"all/single first batch, {way}", first,
                                    f"target <= {MAX_FIRST_BATCH_RATIO}x",
                                    first <= MAX_FIRST_BATCH_RATIO))
    if "1 task" in caches and "20 tasks" in caches:
        c = caches["20 tasks"] / caches["1 task"]
        lines.append(ratio_line("cache 20 tasks/1 task", c, f"target <= {MAX_CACHE_RATIO}x",
                                c <= MAX_CACHE_RATIO))
    rss = max((r["rss_mb"] for label, r in rows.items() if label.startswith("all per-dataset")),
              default=None)
    if rss is not None:
        met = rss <= MAX_RSS_GB * 1024
        lines.append(f"peak RSS, all datasets: {rss / 1024:.2f} GB (target <= {MAX_RSS_GB} GB: "
                     f"{'met' if met else 'NOT met'})")
    worst = max((r["read"] / (r["total"] / 2) for rs in reads.values() for r in rs),
                default=None)
    if worst is not None:
        lines.append(ratio_line("records read per rank / share (worst)", worst,
                                f"target <= {MAX_READ_RATIO}x", worst <= MAX_READ_RATIO))
    return lines


# ------------------------------------------------------------------ main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python bench/scale_bench.py",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--tfds_data_dir", default=None,
                        help="real-size TFDS data (default: $TFDS_DATA_DIR, else the demo data)")
    parser.add_argument("--work_dir", default=None,
                        help="folder for the caches built here (default: a temporary one)")
    parser.add_argument("--single", default="mnli_matched_10templates",
                        help="the per-dataset task of the single-dataset stream")
    parser.add_argument("--num_examples", type=int, default=10_000)
    parser.add_argument("--per_template_all_examples", type=int, default=2_000)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--cache_workers", type=int, default=1)
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--no_cache", action="store_true", help="uncached streams only")
    parser.add_argument("--reuse_caches", action="store_true",
                        help="read the caches an earlier run left in --work_dir (cache "
                             "build times are then not measured)")
    parser.add_argument("--in_process", action="store_true",
                        help="no fresh process per stream (peak RSS is then the run's)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="report file ('' for none)")
    parser.add_argument("--tiny", action="store_true",
                        help="smoke test: demo data, rte only, 64 examples, in process")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cache_dir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tiny:
        args.single, args.num_examples, args.per_template_all_examples = (
            "rte_10templates", 64, 32)
        args.sizes, args.in_process = "single", True
    args.tfds_data_dir = args.tfds_data_dir or None
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(measure_stream(json.loads(args.worker), args)))
        return 0
    work = args.work_dir or tempfile.mkdtemp(prefix="scale_bench-")
    args.cache_dir = os.path.join(work, "cache-all")
    lines: List[str] = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    setup(args)
    sizes = [s for s in args.sizes.split(",") if s]
    per_dataset = {size: dataset_tasks(size, args.single) for size in sizes}
    say(f"scale_bench: data {args.tfds_data_dir or os.environ.get('TFDS_DATA_DIR') or 'demo'}; "
        + "; ".join(f"{s}: {len(v)} datasets" for s, v in per_dataset.items()))
    caches: Dict[str, float] = {}
    if args.reuse_caches:
        say(f"caches: reused from {args.cache_dir} (build times not measured)")
        setup(args)
    elif not args.no_cache:
        every = per_dataset.get("all") or per_dataset[sizes[-1]]
        caches["1 task"] = build_cache(per_dataset["single"], os.path.join(work, "c1"), args)
        say(f"cache build, 1 task: {caches['1 task']:.1f} s")
        twenty = every[:20]
        caches[f"{len(twenty)} tasks"] = build_cache(twenty, os.path.join(work, "c20"), args)
        single_template = template_tasks(per_dataset["single"])[:1]
        caches[f"all {len(every)} tasks"] = build_cache(every + single_template,
                                                        args.cache_dir, args)
        say(f"cache builds: " + ", ".join(f"{k} {v:.1f} s" for k, v in caches.items()))
        setup(args)  # the new caches
    rows: Dict[str, dict] = {}
    for size in sizes:
        for family in [f for f in args.families.split(",") if f]:
            family_names = per_dataset[size]
            if family == "per-template":
                family_names = template_tasks(family_names)
            for cached in ((False,) if args.no_cache else (False, True)):
                if cached and family == "per-template" and size != "single":
                    continue
                # Cached per-template: the one template task the cache job added.
                names = family_names[:1] if cached and family == "per-template" else family_names
                n = (args.per_template_all_examples
                     if family == "per-template" and size == "all" else args.num_examples)
                label = f"{size} {family} {'cached' if cached else 'uncached'}"
                rows[label] = run_worker({"label": label, "tasks": names, "cached": cached,
                                          "n": n}, args)
                r = rows[label]
                say(f"{label} ({len(names)} tasks, {r['examples']:,} examples): build "
                    f"{r['build_s']:.1f} s, first batch {r['first_s']:.1f} s, "
                    f"{r['eps']:,.0f} examples/s, {r['tps']:,.0f} tokens/s, "
                    f"peak RSS {r['rss_mb']:,.0f} MB")
    reads = {f"{args.single} uncached": rank_reads(per_dataset["single"], False, args)}
    if not args.no_cache:
        reads[f"{args.single} cached"] = rank_reads(per_dataset["single"], True, args)
    say()
    for line in report(rows, caches, reads, args):
        say(line)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
            json.dump({"streams": rows, "caches": caches, "reads": reads}, f, indent=1)
        print(f"(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
