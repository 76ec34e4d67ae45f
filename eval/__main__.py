"""Evaluate a checkpoint zero-, one- and multi-shot, or score prediction files.

    python -m eval --model_name_or_path DIR --dataset_name sglue_prompted_mix.flan \\
        --shots 0,1,multi [--output_dir OUT] [--templates 0,1] [--max_eval_samples N]
    python -m eval score PRED_DIR

The first predicts every scored template of the task(s)/mixture(s) in each shot setting
(``eval.report.shot_tasks``) into ``OUT/predictions/<task>.jsonl``, scores them
(``OUT/metrics.json``) and reports per dataset the mean and best over templates per
shot plus the average: ``OUT/results.json``, ``OUT/results.md`` (also printed) and
``OUT/shots.png``. Runs alone or under ``torchrun`` (rank 0 reports). The second scores
existing files with their tasks' postprocessors and metrics and writes ``metrics.json``.

An entry point (like run.py): it imports ``mixtures`` so that every built-in task and
mixture is registered, plus the user's ``--task_modules``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional

import tasks  # noqa: F401  (seqio compat fix before seqio)
from tasks import lookup
from tasks.names import Shot

from eval import predict, report, runtime, score

RESULTS_JSON = "results.json"
RESULTS_MD = "results.md"
CHART = "shots.png"


def register(task_modules: Optional[str]) -> None:
    """Every built-in task and mixture, then the user's modules (and their mixtures)."""
    import mixtures
    lookup.load_task_modules(task_modules)
    mixtures.register_all()


def _pending():
    import mixtures
    return mixtures.PENDING


def parse_shots(text: str) -> List[Shot]:
    """``"0,1,multi"`` -> ``[Shot.ZERO, Shot.ONE, Shot.MULTI]``."""
    shots = [Shot.from_label(s) for s in text.split(",") if s.strip()]
    if not shots:
        raise ValueError("--shots is empty; use e.g. 0,1,multi")
    return list(dict.fromkeys(shots))


def default_output_dir(model_name_or_path: str, dataset_name: str) -> str:
    """``eval_out/<model folder name>/<dataset name>``."""
    model = os.path.basename(os.path.normpath(model_name_or_path)) or "model"
    return os.path.join("eval_out", model, dataset_name.replace(",", "+"))


def cmd_score(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval score",
                                     description="Score predictions/<task>.jsonl files.")
    parser.add_argument("pred_dir", help="a run folder holding predictions/, or that folder")
    parser.add_argument("--task_modules", help="comma-separated modules or .py files to import")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    args = parser.parse_args(argv)
    runtime.quiet_logs()
    try:
        register(args.task_modules)
        results = score.score_dir(args.pred_dir)
    except (score.ScoreError, lookup.TaskModuleError, ValueError) as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return 2
    for name, metrics in results.items():
        shown = ", ".join(f"{k} {v:.2f}" if v is not None else f"{k} –" for k, v in metrics.items())
        print(f"{name}: {shown}")
    _, out_dir = score.resolve_dirs(args.pred_dir)
    print(f"metrics: {os.path.join(out_dir, score.METRICS_FILE)}")
    return 0


def run_table(args) -> int:
    rank = runtime.init_distributed()
    register(args.task_modules)
    runtime.configure(args)
    names = [n.strip() for n in args.dataset_name.split(",") if n.strip()]
    for name in names:
        lookup.get_provider(name, pending=_pending())  # one-line error for a bad name
    shots = parse_shots(args.shots)
    templates = ([int(t) for t in args.templates.split(",") if t.strip()]
                 if args.templates else None)
    task_names = report.shot_tasks(names, shots, args.split, templates)
    if not task_names:
        raise ValueError(f"{args.dataset_name}: no scored task for shots {args.shots}")
    out_dir = args.output_dir or default_output_dir(args.model_name_or_path, args.dataset_name)
    model = runtime.load_model(args.model_name_or_path, args.dtype)
    predict.predict_to_files(model, None, task_names, out_dir, split=args.split,
                             max_samples=args.max_eval_samples, **runtime.predict_kwargs(args))
    if rank == 0:
        metrics = score.score_dir(out_dir, only=task_names)
        results = report.build_results(metrics, shots)
        results.update(model=args.model_name_or_path, dataset_name=args.dataset_name,
                       split=args.split, max_eval_samples=args.max_eval_samples)
        with open(os.path.join(out_dir, RESULTS_JSON), "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
        table = report.markdown_table(results)
        with open(os.path.join(out_dir, RESULTS_MD), "w", encoding="utf-8") as f:
            f.write(table + "\n")
        title = f"{os.path.basename(os.path.normpath(args.model_name_or_path))} on {args.dataset_name}"
        report.plot_results(results, os.path.join(out_dir, CHART), title=title)
        print(table)
        print(f"results: {os.path.join(out_dir, RESULTS_JSON)}, "
              f"{os.path.join(out_dir, RESULTS_MD)}, {os.path.join(out_dir, CHART)}")
    runtime.finish_distributed()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "score":
        return cmd_score(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n")[0],
                                     epilog="Score existing files: python -m eval score PRED_DIR")
    runtime.add_model_flags(parser)
    parser.add_argument("--dataset_name", required=True,
                        help="task(s) or mixture(s), comma-separated, e.g. sglue_prompted_mix.flan")
    parser.add_argument("--shots", default="0,1,multi", help="comma-separated: 0, 1, multi")
    parser.add_argument("--templates", help="only these FLAN template indices, e.g. 0,1,2")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--max_eval_samples", type=int, help="at most N examples per task")
    parser.add_argument("--output_dir", help="default: eval_out/<model>/<dataset_name>")
    parser.add_argument("--task_modules", help="comma-separated modules or .py files to import")
    args = parser.parse_args(argv)
    runtime.quiet_logs()
    try:
        return run_table(args)
    except (lookup.UnknownNameError, lookup.TaskModuleError, predict.PredictError,
            score.ScoreError, FileNotFoundError, ValueError) as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
