"""Inspect the registry: ``python -m tasks list [REGEX]`` and ``python -m tasks show NAME``.

An entry point (like run.py): ``mixtures.setup.setup_registry`` registers every built-in
task and mixture, plus the user's ``--task_modules``.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap

from common import seqio_compat  # noqa: F401  (before seqio)
from common.errors import cli_main
from tasks import lookup, prompts, shots, sources


def _style(name: str, seqio) -> str:
    if name in seqio.MixtureRegistry.names():
        return "mixture"
    return "flan" if name in prompts.PROMPT_TASKS or name in prompts.DATASET_TASKS else "t5"


def _splits(provider) -> str:
    try:
        return ",".join(sorted(provider.splits))
    except sources.MissingDatasetError:
        return "(not prepared)"


def cmd_list(args, seqio) -> int:
    pattern = re.compile(args.regex) if args.regex else None
    rows = []
    for name in lookup.registered_names():
        if pattern and not pattern.search(name):
            continue
        provider = seqio.get_mixture_or_task(name)
        style = _style(name, seqio)
        if style == "mixture":
            detail = f"{len(provider.tasks)} tasks"
        elif name in prompts.DATASET_TASKS:
            info = prompts.DATASET_TASKS[name]
            kind = "" if info.every_template else " answer"
            detail = (f"a template per example of {len(info.template_indices)}{kind} "
                      f"templates, {info.shot.name.lower()}-shot")
        elif style == "flan":
            info = prompts.PROMPT_TASKS[name]
            detail = (f"template {info.template_idx + 1}/"
                      f"{prompts.DATASET_TEMPLATES[info.dataset]}, {info.shot.name.lower()}-shot")
        else:
            detail = "1 template"
        rows.append((name, style, _splits(provider), detail))
    if not rows:
        print(f"no registered name matches {args.regex!r}", file=sys.stderr)
        return 1
    width = max(len(r[0]) for r in rows)
    for name, style, splits, detail in rows:
        print(f"{name:<{width}}  {style:<7}  {splits:<34}  {detail}")
    print(f"{len(rows)} names", file=sys.stderr)
    return 0


def cmd_show(args, seqio) -> int:
    provider = lookup.get_provider(args.name)
    lengths = {"inputs": args.max_source_length, "targets": args.max_target_length}
    kwargs = dict(sequence_length=lengths, split=args.split, shuffle=False)
    if isinstance(provider, seqio.Mixture):
        kwargs.update(copy_pretokenized=True, seed=args.seed)
    ds = provider.get_dataset(**kwargs).take(args.n)
    shown = 0
    for i, ex in enumerate(ds.as_numpy_iterator()):
        shown += 1
        print(f"=== {args.name} [{args.split}] example {i + 1}")
        for key in ("inputs", "targets"):
            text = ex[f"{key}_pretokenized"].decode("utf-8")
            print(f"--- {key} ({len(ex[key])} tokens)")
            print(textwrap.indent(text, "  "))
        if "options" in ex:
            print("--- options: " + " | ".join(o.decode("utf-8") for o in ex["options"]))
        if shots.NUM_EXEMPLARS in ex:
            print(f"--- exemplars: {int(ex[shots.NUM_EXEMPLARS])}")
    if not shown:
        print(f"error: split {args.split!r} of {args.name} is empty", file=sys.stderr)
        return 1
    return 0


def run(argv) -> int:
    """Parses ``argv`` and runs ``list`` or ``show``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--task_modules", help="comma-separated modules or .py files to import")
    common.add_argument("--tfds_data_dir", help="TFDS data dir (default: $TFDS_DATA_DIR, "
                        "else the demo data in caches/built/tfds)")
    common.add_argument("--vocab_path", help="SentencePiece model (default: see README)")
    common.add_argument("--model_name_or_path", help="model folder holding spiece.model")
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    parser = argparse.ArgumentParser(prog="python -m tasks", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_list = sub.add_parser("list", parents=[common], help="registered tasks and mixtures")
    p_list.add_argument("regex", nargs="?", help="only names matching this regex")
    p_show = sub.add_parser("show", parents=[common], help="formatted examples of a task or mixture")
    p_show.add_argument("name")
    p_show.add_argument("--split", default="validation")
    p_show.add_argument("-n", type=int, default=3)
    p_show.add_argument("--seed", type=int, default=42)
    p_show.add_argument("--max_source_length", type=int, default=512)
    p_show.add_argument("--max_target_length", type=int, default=128)
    p_show.add_argument("--fewshot_layout", choices=shots.LAYOUTS, default=shots.LAYOUTS[0],
                        help="few-shot prompt layout: FLAN v2's (newlines) or v1's (token markers)")
    args = parser.parse_args(argv)
    import seqio
    from mixtures.setup import setup_registry
    setup_registry(task_modules=args.task_modules, tfds_data_dir=args.tfds_data_dir,
                   vocab_path=args.vocab_path, model_path=args.model_name_or_path,
                   fewshot_layout=getattr(args, "fewshot_layout", None),
                   vocabulary=args.cmd == "show")
    return {"list": cmd_list, "show": cmd_show}[args.cmd](args, seqio)


def main(argv=None) -> int:
    """``python -m tasks``: one-line errors (exit 2), tracebacks with ``--debug``."""
    return cli_main(run, argv, extra_user_errors=(ValueError,))


if __name__ == "__main__":
    sys.exit(main())
