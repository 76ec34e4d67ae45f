"""SuperGLUE leaderboard files from prediction files: labels, official lines, dev scores.

Each prediction becomes a label id (ReCoRD: an entity), joined to its source example by
``idx`` (T5 style) or by position (FLAN style); a prediction naming no label gets label 0
and is counted in ``invalid``. See docs/evaluation.md, "From predictions to labels" and
"The official format".
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from common.errors import UserError

import seqio

from eval import official
from eval.records import to_json
from tasks.tfds_versions import tfds_name
from eval.score import example_from_record

INVALID_LABEL = 0


class LeaderboardError(UserError, ValueError):
    """Predictions that cannot be turned into leaderboard files (one line)."""


@dataclasses.dataclass(frozen=True)
class BoardTask:
    """One leaderboard file: its TFDS config, label strings and tasks per style."""

    file: str  # BoolQ -> BoolQ.jsonl
    config: str  # TFDS super_glue config
    labels: Optional[Tuple]  # label id -> official label; None: free text (ReCoRD)
    t5_task: str
    flan_dataset: str  # FLAN-style dataset (its templates); AX-b/AX-g borrow RTE's
    dev: bool = True  # has a labelled validation split (not the diagnostics)

    @property
    def tfds_name(self) -> str:
        return tfds_name("super_glue", self.config)


_TF = ("false", "true")
_NLI = ("entailment", "not_entailment")
TASKS: Tuple[BoardTask, ...] = (
    BoardTask("BoolQ", "boolq", _TF, "super_glue_boolq_v102", "bool_q"),
    BoardTask("CB", "cb", ("entailment", "contradiction", "neutral"), "super_glue_cb_v102", "cb"),
    BoardTask("COPA", "copa", (0, 1), "super_glue_copa_v102", "copa"),
    BoardTask("MultiRC", "multirc", (0, 1), "super_glue_multirc_v102", "multirc"),
    BoardTask("ReCoRD", "record", None, "super_glue_record_v102", "record"),
    BoardTask("RTE", "rte", _NLI, "super_glue_rte_v102", "rte"),
    BoardTask("WiC", "wic", _TF, "super_glue_wic_v102", "wic"),
    BoardTask("WSC", "wsc.fixed", ("False", "True"), "super_glue_wsc_v102_simple_eval", "wsc"),
    BoardTask("AX-b", "axb", _NLI, "super_glue_axb_v102", "rte", dev=False),
    BoardTask("AX-g", "axg", _NLI, "super_glue_axg_v102", "rte", dev=False),
)
BY_FILE = {t.file: t for t in TASKS}


def example_key(board: BoardTask, idx) -> object:
    """The join key of an ``idx`` (int, or MultiRC's/ReCoRD's dict)."""
    if board.config == "multirc":
        return (int(idx["paragraph"]), int(idx["question"]), int(idx["answer"]))
    if board.config == "record":
        return int(idx["query"])
    return int(idx)


def read_source(board: BoardTask, split: str) -> List[dict]:
    """The TFDS split's examples in the order the tasks read them (JSON-able dicts)."""
    from tasks.sources import LocalTfdsDataSource
    source = LocalTfdsDataSource(board.tfds_name, splits=(split,))
    ds = source.get_dataset(split=split, shuffle=False)
    return [to_json(ex) for ex in ds.as_numpy_iterator()]


def predicted_label(board: BoardTask, style: str, record: Mapping,
                    task: Optional[seqio.Task] = None):
    """The label id (text for ReCoRD) a prediction record names; None if it names none."""
    prediction = record["prediction"]
    if board.labels is None:
        return prediction.strip()
    if style == "flan":
        options = record.get("options")
        if options is None:
            raise LeaderboardError(f"{board.file}: FLAN-style predictions carry no options")
        return options.index(prediction) if prediction in options else None
    value = task.postprocess_fn(prediction, example=example_from_record(record), is_target=False)
    value = value["value"] if isinstance(value, dict) else value
    return int(value) if isinstance(value, (int, float)) and 0 <= value < len(board.labels) else None


def join_predictions(board: BoardTask, style: str, source: Sequence[Mapping],
                     records: Sequence[Mapping]) -> List[Mapping]:
    """The prediction record of each source example, in source order."""
    keys = [example_key(board, ex["idx"]) for ex in source]
    if style == "flan":
        if len(records) != len(source):
            raise LeaderboardError(f"{board.file}: {len(records)} predictions for {len(source)} "
                                   "source examples; predict the whole split, uncached")
        return list(records)
    by_key: Dict[object, Mapping] = {}
    for record in records:
        if "idx" not in record:
            raise LeaderboardError(f"{board.file}: T5-style predictions carry no idx")
        by_key.setdefault(example_key(board, record["idx"]), record)  # ReCoRD: one per answer
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise LeaderboardError(f"{board.file}: no prediction for {len(missing)} source "
                               f"example(s), e.g. idx {missing[0]}")
    return [by_key[k] for k in keys]


def labels_for(board: BoardTask, style: str, source: Sequence[Mapping],
               records: Sequence[Mapping], task: Optional[seqio.Task] = None):
    """``(labels, invalid count)``: one label per source example, in source order."""
    joined = join_predictions(board, style, source, records)
    labels, invalid = [], 0
    for ex, record in zip(source, joined):
        label = predicted_label(board, style, record, task)
        if label is None or label == "":
            invalid += 1
            label = fallback_label(board, ex)
        labels.append(label)
    return labels, invalid


def fallback_label(board: BoardTask, ex: Mapping):
    """The label written for a prediction that names none: label 0, ReCoRD's first entity."""
    if board.labels is None:
        return (ex.get("entities") or [""])[0]
    return INVALID_LABEL


def official_lines(board: BoardTask, source: Sequence[Mapping], labels: Sequence) -> List[dict]:
    """The leaderboard file's lines (see the module docstring)."""
    pairs = sorted(zip(source, labels), key=lambda p: example_key(board, p[0]["idx"]))
    if board.config == "multirc":
        paragraphs: Dict[int, Dict[int, List[dict]]] = collections.OrderedDict()
        for ex, label in pairs:
            idx = ex["idx"]
            questions = paragraphs.setdefault(int(idx["paragraph"]), collections.OrderedDict())
            questions.setdefault(int(idx["question"]), []).append(
                {"idx": int(idx["answer"]), "label": int(label)})
        return [{"idx": p, "passage": {"questions": [{"idx": q, "answers": answers}
                                                     for q, answers in questions.items()]}}
                for p, questions in paragraphs.items()]
    if board.config == "record":
        return [{"idx": int(ex["idx"]["query"]), "label": str(label)} for ex, label in pairs]
    return [{"idx": int(ex["idx"]), "label": board.labels[int(label)]} for ex, label in pairs]


def dev_metrics(board: BoardTask, source: Sequence[Mapping], labels: Sequence) -> Dict[str, float]:
    """The official metrics of one task's validation predictions (``eval.official``)."""
    if board.config == "record":
        return official.record_metrics([ex["answers"] for ex in source], list(labels))
    gold = [int(ex["label"]) for ex in source]
    if board.config == "multirc":
        targets = [{"question": (int(ex["idx"]["paragraph"]), int(ex["idx"]["question"])),
                    "label": g} for ex, g in zip(source, gold)]
        return official.multirc_metrics(targets, labels)
    if board.config == "cb":
        return official.cb_metrics(gold, labels)
    return official.accuracy(gold, labels)


def allowed_labels(board: BoardTask) -> Optional[set]:
    """The labels a line may carry (None: any text)."""
    return None if board.labels is None else set(board.labels)


def diagnostic_prompt_task(board: BoardTask, template_idx: int) -> seqio.Task:
    """AX-b / AX-g under FLAN-style RTE template ``template_idx`` (an unregistered Task).

    AX-b's ``sentence1``/``sentence2`` are renamed to RTE's ``premise``/``hypothesis``.
    """
    import functools
    from tasks import prompts, vocab
    from tasks.flan import datasets as flan_datasets
    from tasks.flan import templates
    from tasks.sources import LocalTfdsDataSource
    rte = next(d for d in flan_datasets.DATASETS if d.name == "rte")
    template = tuple(templates.PATTERNS[rte.templates or rte.name][template_idx])
    steps = []
    if board.config == "axb":
        steps.append(functools.partial(seqio.preprocessors.rekey, key_map={
            "premise": "sentence1", "hypothesis": "sentence2", "label": "label", "idx": "idx"}))
    steps += [functools.partial(prompts.apply_template, formatter=rte.formatter,
                                template=template, options=rte.options),
              seqio.preprocessors.tokenize, seqio.CacheDatasetPlaceholder(),
              seqio.preprocessors.append_eos_after_trim]
    features = vocab.get_output_features()
    return seqio.Task(f"{board.config}_rte_type_{template_idx}",
                      source=LocalTfdsDataSource(board.tfds_name, splits=("test",)),
                      preprocessors=steps, output_features=features,
                      postprocess_fn=prompts.strip_postprocessor, metric_fns=[])
