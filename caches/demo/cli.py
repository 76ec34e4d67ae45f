"""Writes the project's demo raw data in the upstream SuperGLUE, GLUE and TFDS layouts.

``python -m caches.demo --out caches/demo_raw`` regenerates the committed files;
``python -m caches.demo --scale full --out DIR`` writes the real datasets' split sizes
and text lengths instead (``caches/demo/scale.py``; README, "Real-size data").

Every sentence comes from ``caches.demo``: small word pools and templates written for
the project, plus a few hand-written tables. The output is tiny (a few dozen examples a
split) but each file has the exact shape of the official archive it stands in for, so
TFDS's own builders prepare real datasets from it with no network.
"""

from __future__ import annotations

import argparse
import pathlib
from typing import Sequence

from caches.demo import (closedbook, commonsense, coref, ft, glue, nli, scale, summarization,
                         superglue, textgen, translation)
from common.errors import UserError, cli_main

# Order matters only for the log: every dataset draws from its own seeded generator.
GROUPS = (ft, closedbook, translation, summarization, nli, commonsense, coref, textgen)


def write_all(out: pathlib.Path) -> list[pathlib.Path]:
    """Writes the whole demo tree under ``out``; returns the files, sorted."""
    out = pathlib.Path(out)
    superglue.write_super_glue(out / "super_glue")
    glue.write_glue(out / "glue")
    for group in GROUPS:
        group.write_all(out)
    return sorted(p for p in out.rglob("*") if p.is_file())


class ScaleError(UserError, ValueError):
    """A real-size request that cannot be written (one line, with the fix)."""


DEMO_OUT = "caches/demo_raw"


def parse_scale(name: str, max_examples: int | None, datasets: str | None) -> scale.Scale:
    """The ``Scale`` of the command line; one-line errors for a bad request."""
    if name == "demo":
        if max_examples is not None or datasets:
            raise ScaleError("--max_examples and --datasets apply to --scale full only")
        return scale.Scale()
    growable = sorted({plan.real for plan in scale.FULL.values()})
    only = None
    if datasets:
        only = frozenset(d.strip().partition(":")[0] for d in datasets.split(",") if d.strip())
        unknown = sorted(only - set(growable))
        if unknown:
            raise ScaleError(f"--datasets: no real-size plan for {', '.join(unknown)}; "
                             f"choose from {', '.join(growable)}")
    if max_examples is not None and max_examples < 1:
        raise ScaleError(f"--max_examples must be at least 1, not {max_examples}")
    return scale.Scale("full", max_examples=max_examples, only=only)


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m caches.demo",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=None,
                        help=f"folder to write the raw tree into (default {DEMO_OUT}; "
                             "required with --scale full)")
    parser.add_argument("--scale", choices=scale.SCALES, default="demo",
                        help="demo: a few dozen examples a split (the committed tree); "
                             "full: the real datasets' split sizes and text lengths")
    parser.add_argument("--max_examples", type=int, default=None,
                        help="--scale full: cap every split at N examples (WMT's 40M)")
    parser.add_argument("--datasets", default=None,
                        help="--scale full: comma-separated TFDS names to grow (default: "
                             "every dataset with a real-size plan); the rest keep demo sizes")
    args = parser.parse_args(argv)
    chosen = parse_scale(args.scale, args.max_examples, args.datasets)
    if args.out is None:
        if chosen.name == "full":
            raise ScaleError(f"--scale full needs --out DIR (not {DEMO_OUT}, the committed "
                             "demo tree)")
        args.out = DEMO_OUT
    with scale.scaled(chosen):
        files = write_all(pathlib.Path(args.out))
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files ({size / 2**20:.1f} MiB) under {args.out}")
    if chosen.name == "full":
        plans = [plan for name, plan in scale.FULL.items() if chosen.plan(name)]
        grown = {plan.real for plan in plans}
        examples = sum(sum(chosen.sizes(plan)) for plan in plans)
        print(f"real sizes for {len(grown)} datasets ({examples:,} examples"
              + (f", splits capped at {chosen.max_examples:,}" if chosen.max_examples else "")
              + "); build them with `python -m caches.build_tfds --raw_dir "
              f"{args.out} --data_dir DIR`")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m caches.demo [--out DIR]``: writes the tree, prints a one-line summary.

    Returns the exit code; a failure is one line on stderr (``--debug`` for the traceback).
    """
    return cli_main(_run, argv)
