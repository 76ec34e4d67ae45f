"""seqio cache folders: checking them, registering them, asking what is cached.

``register_cache_dir`` (what ``run.py --cache_dir`` and ``$SEQIO_CACHE_DIR`` use)
refuses an incomplete or damaged cache, or one built with another vocabulary, with one
line naming the task and the rebuild command; ``COMPLETED`` is the commit mark.

See docs/caching.md, "Cache folders and `--cache_dir`" and "Atomic builds"."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from typing import Dict, List, Optional, Sequence

from common.errors import UserError
from common import seqio_compat  # before seqio: the import fix
from tasks import lookup

import seqio

logger = logging.getLogger(__name__)

COMPLETED = "COMPLETED"
ENV_VAR = "SEQIO_CACHE_DIR"
# Folders that caches.cache_tasks builds in before renaming into place; never read.
STAGING_PREFIX = ".cache_tasks-tmp-"
_CACHE_FILE = re.compile(r"^(COMPLETED|(info|stats)\..+\.json|.+\.tfrecord-\d+-of-\d+)$")


class CacheDirError(UserError, ValueError):
    """A cache folder that is missing, incomplete or built for another vocabulary."""


def build_command(task_names: Sequence[str], cache_dir: str, overwrite: bool = False,
                  extra: str = "") -> str:
    """The ``python -m caches.cache_tasks`` command line that (re)builds these tasks."""
    cmd = (f"python -m caches.cache_tasks --tasks {','.join(task_names) or 'NAMES'} "
           f"--cache_dir {cache_dir}")
    return cmd + (" --overwrite" if overwrite else "") + (f" {extra}" if extra else "")


def _task_dirs(path: str) -> Dict[str, str]:
    """task name -> folder, for every folder under ``path`` holding cache files."""
    found = {}
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # staging folders
        if any(_CACHE_FILE.match(f) for f in files):
            rel = os.path.relpath(root, path)
            if rel != ".":
                found[rel.replace(os.sep, ":")] = root
    return found


def cached_tasks(path: str) -> List[str]:
    """Names of the tasks with a completed cache in ``path``, sorted."""
    return sorted(n for n, d in _task_dirs(path).items()
                  if os.path.isfile(os.path.join(d, COMPLETED)))


def partial_tasks(path: str) -> List[str]:
    """Names of the task folders in ``path`` that hold cache files but no COMPLETED."""
    return sorted(n for n, d in _task_dirs(path).items()
                  if not os.path.isfile(os.path.join(d, COMPLETED)))


def cache_manifest(task_dir: str) -> dict:
    """What ``caches.cache_tasks`` recorded in COMPLETED (``{}`` for other builders)."""
    try:
        with open(os.path.join(task_dir, COMPLETED), encoding="utf-8") as f:
            text = f.read().strip()
        manifest = json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def shard_sizes(task_dir: str) -> Dict[str, int]:
    """File name -> bytes of every tfrecord shard in a task folder (recorded in COMPLETED)."""
    return {name: os.path.getsize(os.path.join(task_dir, name))
            for name in sorted(os.listdir(task_dir)) if ".tfrecord-" in name}


def damaged_shards(task_dir: str) -> List[str]:
    """Shards that differ from what COMPLETED recorded, each as one phrase (empty: intact).

    Caches whose COMPLETED records no sizes (built by other tools) are not checked. A
    size check costs one ``stat`` per shard, and catches the usual damage (a copy or
    sync cut short) that would otherwise surface mid-run as a TensorFlow DataLossError.
    """
    recorded = cache_manifest(task_dir).get("files") or {}
    problems = []
    for name, size in sorted(recorded.items()):
        path = os.path.join(task_dir, name)
        if not os.path.isfile(path):
            problems.append(f"{name} is missing")
        elif os.path.getsize(path) != size:
            problems.append(f"{name} has {os.path.getsize(path)} bytes, {size} when built")
    return problems


_sha_memo: Dict[tuple, str] = {}


def file_sha256(path: str) -> str:
    """sha256 of a file (memoised on path, size and modification time)."""
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    if key not in _sha_memo:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _sha_memo[key] = h.hexdigest()
    return _sha_memo[key]


def vocabulary_fingerprints(task: seqio.Task) -> Dict[str, Dict[str, str]]:
    """feature -> {"path", "sha256"} of each SentencePiece vocabulary ``task`` uses.

    Resolving the vocabulary may raise ``tasks.vocab.VocabularyError``.
    """
    out = {}
    for name, feature in task.output_features.items():
        path = getattr(feature.vocabulary, "sentencepiece_model_file", None)
        if path and os.path.isfile(path):
            out[name] = {"path": str(path), "sha256": file_sha256(path)}
    return out


def vocabulary_mismatch(task: seqio.Task, task_dir: str) -> Optional[str]:
    """The vocabulary path ``task`` now uses if its cache recorded another one, else None.

    Caches without a record (built by other tools) and vocabularies that cannot be
    resolved yet are not checked.
    """
    recorded = cache_manifest(task_dir).get("vocabularies") or {}
    if not recorded:
        return None
    from tasks import vocab  # here: vocab resolution is only needed for this check
    try:
        current = vocabulary_fingerprints(task)
    except vocab.VocabularyError:
        return None
    for feature, now in current.items():
        then = recorded.get(feature)
        if then and then.get("sha256") != now["sha256"]:
            return now["path"]
    return None


def check_cache_dir(path: str, check_vocabulary: bool = True) -> List[str]:
    """Raises CacheDirError (one line) unless ``path`` is a usable cache folder.

    Refuses a missing folder, task folders without COMPLETED, damaged shards (sizes
    recorded in COMPLETED), and (for registered tasks) caches built with a vocabulary
    other than the one the task now resolves. Returns the cached task names.
    """
    if not os.path.isdir(path):
        raise CacheDirError(f"cache dir {path} does not exist; build it with "
                            f"`{build_command([], path)}` (NAMES: tasks, regexes or "
                            "mixtures) or point --cache_dir / $SEQIO_CACHE_DIR elsewhere")
    partial = partial_tasks(path)
    if partial:
        raise CacheDirError(
            f"cache of {', '.join(partial)} in {path} is incomplete (no {COMPLETED}: an "
            f"interrupted build) and will not be read; rebuild with "
            f"`{build_command(partial, path, overwrite=True)}`")
    names = cached_tasks(path)
    dirs = _task_dirs(path)
    damaged = {name: damaged_shards(dirs[name]) for name in names}
    damaged = {name: problems for name, problems in damaged.items() if problems}
    if damaged:
        first = next(iter(damaged))
        raise CacheDirError(
            f"cache of {', '.join(damaged)} in {path} is damaged ({first}: "
            f"{damaged[first][0]}) and will not be read; rebuild with "
            f"`{build_command(list(damaged), path, overwrite=True)}`")
    if check_vocabulary:
        registered = set(seqio.TaskRegistry.names())
        stale, new_vocab = [], None
        for name in names:
            if name in registered:
                other = vocabulary_mismatch(seqio.TaskRegistry.get(name), dirs[name])
                if other:
                    stale.append(name)
                    new_vocab = other
        if stale:
            fix = build_command(stale, path, overwrite=True, extra=f"--vocab_path {new_vocab}")
            raise CacheDirError(
                f"cache of {', '.join(stale)} in {path} was built with another vocabulary "
                f"than the one in use ({new_vocab}); rebuild with `{fix}`")
    leftovers = sorted(d for d in os.listdir(path) if d.startswith(STAGING_PREFIX))
    if leftovers:
        logger.warning("%s holds %s from an interrupted or running cache build (never "
                       "read); delete it once no build is running",
                       path, ", ".join(leftovers))
    return names


def register_cache_dir(path: str, check_vocabulary: bool = True) -> List[str]:
    """Checks ``path`` (``check_cache_dir``) and adds it to seqio's global cache dirs.

    What ``run.py --cache_dir`` and ``$SEQIO_CACHE_DIR`` call. Registering a folder
    twice is a no-op. Returns the cached task names found there.
    """
    path = os.path.abspath(os.path.expanduser(path))
    names = check_cache_dir(path, check_vocabulary=check_vocabulary)
    if not names:
        logger.warning("cache dir %s holds no cached task yet; build some with `%s`",
                       path, build_command([], path))
    if path not in seqio.utils.get_global_cache_dirs():
        seqio.add_global_cache_dirs([path])
        forget_cache_lookups()  # tasks found uncached before may be cached now
    return names


def register_cache_dirs_from_env(var: str = ENV_VAR) -> List[str]:
    """Registers every folder in ``$SEQIO_CACHE_DIR`` (``:``- or ``,``-separated).

    Returns the folders registered (none when the variable is unset).
    """
    paths = [p for p in re.split(r"[,%s]" % re.escape(os.pathsep), os.environ.get(var, ""))
             if p.strip()]
    for p in paths:
        try:
            register_cache_dir(p.strip())
        except CacheDirError as e:
            raise CacheDirError(f"${var}: {e}") from None
    return paths


def forget_cache_lookups(task_names: Optional[Sequence[str]] = None) -> None:
    """Drops seqio's memoised cache location and stats of these (default: all) tasks.

    seqio remembers the first cache folder it finds for a task (``Task.cache_dir``)
    and the stats it read; after caches are added, rebuilt or removed in-process they
    must be looked up again.
    """
    names = seqio.TaskRegistry.names() if task_names is None else task_names
    for name in names:
        if name in seqio.TaskRegistry.names():
            seqio_compat.forget_cache_lookup(seqio.TaskRegistry.get(name))


def reset_cache_dirs(paths: Optional[Sequence[str]] = None) -> None:
    """Removes ``paths`` (default: all) from seqio's global cache dirs and forgets lookups."""
    if paths is None:
        keep = []
    else:
        drop = {os.path.abspath(p) for p in paths}
        keep = [d for d in seqio.utils.get_global_cache_dirs() if os.path.abspath(d) not in drop]
    seqio.utils.set_global_cache_dirs(keep)
    forget_cache_lookups()


def is_cached(name: str, split: Optional[str] = None) -> bool:
    """Whether task ``name`` (every task, for a mixture) has a completed cache.

    Looks in seqio's global cache dirs; with ``split``, the cache must hold that split
    (``caches.cache_tasks --splits`` may leave some out). Unknown names raise
    ``tasks.lookup.UnknownNameError`` with the nearest names.
    """
    provider = lookup.get_provider(name)
    members = provider.tasks if isinstance(provider, seqio.Mixture) else [provider]
    for task in members:
        if not task.cache_dir:
            return False
        if split and not seqio_compat.has_cache(task, split):
            return False
    return True
