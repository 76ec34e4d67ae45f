"""Padding of packed rows by row length: what to pass as --max_source_length /
--max_target_length with --packing.

    python bench/pack_bench.py --dataset_name glue_mix.flan \\
        --lengths 192/16,256/20,384/32,512/32,1024/64 --batches 40 --batch_size 32

For each ``inputs/targets`` pair, run.py's training stream (``trainer.inputs.
build_train_stream``, one rank, the train split) with ``packing=True`` (seqio's greedy
packing, as ``EncDecFeatureConverter(pack=True)``) and without (each batch padded to its
longest example, the ``dynamic`` way of ``bench/train_bench.py``), over the first
``--batches`` batches: examples per row, and pad %: the share of the batches' token
slots (input and target, each batch cut to its longest row) that are padding, counted
as ``train_bench`` counts it. No model runs; the few-second stream start is left out.

Rows pack greedily in stream order and a row is closed when the next example does not
fit, in its inputs or in its targets, so the padding left is about half an example per
row plus whatever the other feature's limit leaves: the targets' length should hold the
targets of as many examples as the inputs' length holds inputs. The report is printed
and written to ``--out``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import train_bench  # noqa: E402  (nothing heavy at its module level)

DEFAULT_OUT = os.path.join(ROOT, "bench", "results", "pack_bench.txt")


def parse_lengths(text: str) -> List[Tuple[int, int]]:
    """``"192/16,256/20"`` -> ``[(192, 16), (256, 20)]``."""
    pairs = []
    for item in text.split(","):
        inputs, sep, targets = item.strip().partition("/")
        if not sep or not inputs.isdigit() or not targets.isdigit():
            raise ValueError(f"--lengths: {item!r} is not INPUTS/TARGETS (e.g. 256/20)")
        pairs.append((int(inputs), int(targets)))
    return pairs


def measure(args, inputs: int, targets: int, packing: bool) -> dict:
    """Examples, non-pad tokens and token slots of the stream's first ``args.batches``."""
    from trainer import inputs as stream_inputs
    from trainer import packing as packing_lib
    from trainer.config import StreamConfig
    import seqio
    cfg = StreamConfig(args.dataset_name, "train", seqio.ShardInfo(index=0, num_shards=1),
                       max_source_length=inputs, max_target_length=targets, seed=args.seed,
                       num_epochs=None)
    stream = stream_inputs.build_train_stream(cfg, batch_size=args.batch_size, packing=packing)
    rows = examples = tokens = slots = 0
    batches = iter(stream)
    for _ in range(args.batches):
        batch = next(batches)
        rows += int(batch["input_ids"].shape[0])
        examples += packing_lib.count_examples(batch)
        tokens += train_bench.count_tokens(batch)
        slots += batch["input_ids"].numel() + batch["labels"].numel()
    return {"rows": rows, "examples": examples, "tokens": tokens, "slots": slots}


def pad_pct(result: dict) -> float:
    return 100.0 * (1 - result["tokens"] / max(result["slots"], 1))


def parse_args(argv: Optional[Sequence[str]] = None):
    parser = argparse.ArgumentParser(
        prog="python bench/pack_bench.py",
        description="pad % and examples per row of packed rows, by row length")
    parser.add_argument("--dataset_name", default="glue_mix.flan",
                        help="registered task or mixture (its train split)")
    parser.add_argument("--lengths", default="192/16,256/20,384/32,512/32,1024/64",
                        help="comma-separated INPUTS/TARGETS row lengths")
    parser.add_argument("--batches", type=int, default=40, help="batches read per stream")
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cache_dir", default=None,
                        help="seqio cache folder (also $SEQIO_CACHE_DIR)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="report file ('' for none)")
    args = parser.parse_args(argv)
    try:
        args.lengths = parse_lengths(args.lengths)
    except ValueError as err:
        parser.error(str(err))
    if args.batches < 1 or args.batch_size < 1:
        parser.error("--batches and --batch_size must be at least 1")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    bench_args = train_bench.parse_args(["--dataset_name", args.dataset_name,
                                         "--seed", str(args.seed)]
                                        + (["--cache_dir", args.cache_dir]
                                           if args.cache_dir else []))
    train_bench.register(bench_args)
    lines = [f"pack_bench: {args.dataset_name} train, seed {args.seed}, first {args.batches} "
             f"batches of {args.batch_size} rows per stream; pad % over input + target "
             "slots, each batch cut to its longest row",
             f"{'inputs/targets':>14} {'dynamic pad %':>13} {'packed pad %':>12} "
             f"{'examples/row':>12}"]
    print(lines[0], flush=True)
    print(lines[1], flush=True)
    for inputs, targets in args.lengths:
        dynamic = measure(args, inputs, targets, packing=False)
        packed = measure(args, inputs, targets, packing=True)
        line = (f"{f'{inputs}/{targets}':>14} {pad_pct(dynamic):13.1f} {pad_pct(packed):12.1f} "
                f"{packed['examples'] / packed['rows']:12.1f}")
        lines.append(line)
        print(line, flush=True)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
