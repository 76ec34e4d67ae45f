"""Two processes predict the same files as one (torchrun, gloo, CPU).

One ``torchrun --standalone --nproc_per_node 2`` launch of ``tests/eval_dist_worker.py``
predicts four tasks (generation with MultiRC's idx dicts, ranking, ReCoRD's many options
over several decoder chunks, a one-shot task) with shards of 3 and 2 examples, plainly
and in lockstep (dummy batches and chunks on the rank with less work). Rank 0's merged
files must equal one process's: same lines in the same order, option scores equal up to
float noise (batches differ, so padding and summation order do).
"""

import json
import os
import subprocess
import sys

import pytest

from helpers import run_torchrun

import mixtures

mixtures.register_all()  # every built-in task and mixture
from tasks import paths

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "tests", "eval_dist_worker.py")
# T5-style generation (MultiRC, with its idx dicts), ranking (COPA), ReCoRD's many
# options, a one-shot task.
TASKS = ("super_glue_multirc_v102", "copa_type_0", "record_type_0", "rte_type_0_one_shot")
# StreamConfig fields, then predict_to_files' decoding arguments.
SETTINGS = dict(stream=dict(split="validation", max_source_length=512, max_target_length=5,
                            max_samples=5),
                decode=dict(batch_size=2, option_batch_size=3, show_progress=False))
LAUNCH_TIMEOUT_S = 420
SETTINGS_SEED = 0  # few-shot exemplar seed, set in the workers and here


def launch(out_dir) -> subprocess.CompletedProcess:
    """torchrun the prediction worker (see conftest.run_torchrun)."""
    return run_torchrun(WORKER, 2, ["--out", out_dir, "--tasks", ",".join(TASKS),
                                    "--settings", json.dumps(SETTINGS),
                                    "--fewshot_seed", SETTINGS_SEED], LAUNCH_TIMEOUT_S)

def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 180)
def test_two_ranks_write_the_single_process_files(demo_assets, tmp_path):
    """One test (parallel test workers never repeat the launch); every task, both modes."""
    from transformers import T5ForConditionalGeneration
    from eval.predict import predict_to_files
    from tasks import shots, vocab
    done = launch(tmp_path)
    if done.returncode != 0:
        pytest.fail(f"torchrun exited {done.returncode}; last output:\n{done.stdout[-6000:]}")
    shots.set_fewshot_seed(SETTINGS_SEED)  # the workers' exemplars, whatever ran before
    vocab.configure_vocabulary(None, None)
    model = T5ForConditionalGeneration.from_pretrained(str(paths.DEMO_MODEL_DIR)).eval()
    from trainer.config import StreamConfig
    predict_to_files(model, None, StreamConfig(list(TASKS), **SETTINGS["stream"]),
                     str(tmp_path / "single"), **SETTINGS["decode"])
    for mode in ("plain", "lockstep"):
        for task in TASKS:
            single = read(tmp_path / "single" / "predictions" / f"{task}.jsonl")
            multi = read(tmp_path / mode / "predictions" / f"{task}.jsonl")
            assert len(single) == len(multi) == SETTINGS["stream"]["max_samples"], (mode, task)
            for one, two in zip(single, multi):
                scores_one, scores_two = one.pop("scores", None), two.pop("scores", None)
                assert one == two, (mode, task)
                if scores_one is not None:
                    assert scores_two == pytest.approx(scores_one, abs=1e-3), (mode, task)
