"""Writes the project's demo raw data in the upstream SuperGLUE, GLUE and TFDS layouts.

``python -m caches.demo --out caches/demo_raw`` regenerates the committed files.

Every sentence comes from ``caches.demo``: small word pools and templates written for
the project, plus a few hand-written tables. The output is tiny (a few dozen examples a
split) but each file has the exact shape of the official archive it stands in for, so
TFDS's own builders prepare real datasets from it with no network.
"""

from __future__ import annotations

import argparse
import pathlib
from typing import Sequence

from caches.demo import (closedbook, commonsense, coref, ft, glue, nli, summarization,
                         superglue, textgen, translation)
from common.errors import cli_main

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


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m caches.demo",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="caches/demo_raw",
                        help="folder to write the demo raw tree into")
    args = parser.parse_args(argv)
    files = write_all(pathlib.Path(args.out))
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files ({size / 1024:.0f} KiB) under {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m caches.demo [--out DIR]``: writes the tree, prints a one-line summary.

    Returns the exit code; a failure is one line on stderr (``--debug`` for the traceback).
    """
    return cli_main(_run, argv)
