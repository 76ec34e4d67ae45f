"""Tensor parallelism for T5 (trainer.parallel.tp, trainer.parallel.sharded) against one process.

Plan resolution and the single-process helpers need no processes. The distributed checks
share two launches of ``tests/dist_tp_worker.py`` (gloo, OMP_NUM_THREADS=1), each in its
own process group with a timeout (a failing rank exits at once, so nothing hangs), once
per session even under pytest-xdist:

* 2 processes (about 40 s): tp=2 training, gradients, clipping, generate and saving for
  T5 v1.0 (relu) and v1.1 (gated-gelu) tiny random configs (and v1.1 with lm_head untied
  by hand), plus the 2-D mesh as dp=1 x tp=2 (TP + FSDP2) and dp=2 x tp=1 (FSDP2);
* 4 processes, marked slow (about 35 s): the full dp=2 x tp=2 mesh.
"""

import json
import os
import sys

import pytest

from helpers import run_torchrun
import torch
from torch import nn
from torch.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel
from transformers import T5Config, T5ForConditionalGeneration

from trainer.parallel import sharded, tp

# One test worker runs the whole module (its torchrun fixtures run once); `make test` schedules
# with --dist loadgroup.
pytestmark = pytest.mark.xdist_group("test_tp")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "tests", "dist_tp_worker.py")
LAUNCH_TIMEOUT_S = 300
TOLERANCE = 1e-5
CONFIGS = ("v1_0", "v1_1")
TP_CONFIGS = CONFIGS + ("v1_1_untied",)
LAYOUTS = ("dp1_tp2", "dp2_tp1")
GENERATE_TOKENS = 8  # tests/dist_tp_worker.py


def tiny(feed_forward_proj="relu"):
    config = T5Config(vocab_size=64, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4,
                      relative_attention_num_buckets=8, dropout_rate=0.0, feed_forward_proj=feed_forward_proj,
                      decoder_start_token_id=0)
    torch.manual_seed(0)
    return T5ForConditionalGeneration(config)


# --- the plan, no processes -------------------------------------------------------------

def test_plan_is_a_literal_megatron_plan():
    plan = tp.T5_TP_PLAN
    for key, style in plan.items():
        leaf = key.rsplit(".", 1)[-1]
        if leaf in ("q", "k", "v", "wi", "wi_0", "wi_1", "relative_attention_bias", "lm_head"):
            assert type(style) is ColwiseParallel, key
        else:  # o, wo and the vocab-parallel embeddings
            assert leaf in ("o", "wo", "shared", "embed_tokens") and type(style) is RowwiseParallel, key


@pytest.mark.parametrize("feed_forward_proj,ffn", [("relu", {"wi", "wo"}), ("gated-gelu", {"wi_0", "wi_1", "wo"})])
def test_plan_covers_every_linear_and_embedding(feed_forward_proj, ffn):
    model = tiny(feed_forward_proj)
    resolved = tp.resolve_plan(model, tp.T5_TP_PLAN)
    weights = {name for name, module in model.named_modules() if isinstance(module, (nn.Linear, nn.Embedding))}
    assert set(resolved) == weights
    leaves = {name.rsplit(".", 1)[-1] for name in resolved}
    assert leaves == {"shared", "embed_tokens", "lm_head", "q", "k", "v", "o", "relative_attention_bias"} | ffn
    # Relative bias only in the first self-attention of each stack; cross attention has none.
    assert sorted(name for name in resolved if name.endswith("relative_attention_bias")) == [
        "decoder.block.0.layer.0.SelfAttention.relative_attention_bias",
        "encoder.block.0.layer.0.SelfAttention.relative_attention_bias"]
    assert type(resolved["decoder.block.1.layer.1.EncDecAttention.k"]) is ColwiseParallel
    assert type(resolved["encoder.block.1.layer.1.DenseReluDense.wo"]) is RowwiseParallel


def test_plan_keys_that_overlap_are_an_error():
    plan = {"*.block.*.layer.*.SelfAttention.q": ColwiseParallel(), "encoder.block.0.layer.0.*.q": ColwiseParallel()}
    with pytest.raises(tp.TensorParallelError, match="encoder.block.0.layer.0.SelfAttention.q"):
        tp.resolve_plan(tiny(), plan)


class OneRankMesh:
    def size(self):
        return 1


def test_tp_of_one_leaves_the_model_alone():
    model = tiny()
    before = {name: param for name, param in model.named_parameters()}
    assert tp.apply_tensor_parallel(model, OneRankMesh()) is model
    assert all(param is before[name] for name, param in model.named_parameters())


def test_param_groups_follow_hf_weight_decay_rule():
    groups = sharded.get_param_groups(tiny(), weight_decay=0.1)
    by_decay = {group["weight_decay"]: group["params"] for group in groups}
    assert set(by_decay) == {0.0, 0.1} and len(groups) == 2  # plain tensors only: one layout
    model = tiny()
    names = {id(p): n for n, p in model.named_parameters()}
    groups = sharded.get_param_groups(model, weight_decay=0.1)
    no_decay = {names[id(p)] for g in groups if g["weight_decay"] == 0.0 for p in g["params"]}
    assert no_decay == {n for n in names.values() if "layer_norm" in n or "relative_attention_bias" in n}


def test_clip_grad_norm_equals_torch_on_plain_parameters():
    model, reference = tiny(), tiny()
    batch = {"input_ids": torch.tensor([[5, 6, 7, 1]]), "labels": torch.tensor([[8, 9, 1]])}
    model(**batch).loss.backward()
    reference(**batch).loss.backward()
    norm = sharded.clip_grad_norm_(model.parameters(), 0.1)
    ref_norm = torch.nn.utils.clip_grad_norm_(reference.parameters(), 0.1)
    assert torch.allclose(norm, ref_norm)
    for (name, param), ref in zip(model.named_parameters(), reference.parameters()):
        assert torch.allclose(param.grad, ref.grad, atol=1e-7), name


def test_save_gathered_without_processes_writes_a_normal_folder(tmp_path):
    model = tiny("gated-gelu")
    sharded.save_pretrained_gathered(model, str(tmp_path / "saved"))
    loaded = T5ForConditionalGeneration.from_pretrained(tmp_path / "saved").state_dict()
    for key, value in model.state_dict().items():
        assert torch.equal(loaded[key], value), key


# --- two processes ----------------------------------------------------------------------

def launch(out_dir, nproc, *args):
    """torchrun the worker (see conftest.run_torchrun) and read its result."""
    proc = run_torchrun(WORKER, nproc, ["--out", out_dir, *args], LAUNCH_TIMEOUT_S)
    output = proc.stdout
    if proc.returncode != 0:
        pytest.fail(f"torchrun exited {proc.returncode}; last output:\n{output[-6000:]}")
    result = json.loads((out_dir / "result.json").read_text())
    result["out"] = out_dir
    return result


def shared_launch(tmp_path_factory, name, nproc, *args):
    """One launch per test session, even when pytest-xdist spreads this module's tests over workers.

    The first worker to get here launches; the others wait on a file lock and read its result.
    """
    from filelock import FileLock
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # this session's folder, shared by its workers
    out_dir = base / name
    with FileLock(str(base / f"{name}.lock")):
        if (out_dir / "result.json").is_file():
            result = json.loads((out_dir / "result.json").read_text())
            result["out"] = out_dir
            return result
        out_dir.mkdir(exist_ok=True)
        return launch(out_dir, nproc, *args)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The 2-process launch: {config: {"tp": ..., "dp1_tp2": ..., "dp2_tp1": ...}}."""
    return shared_launch(tmp_path_factory, "tp_parity", 2, "--scenarios", "tp,2d")


@pytest.fixture(scope="module")
def run4(tmp_path_factory):
    """The 4-process launch: {config: {"dp2_tp2": ...}}."""
    return shared_launch(tmp_path_factory, "tp_2x2", 4, "--scenarios", "2d", "--layouts", "2x2",
                         "--configs", ",".join(CONFIGS))


def close(a, b, tolerance=TOLERANCE):
    return abs(a - b) <= tolerance


@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("config", TP_CONFIGS)
def test_tp_training_matches_one_process(run, config):
    """Loss, gradients, clipped norm and updated parameters of tp=2 equal the unsharded model's, 3 steps."""
    steps = run[config]["tp"]["steps"]
    assert len(steps) == 3
    for i, step in enumerate(steps):
        assert close(step["loss"], step["ref_loss"]), (i, step)
        assert step["grad_diff"] < TOLERANCE, (i, step)
        assert close(step["norm"], step["ref_norm"], TOLERANCE * max(1.0, step["ref_norm"])), (i, step)
        assert step["param_diff"] < TOLERANCE, (i, step)
    assert steps[0]["loss"] != steps[-1]["loss"]  # it trained


@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("config", TP_CONFIGS)
def test_tp_packed_example_loss_is_its_loss_alone(run, config):
    """Two examples per row (``trainer.packing``'s masks) on the TP=2 model: each one's
    loss equals its loss alone in the unsharded model."""
    assert run[config]["tp"]["packed_loss_diff"] <= 1e-5


@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("config", TP_CONFIGS)
def test_tp_splits_heads_ffn_and_vocab(run, config):
    view = run[config]["tp"]
    assert view["n_heads"] == [2, 2]  # 4 heads over 2 ranks, self and cross attention
    assert view["local_q_rows"] == 2 * 8 and view["local_bias_heads"] == 2
    assert view["param_names_match"]
    assert view["embeddings_tied"] and view["tied"] == (config != "v1_1_untied")
    assert all("layer_norm" in name for name in view["plain_params"])  # only the norms stay replicated
    assert "shared.weight" in view["dtensor_params"]
    assert "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight" in view["dtensor_params"]


@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("config", TP_CONFIGS)
def test_tp_greedy_generate_gives_the_same_tokens(run, config):
    view = run[config]["tp"]
    assert view["tokens"] == view["ref_tokens"]
    assert view["steps_generated"] == GENERATE_TOKENS
    assert view["score_diff"] < TOLERANCE


@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
def test_plain_foreach_adamw_fails_on_mixed_parameters(run):
    """The pitfall build_optimizer avoids (if torch starts accepting the mix, the split is merely harmless)."""
    assert "mixed torch.Tensor and DTensor" in run["v1_0"]["tp"]["pitfall"]


def check_saved(folder, expected, init_folder):
    """The folder loads with from_pretrained as a normal T5 equal to ``expected``, with the original config."""
    # The config is the original one (per-rank head counts live on the modules, never in the config).
    assert json.loads((folder / "config.json").read_text()) == json.loads((init_folder / "config.json").read_text())
    model = T5ForConditionalGeneration.from_pretrained(folder)
    assert model.encoder.block[0].layer[0].SelfAttention.n_heads == 4
    loaded = model.state_dict()
    assert set(loaded) == set(expected)
    for key, value in expected.items():
        assert (loaded[key] - value).abs().max() <= TOLERANCE, key
    return loaded


@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("config", CONFIGS)
def test_tp_saved_folder_loads_and_equals_the_unsharded_weights(run, config):
    out = run["out"] / config
    loaded = check_saved(out / "tp_saved", torch.load(out / "ref.pt"), out / "init")
    gathered = torch.load(out / "gathered.pt")
    assert all(torch.equal(loaded[key], value) for key, value in gathered.items())  # exactly what was gathered
    init = T5ForConditionalGeneration.from_pretrained(out / "init").state_dict()
    assert any(not torch.equal(init[key], value) for key, value in loaded.items())  # trained weights


def check_2d(view, dp, tp_size):
    assert view["mesh"] == {"dims": ["dp", "tp"], "shape": [dp, tp_size], "built_once": True, "dp_size": dp,
                            "tp_size": tp_size}
    assert view["data_shard"] == [0, dp]  # rank 0's view: shard 0 of dp
    assert len(view["losses"]) == 3
    for loss, ref in zip(view["losses"], view["ref_losses"]):
        assert close(loss, ref), (view["losses"], view["ref_losses"])
    for norm, ref in zip(view["norms"], view["ref_norms"]):
        assert close(norm, ref, TOLERANCE * max(1.0, ref)), (view["norms"], view["ref_norms"])
    assert view["param_diff"] < TOLERANCE and view["gathered_keys_match"]
    # Every rank's greedy tokens (its replica's own prompt) equal the plain model's.
    assert all(same and diff < TOLERANCE for same, diff in view["generate_by_rank"]), view["generate_by_rank"]


@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("config", CONFIGS)
def test_2d_mesh_matches_one_process(run, config, layout):
    dp, tp_size = (1, 2) if layout == "dp1_tp2" else (2, 1)
    check_2d(run[config][layout], dp, tp_size)
    out = run["out"] / config
    check_saved(out / f"{layout}_saved", torch.load(out / f"{layout}_ref.pt"), out / "init")


@pytest.mark.slow
@pytest.mark.timeout(LAUNCH_TIMEOUT_S + 60)
@pytest.mark.parametrize("config", CONFIGS)
def test_dp2_x_tp2_on_four_processes_matches_one_process(run4, config):
    check_2d(run4[config]["dp2_tp2"], 2, 2)
    out = run4["out"] / config
    check_saved(out / "dp2_tp2_saved", torch.load(out / "dp2_tp2_ref.pt"), out / "init")
