"""Scoring prediction files with the tasks' own postprocessors and metric functions.

``score_dir(dir)`` does what seqio's evaluator does, on ``predictions/<task>.jsonl``, and
writes ``metrics.json`` (``{task: {metric: value}}``); the tasks must be registered.
See docs/evaluation.md, "Scoring".
"""

from __future__ import annotations

import glob
import json
import logging
import math
import os
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

from common.errors import UserError

import numpy as np
import seqio

from eval.records import PREDICTIONS_DIR

logger = logging.getLogger(__name__)

METRICS_FILE = "metrics.json"


class ScoreError(UserError, ValueError):
    """A prediction file that cannot be scored (one line naming the file)."""


def load_predictions(path: str) -> List[dict]:
    """The JSON lines of a predictions file."""
    records = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ScoreError(f"{path}:{line_no}: not valid JSON ({e.msg})") from None
    return records


def mean_exemplars(path: str, only: Optional[Iterable[str]] = None) -> Dict[str, float]:
    """``{task: mean exemplars per input}`` over a run's few-shot prediction files (rows
    with ``exemplars``), with ``only`` as in ``score_dir``."""
    pred_dir, _ = resolve_dirs(path)
    wanted = None if only is None else set(only)
    means = {}
    for file in sorted(glob.glob(os.path.join(pred_dir, "*.jsonl"))):
        name = task_name_of(file)
        if wanted is not None and name not in wanted:
            continue
        counts = [r["exemplars"] for r in load_predictions(file) if "exemplars" in r]
        if counts:
            means[name] = sum(counts) / len(counts)
    return means


def _restore(value):
    """JSON value -> the numpy/bytes form tf.data gives (strings are bytes)."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            return np.array([v.encode("utf-8") for v in value], dtype=object)
        if all(isinstance(v, (int, float, bool)) for v in value):
            return np.array(value)
        return [_restore(v) for v in value]
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    return value


def example_from_record(record: Mapping) -> dict:
    """The seqio-like example a postprocessor sees for one file line."""
    ex = {k: _restore(v) for k, v in record.get("features", {}).items()}
    ex["inputs_pretokenized"] = record["inputs"].encode("utf-8")
    ex["targets_pretokenized"] = record["target"].encode("utf-8")
    if "options" in record:
        ex["options"] = _restore(list(record["options"]))
    return ex


def postprocess(task: seqio.Task, records: List[Mapping]) -> Tuple[list, list]:
    """``(targets, predictions)`` after ``task.postprocess_fn`` (targets: is_target=True)."""
    targets, predictions = [], []
    for record in records:
        ex = example_from_record(record)
        targets.append(task.postprocess_fn(record["target"], example=ex, is_target=True))
        predictions.append(task.postprocess_fn(record["prediction"], example=ex, is_target=False))
    return targets, predictions


def _number(value) -> Optional[float]:
    """A plain float (None for NaN/inf, which JSON cannot hold)."""
    value = getattr(value, "value", value)  # seqio metric objects carry .value
    value = float(np.asarray(value).item())
    return value if math.isfinite(value) else None


def apply_metrics(metric_fns, targets: list, predictions: list) -> Dict[str, Optional[float]]:
    """``{name: value}`` of every ``fn(targets, predictions)``, as plain floats."""
    out: Dict[str, Optional[float]] = {}
    for fn in metric_fns:
        for name, value in fn(targets, predictions).items():
            out[name] = _number(value)
    return out


def score_records(task: seqio.Task, records: List[Mapping]) -> Dict[str, float]:
    """The task's metrics on these prediction records (empty when the task has none)."""
    metric_fns = list(getattr(task, "predict_metric_fns", task.metric_fns))
    skipped = [getattr(fn, "__name__", repr(fn)) for fn in task.metric_fns if fn not in metric_fns]
    if skipped:
        logger.warning("%s: score-based metrics are not computed from prediction files: %s",
                       task.name, ", ".join(skipped))
    if not metric_fns or not records:
        return {}
    targets, predictions = postprocess(task, records)
    return apply_metrics(metric_fns, targets, predictions)


def task_name_of(path: str) -> str:
    """``.../predictions/rte_type_0.jsonl`` -> ``rte_type_0``."""
    return os.path.basename(path)[:-len(".jsonl")]


def score_file(path: str, task: Optional[seqio.Task] = None) -> Dict[str, float]:
    """Scores one predictions file with its task (named by the file, unless given)."""
    name = task_name_of(path)
    if task is None:
        if name not in seqio.TaskRegistry.names():
            raise ScoreError(f"{path}: no registered task {name!r} (import its module with "
                             "--task_modules)")
        task = seqio.get_mixture_or_task(name)
    return score_records(task, load_predictions(path))


def resolve_dirs(path: str) -> Tuple[str, str]:
    """``(folder with the .jsonl files, folder for metrics.json)`` for a run or predictions dir."""
    if not os.path.isdir(path):
        raise ScoreError(f"{path}: no such folder")
    inner = os.path.join(path, PREDICTIONS_DIR)
    if os.path.isdir(inner):
        return inner, path
    if os.path.basename(os.path.normpath(path)) == PREDICTIONS_DIR:
        return path, os.path.dirname(os.path.normpath(path)) or "."
    return path, path


def score_dir(path: str, write: bool = True,
              only: Optional[Iterable[str]] = None) -> Dict[str, Dict[str, float]]:
    """Scores every ``<task>.jsonl`` of a run folder (or predictions folder).

    Returns ``{task: {metric: value}}`` (tasks without metrics left out) and writes it
    to ``metrics.json`` beside the predictions folder when ``write``. ``only``: score
    just these tasks' files (e.g. the ones a run has just written).
    """
    pred_dir, out_dir = resolve_dirs(path)
    files = sorted(glob.glob(os.path.join(pred_dir, "*.jsonl")))
    if only is not None:
        wanted = set(only)
        files = [f for f in files if task_name_of(f) in wanted]
    if not files:
        raise ScoreError(f"{pred_dir}: no <task>.jsonl prediction files")
    results: Dict[str, Dict[str, float]] = {}
    for file in files:
        metrics = score_file(file)
        if metrics:
            results[task_name_of(file)] = metrics
    if write:
        with open(os.path.join(out_dir, METRICS_FILE), "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2, sort_keys=True)
            f.write("\n")
    return results
