"""Helpers every demo generator uses: seeded randomness, split drawing, file writers.

Output is deterministic: one seeded ``random.Random`` per dataset (``seeded_rng``),
lists (never sets) for iteration, JSON keys in upstream order, LF line endings.
"""

from __future__ import annotations

import json
import pathlib
import random
from typing import Callable, Iterable, Optional, Sequence


SEED = "seqio-lite-demo-v1"

# Examples per split for the classification datasets (test rows carry no label).
N_TRAIN, N_VAL, N_TEST = 40, 10, 10


def seeded_rng(name: str) -> random.Random:
    """A generator seeded from the dataset's name (stable across runs and hosts)."""
    return random.Random(f"{SEED}/{name}")


def cap(text: str) -> str:
    """Upper-cases the first character only."""
    return text[:1].upper() + text[1:]


def _draw(rng: random.Random, n: int, labels: Sequence, make: Callable,
          seen: Optional[set]) -> list:
    """``n`` new (label, example) pairs, labels dealt round-robin, then shuffled.

    ``make(rng, label)`` builds one random example; ``seen`` (shared by the splits of a
    dataset) rejects repeats so no example appears in two splits; None allows repeats
    (the full scale: more examples than the word pools can make distinct).
    """
    if seen is None:
        out = [(labels[i % len(labels)], make(rng, labels[i % len(labels)]))
               for i in range(n)]
        rng.shuffle(out)
        return out
    out = []
    for _ in range(n * 200):  # combinatorial pools are large: this never runs dry
        if len(out) == n:
            break
        label = labels[len(out) % len(labels)]
        example = make(rng, label)
        key = json.dumps(example, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        out.append((label, example))
    if len(out) != n:
        raise RuntimeError(f"pool too small for {n} examples")
    rng.shuffle(out)
    return out


def draw_splits(name: str, labels: Sequence, make: Callable,
                 sizes: Sequence[int] = (N_TRAIN, N_VAL, N_TEST),
                 unique: bool = True) -> list[list]:
    """Disjoint, label-balanced draws for each split size (``unique=False``: repeats
    allowed). Generators call ``caches.demo.scale.draw_splits``, which applies the
    full scale's sizes and lengths first."""
    rng, seen = seeded_rng(name), (set() if unique else None)
    return [_draw(rng, n, labels, make, seen) for n in sizes]


def write_jsonl(path: pathlib.Path, rows: Iterable[dict]) -> None:
    """One JSON object a line (keys in the order given), UTF-8, LF endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


def write_tsv(path: pathlib.Path, header: Sequence[str] | None, rows: Iterable[Sequence],
               bom: bool = False) -> None:
    """Tab-separated rows, unquoted (the GLUE builders read with ``QUOTE_NONE``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header] if header else []
    lines += [[str(cell) for cell in row] for row in rows]
    for line in lines:
        for cell in line:
            if "\t" in cell or "\n" in cell:
                raise ValueError(f"cell breaks the TSV format: {cell!r}")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(("\ufeff" if bom else "") + "".join("\t".join(l) + "\n" for l in lines))


def split_groups(name: str, groups: list, n_val: int, n_test: int) -> list[list]:
    """Shuffles hand-written groups and cuts them into train / val / test."""
    groups = list(groups)
    seeded_rng(name).shuffle(groups)
    return [groups[n_val + n_test:], groups[:n_val], groups[n_val:n_val + n_test]]
