"""The official SuperGLUE metrics, as pure functions ``fn(targets, predictions) -> dict``.

Scores are percentages; each task's leaderboard score is the mean of its metrics, and
the SuperGLUE score the mean over the eight tasks.

See docs/evaluation.md, "Official metrics"."""

from __future__ import annotations

import collections
import re
import string
from typing import Dict, Hashable, Mapping, Sequence

CB_CLASSES = (0, 1, 2)
TASK_METRICS = {
    "BoolQ": ("accuracy",), "CB": ("accuracy", "macro_f1"), "COPA": ("accuracy",),
    "MultiRC": ("f1a", "em"), "ReCoRD": ("f1", "em"), "RTE": ("accuracy",),
    "WiC": ("accuracy",), "WSC": ("accuracy",),
}
AVERAGED_TASKS = tuple(TASK_METRICS)
_PUNCTUATION = frozenset(string.punctuation)


def accuracy(targets: Sequence, predictions: Sequence) -> Dict[str, float]:
    """``accuracy([0, 1], [0, 0]) == {"accuracy": 50.0}``."""
    if not targets:
        return {"accuracy": 0.0}
    return {"accuracy": 100.0 * sum(t == p for t, p in zip(targets, predictions)) / len(targets)}


def _f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2.0 * tp / (2 * tp + fp + fn)


def cb_metrics(targets: Sequence[int], predictions: Sequence[int]) -> Dict[str, float]:
    """Accuracy and the unweighted mean of the per-class F1 of CB's classes 0, 1, 2.

    A prediction outside the classes counts as wrong for every class.
    """
    f1s = []
    for c in CB_CLASSES:
        tp = sum(t == c and p == c for t, p in zip(targets, predictions))
        fp = sum(t != c and p == c for t, p in zip(targets, predictions))
        fn = sum(t == c and p != c for t, p in zip(targets, predictions))
        f1s.append(_f1(tp, fp, fn))
    return {**accuracy(targets, predictions), "macro_f1": 100.0 * sum(f1s) / len(f1s)}


def multirc_metrics(targets: Sequence[Mapping], predictions: Sequence[int]) -> Dict[str, float]:
    """F1a over all answers and per-question exact match.

    ``targets[i] = {"question": <hashable question key>, "label": 0 or 1}`` for answer
    option ``i``; ``predictions[i]`` is its predicted 0/1.
    """
    labels = [int(t["label"]) for t in targets]
    preds = [int(p) for p in predictions]
    tp = sum(t == 1 and p == 1 for t, p in zip(labels, preds))
    fp = sum(t != 1 and p == 1 for t, p in zip(labels, preds))
    fn = sum(t == 1 and p != 1 for t, p in zip(labels, preds))
    by_question: Dict[Hashable, bool] = collections.OrderedDict()
    for target, label, pred in zip(targets, labels, preds):
        key = target["question"]
        by_question[key] = by_question.get(key, True) and label == pred
    em = sum(by_question.values()) / len(by_question) if by_question else 0.0
    return {"f1a": 100.0 * _f1(tp, fp, fn), "em": 100.0 * em}


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: ``"The  Cat!" -> "cat"``."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def token_f1(prediction: str, gold: str) -> float:
    """Token-overlap F1 of two normalised strings (0..1)."""
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    common = collections.Counter(pred_tokens) & collections.Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def record_metrics(targets: Sequence[Sequence[str]], predictions: Sequence[str]) -> Dict[str, float]:
    """Mean over queries of the best F1 and exact match against any gold answer.

    ``targets[i]`` lists query ``i``'s gold answers; ``predictions[i]`` is its answer.
    """
    if not targets:
        return {"f1": 0.0, "em": 0.0}
    f1 = em = 0.0
    for answers, prediction in zip(targets, predictions):
        answers = list(answers) or [""]
        f1 += max(token_f1(prediction, a) for a in answers)
        em += max(float(normalize_answer(prediction) == normalize_answer(a)) for a in answers)
    return {"f1": 100.0 * f1 / len(targets), "em": 100.0 * em / len(targets)}


def task_score(metrics: Mapping[str, float]) -> float:
    """A task's leaderboard score: the mean of its metrics."""
    return sum(metrics.values()) / len(metrics)


def superglue_average(task_scores: Mapping[str, float]) -> float:
    """The SuperGLUE score: the mean of the eight tasks' scores (all must be present)."""
    missing = [t for t in AVERAGED_TASKS if t not in task_scores]
    if missing:
        raise ValueError(f"SuperGLUE average needs all 8 tasks; missing {', '.join(missing)}")
    return sum(task_scores[t] for t in AVERAGED_TASKS) / len(AVERAGED_TASKS)
