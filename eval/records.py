"""The predictions file format: ``<out_dir>/predictions/<task>.jsonl``, one line per example.

The only thing that crosses from model code to scoring: ``eval.predict`` writes these
files, ``eval.score`` reads them. A line holds ``idx``, ``inputs``, ``target``,
``prediction``, for few-shot tasks ``exemplars`` (how many its input got: fewer than
asked, or 0, when its own input left no room), for ranked tasks ``options`` and
``scores``, and ``features`` (the
example's other features, which the tasks' postprocessors read when scoring). Shards
predicted on several ranks are merged back into the split's order. See README.md,
"Evaluation".
"""

from __future__ import annotations

import json
import os
from typing import Iterable, List, Mapping, Optional, Sequence

import numpy as np

PREDICTIONS_DIR = "predictions"
TEXT_KEYS = ("inputs", "targets", "inputs_pretokenized", "targets_pretokenized", "options")
EXEMPLARS_KEY = "num_exemplars"  # tasks.shots.NUM_EXEMPLARS: the feature a few-shot example carries


def predictions_dir(out_dir: str) -> str:
    """``out_dir/predictions`` (``out_dir`` itself when it already is that folder)."""
    if os.path.basename(os.path.normpath(out_dir)) == PREDICTIONS_DIR:
        return out_dir
    return os.path.join(out_dir, PREDICTIONS_DIR)


def predictions_path(out_dir: str, task_name: str) -> str:
    """``out_dir/predictions/<task>.jsonl``."""
    return os.path.join(predictions_dir(out_dir), f"{task_name}.jsonl")


def to_json(value):
    """A JSON-able copy of a numpy example value (bytes -> str, arrays -> lists)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        return [to_json(v) for v in value.tolist()] if value.dtype == object else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def example_idx(ex: Mapping):
    """The example's ``idx`` (int or dict), from ``idx`` or T5's flat ``idx/<key>``."""
    if "idx" in ex:
        return to_json(ex["idx"])
    flat = {k[len("idx/"):]: to_json(v) for k, v in ex.items() if k.startswith("idx/")}
    return flat or None


def make_record(ex: Mapping, prediction: str, options: Optional[Sequence[str]] = None,
                scores: Optional[Sequence[float]] = None) -> dict:
    """The file line of one example (see the module docstring)."""
    record = {}
    idx = example_idx(ex)
    if idx is not None:
        record["idx"] = idx
    record["inputs"] = to_json(ex["inputs_pretokenized"])
    record["target"] = to_json(ex["targets_pretokenized"])
    record["prediction"] = prediction
    if EXEMPLARS_KEY in ex:  # a few-shot input: how many exemplars it got
        record["exemplars"] = int(ex[EXEMPLARS_KEY])
    if options is not None:
        record["options"] = list(options)
        record["scores"] = [round(float(s), 6) for s in scores]
    features = {k: to_json(v) for k, v in ex.items()
                if k not in TEXT_KEYS and k != EXEMPLARS_KEY}
    if features:
        record["features"] = features
    return record


def _runs(records: Sequence[dict], by_idx: bool) -> List[List[dict]]:
    """Consecutive records with the same ``idx`` (one source example) as one run."""
    runs: List[List[dict]] = []
    last = object()
    for record in records:
        key = json.dumps(record["idx"], sort_keys=True) if by_idx and "idx" in record else None
        if runs and key is not None and key == last:
            runs[-1].append(record)
        else:
            runs.append([record])
        last = key if key is not None else object()
    return runs


def merge_shards(shards: Sequence[Sequence[dict]], by_idx: bool = True) -> List[dict]:
    """The unsharded order of strided shards: round-robin over their runs.

    Shard ``i`` of ``n`` holds source examples ``i, i+n, ...``; ``by_idx`` keeps the
    several examples a preprocessor made from one source example together (False when
    the shards were cut after such expansion, e.g. from a seqio cache).
    """
    runs = [_runs(s, by_idx) for s in shards]
    merged: List[dict] = []
    for j in range(max((len(r) for r in runs), default=0)):
        for shard_runs in runs:
            if j < len(shard_runs):
                merged.extend(shard_runs[j])
    return merged


def write_jsonl(path: str, records: Iterable[dict]) -> None:
    """Writes JSON lines atomically (a temporary file, then a rename)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
