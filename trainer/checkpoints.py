"""Checkpoints of ``run.py``: which ones are complete, the streams' positions inside them.

A checkpoint is HF's ``checkpoint-<step>/`` plus ``stream_state_rank<r>.json`` per rank;
``find_latest_checkpoint`` returns the newest complete one. Saves are staged in
``tmp-checkpoint-<step>`` and published by one rename; a SIGTERM ends in ``Preempted``
(exit 143). Errors are one-line ``CheckpointError``s.
See docs/training.md, "Checkpoints".
"""

from __future__ import annotations

import json
import os
import re
import shutil
from typing import List, Mapping, Optional, Tuple

from common.errors import UserError

CHECKPOINT_RE = re.compile(r"^checkpoint-(\d+)$")
# A checkpoint being written; never matches CHECKPOINT_RE nor HF's "checkpoint-*" glob.
STAGING_PREFIX = "tmp-"
STAGING_RE = re.compile(r"^tmp-checkpoint-(\d+)$")
# The status of a run that saved a checkpoint and stopped on SIGTERM (as if killed by it).
EXIT_PREEMPTED = 128 + 15
TRAINER_STATE = "trainer_state.json"
STREAM_STATE = "stream_state_rank{rank}.json"
STREAM_STATE_VERSION = 1
# Any one of these means the weights are there (HF single file, sharded index, DeepSpeed).
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json", "latest")
# What must match between the run that saved a stream state and the run that resumes it.
MUST_MATCH = {"dataset": "--dataset_name", "seed": "--seed", "num_ranks": "the number of processes",
              "packing": "--packing (a packed stream's position counts rows)"}
# What a stream state written before a key was recorded had.
MATCH_DEFAULTS = {"packing": False}


class CheckpointError(UserError, ValueError):
    """A checkpoint that cannot be resumed, or an output dir that cannot be used (one line)."""


class Preempted(Exception):
    """Training stopped on SIGTERM after saving ``checkpoint`` at ``step`` (of ``max_steps``)."""

    def __init__(self, step: int, max_steps: int, checkpoint: str):
        self.step, self.max_steps, self.checkpoint = step, max_steps, checkpoint
        super().__init__(f"SIGTERM at step {step} of {max_steps}: saved {checkpoint}; run the same "
                         f"command again to resume from it")


def list_checkpoints(output_dir: str) -> List[Tuple[int, str]]:
    """``(step, path)`` of every ``checkpoint-<step>`` folder in ``output_dir``, oldest first."""
    if not os.path.isdir(output_dir):
        return []
    found = []
    for name in os.listdir(output_dir):
        match = CHECKPOINT_RE.match(name)
        path = os.path.join(output_dir, name)
        if match and os.path.isdir(path):
            found.append((int(match.group(1)), path))
    return sorted(found)


def staging_path(checkpoint: str) -> str:
    """``<dir>/tmp-checkpoint-<step>``: where ``<dir>/checkpoint-<step>`` is written first."""
    folder, name = os.path.split(os.path.normpath(checkpoint))
    return os.path.join(folder, STAGING_PREFIX + name)


def remove_staging(output_dir: str) -> List[str]:
    """Deletes every ``tmp-checkpoint-<step>`` in ``output_dir`` (interrupted saves); returns the names."""
    if not os.path.isdir(output_dir):
        return []
    removed = []
    for name in sorted(os.listdir(output_dir)):
        if STAGING_RE.match(name):
            shutil.rmtree(os.path.join(output_dir, name), ignore_errors=True)
            removed.append(name)
    return removed


def prepare_staging(checkpoint: str) -> str:
    """Makes way for saving ``checkpoint`` and returns its staging folder (not created yet).

    Removes what interrupted saves left beside it (every ``tmp-checkpoint-<step>``) and an
    older ``checkpoint`` of the same step (from a run resumed before it, or one saved
    without staging), so that the rename at the end finds the name free.
    """
    remove_staging(os.path.dirname(os.path.normpath(checkpoint)))
    if os.path.isdir(checkpoint):
        shutil.rmtree(checkpoint, ignore_errors=True)
    return staging_path(checkpoint)


def publish_checkpoint(staging: str, checkpoint: str) -> bool:
    """Renames the fully written ``staging`` folder to ``checkpoint``: one atomic step.

    Returns False when ``staging`` is gone: with ``--save_on_each_node`` on a shared disk,
    another node's main process published it first.
    """
    try:
        os.rename(staging, checkpoint)
    except FileNotFoundError:
        return False
    return True


def stream_state_path(checkpoint: str, rank: int) -> str:
    """Where rank ``rank`` keeps its stream state inside ``checkpoint``."""
    return os.path.join(checkpoint, STREAM_STATE.format(rank=rank))


def missing_files(checkpoint: str) -> List[str]:
    """Files a resume from ``checkpoint`` needs that are not there (empty: complete)."""
    missing = []
    state = os.path.join(checkpoint, TRAINER_STATE)
    if not os.path.isfile(state):
        missing.append(TRAINER_STATE)
    else:
        try:
            _read_json(state)
        except CheckpointError:
            missing.append(f"{TRAINER_STATE} (unreadable)")
    weights = [name for name in WEIGHT_FILES if os.path.exists(os.path.join(checkpoint, name))]
    if not weights:
        missing.append("model weights")
    elif "model.safetensors" in weights:
        problem = safetensors_problem(os.path.join(checkpoint, "model.safetensors"))
        if problem:
            missing.append(f"model.safetensors ({problem})")
    first = stream_state_path(checkpoint, 0)
    if not os.path.isfile(first):
        return missing + [os.path.basename(first)]
    try:
        num_ranks = int(_read_json(first)["num_ranks"])
    except (KeyError, TypeError, ValueError, CheckpointError):
        return missing + [os.path.basename(first) + " (unreadable)"]
    for rank in range(1, num_ranks):
        if not os.path.isfile(stream_state_path(checkpoint, rank)):
            missing.append(STREAM_STATE.format(rank=rank))
    rng = ["rng_state.pth"] if num_ranks == 1 else [f"rng_state_{r}.pth" for r in range(num_ranks)]
    missing.extend(name for name in rng if not os.path.isfile(os.path.join(checkpoint, name)))
    return missing


def safetensors_problem(path: str) -> Optional[str]:
    """Why a ``.safetensors`` file cannot be loaded (e.g. ``"truncated: N of M bytes"``), or None.

    Reads only the header (an 8-byte length, then JSON giving each tensor's byte range):
    the last tensor must end where the file does. A copy or save cut short fails this.
    """
    size = os.path.getsize(path)
    try:
        with open(path, "rb") as f:
            length = int.from_bytes(f.read(8), "little")
            if length <= 0 or 8 + length > size:
                return f"truncated: {size} bytes, shorter than its header"
            header = json.loads(f.read(length))
        end = max((entry["data_offsets"][1] for key, entry in header.items()
                   if key != "__metadata__"), default=0)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return "unreadable header"
    if 8 + length + end != size:
        return f"truncated: {size} of {8 + length + end} bytes"
    return None


def checkpoint_step(checkpoint: str) -> int:
    """The global step a checkpoint was saved at (from its ``trainer_state.json``)."""
    return int(_read_json(os.path.join(checkpoint, TRAINER_STATE)).get("global_step", 0))


def is_complete(checkpoint: str) -> bool:
    """Whether ``checkpoint`` holds everything a resume reads (see the module docstring)."""
    return not missing_files(checkpoint)


def find_latest_checkpoint(output_dir: str) -> Optional[str]:
    """The newest complete ``checkpoint-<step>`` in ``output_dir`` (None when there is none)."""
    for _, path in reversed(list_checkpoints(output_dir)):
        if is_complete(path):
            return path
    return None


def resolve_resume(resume: Optional[str], output_dir: str, overwrite: bool) -> Optional[str]:
    """The checkpoint a training run starts from, or None to start afresh.

    ``resume``: ``--resume_from_checkpoint`` (a path, ``latest`` or ``true``; None when not
    given). Without it a run resumes from the newest complete checkpoint in
    ``output_dir`` (HF scripts' behaviour), starts afresh with ``overwrite``, and refuses
    an ``output_dir`` that holds files but no complete checkpoint.
    """
    if resume and resume.lower() in ("latest", "true"):
        latest = find_latest_checkpoint(output_dir)
        if latest is None:
            raise CheckpointError(
                f"--resume_from_checkpoint {resume}: no complete checkpoint-N in {output_dir}"
                f"{_incomplete_note(output_dir)}; leave the flag out to start a new run")
        return latest
    if resume:
        if not os.path.isdir(resume):
            raise CheckpointError(f"--resume_from_checkpoint {resume}: no such folder; pass a "
                                  f"checkpoint-N folder or 'latest'")
        missing = missing_files(resume)
        if missing:
            raise CheckpointError(
                f"--resume_from_checkpoint {resume} is incomplete (missing {', '.join(missing)}); "
                f"pass an earlier checkpoint or 'latest' (the newest complete one)")
        return resume
    if overwrite or not os.path.isdir(output_dir) or not os.listdir(output_dir):
        return None
    latest = find_latest_checkpoint(output_dir)
    if latest is None:
        raise CheckpointError(
            f"--output_dir {output_dir} is not empty and holds no complete checkpoint to resume"
            f"{_incomplete_note(output_dir)}; pass --overwrite_output_dir true to train there afresh, "
            f"or choose another --output_dir")
    return latest


def _incomplete_note(output_dir: str) -> str:
    partial = [os.path.basename(p) for _, p in list_checkpoints(output_dir) if not is_complete(p)]
    if os.path.isdir(output_dir):
        partial += [name for name in sorted(os.listdir(output_dir)) if STAGING_RE.match(name)]
    return f" ({', '.join(partial)} incomplete)" if partial else ""


def remove_checkpoints(output_dir: str) -> List[str]:
    """Deletes every ``checkpoint-<step>`` in ``output_dir`` (a run that starts afresh there)

    so that a later ``latest`` can never pick a checkpoint of the previous run; unfinished
    ``tmp-checkpoint-<step>`` folders go too. Returns the names removed.
    """
    removed = remove_staging(output_dir)
    for _, path in list_checkpoints(output_dir):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(os.path.basename(path))
    return removed


def write_stream_state(checkpoint: str, rank: int, state: Mapping, meta: Mapping) -> str:
    """Writes rank ``rank``'s stream state (and ``meta``: dataset, seed, num_ranks) atomically."""
    os.makedirs(checkpoint, exist_ok=True)
    path = stream_state_path(checkpoint, rank)
    record = {"version": STREAM_STATE_VERSION, "rank": rank, **meta, "stream": dict(state)}
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1)
    os.replace(tmp, path)
    return path


def read_stream_state(checkpoint: str, rank: int, meta: Mapping) -> dict:
    """Rank ``rank``'s saved stream state, after checking it was saved by a run like this one.

    ``meta`` is this run's dataset, seed, num_ranks and packing; a difference is a one-line
    error.
    """
    path = stream_state_path(checkpoint, rank)
    if not os.path.isfile(path):
        raise CheckpointError(
            f"{checkpoint} has no {os.path.basename(path)} (not written by run.py, or by fewer "
            f"ranks); resume from a run.py checkpoint with as many processes")
    record = _read_json(path)
    if record.get("version") != STREAM_STATE_VERSION:
        raise CheckpointError(f"{path}: stream state version {record.get('version')} is not "
                              f"{STREAM_STATE_VERSION}; resume with the run.py that wrote it")
    for key, flag in MUST_MATCH.items():
        if key in meta and record.get(key, MATCH_DEFAULTS.get(key)) != meta[key]:
            raise CheckpointError(
                f"{checkpoint} was saved with {key}={record.get(key)!r}, this run has "
                f"{meta[key]!r}; resume with the same {flag}, or start afresh "
                f"(--overwrite_output_dir true)")
    return record["stream"]


def _read_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, ValueError) as err:
        raise CheckpointError(f"{path} is unreadable ({err}); resume from another checkpoint") from None
    if not isinstance(record, dict):
        raise CheckpointError(f"{path} does not hold a JSON object; resume from another checkpoint")
    return record
