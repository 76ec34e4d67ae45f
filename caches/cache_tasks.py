"""Caches prompt-applied tasks offline: one Beam job of seqio's cache transforms.

    python -m caches.cache_tasks --tasks REGEX_OR_MIXTURE[,...] --cache_dir caches/built/seqio \\
        [--num_workers N] [--overwrite] [BEAM PIPELINE OPTIONS ...]

Every task asked for is built by one pipeline into a hidden staging folder; each is then
checked and renamed into place with ``COMPLETED`` (which records the vocabulary's
sha256 and the shard sizes). See docs/caching.md.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before anything imports TensorFlow

import argparse
import contextlib
import dataclasses
import difflib
import io
import json
import logging
import math
import re
import shutil
import sys
import tempfile
import time
from typing import Iterator, List, Optional, Sequence, Tuple

from common.errors import UserError, cli_main, one_line
from common import seqio_compat  # before seqio: the import fix
from tasks import cache_dirs, lookup, paths, sources

DEFAULT_CACHE_DIR = str(paths.BUILT_DIR / "seqio")
# Shards per split when --min_shards is not given: by size (see ``shard_count``). Enough
# files for ranks to read whole files of their own, none needlessly small.
EXAMPLES_PER_SHARD = 1_000
AUTO_SHARDS = 64  # seqio's default shard count
EXAMPLES_PER_LARGE_SHARD = 20_000
MAX_AUTO_SHARDS = 1_024
# Each source file's worker holds its output files open at once: by size, at most this
# many per source file (open-file limits are often 1,024).
MAX_AUTO_SHARDS_PER_SOURCE = 128


class CacheBuildError(UserError, RuntimeError):
    """seqio's job finished but its output is not a complete cache."""


@dataclasses.dataclass
class TaskResult:
    """What happened to one task: ``cached``, ``skipped`` or ``failed``."""

    name: str
    status: str
    splits: Tuple[str, ...] = ()
    examples: int = 0
    seconds: float = 0.0
    message: str = ""


def resolve_tasks(spec: str) -> List[str]:
    """Task names for comma-separated mixtures, task names and whole-name regexes.

    Raises ``tasks.lookup.UnknownNameError`` (one line, nearest names) for an item that
    matches nothing.
    """
    import seqio

    names = []
    task_names = sorted(seqio.TaskRegistry.names())
    for item in [s.strip() for s in (spec or "").split(",") if s.strip()]:
        if item in seqio.MixtureRegistry.names():
            names.extend(t.name for t in seqio.get_mixture_or_task(item).tasks)
            continue
        if item in task_names:
            names.append(item)
            continue
        if re.fullmatch(r"[\w.:-]+", item):  # a plain name: style and nearest-name hints
            lookup.get_provider(item)
        try:
            pattern = re.compile(item)
        except re.error as e:
            raise lookup.UnknownNameError(
                f"--tasks {item!r} is neither a registered name nor a valid regex ({e})")
        found = [n for n in task_names if pattern.fullmatch(n)]
        if not found:
            near = lookup.nearest_names(item)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            raise lookup.UnknownNameError(
                f"no registered task matches {item!r} (a regex on whole task names){hint} "
                "(list them with `python -m tasks list`)")
        names.extend(found)
    if not names:
        raise lookup.UnknownNameError("--tasks is empty; name tasks, regexes or mixtures")
    return list(dict.fromkeys(names))


def shard_count(num_examples: Optional[int], source_shards: int = 1,
                min_shards: Optional[int] = None) -> int:
    """Shards for a split: seqio's rule with ``min_shards`` (at least that many, and at
    least one per source file), else by size: one per ``EXAMPLES_PER_SHARD`` examples up
    to ``AUTO_SHARDS``, then one per ``EXAMPLES_PER_LARGE_SHARD`` (at most
    ``MAX_AUTO_SHARDS``, and ``MAX_AUTO_SHARDS_PER_SOURCE`` a source file); 64 when the
    size is unknown. Rounded up to a multiple of the source shards: each source shard's
    worker writes its own output files."""
    source_shards = max(1, source_shards)
    if min_shards is not None:
        return math.ceil(max(source_shards, min_shards) / source_shards) * source_shards
    if not num_examples:
        wanted = AUTO_SHARDS
    else:
        wanted = max(min(AUTO_SHARDS, math.ceil(num_examples / EXAMPLES_PER_SHARD)),
                     min(MAX_AUTO_SHARDS, math.ceil(num_examples / EXAMPLES_PER_LARGE_SHARD)))
    per_source = min(math.ceil(wanted / source_shards), MAX_AUTO_SHARDS_PER_SOURCE)
    return max(1, per_source) * source_shards


def _input_examples(task, split: str) -> Optional[int]:
    try:  # a TFDS source answers from its dataset info, without reading the data
        return task.source.num_input_examples(split)
    except Exception:  # noqa: BLE001  (a source that cannot tell: the default count)
        return None


@contextlib.contextmanager
def _tfds_override(tfds_data_dir: Optional[str]) -> Iterator[None]:
    """seqio's in-process workers (DirectRunner) set the TFDS override: put it back."""
    import seqio
    saved = seqio_compat.tfds_data_dir_override()
    try:
        yield
    finally:
        seqio.set_tfds_data_dir_override(saved)


@contextlib.contextmanager
def _worker_output_dropped() -> Iterator[None]:
    """File descriptor 2 to /dev/null while Beam runs: its worker processes log there
    (a failure still reaches us as the job's exception; ``--debug`` keeps the logs)."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def run_beam_job(jobs: Sequence[Tuple[object, Sequence[str], str]], *,
                 min_shards: Optional[int] = None, pipeline_args: Sequence[str] = (),
                 modules_to_import: Sequence[str] = (), tfds_data_dir: Optional[str] = None,
                 debug: bool = False) -> None:
    """One Beam pipeline (``caches.beam_job``) over every (task, splits, output folder) of
    ``jobs``; a split's shard count follows its size (``shard_count``)."""
    import apache_beam as beam
    from caches import beam_job

    splits = []
    for task, wanted, task_dir in jobs:
        for split in wanted:
            source_shards = len(task.source.list_shards(split))
            splits.append(beam_job.SplitJob(task, split, task_dir, shard_count(
                _input_examples(task, split), source_shards, min_shards)))
    options = beam.options.pipeline_options.PipelineOptions(list(pipeline_args))
    quiet = contextlib.ExitStack()
    if not debug:
        quiet.enter_context(contextlib.redirect_stdout(io.StringIO()))
        quiet.enter_context(_worker_output_dropped())
    with _tfds_override(tfds_data_dir), quiet, beam.Pipeline(options=options) as pipeline:
        beam_job.build_pipeline(pipeline, splits, modules_to_import=modules_to_import,
                                tfds_data_dir=tfds_data_dir)


def verify_task_cache(task_dir: str, splits: Sequence[str], name: str = "") -> dict:
    """Checks a built task folder; returns split -> examples or raises CacheBuildError."""
    import seqio

    name = name or os.path.basename(task_dir)
    examples = {}
    for split in splits:
        try:
            with open(seqio.get_cached_info_path(task_dir, split)) as f:
                info = json.load(f)
            with open(seqio.get_cached_stats_path(task_dir, split)) as f:
                stats = json.load(f)
        except (OSError, ValueError) as e:
            raise CacheBuildError(f"{name}: split {split!r} has no readable info/stats ({e})")
        shards = info.get("num_shards")
        if not shards or not stats.get("examples"):
            raise CacheBuildError(f"{name}: split {split!r} produced no examples; leave it out "
                                  "with --splits")
        prefix = seqio.get_cached_tfrecord_prefix(task_dir, split)
        missing = [i for i in range(shards)
                   if not os.path.isfile(f"{prefix}-{i:05d}-of-{shards:05d}")]
        if missing:
            raise CacheBuildError(f"{name}: split {split!r} lacks {len(missing)} of its "
                                  f"{shards} shards")
        examples[split] = int(stats["examples"])
    return examples


def write_completed(task_dir: str, manifest: dict) -> None:
    """Writes COMPLETED (still in staging, so last): the manifest and the size of every
    shard, which ``tasks.cache_dirs.check_cache_dir`` compares before a run reads it."""
    record = dict(manifest, files=cache_dirs.shard_sizes(task_dir))
    with open(os.path.join(task_dir, cache_dirs.COMPLETED), "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, sort_keys=True)


def _publish(staged: str, final: str, staging_root: str) -> None:
    """Renames the verified folder into place; a previous one is moved aside first."""
    os.makedirs(os.path.dirname(final), exist_ok=True)
    if os.path.lexists(final):
        aside = tempfile.mkdtemp(prefix=".previous-", dir=staging_root)
        os.rename(final, os.path.join(aside, "task"))  # deleted with staging
    os.rename(staged, final)


def _plan(name: str, cache_dir: str, splits: Optional[Sequence[str]], overwrite: bool):
    """(task, splits to cache) for ``name``, or the TaskResult of a task left alone."""
    import seqio

    task = seqio.TaskRegistry.get(name)
    final = os.path.join(cache_dir, seqio.get_task_dir_from_name(name))
    if not overwrite and os.path.isfile(os.path.join(final, cache_dirs.COMPLETED)):
        return TaskResult(name, "skipped", message="already cached")
    if not task.supports_caching:
        return TaskResult(name, "skipped", message="no seqio.CacheDatasetPlaceholder: "
                                                   "nothing to cache")
    wanted = tuple(s for s in task.splits if splits is None or s in splits)
    if not wanted:
        return TaskResult(name, "skipped", message=f"has none of the splits {','.join(splits)}")
    return task, wanted


def build_caches(names: Sequence[str], cache_dir: str, *,
                 splits: Optional[Sequence[str]] = None, overwrite: bool = False,
                 tfds_data_dir: Optional[str] = None, **job_kwargs) -> List[TaskResult]:
    """Caches registered tasks into ``cache_dir`` in one Beam job (see the module
    docstring); returns one TaskResult per name. ``job_kwargs`` go to ``run_beam_job``.

    Tasks are staged in one hidden folder; each is checked, given its ``COMPLETED`` and
    renamed into place only after the whole job succeeded. A job that fails publishes
    nothing (the exception propagates).
    """
    import seqio

    start = time.time()
    results, todo = {}, []
    for name in names:
        planned = _plan(name, cache_dir, splits, overwrite)
        if isinstance(planned, TaskResult):
            results[name] = planned
        else:
            todo.append(planned)
    if todo:
        os.makedirs(cache_dir, exist_ok=True)
        staging_root = tempfile.mkdtemp(prefix=cache_dirs.STAGING_PREFIX, dir=cache_dir)
        try:
            jobs = [(task, wanted, os.path.join(staging_root,
                                                seqio.get_task_dir_from_name(task.name)))
                    for task, wanted in todo]
            run_beam_job(jobs, tfds_data_dir=tfds_data_dir, **job_kwargs)
            seconds = time.time() - start
            counted = {}
            for task, wanted, staged in jobs:  # all checked before any is published
                counted[task.name] = verify_task_cache(staged, wanted, task.name)
            for task, wanted, staged in jobs:
                manifest = {
                    "built_by": "caches.cache_tasks", "task": task.name, "splits": list(wanted),
                    "vocabularies": cache_dirs.vocabulary_fingerprints(task),
                    "tfds_data_dir": tfds_data_dir, "seqio_version": seqio.__version__,
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                }
                write_completed(staged, manifest)
                final = os.path.join(cache_dir, seqio.get_task_dir_from_name(task.name))
                _publish(staged, final, staging_root)
                results[task.name] = TaskResult(task.name, "cached", wanted,
                                                sum(counted[task.name].values()), seconds)
        finally:
            shutil.rmtree(staging_root, ignore_errors=True)
        cache_dirs.forget_cache_lookups([task.name for task, _ in todo])  # seqio memoises
    return [results[name] for name in names]


def build_task_cache(name: str, cache_dir: str, **kwargs) -> TaskResult:
    """Caches one registered task (``build_caches`` of one name)."""
    return build_caches([name], cache_dir, **kwargs)[0]


def _interrupted(error: BaseException) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def cache_tasks(names: Sequence[str], cache_dir: str, *, debug: bool = False,
                **kwargs) -> List[TaskResult]:
    """``build_caches`` in one job; if that job fails, each task again in a job of its
    own, so that one broken task does not leave the others uncached (``debug``: raise)."""
    start = time.time()
    try:
        return build_caches(names, cache_dir, debug=debug, **kwargs)
    except Exception as e:  # noqa: BLE001  (reported per task below)
        if _interrupted(e):  # Ctrl-C while Beam ran user code: it wraps the interrupt
            raise KeyboardInterrupt from e
        if debug:
            raise
        if len(names) == 1:
            return [TaskResult(names[0], "failed", seconds=time.time() - start,
                               message=f"{type(e).__name__}: {one_line(e)}")]
        print(f"the job of {len(names)} tasks failed ({type(e).__name__}: {one_line(e)}); "
              "caching each task in a job of its own", flush=True)
    return [result for name in names
            for result in cache_tasks([name], cache_dir, debug=debug, **kwargs)]


_NOISY_LOGGERS = ("", "apache_beam", "absl", "tensorflow")


def _quiet_logs() -> tuple:
    """Beam, absl and TensorFlow logs down to errors; returns what to restore."""
    from absl import logging as absl_logging
    saved = ([logging.getLogger(n).level for n in _NOISY_LOGGERS],
             absl_logging.get_verbosity())
    for n in _NOISY_LOGGERS:
        logging.getLogger(n).setLevel(logging.ERROR)
    absl_logging.set_verbosity(absl_logging.ERROR)
    return saved


def _restore_logs(saved: tuple) -> None:
    from absl import logging as absl_logging
    for n, level in zip(_NOISY_LOGGERS, saved[0]):
        logging.getLogger(n).setLevel(level)
    absl_logging.set_verbosity(saved[1])


def setup_registry(task_modules: Optional[str] = None, tfds_data_dir: Optional[str] = None,
                   vocab_path: Optional[str] = None,
                   model_name_or_path: Optional[str] = None) -> str:
    """Registers built-in and user tasks, points sources and vocabulary; returns the
    TFDS data dir in force."""
    from mixtures.setup import setup_registry
    # Caches are built from the sources: existing caches are not registered for reading.
    setup_registry(task_modules=task_modules, tfds_data_dir=tfds_data_dir,
                   vocab_path=vocab_path, model_path=model_name_or_path, env_cache_dirs=False)
    return sources.get_tfds_data_dir()


def _format(result: TaskResult, width: int) -> str:
    if result.status == "cached":
        return (f"  {result.name:<{width}}  {','.join(result.splits):<22} "
                f"{result.examples:>9} examples")
    if result.status == "skipped":
        return f"  {result.name:<{width}}  skipped: {result.message}"
    return f"  {result.name:<{width}}  FAILED: {result.message}"


OUR_FLAGS = ("--tasks", "--cache_dir", "--tfds_data_dir", "--vocab_path",
             "--model_name_or_path", "--task_modules", "--splits", "--overwrite",
             "--min_shards", "--num_workers", "--debug")


def parse_args(argv: Optional[Sequence[str]] = None):
    """(our arguments, Beam pipeline options)."""
    parser = argparse.ArgumentParser(
        prog="python -m caches.cache_tasks", allow_abbrev=False,
        description="Cache prompt-applied seqio tasks offline in one Beam job (seqio's "
                    "reading code and file layout); unknown --options are passed to Beam "
                    "(e.g. --runner=...).")
    parser.add_argument("--tasks", required=True,
                        help="comma-separated mixtures, task names or whole-name regexes")
    parser.add_argument("--cache_dir", default=DEFAULT_CACHE_DIR,
                        help=f"cache folder to write (default: {DEFAULT_CACHE_DIR})")
    parser.add_argument("--tfds_data_dir", help="TFDS data dir (default: $TFDS_DATA_DIR, "
                        "else the demo data in caches/built/tfds)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--vocab_path", help="SentencePiece model (default: see README)")
    group.add_argument("--model_name_or_path", help="model folder holding spiece.model")
    parser.add_argument("--task_modules", help="comma-separated modules or .py files "
                        "registering more tasks")
    parser.add_argument("--splits", help="comma-separated splits to cache (default: all "
                        "of each task's splits)")
    parser.add_argument("--overwrite", action="store_true", help="rebuild cached tasks")
    parser.add_argument("--min_shards", type=int, default=None,
                        help="tfrecord shards per split at least (seqio's --min_shards; "
                        "default: by the split's size, 1 per 1,000 examples up to 64)")
    parser.add_argument("--num_workers", type=int, default=1,
                        help="worker processes of Beam's DirectRunner (short for "
                        "--direct_num_workers N --direct_running_mode multi_processing)")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks and Beam/seqio logs; stop at the first failure")
    args, beam_args = parser.parse_known_args(argv)
    for i, arg in enumerate(beam_args):
        key = arg.split("=", 1)[0]
        near = difflib.get_close_matches(key, OUR_FLAGS, n=1, cutoff=0.8)
        # A Beam option's value may follow it: --direct_num_workers 2.
        is_value = (not arg.startswith("-") and i > 0 and beam_args[i - 1].startswith("--")
                    and "=" not in beam_args[i - 1])
        if not (arg.startswith("--") or is_value) or near:
            hint = f" (did you mean {near[0]}?)" if near else ""
            parser.error(f"unrecognized argument {arg}{hint}")
    return args, beam_args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command-line entry point; returns the exit code (one-line errors, ``--debug``)."""
    return cli_main(run_job, argv, keep_debug_flag=True)


def run_job(argv: Sequence[str]) -> int:
    """Parses the flags and caches the tasks; restores the process's settings after."""
    args, beam_args = parse_args(argv)
    import seqio
    saved_override = seqio_compat.tfds_data_dir_override()
    saved_logs = None if args.debug else _quiet_logs()
    try:
        return _run(args, beam_args)
    except KeyboardInterrupt:
        print("interrupted: unfinished tasks were left uncached (a partial cache is never "
              "put in place)", file=sys.stderr)
        return 130
    finally:
        seqio.set_tfds_data_dir_override(saved_override)  # in-process callers (tests)
        if saved_logs:
            _restore_logs(saved_logs)


def beam_options(beam_args: Sequence[str], num_workers: int) -> List[str]:
    """Beam pipeline options: the user's, plus DirectRunner's multi-process mode for
    ``--num_workers N`` (unless a runner or those options are given)."""
    given = {arg.split("=", 1)[0] for arg in beam_args}
    if num_workers <= 1 or given & {"--runner", "--direct_num_workers", "--direct_running_mode"}:
        return list(beam_args)
    return [*beam_args, f"--direct_num_workers={num_workers}",
            "--direct_running_mode=multi_processing"]


def _run(args, beam_args) -> int:
    cache_dir = os.path.abspath(os.path.expanduser(args.cache_dir))
    tfds_data_dir = setup_registry(task_modules=args.task_modules,
                                   tfds_data_dir=args.tfds_data_dir, vocab_path=args.vocab_path,
                                   model_name_or_path=args.model_name_or_path)
    names = resolve_tasks(args.tasks)
    splits = [s.strip() for s in args.splits.split(",") if s.strip()] if args.splits else None
    # Beam workers import these before reading tasks (paths cannot be imported there).
    modules = ["caches.beam_registry"] + [m.strip() for m in (args.task_modules or "").split(",")
                              if m.strip() and not m.strip().endswith(".py") and os.sep not in m]
    print(f"caching {len(names)} task(s) into {cache_dir} in one Beam job"
          + ("" if args.overwrite else " (cached ones skipped; --overwrite rebuilds them)"),
          flush=True)
    width = max(len(n) for n in names)
    start = time.time()
    done = cache_tasks(names, cache_dir, debug=args.debug, splits=splits,
                       overwrite=args.overwrite, min_shards=args.min_shards,
                       pipeline_args=beam_options(beam_args, args.num_workers),
                       modules_to_import=modules, tfds_data_dir=tfds_data_dir)
    for result in done:
        print(_format(result, width), flush=True)
    by = {s: [r for r in done if r.status == s] for s in ("cached", "skipped", "failed")}
    print(f"done in {time.time() - start:.1f}s: {len(by['cached'])} cached "
          f"({sum(r.examples for r in by['cached'])} examples), {len(by['skipped'])} "
          f"skipped, {len(by['failed'])} failed", flush=True)
    if by["failed"]:
        print(f"error: {len(by['failed'])} task(s) failed: "
              f"{', '.join(r.name for r in by['failed'])}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
