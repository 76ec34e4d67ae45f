"""``torchrun --nproc_per_node 2 run.py --tensor_parallel_size 2`` end to end on the demo data.

One test, four launches (so xdist never runs them twice):

1. a TP=2 run trains 10 steps (checkpoints at 5 and 10), saves the final model and, with
   ``--shots 0``, predicts and scores its eval task with the *in-memory* sharded model;
2. the straight run's ``checkpoint-5`` resumed under TP=2 ends with the same per-step
   losses, eval losses and final weights (the checkpoint holds full weights and a full
   optimizer state; each rank keeps its shards on resume);
3. the saved folder loads with ``from_pretrained`` in a fresh single process
   (``python -m eval``) and gives the same predictions and option scores, hence the
   same metrics, as the in-memory TP model;
4. a bad layout (TP 2 with one process) is a one-line error.

The module-level equality of TP and the unsharded model (losses, gradients, updates,
``generate``) is ``tests/test_tp.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import RESUMABLE, ROOT, assert_same_run, launch, straight_and_resumed

TASK = "rte_type_0"
ARGS = RESUMABLE + f" --dataset_name {TASK} --tensor_parallel_size 2 --shots 0"
SCORE_TOLERANCE = 1e-4


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


def read_jsonl(path) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def eval_saved_model(model_dir, out_dir) -> None:
    """``python -m eval`` on the saved folder, one process, the run's eval settings."""
    cmd = [sys.executable, "-m", "eval", "--model_name_or_path", str(model_dir),
           "--dataset_name", TASK, "--shots", "0", "--max_eval_samples", "3",
           "--max_source_length", "128", "--max_target_length", "8",
           "--output_dir", str(out_dir), "--no_progress", "--seed", "7"]
    env = dict(os.environ, OMP_NUM_THREADS="1", CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


@pytest.mark.slow
def test_tensor_parallel_run_trains_resumes_saves_and_scores_the_same(tmp_path):
    straight, resumed = straight_and_resumed(tmp_path, ARGS, nproc=2)
    assert_same_run(straight, resumed)

    # The run predicted with its in-memory TP model; the saved folder must agree.
    in_memory = read_jsonl(straight / "predictions" / f"{TASK}.jsonl")
    assert len(in_memory) == 3
    eval_saved_model(straight, tmp_path / "reloaded")
    reloaded = read_jsonl(tmp_path / "reloaded" / "predictions" / f"{TASK}.jsonl")
    assert [r["prediction"] for r in reloaded] == [r["prediction"] for r in in_memory]
    for a, b in zip(in_memory, reloaded):
        assert max(abs(x - y) for x, y in zip(a["scores"], b["scores"])) <= SCORE_TOLERANCE
    with open(straight / "metrics.json", encoding="utf-8") as f:
        want = json.load(f)[TASK]
    with open(tmp_path / "reloaded" / "metrics.json", encoding="utf-8") as f:
        assert json.load(f)[TASK] == want
    assert (straight / "results.md").read_text().startswith("| dataset |")

    # One process cannot hold a TP group of 2: one line, exit 2, no traceback.
    done = launch(f"{ARGS} --output_dir {tmp_path / 'bad'}", nproc=1)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr
    assert lines[-1].startswith("error: --tensor_parallel_size 2 does not divide the world size 1")
