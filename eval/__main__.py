"""Evaluate a checkpoint zero-, one- and multi-shot, or score prediction files.

    python -m eval --model_name_or_path DIR --dataset_name sglue_prompted_mix.flan \\
        --shots 0,1,multi [--output_dir OUT] [--templates 0,1] [--max_eval_samples N]
    python -m eval score PRED_DIR

An entry point (like run.py): it registers the built-in tasks and ``--task_modules``.
See docs/evaluation.md, "The eval command".
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from tasks import lookup, shots

from common.errors import cli_main
from eval import report, runtime, score

def register(args) -> None:
    """The one registry set-up (``mixtures.setup.setup_registry``) from the parsed flags."""
    from mixtures.setup import setup_registry
    setup_registry(task_modules=args.task_modules,
                   tfds_data_dir=getattr(args, "tfds_data_dir", None),
                   vocab_path=getattr(args, "vocab_path", None),
                   model_path=getattr(args, "model_name_or_path", None),
                   fewshot_seed=getattr(args, "seed", None),
                   fewshot_layout=getattr(args, "fewshot_layout", None))


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
    register(args)
    results = score.score_dir(args.pred_dir)
    for name, metrics in results.items():
        shown = ", ".join(f"{k} {v:.2f}" if v is not None else f"{k} –" for k, v in metrics.items())
        print(f"{name}: {shown}")
    _, out_dir = score.resolve_dirs(args.pred_dir)
    print(f"metrics: {os.path.join(out_dir, score.METRICS_FILE)}")
    return 0


def run_table(args) -> int:
    runtime.init_distributed()
    register(args)
    names = [n.strip() for n in args.dataset_name.split(",") if n.strip()]
    for name in names:
        lookup.get_provider(name)  # one-line error for a bad name
    shots = report.parse_shots(args.shots)
    templates = ([int(t) for t in args.templates.split(",") if t.strip()]
                 if args.templates else None)
    out_dir = args.output_dir or default_output_dir(args.model_name_or_path, args.dataset_name)
    model = runtime.load_model(args.model_name_or_path, args.dtype)
    title = f"{os.path.basename(os.path.normpath(args.model_name_or_path))} on {args.dataset_name}"
    report.evaluate_shots(model, runtime.stream_config(args, names, args.split), shots, out_dir,
                          templates=templates, title=title, select_on=args.select_on,
                          meta=dict(model=args.model_name_or_path, dataset_name=args.dataset_name),
                          **runtime.predict_kwargs(args))
    runtime.finish_distributed()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m eval``: one-line errors (exit 2), tracebacks with ``--debug``."""
    return cli_main(run, argv, extra_user_errors=(FileNotFoundError, ValueError))


def run(argv: List[str]) -> int:
    """``score PRED_DIR``, or predict and report the shot table."""
    if argv and argv[0] == "score":
        return cmd_score(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n")[0],
                                     epilog="Score existing files: python -m eval score PRED_DIR")
    runtime.add_model_flags(parser)
    parser.add_argument("--dataset_name", required=True,
                        help="task(s) or mixture(s), comma-separated, e.g. sglue_prompted_mix.flan")
    parser.add_argument("--shots", default="0,1,multi", help="comma-separated: 0, 1, 2, 3, 5, 10, multi")
    parser.add_argument("--templates", help="only these FLAN template indices, e.g. 0,1,2")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--fewshot_layout", choices=shots.LAYOUTS, default=shots.LAYOUTS[0],
                        help="few-shot prompt layout: FLAN v2's (newlines) or v1's (token markers)")
    parser.add_argument("--select_on", help="choose each best template on this split (predicted "
                        "too) and report it on --split; default: --split itself (optimistic)")
    parser.add_argument("--max_eval_samples", type=int, help="at most N examples per task")
    parser.add_argument("--output_dir", help="default: eval_out/<model>/<dataset_name>")
    parser.add_argument("--task_modules", help="comma-separated modules or .py files to import")
    args = parser.parse_args(argv)
    runtime.quiet_logs()
    return run_table(args)


if __name__ == "__main__":
    sys.exit(main())
