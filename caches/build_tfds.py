"""Prepares real TFDS datasets offline from raw files: the build loop and its command line.

    python -m caches.build_tfds --raw_dir RAW --data_dir DIR \\
        [--datasets super_glue/boolq,glue/mrpc,...] [--overwrite] [--debug] [--list]

TFDS's own builders generate the data (``tfds_offline`` answers their downloads with
local files), after ``raw_validate`` has checked every raw file; a dataset already
prepared is skipped. What is built and how: docs/offline-data.md.
"""

from __future__ import annotations

import os

# Quiet TensorFlow's C++ logging before anything imports it (the user's value wins).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse
import contextlib
import io
import re
import sys
import tempfile
import time
from typing import Iterable, Optional, Union

from caches.raw_formats import RawDataError
from caches.raw_validate import validate_raw
from caches.tfds_datasets import (ALL_DATASETS, CHECKS, MANUAL_DIRS, RAW_FILES, RAW_GLOBS,
                                  RAW_GROUPS, URL_TO_RAW, VERSIONS, UnknownDatasetError,
                                  format_table, is_prepared, prepared_dir,
                                  resolve_datasets, tfds_name)
from caches.tfds_offline import OfflineUrlError, local_downloads
from common.errors import UserError, cli_main, pop_debug

# The offline-build API, importable from here (the owning modules hold the code).
__all__ = ["ALL_DATASETS", "BuildError", "CHECKS", "MANUAL_DIRS", "RAW_FILES", "RAW_GLOBS",
           "RAW_GROUPS", "URL_TO_RAW", "VERSIONS", "OfflineUrlError", "RawDataError",
           "UnknownDatasetError", "build_tfds", "format_table", "is_prepared",
           "local_downloads", "main", "prepared_dir", "resolve_datasets", "tfds_name",
           "validate_raw"]


class BuildError(UserError, RuntimeError):
    """TFDS failed while generating a dataset; ``str(err)`` is one line naming it."""


def _one_line(err: BaseException, limit: int = 300) -> str:
    text = " ".join(str(err).split()) or "(no message)"
    if len(text) > limit:
        text = text[:limit] + " ..."
    return f"{type(err).__name__}: {text}"


def _build_one(name: str, raw_dir: str, data_dir: str, debug: bool,
               num_shards: Optional[int] = None) -> dict[str, int]:
    """Generates one dataset into data_dir with TFDS's builder; split -> examples.
    ``num_shards``: files per split (default: TFDS's choice, by size)."""
    import tensorflow_datasets as tfds

    full = tfds_name(name)
    config = tfds.download.DownloadConfig(
        try_download_gcs=False,  # never look for a prepared copy on GCS
        compute_stats=tfds.download.ComputeStatsMode.SKIP,
        # We decided to build already; this mode also clears a half-written version
        # folder that has no dataset_info.json.
        download_mode=tfds.download.GenerateMode.REUSE_CACHE_IF_EXISTS,
        num_shards=num_shards,
        manual_dir=(os.path.join(os.path.abspath(raw_dir), MANUAL_DIRS[name])
                    if name in MANUAL_DIRS else None))
    # TFDS prints banners to stdout; keep them only when debugging.
    quiet = (contextlib.nullcontext() if debug
             else contextlib.redirect_stdout(io.StringIO()))
    try:
        with tempfile.TemporaryDirectory(prefix="build_tfds_dl_") as dl_dir, \
                local_downloads(raw_dir), quiet:
            # The builder class itself: tfds.builder() would hand back a read-only
            # builder (which cannot generate) for a version already on disk.
            family, _, config_name = name.partition("/")
            builder = tfds.builder_cls(family)(
                config=config_name or None, version=VERSIONS[family], data_dir=data_dir)
            builder.download_and_prepare(download_dir=dl_dir, download_config=config)
    except OfflineUrlError as err:
        raise BuildError(f"{full}: {err}") from err
    except Exception as err:  # noqa: BLE001 - any TFDS failure becomes one line
        fewer = _SMALL_SPLIT.search(str(err))
        if num_shards and fewer and int(fewer[1]) < num_shards:
            # A split smaller than --num_shards (TFDS refuses empty files): every split
            # of this dataset gets as many files as its smallest split has examples.
            return _build_one(name, raw_dir, data_dir, debug, max(1, int(fewer[1])))
        raise BuildError(f"{full}: TFDS failed to generate it from {raw_dir}: "
                         f"{_one_line(err)}") from err
    return {split: info.num_examples for split, info in builder.info.splits.items()}


# TFDS's refusal to write a split into more files than it has examples.
_SMALL_SPLIT = re.compile(r"num_examples \((\d+)\) < number_of_shards")


def build_tfds(raw_dir: str, data_dir: str,
               datasets: Union[None, str, Iterable[str]] = None,
               overwrite: bool = False, *, verbose: bool = True,
               debug: bool = False, num_shards: Optional[int] = None) -> list[str]:
    """Prepares ``datasets`` (default: ALL_DATASETS) in data_dir from raw_dir's files.

    Datasets already prepared are skipped unless ``overwrite``. Every raw file of every
    dataset to build is checked first (RawDataError); a failure inside TFDS raises
    BuildError. Prints one line per dataset and a summary when ``verbose``. Returns the
    ``name:version`` of each dataset built by this call.
    """
    import tensorflow_datasets as tfds

    start = time.time()
    names = resolve_datasets(datasets)
    todo = [n for n in names if overwrite or not is_prepared(n, data_dir)]
    if todo and not os.path.isdir(raw_dir):
        raise RawDataError(f"raw dir {raw_dir} does not exist (needed for "
                           f"{', '.join(todo)}); see docs/offline-data.md")
    for name in todo:  # all of them before any build: fail fast, not after an hour
        validate_raw(name, raw_dir)

    tfds.disable_progress_bar()
    if todo:
        # TFDS imports TensorFlow lazily: load it now, out of the per-dataset timings.
        import tensorflow  # noqa: F401
    built = []
    for i, name in enumerate(names, 1):
        step = f"[{i}/{len(names)}] {tfds_name(name)} ..."
        if name not in todo:
            if verbose:
                print(f"{step} already prepared, skipped", flush=True)
            continue
        t0 = time.time()
        counts = _build_one(name, raw_dir, data_dir, debug, num_shards)
        built.append(tfds_name(name))
        if verbose:
            splits = ", ".join(f"{s} {c}" for s, c in counts.items())
            print(f"{step} {sum(counts.values())} examples ({splits}), "
                  f"{time.time() - t0:.1f}s", flush=True)
    if verbose:
        print(f"built {len(built)}, skipped {len(names) - len(todo)} in {data_dir} "
              f"({time.time() - start:.1f}s); use it with TFDS_DATA_DIR={data_dir}",
              flush=True)
    return built


# ----------------------------------------------------------------------------- CLI


def _run(argv: list[str], debug: bool) -> int:
    """The command line once ``--debug`` is known; user errors propagate to cli_main."""
    parser = argparse.ArgumentParser(
        prog="python -m caches.build_tfds",
        description="Prepare TFDS datasets (super_glue, glue, sentiment, PAWS, SQuAD) "
                    "offline from raw files "
                    "laid out as the official archives extract (docs/offline-data.md).")
    parser.add_argument("--raw_dir", help="folder holding the super_glue/, glue/, ... "
                                          "raw files")
    parser.add_argument("--data_dir", default=os.environ.get("TFDS_DATA_DIR"),
                        help="TFDS data dir to write (default: $TFDS_DATA_DIR)")
    parser.add_argument("--datasets", default=None,
                        help="comma-separated names, e.g. super_glue/boolq,glue/mrpc "
                             "(optionally with :version); default: all")
    parser.add_argument("--overwrite", action="store_true",
                        help="rebuild datasets that are already prepared")
    parser.add_argument("--num_shards", type=int, default=None,
                        help="files per split (default: TFDS's choice by size); with a "
                             "file per data-parallel rank, each rank reads only its files")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks and TFDS's own output")
    parser.add_argument("--list", action="store_true",
                        help="print the dataset -> raw files table and exit")
    args = parser.parse_args(argv)
    if args.list:
        print(format_table())
        return 0
    if not args.raw_dir or not args.data_dir:
        parser.error("--raw_dir and --data_dir (or $TFDS_DATA_DIR) are required")
    if not debug:
        # TensorFlow announces oneDNN at import past TF_CPP_MIN_LOG_LEVEL; generating
        # the data does no float math, so this process can do without it.
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        from absl import logging as absl_logging
        absl_logging.set_verbosity(absl_logging.ERROR)
    try:
        build_tfds(args.raw_dir, args.data_dir, args.datasets,
                   overwrite=args.overwrite, debug=debug, num_shards=args.num_shards)
    except KeyboardInterrupt:
        print("interrupted: datasets not finished were left unprepared", file=sys.stderr)
        return 130
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    """Command-line entry point; returns the exit code.

    A user error (missing or malformed raw file, unknown dataset, TFDS failure) is one
    line on stderr and exit code 2 (``common.errors.cli_main``); ``--debug`` raises it.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    _, debug = pop_debug(argv)
    return cli_main(lambda rest: _run(rest, debug), argv)


if __name__ == "__main__":
    sys.exit(main())
