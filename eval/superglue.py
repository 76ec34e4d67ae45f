"""SuperGLUE leaderboard: test-set files for submission and official dev scores.

    python -m eval.superglue --model_name_or_path DIR --output_dir OUT \\
        [--style t5|flan] [--template i] [--splits test,validation]

test: the ten tasks' official files and ``OUT/submission.zip``; validation: official dev
scores in ``OUT/superglue_dev.json``. See docs/evaluation.md, "SuperGLUE leaderboard".
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import zipfile
from typing import Dict, List, Optional, Sequence

from tasks import prompts
from tasks.names import Shot, shot_name

import seqio

from common.errors import cli_main
from eval import leaderboard, official, predict, runtime
from eval.records import write_jsonl
from eval.score import load_predictions
from trainer.config import StreamConfig
from trainer.parallel import ranks

logger = logging.getLogger(__name__)

STYLES = ("t5", "flan")
SPLITS = ("test", "validation")
DEV_FILE = "superglue_dev.json"
ZIP_FILE = "submission.zip"


def board_task(board: leaderboard.BoardTask, style: str, template: int):
    """The task (name, or an unregistered ``seqio.Task`` for AX-b/AX-g in FLAN style)."""
    if style == "t5":
        return board.t5_task
    name = shot_name(board.flan_dataset, template, Shot.ZERO)
    info = prompts.PROMPT_TASKS.get(name)
    if info is None or not info.classification:
        usable = [i for i in range(prompts.DATASET_TEMPLATES.get(board.flan_dataset, 0))
                  if prompts.PROMPT_TASKS[shot_name(board.flan_dataset, i, Shot.ZERO)].classification]
        raise ValueError(f"--template {template}: {name} is not a template that asks for the "
                         f"answer among options; use one of {usable}")
    if board.config in ("axb", "axg"):
        return leaderboard.diagnostic_prompt_task(board, template)
    return name


def _task_name(task) -> str:
    return task if isinstance(task, str) else task.name


def predict_split(model, boards: Sequence[leaderboard.BoardTask], style: str, template: int,
                  cfg: StreamConfig, out_dir: str, **kwargs) -> Dict[str, str]:
    """Predicts ``cfg.split`` of each board task; ``{file: predictions path}``."""
    chosen = {b.file: board_task(b, style, template) for b in boards}
    # FLAN predictions are joined to the source by position: read the source, not a cache.
    cfg = cfg.replace(provider=list(chosen.values()),
                      use_cached=False if style == "flan" else cfg.use_cached)
    paths = predict.predict_to_files(model, None, cfg, os.path.join(out_dir, cfg.split),
                                     **kwargs)
    return {file: paths[_task_name(task)] for file, task in chosen.items()}


def _labels(board, style: str, split: str, path: str):
    source = leaderboard.read_source(board, split)
    task = seqio.get_mixture_or_task(board.t5_task) if style == "t5" else None
    labels, invalid = leaderboard.labels_for(board, style, source, load_predictions(path), task)
    return source, labels, invalid


def export_test(paths: Dict[str, str], style: str, out_dir: str) -> Dict[str, dict]:
    """Writes the leaderboard files and ``submission.zip``; ``{file: {"lines", "invalid"}}``."""
    summary = {}
    written = []
    for file, path in paths.items():
        board = leaderboard.BY_FILE[file]
        source, labels, invalid = _labels(board, style, "test", path)
        lines = leaderboard.official_lines(board, source, labels)
        target = os.path.join(out_dir, f"{file}.jsonl")
        write_jsonl(target, lines)
        written.append(target)
        summary[file] = {"lines": len(lines), "examples": len(source), "invalid": invalid}
        if invalid:
            logger.warning("%s: %d of %d predictions named no label; wrote the fallback "
                           "label for them (%s)", file, invalid, len(source),
                           repr(board.labels[0]) if board.labels else "the first entity")
    with zipfile.ZipFile(os.path.join(out_dir, ZIP_FILE), "w", zipfile.ZIP_DEFLATED) as z:
        for target in written:
            z.write(target, arcname=os.path.basename(target))
    return summary


def score_dev(paths: Dict[str, str], style: str) -> dict:
    """Official dev metrics per task, each task's score, and the SuperGLUE average."""
    per_task = {}
    for file, path in paths.items():
        board = leaderboard.BY_FILE[file]
        source, labels, invalid = _labels(board, style, "validation", path)
        metrics = leaderboard.dev_metrics(board, source, labels)
        per_task[file] = {**metrics, "score": official.task_score(metrics),
                          "examples": len(source), "invalid": invalid}
    scores = {f: m["score"] for f, m in per_task.items()}
    average = (official.superglue_average(scores)
               if all(t in scores for t in official.AVERAGED_TASKS) else None)
    return {"tasks": per_task, "average": average}


def dev_table(result: dict) -> str:
    """The dev scores as a markdown table."""
    rows = ["| task | metrics | score |", "|---|---|---:|"]
    for file, m in result["tasks"].items():
        shown = ", ".join(f"{k} {m[k]:.1f}" for k in official.TASK_METRICS[file])
        rows.append(f"| {file} | {shown} | {m['score']:.1f} |")
    if result["average"] is not None:
        rows.append(f"| **SuperGLUE average** | | **{result['average']:.1f}** |")
    return "\n".join(rows)


def run(model, out_dir: str, cfg: Optional[StreamConfig] = None, *, style: str = "t5",
        template: int = 0, splits: Sequence[str] = SPLITS, **predict_kwargs) -> dict:
    """Predicts, exports (test) and scores (validation); returns what rank 0 reported.

    ``cfg`` gives the lengths, shard and cache use (its provider and split are set here).
    """
    cfg = cfg or StreamConfig(None)
    if style not in STYLES:
        raise ValueError(f"--style {style!r}: use one of {', '.join(STYLES)}")
    unknown = [s for s in splits if s not in SPLITS]
    if unknown:
        raise ValueError(f"--splits: unknown split {unknown[0]!r}; use test and/or validation")
    rank = ranks.rank()
    os.makedirs(out_dir, exist_ok=True)
    report: dict = {"style": style, "template": template if style == "flan" else None}
    if "test" in splits:
        paths = predict_split(model, leaderboard.TASKS, style, template,
                              cfg.replace(split="test"), out_dir, **predict_kwargs)
        if rank == 0:
            report["test"] = export_test(paths, style, out_dir)
    if "validation" in splits:
        boards = [b for b in leaderboard.TASKS if b.dev]
        paths = predict_split(model, boards, style, template,
                              cfg.replace(split="validation"), out_dir, **predict_kwargs)
        if rank == 0:
            report["validation"] = score_dev(paths, style)
            with open(os.path.join(out_dir, DEV_FILE), "w", encoding="utf-8") as f:
                json.dump({k: report[k] for k in ("style", "template")} | report["validation"],
                          f, indent=2)
                f.write("\n")
    return report


def run_cli(argv: List[str]) -> int:
    """Parses the flags, predicts, exports and scores (rank 0 prints)."""
    parser = argparse.ArgumentParser(prog="python -m eval.superglue",
                                     description=__doc__.split("\n")[0])
    runtime.add_model_flags(parser)
    parser.add_argument("--output_dir", required=True)
    parser.add_argument("--style", choices=STYLES, default="t5")
    parser.add_argument("--template", type=int, default=0,
                        help="FLAN-style template index (with --style flan)")
    parser.add_argument("--splits", default="test,validation",
                        help="comma-separated: test (submission files), validation (dev scores)")
    args = parser.parse_args(argv)
    runtime.quiet_logs()
    rank = runtime.init_distributed()
    from mixtures.setup import setup_registry
    setup_registry(tfds_data_dir=args.tfds_data_dir, vocab_path=args.vocab_path,
                   model_path=args.model_name_or_path, fewshot_seed=args.seed)
    for board in leaderboard.TASKS:  # a bad --template fails before the model loads
        board_task(board, args.style, args.template)
    model = runtime.load_model(args.model_name_or_path, args.dtype)
    report = run(model, args.output_dir, runtime.stream_config(args), style=args.style,
                 template=args.template,
                 splits=[s.strip() for s in args.splits.split(",") if s.strip()],
                 **runtime.predict_kwargs(args))
    if rank == 0:
        if "test" in report:
            total = sum(v["lines"] for v in report["test"].values())
            print(f"wrote {len(report['test'])} leaderboard files ({total} lines) and "
                  f"{os.path.join(args.output_dir, ZIP_FILE)}")
        if "validation" in report:
            print(dev_table(report["validation"]))
            print(f"dev scores: {os.path.join(args.output_dir, DEV_FILE)}")
    runtime.finish_distributed()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m eval.superglue``: one-line errors (exit 2), tracebacks with ``--debug``."""
    return cli_main(run_cli, argv, extra_user_errors=(ValueError, FileNotFoundError, KeyError))


if __name__ == "__main__":
    sys.exit(main())
