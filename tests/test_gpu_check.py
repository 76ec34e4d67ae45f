"""bench/gpu_check.sh without a GPU: its steps (dry run), its refusal, and the --bf16 /
--packing code paths it runs, on CPU."""

import os
import subprocess

import pytest

from helpers import ROOT, run_in_process, train_losses

SCRIPT = os.path.join(ROOT, "bench", "gpu_check.sh")


def gpu_check(tmp_path, *args, **env):
    return subprocess.run(["bash", SCRIPT, *args], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, OUT=str(tmp_path / "out"), **env), timeout=120)


def test_dry_run_prints_every_step(tmp_path):
    done = gpu_check(tmp_path, "--dry_run")
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "out" / "gpu_check.log").read_text()
    assert log == done.stdout
    run_line = next(line for line in log.splitlines() if "--deepspeed configs/zero2.json" in line)
    assert "--bf16 --packing" in run_line and "--nproc_per_node 1 run.py" in run_line
    assert "--model_config t5-base --bf16 --attn_implementation sdpa" in log
    assert "--ways stream,packed --torch_compile" in log
    assert "--tensor_parallel_size 2" in log  # a dry run shows the 2-GPU step too
    limits = [int(line.split("[")[1].split()[0]) for line in log.splitlines()
              if line.startswith("+ [")]
    assert sum(limits) <= 8 * 60  # the script's budget: 8 minutes


def test_without_a_gpu_it_says_so(tmp_path):
    done = gpu_check(tmp_path, CUDA_VISIBLE_DEVICES="")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no CUDA GPU visible" in done.stderr
    bad = gpu_check(tmp_path, "--fast")
    assert bad.returncode == 2 and "unknown argument --fast" in bad.stderr


@pytest.mark.usefixtures("demo_assets", "user_registrations")
def test_bf16_packed_run_trains_on_cpu(tmp_path):
    """What gpu_check's first run does, small and on CPU: bf16 autocast and packed rows."""
    out = tmp_path / "run"
    run_in_process(f"--dataset_name rte_type_0 --do_train --max_steps 3 --logging_steps 1 "
                   f"--per_device_train_batch_size 2 --max_source_length 192 "
                   f"--max_target_length 8 --bf16 --use_cpu true --packing --report_to none "
                   f"--save_strategy no --output_dir {out}")
    losses = train_losses(out)
    assert sorted(losses) == [1, 2, 3] and all(loss == loss for loss in losses.values())
