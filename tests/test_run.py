"""run.py end to end on the demo data and model (tiny lengths and batches, a few steps).

* parity: run.py's per-step losses (run in this process, one torch thread) equal a plain
  HF ``Seq2SeqTrainer`` fed the exact batches the stream yields (materialised here),
  gradient accumulation 2, within 1e-6;
* the README's full command (legacy spellings, DeepSpeed ZeRO-2, activation checkpointing,
  TensorBoard) runs two steps on two ranks with demo values substituted;
* one-line errors: an unknown dataset (nearest names, exit 2), unusable output dirs;

Every other launch is a subprocess in its own session with a timeout (the whole group is
killed), so nothing hangs. Launches that belong together are one test, so that xdist
never repeats them on two workers.
"""

from __future__ import annotations

import json
import os

import pytest
from helpers import TIMEOUT_S, TINY, TOLERANCE, launch, run_in_process, run_ok, train_losses


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


# --- parity with a plain Seq2SeqTrainer on the same batches -----------------------------

PARITY_STEPS, PARITY_ACCUM = 4, 2


@pytest.mark.slow
@pytest.mark.timeout(TIMEOUT_S)
def test_losses_equal_plain_seq2seq_trainer_on_the_same_batches(tmp_path):
    """Same model, batches, optimizer and schedule: run.py's glue changes no number."""
    import seqio
    from transformers import Seq2SeqTrainer, T5ForConditionalGeneration

    import mixtures
    mixtures.register_all()  # every built-in task and mixture
    from tasks import paths
    from trainer.arguments import TrainingArguments
    from trainer.config import StreamConfig
    from trainer.inputs import build_train_stream

    out = tmp_path / "run"
    run_in_process(f"{TINY} --do_train --dataset_name rte_type_0 --output_dir {out} "
           f"--max_steps {PARITY_STEPS} --gradient_accumulation_steps {PARITY_ACCUM} "
           f"--config_overrides dropout_rate=0.0")
    got = train_losses(out)

    stream = build_train_stream(StreamConfig(
        "rte_type_0", "train", seqio.ShardInfo(0, 1), max_source_length=128,
        max_target_length=8, seed=7, num_epochs=None), batch_size=2)
    batches = []
    for batch in stream:
        batches.append(batch)
        if len(batches) == PARITY_STEPS * PARITY_ACCUM:
            break
    # HF saves a checkpoint at the last step: its stream state says what was trained on.
    with open(out / f"checkpoint-{PARITY_STEPS}" / "stream_state_rank0.json", encoding="utf-8") as f:
        trained = json.load(f)["stream"]
    # The materialised batches are the ones run.py trained on (same token counts).
    assert stream.counters.examples == trained["examples"]
    assert stream.counters.input_tokens == trained["input_tokens"]
    assert stream.counters.target_tokens == trained["target_tokens"]

    model = T5ForConditionalGeneration.from_pretrained(paths.DEMO_MODEL_DIR, dropout_rate=0.0)
    args = TrainingArguments(
        output_dir=str(tmp_path / "plain"), per_device_train_batch_size=1,
        gradient_accumulation_steps=PARITY_ACCUM, max_steps=PARITY_STEPS, learning_rate=1e-3,
        lr_scheduler_type="constant", logging_steps=1, save_strategy="no", report_to=[],
        disable_tqdm=True, seed=7, train_sampling_strategy="sequential", use_cpu=True)
    plain = Seq2SeqTrainer(model=model, args=args, train_dataset=batches,
                           data_collator=lambda features: features[0])
    plain.model_accepts_loss_kwargs = False  # T5's mean loss (see trainer.arguments)
    plain.train()
    want = {e["step"]: e["loss"] for e in plain.state.log_history if "loss" in e}
    assert sorted(got) == sorted(want) == list(range(1, PARITY_STEPS + 1))
    assert max(abs(got[s] - want[s]) for s in want) <= TOLERANCE, (got, want)


# --- one-line errors --------------------------------------------------------------------

def test_unknown_dataset_is_one_line_with_nearest_names(tmp_path):
    done = launch(f"--dataset_name rte_typo_0 --do_train --output_dir {tmp_path / 'out'}")
    assert done.returncode == 2, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, done.stderr
    assert "unknown task or mixture 'rte_typo_0'" in errors[0] and "rte_type_0" in errors[0]
    assert "Traceback" not in done.stdout + done.stderr


def _checkpoint(folder, step, ranks=1, complete=True):
    import torch
    from safetensors.torch import save_file
    from trainer import checkpoints
    path = folder / f"checkpoint-{step}"
    path.mkdir(parents=True)
    save_file({"w": torch.zeros(1)}, str(path / "model.safetensors"))
    for rank in range(ranks):
        checkpoints.write_stream_state(str(path), rank, {"position": 0},
                                       {"dataset": "d", "seed": 1, "num_ranks": ranks})
        (path / ("rng_state.pth" if ranks == 1 else f"rng_state_{rank}.pth")).write_bytes(b"")
    if complete:
        (path / "trainer_state.json").write_text(json.dumps({"global_step": step}))
    return path


def test_output_dir_rules(tmp_path):
    from trainer import checkpoints
    out = tmp_path / "out"
    assert checkpoints.resolve_resume(None, str(out), False) is None  # new dir: fresh start
    out.mkdir()
    (out / "notes.txt").write_text("x")
    with pytest.raises(checkpoints.CheckpointError) as err:
        checkpoints.resolve_resume(None, str(out), False)
    assert "--overwrite_output_dir true" in str(err.value) and "\n" not in str(err.value)
    assert checkpoints.resolve_resume(None, str(out), True) is None
    five = _checkpoint(out, 5, ranks=2)
    _checkpoint(out, 10, ranks=2, complete=False)  # killed while saving
    # Without the flag (HF scripts' rule) and with 'latest': the newest complete one.
    assert checkpoints.resolve_resume(None, str(out), False) == str(five)
    assert checkpoints.resolve_resume("latest", str(out), False) == str(five)
    with pytest.raises(checkpoints.CheckpointError, match="incomplete"):
        checkpoints.resolve_resume(str(out / "checkpoint-10"), str(out), False)
    (five / "stream_state_rank1.json").unlink()  # a rank's stream state is part of it
    with pytest.raises(checkpoints.CheckpointError, match=r"checkpoint-5, checkpoint-10 incomplete"):
        checkpoints.resolve_resume("latest", str(out), False)
    assert sorted(checkpoints.remove_checkpoints(str(out))) == ["checkpoint-10", "checkpoint-5"]
    assert checkpoints.list_checkpoints(str(out)) == [] and (out / "notes.txt").is_file()


def test_stream_state_must_come_from_the_same_run(tmp_path):
    from trainer import checkpoints
    path = _checkpoint(tmp_path, 5)
    state = checkpoints.read_stream_state(str(path), 0, {"dataset": "d", "seed": 1, "num_ranks": 1})
    assert state == {"position": 0}
    for meta, flag in (({"dataset": "e"}, "--dataset_name"), ({"seed": 2}, "--seed"),
                       ({"num_ranks": 2}, "number of processes")):
        with pytest.raises(checkpoints.CheckpointError) as err:
            checkpoints.read_stream_state(str(path), 0, {"dataset": "d", "seed": 1, "num_ranks": 1,
                                                         **meta})
        assert flag in str(err.value) and "\n" not in str(err.value)


# --- two ranks under torchrun -----------------------------------------------------------
# Resuming on two ranks is checked by tests/test_faults.py (killed, pre-empted, resumed:
# the same losses, weights, per-rank states and final eval as the straight run).

USER_COMMAND = """
  --dataset_name glue_mix.flan --eval_dataset_name glue_mix.flan
  --model_name_or_path /models/t5-base --deepspeed configs/zero2.json
  --per_device_train_batch_size 16 --per_device_eval_batch_size 32
  --output_dir out/run1 --learning_rate 1e-3 --lr_scheduler_type constant
  --max_source_length 1024 --max_target_length 256
  --do_train --do_eval --num_train_epochs 100 --max_steps 50000
  --save_strategy steps --save_steps 500 --save_total_limit 1
  --gradient_checkpointing true --gradient_accumulation_steps 8
  --logging_steps 8 --eval_steps 1000 --eval_strategy steps
  --max_eval_samples 10240 --overwrite_output_dir true
"""


@pytest.mark.slow
@pytest.mark.timeout(TIMEOUT_S + 60)
def test_mission_command_runs_on_two_ranks(tmp_path, demo_assets):
    """The README's full command with older spellings, demo values, and a small task.

    A one-template task keeps the two-rank launch short; ``make demo`` trains on
    glue_mix.flan itself.
    """
    values = {
        "glue_mix.flan": "rte_type_0", "/models/t5-base": str(demo_assets.DEMO_MODEL_DIR),
        "out/run1": str(tmp_path / "run1"),
        "--per_device_train_batch_size 16": "--per_device_train_batch_size 2",
        "--per_device_eval_batch_size 32": "--per_device_eval_batch_size 2",
        "--max_source_length 1024": "--max_source_length 128",
        "--max_target_length 256": "--max_target_length 8", "--max_steps 50000": "--max_steps 2",
        "--gradient_accumulation_steps 8": "--gradient_accumulation_steps 2",
        "--logging_steps 8": "--logging_steps 1", "--max_eval_samples 10240": "--max_eval_samples 4",
        # Older spellings users still type (trainer.arguments maps them).
        "--learning_rate 1e-3": "--lr 1e-3", "--lr_scheduler_type constant": "--lr constant",
        "--eval_strategy steps": "--evaluation_strategy steps",
    }
    command = USER_COMMAND
    for old, new in values.items():
        assert old in command, old
        command = command.replace(old, new)
    done = run_ok(command + " --report_to tensorboard --disable_tqdm true", nproc=2)
    for spelling in ("--lr constant", "--evaluation_strategy", "--gradient_checkpointing"):
        assert f"{spelling} is a deprecated spelling" in done.stderr, spelling
    out = tmp_path / "run1"
    assert sorted(train_losses(out)) == [1, 2]
    assert (out / "checkpoint-2" / "latest").is_file()  # DeepSpeed's own checkpoint
    with open(out / "all_results.json", encoding="utf-8") as f:
        assert json.load(f)["eval_samples"] == 4
    events = [name for _, _, files in os.walk(out / "runs") for name in files]
    assert any(name.startswith("events.out.tfevents") for name in events)
