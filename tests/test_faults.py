"""Faults: run.py killed, pre-empted, crashing while saving, one rank failing.

* pre-empted: a run gets SIGTERM after it has trained a step, saves a checkpoint at the
  step it reached and stops (exit 143 for one process); the same command again resumes
  from that checkpoint and ends with the per-step losses, eval losses and final weights
  of an uninterrupted run (dropout on, so the RNG states count). Two ranks under
  torchrun (gloo), launched for real: SIGTERM goes to the launcher, which forwards it,
  and both ranks stop after the same step. One process, in this process (a
  ``--task_modules`` user task, evaluated every 3 steps): the straight run's
  ``checkpoint-3`` stands for a run killed once it was published, then a real SIGTERM;
* a crash while saving (one save step raises, in process) leaves ``tmp-checkpoint-2``
  that nothing takes for a checkpoint: ``latest`` is ``checkpoint-1``, and the resumed
  run publishes a complete ``checkpoint-2`` over an older half-written one;
* rank 1 failing (its data raises, from a ``--task_modules`` file) ends the whole
  torchrun job within seconds with rank 1's error, instead of leaving rank 0 waiting in
  a collective.

Every launch is a subprocess in its own session, its output in a file, killed with its
workers on timeout (OMP_NUM_THREADS=1); in-process runs use one torch thread too.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import time

import pytest

from helpers import launch_env
from helpers import (check_saved_model, eval_losses, max_weight_diff, run_command,
                     train_losses)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT_S = 300
TOLERANCE = 1e-6
MAX_STEPS = 10
# Tiny everything; checkpoints at 3, 6, 9 and 10; dropout stays on.
ARGS = ("--do_train --dataset_name rte_type_0 --max_source_length 32 --max_target_length 8 "
        "--per_device_train_batch_size 2 --gradient_accumulation_steps 2 --learning_rate 1e-3 "
        "--lr_scheduler_type constant --logging_steps 1 --report_to none --disable_tqdm true "
        f"--seed 7 --max_steps {MAX_STEPS} --save_strategy steps --save_steps 3")

# A user's task module (--task_modules): what the one-process runs train on.
USER_MODULE = '''
import tasks
from tasks.sources import LocalTfdsDataSource

tasks.register_prompt_task(
    "my_rte",
    source=LocalTfdsDataSource("super_glue/rte:1.0.2"),
    templates=[("{premise}\\n\\nDoes this imply \\"{hypothesis}\\"?\\n\\n{options_}", "{answer}")],
    options=["yes", "no"],
    mixtures=["my_mix"],
)
'''

# Rank 1's data is corrupt: a user task whose preprocessor fails there (a test fault).
FAULTY_MODULE = '''
import os

import seqio
import tensorflow as tf


def fail_on_rank_1(dataset):
    if os.environ.get("RANK") != "1":
        return dataset

    def check(index, example):
        ok = tf.debugging.assert_less(index, tf.constant(4, tf.int64),
                                      message="corrupt example on rank 1")
        with tf.control_dependencies([ok]):
            return tf.nest.map_structure(tf.identity, example)
    return dataset.enumerate().map(check)


base = seqio.get_mixture_or_task("rte_type_0")
seqio.TaskRegistry.add("rte_faulty", source=base.source,
                       preprocessors=[fail_on_rank_1, *base.preprocessors],
                       output_features=base.output_features)
'''


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


# --- launching, killing, waiting --------------------------------------------------------

class Launch:
    """run.py (under torchrun for ``nproc`` > 1) in its own session, output in ``log``."""

    def __init__(self, args: str, log, nproc: int = 1):
        cmd = run_command(nproc)
        # PYTHONUNBUFFERED: log lines as they happen, the tests wait for them.
        env = launch_env(PYTHONUNBUFFERED="1")
        self.args, self.log = args, log
        with open(log, "w") as out:
            self.proc = subprocess.Popen(cmd + shlex.split(args), env=env, cwd=ROOT, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def processes(self) -> list:
        """This launch's pid and its descendants' (torchrun starts workers in new sessions)."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
            except OSError:
                pass
        return found

    def kill(self) -> None:
        """SIGKILL to the launcher and every worker at once (a node going down)."""
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait_for(self, condition, what: str, timeout: float = TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                pytest.fail(f"run.py exited {self.proc.returncode} before {what}: {self.args}\n"
                            f"{self.output()[-6000:]}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"no {what} after {timeout}s: {self.args}\n{self.output()[-6000:]}")
            time.sleep(0.05)

    def finish(self, timeout: float = TIMEOUT_S) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.wait()
            pytest.fail(f"run.py did not finish in {timeout}s: {self.args}\n"
                        f"{self.output()[-6000:]}")


def run_to_end(args: str, log, nproc: int) -> str:
    launch = Launch(args, log, nproc)
    code = launch.finish()
    assert code == 0, f"run.py exited {code}: {args}\n{launch.output()[-6000:]}"
    return launch.output()


# --- pre-empted, then finished ----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.timeout(4 * TIMEOUT_S)
def test_preempted_two_ranks_end_as_the_straight_run(tmp_path):
    """torchrun with two ranks, DeepSpeed ZeRO-2 and packed rows (several RTE examples
    per row of 192 tokens), gets SIGTERM (to the launcher, which forwards it) once it
    has trained a step: both ranks save the same step and stop; the same command again
    resumes and ends with the straight run's per-step losses and final weights, and
    every rank's data position (in rows) and RNG state saved; the final eval reads 2 + 1
    examples over the ranks, none twice, and the saved folder loads."""
    from trainer import checkpoints
    # Checkpoints at 5 and 10 only: a DeepSpeed save costs more than a plain one.
    extra = ("--do_eval --max_eval_samples 3 --per_device_eval_batch_size 2 "
             "--deepspeed configs/zero2.json --packing --max_source_length 192 --save_steps 5")
    straight, faulty = tmp_path / "straight", tmp_path / "faulty"
    run_to_end(f"{ARGS} {extra} --output_dir {straight}", tmp_path / "straight.log", 2)
    args = f"{ARGS} {extra} --output_dir {faulty}"

    preempted = Launch(args, tmp_path / "preempted.log", 2)
    preempted.wait_for(lambda: "'loss'" in preempted.output(), "a training step")
    preempted.proc.send_signal(signal.SIGTERM)
    code, output = preempted.finish(), preempted.output()
    stopped = re.search(rf"stopped: SIGTERM at step (\d+) of {MAX_STEPS}: saved (\S+);", output)
    assert stopped, output[-6000:]
    step, saved = int(stopped.group(1)), stopped.group(2)
    assert code == 1, output[-6000:]  # torchrun itself ends with an error once its workers are done
    assert 1 <= step < MAX_STEPS and saved == str(faulty / f"checkpoint-{step}")
    assert checkpoints.find_latest_checkpoint(str(faulty)) == saved
    assert not (faulty / "model.safetensors").exists()  # the run did not pass for finished

    output = run_to_end(args, tmp_path / "finished.log", 2)  # the same command again
    assert f"resuming from {saved}" in output
    want, got = train_losses(straight), train_losses(faulty)
    assert sorted(want) == sorted(got) == list(range(1, MAX_STEPS + 1))
    assert max(abs(want[s] - got[s]) for s in want) <= TOLERANCE, (want, got)
    want_eval, got_eval = eval_losses(straight), eval_losses(faulty)
    assert sorted(got_eval) == sorted(want_eval)
    assert max((abs(want_eval[s] - got_eval[s]) for s in want_eval), default=0) <= TOLERANCE
    assert max_weight_diff(straight, faulty) <= TOLERANCE
    assert not [name for name in os.listdir(faulty) if name.startswith("tmp-")]
    last = faulty / f"checkpoint-{MAX_STEPS}"
    for rank in range(2):  # every rank's data position and RNG state is saved
        assert (last / f"stream_state_rank{rank}.json").is_file()
        assert (last / f"rng_state_{rank}.pth").is_file()  # HF names them by rank
        stream = json.loads((last / f"stream_state_rank{rank}.json").read_text())["stream"]
        assert stream["examples"] > 2 * stream["batches"]  # rows of 2 examples and more
    check_saved_model(faulty, eval_samples=3)


@pytest.mark.timeout(5 * TIMEOUT_S)
def test_resumed_then_preempted_run_of_a_user_task_ends_as_the_straight_run(
        tmp_path, monkeypatch, capsys, user_registrations):
    """One process (run.main here, so the imports are paid once), on a ``--task_modules``
    user task evaluated every 3 steps: the straight run's ``checkpoint-3`` (a run killed
    once it was published) resumed with ``--resume_from_checkpoint latest`` gets a real
    SIGTERM after its first step, saves that step and returns 143 with one ``stopped:``
    line; the same command again ends with the straight run's losses, eval losses and
    weights. The user's task is what was trained on; the saved folder loads."""
    import shutil

    import run
    import torch
    from helpers import reset_run_state
    from trainer import checkpoints
    from trainer.hf import StreamTrainer

    module = tmp_path / "my_tasks.py"
    module.write_text(USER_MODULE)
    straight, faulty = tmp_path / "straight", tmp_path / "faulty"
    args = (f"{ARGS.replace('rte_type_0', 'my_rte_type_0')} --task_modules {module} --do_eval "
            "--eval_strategy steps --eval_steps 3 --max_eval_samples 3 "
            "--per_device_eval_batch_size 2")

    def main(extra: str) -> int:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # as the launched runs (OMP_NUM_THREADS=1)
        try:
            return run.main(shlex.split(f"{args} {extra}"))
        finally:
            torch.set_num_threads(threads)
            reset_run_state()

    assert main(f"--output_dir {straight}") == 0
    os.makedirs(faulty)
    shutil.copytree(straight / "checkpoint-3", faulty / "checkpoint-3")

    real_log, sent = StreamTrainer.log, []

    def log_then_sigterm(self, logs, *a, **kw):  # the scheduler's SIGTERM, mid-run
        real_log(self, logs, *a, **kw)
        if "loss" in logs and not sent:
            sent.append(self.state.global_step)
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(StreamTrainer, "log", log_then_sigterm)
    capsys.readouterr()
    code = main(f"--output_dir {faulty} --resume_from_checkpoint latest")
    stopped = [line for line in capsys.readouterr().err.splitlines() if line.startswith("stopped:")]
    # Step 4's loss is logged after its step ended: the signal stops the run after step 5.
    assert code == checkpoints.EXIT_PREEMPTED and sent == [4], (code, sent)
    assert len(stopped) == 1 and f"at step 5 of {MAX_STEPS}" in stopped[0], stopped
    saved = str(faulty / "checkpoint-5")
    assert checkpoints.find_latest_checkpoint(str(faulty)) == saved
    assert not (faulty / "model.safetensors").exists()  # the run did not pass for finished
    monkeypatch.undo()

    assert main(f"--output_dir {faulty}") == 0  # the same command again: resumes
    want, got = train_losses(straight), train_losses(faulty)
    assert sorted(want) == sorted(got) == list(range(1, MAX_STEPS + 1))
    assert max(abs(want[s] - got[s]) for s in want) <= TOLERANCE, (want, got)
    want_eval, got_eval = eval_losses(straight), eval_losses(faulty)
    assert {3, 6, 9} <= set(got_eval) and sorted(got_eval) == sorted(want_eval)
    assert max(abs(want_eval[s] - got_eval[s]) for s in want_eval) <= TOLERANCE
    assert max_weight_diff(straight, faulty) <= TOLERANCE
    assert not [name for name in os.listdir(faulty) if name.startswith("tmp-")]
    # 10 steps x 2 micro-batches x 2 examples of the user's task.
    last = faulty / f"checkpoint-{MAX_STEPS}"
    with open(last / "stream_state_rank0.json", encoding="utf-8") as f:
        state = json.load(f)
    assert state["dataset"] == "my_rte_type_0" and state["num_ranks"] == 1
    assert state["stream"]["examples"] == 40 and state["stream"]["position"] == 40
    assert (last / "rng_state.pth").is_file()
    losses = train_losses(faulty)
    assert losses[MAX_STEPS] < losses[1]
    check_saved_model(faulty, eval_samples=3)


# --- a crash while saving ---------------------------------------------------------------

def _stream_trainer(output_dir, max_steps: int, **flags):
    """A ``StreamTrainer`` on the demo model and rte_type_0, a checkpoint every step."""
    import seqio
    from transformers import T5ForConditionalGeneration

    import mixtures
    mixtures.register_all()  # every built-in task and mixture
    from tasks import paths
    from trainer.arguments import TrainingArguments
    from trainer.hf import StreamTrainer
    from trainer.config import StreamConfig
    from trainer.inputs import build_train_stream

    stream = build_train_stream(StreamConfig(
        "rte_type_0", "train", seqio.ShardInfo(0, 1), max_source_length=32,
        max_target_length=8, seed=7, num_epochs=None), batch_size=2)
    args = TrainingArguments(output_dir=str(output_dir), max_steps=max_steps, save_steps=1,
                             per_device_train_batch_size=2, learning_rate=1e-3, report_to=[],
                             disable_tqdm=True, seed=7, use_cpu=True, **flags)
    model = T5ForConditionalGeneration.from_pretrained(paths.DEMO_MODEL_DIR)
    return StreamTrainer(model=model, args=args, train_dataset=stream,
                         stream_meta={"dataset": "rte_type_0", "seed": 7, "num_ranks": 1})


@pytest.mark.timeout(TIMEOUT_S)
def test_crash_while_saving_leaves_no_checkpoint(tmp_path, monkeypatch):
    import torch
    from trainer import checkpoints
    from trainer.hf import StreamTrainer

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the launched runs (OMP_NUM_THREADS=1)
    try:
        save_rng_state = StreamTrainer._save_rng_state

        def crash_at_step_2(self, output_dir):
            if self.state.global_step == 2:
                raise OSError("No space left on device (test)")
            save_rng_state(self, output_dir)

        monkeypatch.setattr(StreamTrainer, "_save_rng_state", crash_at_step_2)
        with pytest.raises(OSError, match="No space left"):
            _stream_trainer(tmp_path, max_steps=2).train()
        monkeypatch.undo()
        # Model, optimizer and stream state were written, but under the staging name only.
        assert sorted(os.listdir(tmp_path)) == ["checkpoint-1", "tmp-checkpoint-2"]
        assert (tmp_path / "tmp-checkpoint-2" / "model.safetensors").is_file()
        assert checkpoints.find_latest_checkpoint(str(tmp_path)) == str(tmp_path / "checkpoint-1")
        resume = checkpoints.resolve_resume("latest", str(tmp_path), False)
        assert resume == str(tmp_path / "checkpoint-1")

        # A half-written checkpoint-2 from a saver without staging: replaced, not mixed in.
        (tmp_path / "checkpoint-2").mkdir()
        (tmp_path / "checkpoint-2" / "model.safetensors").write_bytes(b"torn")
        trainer = _stream_trainer(tmp_path, max_steps=3, save_total_limit=2)
        trainer.train(resume_from_checkpoint=resume)
        # The leftover is gone, rotation kept the two newest, both complete.
        assert sorted(os.listdir(tmp_path)) == ["checkpoint-2", "checkpoint-3"]
        assert all(checkpoints.is_complete(str(tmp_path / name))
                   for name in ("checkpoint-2", "checkpoint-3"))
        assert (tmp_path / "checkpoint-2" / "model.safetensors").stat().st_size > 100
    finally:
        torch.set_num_threads(threads)


def test_staging_names_are_never_checkpoints(tmp_path):
    from transformers.trainer_utils import get_last_checkpoint, sort_checkpoints
    from trainer import checkpoints
    staging = checkpoints.staging_path(str(tmp_path / "checkpoint-7"))
    assert staging == str(tmp_path / "tmp-checkpoint-7")
    os.makedirs(staging)
    assert checkpoints.list_checkpoints(str(tmp_path)) == []
    assert get_last_checkpoint(str(tmp_path)) is None  # HF's own rules agree
    assert sort_checkpoints(str(tmp_path)) == []
    with pytest.raises(checkpoints.CheckpointError, match=r"\(tmp-checkpoint-7 incomplete\)"):
        checkpoints.resolve_resume("latest", str(tmp_path), False)
    assert checkpoints.remove_checkpoints(str(tmp_path)) == ["tmp-checkpoint-7"]
    assert os.listdir(tmp_path) == []


# --- one rank failing -------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.timeout(TIMEOUT_S)
def test_one_failing_rank_ends_the_job_promptly(tmp_path):
    module = tmp_path / "faulty_tasks.py"
    module.write_text(FAULTY_MODULE)
    args = (ARGS.replace("rte_type_0", "rte_faulty") +
            f" --task_modules {module} --output_dir {tmp_path / 'out'}")
    launch = Launch(args, tmp_path / "run.log", nproc=2)
    launch.wait_for(lambda: "error (rank 1)" in launch.output(), "rank 1's error")
    failed = time.monotonic()
    code = launch.finish(timeout=60)
    took = time.monotonic() - failed
    output = launch.output()
    assert code != 0, output[-6000:]
    assert took < 30, f"{took:.0f}s from rank 1's error to the job's end"
    assert "corrupt example on rank 1" in output
    assert re.search(r"rank\s*:\s*1 \(local_rank: 1\)\s+exitcode\s*:\s*1", output), output[-3000:]
