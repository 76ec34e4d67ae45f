"""Pure metric functions for prompt tasks: ``fn(targets, predictions) -> dict``.

Targets and predictions are the postprocessed strings (or numbers) of one task's split.
Scores are percentages, as T5 and FLAN report them. No I/O, no state.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.stats
import sklearn.metrics
from t5.evaluation import metrics as t5_metrics


def accuracy(targets: Sequence, predictions: Sequence) -> dict:
    """Exact-match accuracy: ``accuracy(["a","b"], ["a","c"]) == {"accuracy": 50.0}``."""
    return {"accuracy": 100.0 * float(np.mean([t == p for t, p in zip(targets, predictions)]))}


def binary_f1(positive: str):
    """F1 of the ``positive`` class, with accuracy (MRPC/QQP style)."""
    def f1(targets: Sequence, predictions: Sequence) -> dict:
        t = [x == positive for x in targets]
        p = [x == positive for x in predictions]
        return {"f1": 100.0 * sklearn.metrics.f1_score(t, p, zero_division=0.0)}
    f1.__name__ = f"f1_{positive.replace(' ', '_')}"
    return f1


def macro_f1(labels: Sequence[str]):
    """Macro-averaged F1 over ``labels`` (CB style); unknown predictions count as wrong."""
    def f1(targets: Sequence, predictions: Sequence) -> dict:
        return {"macro_f1": 100.0 * sklearn.metrics.f1_score(
            targets, predictions, labels=list(labels), average="macro", zero_division=0.0)}
    f1.__name__ = "macro_f1"
    return f1


def matthews(positive: str):
    """Matthews correlation of ``positive`` vs the rest (CoLA style)."""
    def mcc(targets: Sequence, predictions: Sequence) -> dict:
        t = [x == positive for x in targets]
        p = [x == positive for x in predictions]
        return {"matthews_corrcoef": 100.0 * sklearn.metrics.matthews_corrcoef(t, p)}
    mcc.__name__ = "matthews_corrcoef"
    return mcc


def _as_float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def pearson_spearman(targets: Sequence, predictions: Sequence) -> dict:
    """Pearson and Spearman correlation of numeric strings (STS-B style).

    Unparseable predictions count as 0 so that a model that babbles is penalised
    rather than silently dropped.
    """
    t = np.array([_as_float(x) for x in targets])
    p = np.nan_to_num(np.array([_as_float(x) for x in predictions]), nan=0.0)
    if len(t) < 2 or np.std(t) == 0 or np.std(p) == 0:
        return {"pearson_corrcoef": 0.0, "spearman_corrcoef": 0.0}
    return {"pearson_corrcoef": 100.0 * scipy.stats.pearsonr(t, p)[0],
            "spearman_corrcoef": 100.0 * scipy.stats.spearmanr(t, p)[0]}


def squad(targets: Sequence, predictions: Sequence) -> dict:
    """SQuAD exact match and F1 (the official normalisation: case, punctuation,
    articles), best over a question's gold answers.

    A target is one answer string or a list of them:
    ``squad(["the Esker", ["1850", "in 1850"]], ["Esker", "1850"]) ==
    {"em": 100.0, "f1": 100.0}``.
    """
    return _floats(t5_metrics.squad(_answer_lists(targets), list(predictions)))


def _answer_lists(targets: Sequence) -> list:
    """Each target as a list of gold answers (a lone string becomes a one-item list)."""
    return [[t] if isinstance(t, str) else list(t) for t in targets]


def _floats(scores: dict) -> dict:
    return {key: float(value) for key, value in scores.items()}


def bleu(targets: Sequence, predictions: Sequence) -> dict:
    """Corpus BLEU with sacrebleu's defaults (13a tokenisation, exponential smoothing),
    as T5 and FLAN report translation: ``bleu(["a b c d"], ["a b c d"]) ==
    {"bleu": 100.0}``. A target may be a list of references (one list per example)."""
    refs = [t if isinstance(t, str) else list(t)[0] for t in targets]
    return _floats(t5_metrics.bleu(refs, list(predictions)))


def rouge(targets: Sequence, predictions: Sequence) -> dict:
    """ROUGE-1, ROUGE-2 and ROUGE-Lsum F-measures as T5 scores summarization
    (``t5.evaluation.metrics.rouge``: no stemming, summaries split into lines at " . "):
    identical texts give 100 each, "cats" against "cat" 0."""
    return _floats(t5_metrics.rouge(list(targets), list(predictions)))


def record(targets: Sequence, predictions: Sequence) -> dict:
    """ReCoRD as T5 scores it (``t5.data.glue_utils``'s metric): exact match and F1 after
    SQuAD normalisation, best over a query's gold answers, one prediction per query.
    Targets and predictions are T5's ReCoRD postprocessor's dicts (``record_postprocess``):
    ``record([{"value": ["Bo", "Bob"], "group": (0, 0)}], [{"value": "bob"}]) ==
    {"em": 100.0, "f1": 100.0}``."""
    return _floats(_T5_RECORD(list(targets), list(predictions)))


def multirc(targets: Sequence, predictions: Sequence) -> dict:
    """MultiRC as T5 scores it: F1 over every answer candidate (``f1``, the leaderboard's
    F1a) and exact match per question (``exact_match``: every candidate right), both
    from ``t5.evaluation.metrics``. Targets are ``{"value": 0/1, "group": question}``,
    predictions ``{"value": 0/1}`` (-1 for an answer that is neither)."""
    targets, predictions = list(targets), list(predictions)
    return _floats({**t5_metrics.multirc_f1_over_all_answers(targets, predictions),
                    **_T5_MULTIRC_EM(targets, predictions)})


_T5_RECORD = t5_metrics.deduplicate_metric(t5_metrics.squad)
_T5_MULTIRC_EM = t5_metrics.mean_group_metric(t5_metrics.all_match)


def closed_book_qa(targets: Sequence, predictions: Sequence) -> dict:
    """Exact match and F1 after SQuAD normalisation (case, punctuation, articles,
    whitespace), best over an example's gold answers: ``closed_book_qa([["Paris",
    "the city of Paris"]], ["paris"]) == {"em": 100.0, "f1": 100.0}``. A target is one
    answer string or a list of them."""
    return _floats(t5_metrics.trivia_qa(_answer_lists(targets), list(predictions)))
