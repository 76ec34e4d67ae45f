"""torchrun worker for tests/test_tp.py: tensor parallelism and TP x FSDP2 against one process.

Launched as ``torchrun --standalone --nproc_per_node 2 tests/dist_tp_worker.py --out DIR
--scenarios tp,2d`` on gloo (CPU). For each tiny random T5 (``v1_0``: relu FFN;
``v1_1``: gated-gelu FFN; both with lm_head tied to the embedding, as transformers 5.23
builds every T5; ``v1_1_untied``: v1_1 with lm_head untied by hand, TP only), saved once
to ``DIR/<config>/init``:

* ``tp``: the model sharded with ``apply_tensor_parallel`` over both ranks (tp=2) and an
  unsharded copy (plain torch) train 3 steps on the same batches, same optimizer rule,
  gradient clipping on. Per step: the loss difference, the largest gradient difference
  (gathered DTensor gradients vs the copy's), the clipped norms and the largest parameter
  difference after the step. Then greedy ``generate`` on both (tokens and scores), and the
  TP model saved
  with ``save_pretrained_gathered`` (``DIR/<config>/tp_saved``) next to the copy's
  weights (``ref.pt``) and the gathered state dict (``gathered.pt``). Also records that
  plain ``AdamW(model.parameters(), foreach=True)`` fails on the TP model (the pitfall
  ``build_optimizer`` avoids).
* ``2d``: the ``("dp", "tp")`` mesh as dp=1 x tp=2 (TP, then FSDP2 on the size-1 dp mesh)
  and dp=2 x tp=1 (FSDP2 only; each rank trains on its half of every batch), 3 steps
  against one process that averages the halves' losses as FSDP averages gradients; then
  the weights gathered and saved, and greedy ``generate`` on each replica's own prompt.
  With ``--nproc_per_node 4`` and ``--layouts 2x2`` it is a full dp=2 x tp=2 run.

Rank 0 writes ``DIR/result.json``; the test process does the asserting. A failing rank
exits at once so torchrun stops the other one instead of leaving it in a collective.
"""

import argparse
import json
import os
import sys
import traceback
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
from torch.distributed.tensor import DTensor  # noqa: E402

STEPS = 3
BATCH = 4
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.1
MAX_GRAD_NORM = 0.5  # below the tiny models' gradient norms: every step clips
# Adam's step g / (|g| + eps) turns rounding noise in gradients near eps into steps of lr
# size; clipped gradients of 1e-8 exist here, so eps 1e-6 keeps the comparison about TP.
ADAM_EPS = 1e-6
SOURCE_LEN, TARGET_LEN, VOCAB = 10, 6, 64
GENERATE_TOKENS = 8


def tiny_config(name):
    """T5 v1.0 (relu, tied) or v1.1 (gated-gelu, untied) at toy size; dropout 0 so runs are deterministic."""
    from transformers import T5Config
    common = dict(vocab_size=VOCAB, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4,
                  relative_attention_num_buckets=8, dropout_rate=0.0, decoder_start_token_id=0, pad_token_id=0,
                  eos_token_id=1)
    if name == "v1_0":
        return T5Config(feed_forward_proj="relu", tie_word_embeddings=True, **common)
    return T5Config(feed_forward_proj="gated-gelu", tie_word_embeddings=False, **common)


def build_batches(seed):
    """STEPS padded batches of BATCH examples with variable lengths (labels -100 past the end)."""
    gen = torch.Generator().manual_seed(seed)
    batches = []
    for _ in range(STEPS):
        input_ids = torch.zeros(BATCH, SOURCE_LEN, dtype=torch.long)
        labels = torch.full((BATCH, TARGET_LEN), -100, dtype=torch.long)
        for row in range(BATCH):
            src_len = int(torch.randint(3, SOURCE_LEN + 1, (1,), generator=gen))
            tgt_len = int(torch.randint(2, TARGET_LEN + 1, (1,), generator=gen))
            input_ids[row, :src_len] = torch.randint(2, VOCAB, (src_len,), generator=gen)
            input_ids[row, src_len - 1] = 1
            labels[row, :tgt_len] = torch.randint(2, VOCAB, (tgt_len,), generator=gen)
            labels[row, tgt_len - 1] = 1
        batches.append({"input_ids": input_ids, "attention_mask": (input_ids != 0).long(), "labels": labels})
    return batches


def rows(batch, start, stop):
    return {key: value[start:stop] for key, value in batch.items()}


def load(init_dir, untie=False):
    """The saved model in train mode; ``untie`` gives lm_head its own copy of the shared weight.

    transformers 5.23 ties lm_head to the shared embedding for every T5 (v1.1 included), so
    the untied layout is only reachable by hand; it checks the plan on a separate lm_head.
    """
    from transformers import T5ForConditionalGeneration
    model = T5ForConditionalGeneration.from_pretrained(init_dir).train()
    if untie:
        model.lm_head.weight = torch.nn.Parameter(model.shared.weight.detach().clone())
    return model


def full(tensor):
    """A whole tensor from a DTensor (collective: every rank calls it) or a plain one."""
    return tensor.full_tensor() if isinstance(tensor, DTensor) else tensor


def max_diff(a, b):
    return float((a.detach().float() - b.detach().float()).abs().max())


def reference_step(model, optimizer, micro_batches):
    """One plain step: the mean of the micro-batches' losses (what dp ranks average), clipped."""
    optimizer.zero_grad()
    total = 0.0
    for batch in micro_batches:
        loss = model(**batch).loss / len(micro_batches)
        loss.backward()
        total += loss.item()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
    optimizer.step()
    return total, float(norm)


def packed_pairs(batch):
    """The batch's examples packed two to a row by hand (segments 1 and 2, decoder inputs
    shifted within each), and each example alone: ``(packed batch, [(inputs, labels)])``."""
    alone = []
    for row in range(BATCH):
        src = batch["input_ids"][row][batch["attention_mask"][row] > 0]
        tgt = batch["labels"][row][batch["labels"][row] != -100]
        alone.append((src, tgt))
    fields = {k: [] for k in ("input_ids", "labels", "decoder_input_ids",
                              "encoder_segment_ids", "decoder_segment_ids")}
    for a in range(0, BATCH, 2):
        pair = alone[a:a + 2]
        fields["input_ids"].append(torch.cat([s for s, _ in pair]))
        fields["labels"].append(torch.cat([t for _, t in pair]))
        fields["decoder_input_ids"].append(torch.cat([torch.cat([t.new_zeros(1), t[:-1]])
                                                      for _, t in pair]))
        fields["encoder_segment_ids"].append(torch.cat([torch.full_like(s, i + 1)
                                                        for i, (s, _) in enumerate(pair)]))
        fields["decoder_segment_ids"].append(torch.cat([torch.full_like(t, i + 1)
                                                        for i, (_, t) in enumerate(pair)]))
    pad = {"labels": -100}
    packed = {k: torch.nn.utils.rnn.pad_sequence(v, batch_first=True, padding_value=pad.get(k, 0))
              for k, v in fields.items()}
    packed["attention_mask"] = (packed["encoder_segment_ids"] > 0).long()
    return packed, alone


def packed_loss_diff(model, reference, batch):
    """Largest difference between an example's loss inside a packed batch of the parallel
    model (``trainer.packing.packed_forward``) and its loss alone in the plain model."""
    from trainer import packing
    packed, alone = packed_pairs(batch)
    model.eval()
    reference.eval()
    with torch.no_grad():
        logits = packing.packed_forward(model, {k: v for k, v in packed.items() if k != "labels"}).logits
        logits = full(logits)
        losses = torch.nn.functional.cross_entropy(logits.transpose(1, 2), packed["labels"],
                                                   ignore_index=-100, reduction="none")
        diffs = []
        for i, (src, tgt) in enumerate(alone):
            row, seg = i // 2, i % 2 + 1
            mine = losses[row][packed["decoder_segment_ids"][row] == seg].mean()
            ref = reference(input_ids=src[None], labels=tgt[None]).loss
            diffs.append(abs(float(mine) - float(ref)))
    model.train()
    reference.train()
    return max(diffs)


def generate_kwargs():
    return dict(max_new_tokens=GENERATE_TOKENS, min_new_tokens=GENERATE_TOKENS, do_sample=False, num_beams=1,
                return_dict_in_generate=True, output_scores=True)


def compare_generate(model, reference, prompts):
    """Greedy tokens of the parallel model and the plain one, and the largest difference of their scores."""
    from trainer.parallel import sharded
    model.eval()
    reference.eval()
    inputs = {"input_ids": prompts["input_ids"], "attention_mask": prompts["attention_mask"]}
    with torch.no_grad():
        out = sharded.generate(model, **inputs, **generate_kwargs())
        ref = reference.generate(**inputs, **generate_kwargs())
    # min_new_tokens masks EOS with -inf in both: compare the masks, then the finite scores.
    same_masks = all(torch.equal(a.isinf(), b.isinf()) for a, b in zip(out.scores, ref.scores))
    score_diff = max(max_diff(a[a.isfinite()], b[b.isfinite()]) for a, b in zip(out.scores, ref.scores))
    return {"tokens": out.sequences.tolist(), "ref_tokens": ref.sequences.tolist(),
            "score_diff": score_diff if same_masks else float("inf"), "steps_generated": len(out.scores)}


def run_tp(name, init_dir, out_dir, batches, untie=False):
    """TP=2 vs one process: losses, gradients, clipped norms, parameters, generate, saving."""
    from trainer.parallel import sharded
    from trainer.parallel.dims import ParallelDims
    from trainer.parallel.tp import apply_tensor_parallel

    dims = ParallelDims(tp=2, world_size=dist.get_world_size())
    model = apply_tensor_parallel(load(init_dir, untie), dims.tp_mesh)
    reference = load(init_dir, untie)
    optimizer = sharded.build_optimizer(model, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY, eps=ADAM_EPS,
                                        foreach=True)
    ref_optimizer = sharded.build_optimizer(reference, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY, eps=ADAM_EPS)
    ref_params = dict(reference.named_parameters())
    attention = model.encoder.block[0].layer[0].SelfAttention
    cross = model.decoder.block[0].layer[1].EncDecAttention
    result = {"steps": [], "n_heads": [attention.n_heads, cross.n_heads],
              "local_q_rows": attention.q.weight.to_local().shape[0],
              "local_bias_heads": attention.relative_attention_bias.weight.to_local().shape[1],
              "tied": model.lm_head.weight is model.shared.weight,
              "embeddings_tied": model.encoder.embed_tokens.weight is model.shared.weight,
              "param_names_match": sorted(n for n, _ in model.named_parameters()) == sorted(ref_params),
              "dtensor_params": sorted(n for n, p in model.named_parameters() if isinstance(p, DTensor)),
              "plain_params": sorted(n for n, p in model.named_parameters() if not isinstance(p, DTensor))}
    for batch in batches:
        optimizer.zero_grad()
        loss = model(**batch).loss
        loss.backward()
        ref_optimizer.zero_grad()
        ref_loss = reference(**batch).loss
        ref_loss.backward()
        grad_diff = max(max_diff(full(p.grad), ref_params[n].grad) for n, p in model.named_parameters())
        norm = sharded.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
        ref_norm = torch.nn.utils.clip_grad_norm_(reference.parameters(), MAX_GRAD_NORM)
        optimizer.step()
        ref_optimizer.step()
        param_diff = max(max_diff(full(p), ref_params[n]) for n, p in model.named_parameters())
        result["steps"].append({"loss": loss.item(), "ref_loss": ref_loss.item(), "grad_diff": grad_diff,
                                "norm": float(norm), "ref_norm": float(ref_norm), "param_diff": param_diff})

    result["packed_loss_diff"] = packed_loss_diff(model, reference, batches[0])
    result.update(compare_generate(model, reference, rows(batches[0], 0, 2)))
    if untie:
        return result  # from_pretrained would tie lm_head again: nothing to compare a saved folder with

    sharded.save_pretrained_gathered(model, os.path.join(out_dir, "tp_saved"))
    gathered = sharded.get_full_state_dict(model)
    if dist.get_rank() == 0:
        torch.save(gathered, os.path.join(out_dir, "gathered.pt"))
        torch.save({k: v.detach().clone() for k, v in reference.state_dict().items()}, os.path.join(out_dir, "ref.pt"))
    result["pitfall"] = foreach_pitfall(init_dir, dims, batches[0])
    return result


def foreach_pitfall(init_dir, dims, batch):
    """What plain ``AdamW(model.parameters(), foreach=True)`` does on a TP model (expected: an error)."""
    from trainer.parallel.tp import apply_tensor_parallel
    model = apply_tensor_parallel(load(init_dir), dims.tp_mesh)
    model(**batch).loss.backward()
    try:
        torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, foreach=True).step()
    except Exception as err:  # noqa: BLE001 - the test reads the message
        return f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    return None


def run_2d(name, init_dir, out_dir, batches, dp, tp):
    """dp x tp on the ("dp", "tp") mesh (TP, then FSDP2) vs one process averaging the dp halves."""
    from trainer.parallel import sharded
    from trainer.parallel.dims import ParallelDims
    from trainer.parallel.tp import parallelize

    dims = ParallelDims(tp=tp, world_size=dist.get_world_size())
    assert dims.dp == dp, (dims, dp)
    model = parallelize(load(init_dir), dims, fsdp=True)
    reference = load(init_dir)
    optimizer = sharded.build_optimizer(model, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY, eps=ADAM_EPS,
                                        foreach=True)
    ref_optimizer = sharded.build_optimizer(reference, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY, eps=ADAM_EPS)
    dp_rank, per_rank = dims.dp_rank(dist.get_rank()), BATCH // dims.dp
    result = {"losses": [], "ref_losses": [], "norms": [], "ref_norms": [],
              "data_shard": list(dims.data_shard(dist.get_rank())),
              "mesh": {"dims": list(dims.mesh.mesh_dim_names), "shape": list(dims.mesh.shape),
                       "built_once": dims.build_mesh() is dims.mesh, "dp_size": dims.dp_mesh.size(),
                       "tp_size": dims.tp_mesh.size()}}
    for batch in batches:
        optimizer.zero_grad()
        loss = model(**rows(batch, dp_rank * per_rank, (dp_rank + 1) * per_rank)).loss
        loss.backward()
        norm = sharded.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
        optimizer.step()
        losses = [None] * dist.get_world_size()
        dist.all_gather_object(losses, loss.item())
        # Ranks of one tp group computed the same loss; the logged loss is the mean over replicas.
        result["losses"].append(sum(losses[::tp]) / dims.dp)
        result["norms"].append(float(norm))
        halves = [rows(batch, i * per_rank, (i + 1) * per_rank) for i in range(dims.dp)]
        ref_loss, ref_norm = reference_step(reference, ref_optimizer, halves)
        result["ref_losses"].append(ref_loss)
        result["ref_norms"].append(ref_norm)

    gathered = sharded.get_full_state_dict(model)
    if dist.get_rank() == 0:
        ref_state = reference.state_dict()
        result["param_diff"] = max(max_diff(value, ref_state[key]) for key, value in gathered.items())
        result["gathered_keys_match"] = sorted(gathered) == sorted(ref_state)
    sharded.save_pretrained_gathered(model, os.path.join(out_dir, f"dp{dp}_tp{tp}_saved"))
    if dist.get_rank() == 0:
        torch.save({k: v.detach().clone() for k, v in reference.state_dict().items()},
                   os.path.join(out_dir, f"dp{dp}_tp{tp}_ref.pt"))

    # Each replica decodes its own prompt: ranks of different replicas may stop at different steps.
    result.update(compare_generate(model, reference, rows(batches[0], dp_rank * per_rank, dp_rank * per_rank + 1)))
    views = [None] * dist.get_world_size()
    dist.all_gather_object(views, [result["tokens"] == result["ref_tokens"], result["score_diff"]])
    result["generate_by_rank"] = views
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--scenarios", default="tp,2d")
    parser.add_argument("--configs", default="v1_0,v1_1,v1_1_untied")
    parser.add_argument("--layouts", default="1x2,2x1", help="dp x tp layouts for the 2d scenario")
    opts = parser.parse_args()
    torch.set_num_threads(1)
    dist.init_process_group("gloo", timeout=timedelta(seconds=120))
    rank = dist.get_rank()
    scenarios = opts.scenarios.split(",")

    result = {"world_size": dist.get_world_size()}
    for name in opts.configs.split(","):
        untie = name.endswith("_untied")
        out_dir = os.path.join(opts.out, name)
        init_dir = os.path.join(out_dir, "init")
        if rank == 0:
            from transformers import T5ForConditionalGeneration
            torch.manual_seed(0)
            T5ForConditionalGeneration(tiny_config(name.removesuffix("_untied"))).save_pretrained(init_dir)
        dist.barrier()
        batches = build_batches(seed=1234)
        result[name] = {}
        if "tp" in scenarios:
            result[name]["tp"] = run_tp(name, init_dir, out_dir, batches, untie)
        if "2d" in scenarios and not untie:
            for layout in opts.layouts.split(","):
                dp, tp = map(int, layout.split("x"))
                result[name][f"dp{dp}_tp{tp}"] = run_2d(name, init_dir, out_dir, batches, dp, tp)
    if rank == 0:
        with open(os.path.join(opts.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
