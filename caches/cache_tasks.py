"""Caches prompt-applied tasks offline with seqio's own Beam cache job.

    python -m caches.cache_tasks --tasks REGEX_OR_MIXTURE[,...] --cache_dir caches/built/seqio \\
        [--num_workers N] [--overwrite] [BEAM PIPELINE OPTIONS ...]

Each task is built in a hidden staging folder, checked and renamed into place with
``COMPLETED`` (which records the vocabulary's sha256 and the shard sizes).
See docs/caching.md.
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
DEFAULT_MIN_SHARDS = 64  # seqio's default: room for per-rank sharding and file shuffling


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


@contextlib.contextmanager
def _seqio_flags(min_shards: int, tfds_data_dir: Optional[str]) -> Iterator[None]:
    """Sets the absl flags ``run_pipeline`` reads, restoring them (and the TFDS override)."""
    import seqio
    from absl import flags
    from seqio.scripts import cache_tasks_main  # noqa: F401  (defines the flags)

    FLAGS = flags.FLAGS
    if not FLAGS.is_parsed():
        FLAGS.mark_as_parsed()
    saved = (FLAGS.min_shards, FLAGS.tfds_data_dir, seqio_compat.tfds_data_dir_override())
    FLAGS.min_shards, FLAGS.tfds_data_dir = min_shards, tfds_data_dir
    try:
        yield
    finally:
        FLAGS.min_shards, FLAGS.tfds_data_dir = saved[:2]
        # seqio's workers set the override in-process (DirectRunner): put it back.
        seqio.set_tfds_data_dir_override(saved[2])


@contextlib.contextmanager
def _only_splits(task, splits: Sequence[str]) -> Iterator[None]:
    """Shows ``run_pipeline`` (which caches every split) a copy of ``task`` with fewer."""
    import seqio

    if list(task.splits) == list(splits):
        yield
        return
    view = seqio_compat.task_with_splits(task, splits)
    seqio.TaskRegistry.remove(task.name)
    seqio.TaskRegistry.add_provider(task.name, view)
    try:
        yield
    finally:
        seqio.TaskRegistry.remove(task.name)
        seqio.TaskRegistry.add_provider(task.name, task)


def run_seqio_job(task, splits: Sequence[str], out_root: str, *, manifest: dict,
                  min_shards: int = DEFAULT_MIN_SHARDS, pipeline_args: Sequence[str] = (),
                  modules_to_import: Sequence[str] = (), tfds_data_dir: Optional[str] = None,
                  debug: bool = False) -> str:
    """Runs seqio's cache job for one task into ``out_root``; returns the task folder."""
    import apache_beam as beam
    from seqio.scripts import cache_tasks_main

    options = beam.options.pipeline_options.PipelineOptions(list(pipeline_args))
    quiet = contextlib.nullcontext() if debug else contextlib.redirect_stdout(io.StringIO())
    with _seqio_flags(min_shards, tfds_data_dir), _only_splits(task, splits), quiet:
        with beam.Pipeline(options=options) as pipeline:
            out = cache_tasks_main.run_pipeline(
                pipeline, [re.escape(task.name)], out_root,
                modules_to_import=list(modules_to_import), ignore_other_caches=True,
                completed_file_contents=json.dumps(manifest, indent=2, sort_keys=True))
    if len(out) != 1:
        raise CacheBuildError(f"seqio's cache job did not select task {task.name}")
    return out[0]


def verify_task_cache(task_dir: str, splits: Sequence[str], name: str = "") -> dict:
    """Checks a built task folder; returns split -> examples or raises CacheBuildError."""
    import seqio

    name = name or os.path.basename(task_dir)
    if not os.path.isfile(os.path.join(task_dir, cache_dirs.COMPLETED)):
        raise CacheBuildError(f"{name}: seqio's job ended without writing COMPLETED")
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


def record_shard_sizes(task_dir: str, manifest: dict) -> None:
    """Rewrites COMPLETED (still in staging) with the size of every shard, which
    ``tasks.cache_dirs.check_cache_dir`` compares before a run reads the cache."""
    record = dict(manifest, files=cache_dirs.shard_sizes(task_dir))
    with open(os.path.join(task_dir, cache_dirs.COMPLETED), "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, sort_keys=True)


def _publish(staged: str, final: str, staging_root: str) -> None:
    """Renames the verified folder into place; a previous one is moved aside first."""
    os.makedirs(os.path.dirname(final), exist_ok=True)
    if os.path.lexists(final):
        os.rename(final, os.path.join(staging_root, ".previous"))  # deleted with staging
    os.rename(staged, final)


def build_task_cache(name: str, cache_dir: str, *, splits: Optional[Sequence[str]] = None,
                     overwrite: bool = False, **job_kwargs) -> TaskResult:
    """Caches one registered task into ``cache_dir`` (see the module docstring).

    ``job_kwargs`` go to ``run_seqio_job`` (min_shards, pipeline_args, ...).
    """
    import seqio

    start = time.time()
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
    manifest = {
        "built_by": "caches.cache_tasks", "task": name, "splits": list(wanted),
        "vocabularies": cache_dirs.vocabulary_fingerprints(task),  # resolves them too
        "tfds_data_dir": job_kwargs.get("tfds_data_dir"), "seqio_version": seqio.__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    os.makedirs(cache_dir, exist_ok=True)
    staging_root = tempfile.mkdtemp(prefix=cache_dirs.STAGING_PREFIX, dir=cache_dir)
    try:
        staged = run_seqio_job(task, wanted, staging_root, manifest=manifest, **job_kwargs)
        examples = verify_task_cache(staged, wanted, name)
        record_shard_sizes(staged, manifest)
        _publish(staged, final, staging_root)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    cache_dirs.forget_cache_lookups([name])  # seqio memoises locations and stats
    return TaskResult(name, "cached", wanted, sum(examples.values()), time.time() - start)


def _build_safely(name: str, cache_dir: str, debug: bool, kwargs: dict) -> TaskResult:
    start = time.time()
    try:
        return build_task_cache(name, cache_dir, debug=debug, **kwargs)
    except Exception as e:  # one task's failure must not stop the others
        if debug:
            raise
        return TaskResult(name, "failed", seconds=time.time() - start, message=f"{type(e).__name__}: {one_line(e)}")


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


def _init_worker(setup: dict, debug: bool) -> None:
    if not debug:
        _quiet_logs()  # a worker process lives for this job only: nothing to restore
    setup_registry(**setup)


def cache_tasks(names: Sequence[str], cache_dir: str, *, num_workers: int = 1,
                setup: Optional[dict] = None, debug: bool = False,
                **kwargs) -> Iterator[TaskResult]:
    """Yields one TaskResult per task as it finishes (``kwargs``: build_task_cache's).

    With ``num_workers > 1``, tasks run in that many spawned processes, each set up
    with ``setup`` (``setup_registry``'s arguments).
    """
    if num_workers <= 1 or len(names) <= 1:
        for name in names:
            yield _build_safely(name, cache_dir, debug, kwargs)
        return
    import concurrent.futures
    import multiprocessing
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=min(num_workers, len(names)),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker, initargs=(setup or {}, debug)) as pool:
        futures = [pool.submit(_build_safely, n, cache_dir, debug, kwargs) for n in names]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _format(result: TaskResult, width: int) -> str:
    if result.status == "cached":
        return (f"  {result.name:<{width}}  {','.join(result.splits):<22} "
                f"{result.examples:>9} examples {result.seconds:>7.1f}s")
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
        description="Cache prompt-applied seqio tasks offline with seqio's own Beam job; "
                    "unknown --options are passed to Beam (e.g. --runner=...).")
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
    parser.add_argument("--min_shards", type=int, default=DEFAULT_MIN_SHARDS,
                        help="tfrecord shards per split at least (seqio's --min_shards)")
    parser.add_argument("--num_workers", type=int, default=1,
                        help="tasks cached at once, each in its own process")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks and Beam/seqio logs; stop at the first failure")
    args, beam_args = parser.parse_known_args(argv)
    for arg in beam_args:
        key = arg.split("=", 1)[0]
        near = difflib.get_close_matches(key, OUR_FLAGS, n=1, cutoff=0.8)
        if not arg.startswith("--") or near:
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


def _run(args, beam_args) -> int:
    cache_dir = os.path.abspath(os.path.expanduser(args.cache_dir))
    setup = dict(task_modules=args.task_modules, tfds_data_dir=args.tfds_data_dir,
                 vocab_path=args.vocab_path, model_name_or_path=args.model_name_or_path)
    tfds_data_dir = setup_registry(**setup)
    names = resolve_tasks(args.tasks)
    splits = [s.strip() for s in args.splits.split(",") if s.strip()] if args.splits else None
    # Beam workers import these before unpickling tasks (paths cannot be imported there).
    modules = ["caches.beam_registry"] + [m.strip() for m in (args.task_modules or "").split(",")
                              if m.strip() and not m.strip().endswith(".py") and os.sep not in m]
    print(f"caching {len(names)} task(s) into {cache_dir}"
          + ("" if args.overwrite else " (cached ones skipped; --overwrite rebuilds them)"),
          flush=True)
    width = max(len(n) for n in names)
    start, done = time.time(), []
    for result in cache_tasks(
            names, cache_dir, num_workers=args.num_workers, setup=setup, debug=args.debug,
            splits=splits, overwrite=args.overwrite, min_shards=args.min_shards,
            pipeline_args=beam_args, modules_to_import=modules, tfds_data_dir=tfds_data_dir):
        done.append(result)
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
