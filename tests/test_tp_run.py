"""``torchrun --nproc_per_node 2 run.py --tensor_parallel_size 2 --packing`` end to end on the demo data.

One test, two launches (so xdist never runs them twice), then an in-process check:

1. a TP=2 run trains 10 steps (checkpoints at 5 and 10), saves the final model and, with
   ``--shots 0``, predicts and scores its eval task with the *in-memory* sharded model;
2. the straight run's ``checkpoint-5`` resumed under TP=2 ends with the same per-step
   losses, eval losses and final weights (the checkpoint holds full weights and a full
   optimizer state; each rank keeps its shards on resume);
3. the saved folder loads with ``from_pretrained`` in a single unsharded process
   (``python -m eval``'s ``main``, here) and gives the same predictions and option
   scores, hence the same metrics, as the in-memory TP model.

A bad layout (TP 2 with one process) is a row of tests/test_bad_input.py.

The module-level equality of TP and the unsharded model (losses, gradients, updates,
``generate``) is ``tests/test_tp.py``.
"""

from __future__ import annotations

import json

import pytest

from helpers import RESUMABLE, assert_same_run, straight_and_resumed

TASK = "rte_type_0"
ARGS = RESUMABLE + f" --dataset_name {TASK} --tensor_parallel_size 2 --shots 0 --packing"
SCORE_TOLERANCE = 1e-4


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


def read_jsonl(path) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def eval_saved_model(model_dir, out_dir) -> None:
    """``python -m eval`` on the saved folder, in this process (one torch thread, as the
    launched runs), the run's eval settings."""
    import torch

    from eval.__main__ import main
    from helpers import reset_run_state
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        code = main(["--model_name_or_path", str(model_dir), "--dataset_name", TASK,
                     "--shots", "0", "--max_eval_samples", "3", "--max_source_length", "128",
                     "--max_target_length", "8", "--output_dir", str(out_dir),
                     "--no_progress", "--seed", "7"])
    finally:
        torch.set_num_threads(threads)
        reset_run_state()
    assert code == 0


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

