"""ZeRO configs (trainer.parallel.zero) and DDP vs ZeRO-1/2/3 parity on 2 CPU processes.

The config tests need no processes. The distributed tests share ONE
``torchrun --standalone --nproc_per_node 2`` launch of ``tests/dist_zero_worker.py``
(gloo, OMP_NUM_THREADS=1): a tiny random T5 trained 5 steps with HF Seq2SeqTrainer on
the same batches as DDP, ZeRO-1, ZeRO-2, ZeRO-3 and ZeRO-3 with CPU offload, one mode
after another in the same processes. The launch runs in its own process group with a
timeout, and a failing rank exits at once, so a broken mode fails the tests instead of
hanging them. DeepSpeed JIT-builds its shared-memory all-reduce op on first use on a
machine (about a minute, then cached under ~/.cache/torch_extensions).
"""

import json
import os
import subprocess
import sys

import pytest

from helpers import run_torchrun

from trainer.parallel import zero

# One test worker runs the whole module (its torchrun fixture runs once); `make test` schedules
# with --dist loadgroup.
pytestmark = pytest.mark.xdist_group("test_zero")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "tests", "dist_zero_worker.py")
MODES = ("ddp", "zero1", "zero2", "zero3", "zero3_offload")
ZERO3_MODES = ("zero3", "zero3_offload")
LAUNCH_TIMEOUT_S = 480
TOLERANCE = 1e-5
MAX_GRAD_NORM = 0.05  # tests/dist_zero_worker.py


# --- configs, no processes ------------------------------------------------------------

@pytest.mark.parametrize("name,stage", [("zero1.json", 1), ("zero2.json", 2), ("zero3.json", 3),
                                        ("zero3_offload.json", 3)])
def test_shipped_configs_leave_flag_values_auto(name, stage):
    config = zero.load_deepspeed_config(f"configs/{name}")
    assert zero.get_zero_stage(config) == stage
    for key in ("train_batch_size", "train_micro_batch_size_per_gpu", "gradient_accumulation_steps",
                "gradient_clipping"):
        assert config[key] == "auto", key
    assert set(config["optimizer"]["params"].values()) == {"auto"}
    assert "scheduler" not in config  # --lr_scheduler_type decides
    assert zero.is_optimizer_offloaded(config) == (name == "zero3_offload.json")
    if stage == 3:
        assert config["zero_optimization"]["stage3_gather_16bit_weights_on_model_save"] is True


def build(source, on_cpu=True, **flags):
    kwargs = dict(max_grad_norm=0.5, per_device_train_batch_size=4, gradient_accumulation_steps=2,
                  world_size=2, on_cpu=on_cpu)
    kwargs.update(flags)
    return zero.build_deepspeed_config(source, **kwargs)


@pytest.mark.parametrize("clipping", [None, "auto", 0.5])
def test_gradient_clipping_comes_from_max_grad_norm(clipping):
    source = {"zero_optimization": {"stage": 2}}
    if clipping is not None:
        source["gradient_clipping"] = clipping
    # DeepSpeed would clip at 1.0 when the key is missing.
    assert build(source)["gradient_clipping"] == 0.5


def test_max_grad_norm_zero_disables_clipping():
    assert build({}, max_grad_norm=0.0)["gradient_clipping"] == 0.0


def test_gradient_clipping_that_disagrees_is_one_line_error():
    with pytest.raises(zero.ZeroConfigError) as err:
        build({"gradient_clipping": 1.0})
    message = str(err.value)
    assert "gradient_clipping=1.0" in message and "--max_grad_norm 0.5" in message and "\n" not in message


def test_cpu_drops_deepspeed_optimizer_and_gpu_keeps_it():
    source = zero.load_deepspeed_config("configs/zero2.json")
    cpu = build(source, on_cpu=True)
    assert "optimizer" not in cpu  # HF builds torch AdamW from --optim
    assert "zero_force_ds_cpu_optimizer" not in cpu  # no offload: nothing to allow
    gpu = build(source, on_cpu=False)
    assert gpu["optimizer"]["type"] == "AdamW"
    assert source["optimizer"]["type"] == "AdamW"  # the caller's dict is not modified


def test_offload_with_torch_optimizer_is_allowed():
    cpu = build("configs/zero3_offload.json", on_cpu=True)
    assert "optimizer" not in cpu and cpu["zero_force_ds_cpu_optimizer"] is False
    gpu = build("configs/zero3_offload.json", on_cpu=False)
    assert "zero_force_ds_cpu_optimizer" not in gpu  # DeepSpeedCPUAdam from the optimizer block


@pytest.mark.parametrize("key,value,flag", [
    ("train_micro_batch_size_per_gpu", 8, "--per_device_train_batch_size 4"),
    ("gradient_accumulation_steps", 4, "--gradient_accumulation_steps 2"),
    ("train_batch_size", 32, "= 16"),
])
def test_batch_sizes_that_disagree_with_flags_are_one_line_errors(key, value, flag):
    with pytest.raises(zero.ZeroConfigError) as err:
        build({key: value})
    message = str(err.value)
    assert f"{key}={value}" in message and flag in message and '"auto"' in message and "\n" not in message


def test_batch_sizes_that_agree_pass():
    config = build({"train_micro_batch_size_per_gpu": 4, "gradient_accumulation_steps": 2,
                    "train_batch_size": 16})
    assert config["train_batch_size"] == 16


def test_world_size_defaults_to_environment(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "4")
    assert build({"train_batch_size": 32}, world_size=None)["train_batch_size"] == 32
    with pytest.raises(zero.ZeroConfigError):
        build({"train_batch_size": 16}, world_size=None)


def test_zero3_gathers_weights_on_save_by_default():
    assert build({"zero_optimization": {"stage": 3}})["zero_optimization"][
        "stage3_gather_16bit_weights_on_model_save"] is True


def test_build_is_idempotent():
    once = build("configs/zero3_offload.json")
    assert build(once) == once


def test_missing_config_names_the_shipped_ones(tmp_path, monkeypatch):
    with pytest.raises(zero.ZeroConfigError) as err:
        zero.load_deepspeed_config("configs/zero4.json")
    message = str(err.value)
    assert "configs/zero4.json not found" in message and "configs/zero3_offload.json" in message
    assert "\n" not in message
    # Relative shipped paths work from any working directory.
    monkeypatch.chdir(tmp_path)
    assert zero.get_zero_stage(zero.load_deepspeed_config("configs/zero3.json")) == 3


def test_bad_json_is_one_line_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"zero_optimization": {"stage": 2,}}')
    with pytest.raises(zero.ZeroConfigError) as err:
        zero.load_deepspeed_config(str(path))
    assert "not valid JSON" in str(err.value) and "\n" not in str(err.value)



# --- one torchrun launch, several checks ----------------------------------------------

def launch(out_dir) -> subprocess.CompletedProcess:
    """torchrun the worker (see conftest.run_torchrun) over every mode."""
    return run_torchrun(WORKER, 2, ["--out", out_dir, "--modes", ",".join(MODES)],
                        LAUNCH_TIMEOUT_S, extra_env={"DS_ACCELERATOR": "cpu"})

@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Result of the one launch: {"modes": {mode: {"losses", "ranks": [per-rank view]}}, ...}.

    One launch per session even when pytest-xdist spreads this module over workers: the
    first worker launches under a file lock, the others read its result.
    """
    from filelock import FileLock
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, shared by its workers
    out = base / "zero_parity"
    with FileLock(str(base / "zero_parity.lock")):
        if not (out / "result.json").is_file():
            out.mkdir(exist_ok=True)
            done = launch(out)
            if done.returncode != 0:
                pytest.fail(f"torchrun exited {done.returncode}; last output:\n{done.stdout[-6000:]}")
    result = json.loads((out / "result.json").read_text())
    result["out"] = out
    return result


def max_diff(a, b):
    assert len(a) == len(b), (a, b)
    return max(abs(x - y) for x, y in zip(a, b))


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
def test_every_mode_trained_on_the_same_disjoint_halves(run):
    assert run["world_size"] == 2
    ddp = [view["batches"] for view in run["modes"]["ddp"]["ranks"]]
    seen = [i for batches in ddp for batch in batches for i in batch]
    assert sorted(seen) == list(range(len(seen)))  # disjoint halves, together every example once
    for mode in MODES:
        assert [view["batches"] for view in run["modes"][mode]["ranks"]] == ddp, mode


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("mode", MODES[1:])
def test_zero_losses_match_ddp(run, mode):
    ddp = run["modes"]["ddp"]["losses"]
    losses = run["modes"][mode]["losses"]
    assert len(ddp) == 5
    assert max_diff(losses, ddp) < TOLERANCE, (mode, losses, ddp)
    # Every rank logs the same (all-reduced) loss.
    assert all(view["losses"] == losses for view in run["modes"][mode]["ranks"])


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
def test_logged_loss_is_the_single_process_mean(run):
    """Not multiplied by the world size (average_tokens_across_devices) nor by gradient accumulation."""
    reference = run["reference_losses"]
    ddp = run["modes"]["ddp"]["losses"]
    assert max_diff(ddp, reference) < TOLERANCE, (ddp, reference)


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("mode", MODES[1:])
def test_deepspeed_got_the_project_fixes(run, mode):
    for view in run["modes"][mode]["ranks"]:
        config = view["ds_config"]
        assert config["gradient_clipping"] == MAX_GRAD_NORM  # from --max_grad_norm, not DeepSpeed's 1.0
        assert config["optimizer"] is None and view["optimizer_class"] == "AdamW"  # torch AdamW on CPU
        assert config["zero_force_ds_cpu_optimizer"] is (False if "offload" in mode else None)


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("mode", ZERO3_MODES)
def test_zero3_holds_half_the_parameters_per_rank(run, mode):
    total = run["modes"]["ddp"]["ranks"][0]["param_numel"]
    for view in run["modes"][mode]["ranks"]:
        assert view["param_full_numel"] == total
        # Each parameter's partition is ceil(numel / 2): at most one padding element per parameter.
        assert total / 2 <= view["param_owned_numel"] <= total / 2 + view["param_count"], view
        # Outside forward only the small "persistent" parameters stay gathered.
        assert view["param_materialized_numel"] == view["param_persistent_numel"] < 0.05 * total, view


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("mode", MODES[1:])
def test_zero_holds_half_the_optimizer_state_per_rank(run, mode):
    ddp = run["modes"]["ddp"]["ranks"][0]
    assert ddp["optimizer_numel"] == 2 * ddp["param_numel"]  # AdamW: exp_avg + exp_avg_sq, full size
    for view in run["modes"][mode]["ranks"]:
        # DeepSpeed pads its flat partitions to an alignment: a few elements at most.
        assert ddp["optimizer_numel"] / 2 <= view["optimizer_numel"] <= ddp["optimizer_numel"] / 2 + 64, view


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("mode", ZERO3_MODES)
def test_zero3_saves_a_folder_from_pretrained_loads(run, mode):
    import torch
    from transformers import T5ForConditionalGeneration

    folder = run["out"] / mode / "model"
    assert (folder / "config.json").is_file() and (folder / "model.safetensors").is_file()
    model = T5ForConditionalGeneration.from_pretrained(folder)
    loaded = model.state_dict()
    gathered = torch.load(run["out"] / mode / "gathered.pt")
    init = T5ForConditionalGeneration.from_pretrained(run["out"] / "init").state_dict()
    assert set(gathered) == set(loaded)
    for key, value in gathered.items():
        assert torch.equal(loaded[key], value), key
    assert any(not torch.equal(init[key], value) for key, value in gathered.items())  # trained weights


def test_cpu_deepspeed_builds_no_shared_memory_op():
    """On CPU, DeepSpeed would compile its shared-memory all-reduce (a minute or more)
    when it starts; the project marks it unavailable, so nothing is built."""
    import importlib
    ds_torch = importlib.import_module("deepspeed.comm.torch")  # not deepspeed.comm's torch
    zero.skip_shared_memory_op()
    assert ds_torch.build_shm_op() is None
