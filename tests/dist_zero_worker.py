"""torchrun worker for tests/test_zero.py: one tiny T5, the same batches, DDP and ZeRO-1/2/3.

Launched as ``torchrun --standalone --nproc_per_node 2 tests/dist_zero_worker.py --out DIR
--modes ddp,zero1,zero2,zero3`` on gloo (CPU). Every mode starts from the same random
weights (saved once to ``DIR/init`` and loaded with ``from_pretrained``, which under ZeRO-3
partitions them at load) and trains 5 optimizer steps with HF ``Seq2SeqTrainer`` on a fixed
in-memory dataset, 2 micro-batches of 2 per rank per step (gradient accumulation 2).
The modes run one after another in the same processes: each ``TrainingArguments`` resets
accelerate's state, so one launch pays the torch/transformers/deepspeed imports once.

Rank 0 writes ``DIR/result.json``: per mode the logged per-step losses, parameter and
optimizer-state element counts per rank; plus a single-process reference (plain torch,
no distributed wrapper) over exactly the micro-batches each rank saw. ZeRO-3 also saves
its model with ``save_model`` (``DIR/zero3/model``) and its gathered weights
(``DIR/zero3/gathered.pt``). The test process does the asserting.
"""

import argparse
import gc
import json
import os
import sys
import traceback
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

STEPS = 5
MICRO_BATCH = 2
GRAD_ACCUM = 2
LEARNING_RATE = 1e-2
# Small enough to clip every step: a DeepSpeed run that clipped at its default 1.0 instead
# would drift away from DDP.
MAX_GRAD_NORM = 0.05
SOURCE_LEN, TARGET_LEN, VOCAB = 12, 6, 64


def tiny_config():
    """A tiny random T5 (tied embeddings as in T5 v1.0, dropout 0 so every mode computes the same)."""
    from transformers import T5Config
    return T5Config(vocab_size=VOCAB, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2,
                    num_heads=4, dropout_rate=0.0, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)


def build_examples(world_size):
    """Exactly enough fixed examples for STEPS steps on all ranks; variable lengths, padded."""
    count = STEPS * GRAD_ACCUM * MICRO_BATCH * world_size
    gen = torch.Generator().manual_seed(1234)
    examples = []
    for idx in range(count):
        src_len = int(torch.randint(4, SOURCE_LEN + 1, (1,), generator=gen))
        tgt_len = int(torch.randint(2, TARGET_LEN + 1, (1,), generator=gen))
        input_ids = torch.zeros(SOURCE_LEN, dtype=torch.long)
        input_ids[:src_len] = torch.randint(2, VOCAB, (src_len,), generator=gen)
        input_ids[src_len - 1] = 1  # EOS
        labels = torch.full((TARGET_LEN,), -100, dtype=torch.long)
        labels[:tgt_len] = torch.randint(2, VOCAB, (tgt_len,), generator=gen)
        labels[tgt_len - 1] = 1
        examples.append({"idx": idx, "input_ids": input_ids, "attention_mask": (input_ids != 0).long(),
                         "labels": labels})
    return examples


class RecordingCollator:
    """Stacks examples into a batch and records which example ids this rank consumed, in order."""

    def __init__(self):
        self.batches = []

    def __call__(self, features):
        self.batches.append([int(f["idx"]) for f in features])
        return {key: torch.stack([f[key] for f in features]) for key in ("input_ids", "attention_mask", "labels")}


def optimizer_state_numel(optimizer) -> int:
    """Elements held in an optimizer's per-parameter state tensors (AdamW: exp_avg + exp_avg_sq)."""
    return sum(value.numel() for state in optimizer.state.values() for value in state.values()
               if torch.is_tensor(value) and value.dim() > 0)


def run_mode(mode, out_dir, init_dir, examples):
    """Train one mode for STEPS steps; return the numbers the test checks (this rank's view)."""
    from transformers import Seq2SeqTrainer, T5ForConditionalGeneration
    from trainer.arguments import TrainingArguments

    deepspeed = None if mode == "ddp" else os.path.join(ROOT, "configs", f"{mode}.json")
    args = TrainingArguments(
        output_dir=os.path.join(out_dir, mode), deepspeed=deepspeed, seed=0,
        per_device_train_batch_size=MICRO_BATCH, gradient_accumulation_steps=GRAD_ACCUM, max_steps=STEPS,
        learning_rate=LEARNING_RATE, lr_scheduler_type="constant", weight_decay=0.0, max_grad_norm=MAX_GRAD_NORM,
        logging_steps=1, save_strategy="no", report_to=[], disable_tqdm=True, ddp_backend="gloo",
        ddp_timeout=120, train_sampling_strategy="sequential", remove_unused_columns=False,
        dataloader_num_workers=0)
    model = T5ForConditionalGeneration.from_pretrained(init_dir)
    collator = RecordingCollator()
    trainer = Seq2SeqTrainer(model=model, args=args, train_dataset=examples, data_collator=collator)
    # T5's forward takes **kwargs but ignores num_items_in_batch and returns a mean: without
    # this, transformers 5 would skip the division by gradient-accumulation steps.
    trainer.model_accepts_loss_kwargs = False
    trainer.train()

    result = {
        "losses": [entry["loss"] for entry in trainer.state.log_history if "loss" in entry],
        "batches": collator.batches,
        "ds_config": {key: args.hf_deepspeed_config.config.get(key) for key in
                      ("gradient_clipping", "optimizer", "zero_force_ds_cpu_optimizer")} if deepspeed else None,
    }
    engine = trainer.model_wrapped
    if mode == "ddp":
        params = list(trainer.model.parameters())
        result["param_numel"] = sum(p.numel() for p in params)
        result["optimizer_numel"] = optimizer_state_numel(trainer.optimizer.optimizer)
        result["optimizer_class"] = type(trainer.optimizer.optimizer).__name__
    else:
        zero_optimizer = engine.optimizer
        result["optimizer_numel"] = optimizer_state_numel(zero_optimizer.optimizer)
        result["optimizer_class"] = type(zero_optimizer.optimizer).__name__
        result["zero_optimizer_class"] = type(zero_optimizer).__name__
        params = list(engine.module.parameters())
        if mode.startswith("zero3"):
            result["param_full_numel"] = sum(p.ds_numel for p in params)
            result["param_owned_numel"] = sum(p.ds_tensor.numel() for p in params)
            # Outside forward, only "persistent" (small) parameters stay gathered in full.
            result["param_materialized_numel"] = sum(p.numel() for p in params)
            result["param_persistent_numel"] = sum(p.ds_numel for p in params if getattr(p, "ds_persist", False))
            result["param_count"] = len(params)
            save_zero3(trainer, engine, os.path.join(out_dir, mode))
        else:
            result["param_numel"] = sum(p.numel() for p in params)

    # Free the engine before the next mode builds its own (and forget ZeRO-3 for from_pretrained).
    from transformers.integrations.deepspeed import unset_hf_deepspeed_config
    del trainer, engine, model, params
    unset_hf_deepspeed_config()
    gc.collect()
    dist.barrier()
    return result


def save_zero3(trainer, engine, mode_dir):
    """save_model (gathered weights, a plain HF folder) and, on rank 0, the gathered state dict."""
    import deepspeed
    trainer.save_model(os.path.join(mode_dir, "model"))
    module = engine.module
    with deepspeed.zero.GatheredParameters(list(module.parameters())):
        if dist.get_rank() == 0:
            state = {key: value.detach().clone() for key, value in module.state_dict().items()}
            torch.save(state, os.path.join(mode_dir, "gathered.pt"))


def reference_losses(init_dir, examples, batches_by_rank):
    """Single process, plain torch: the losses DDP should log, from the micro-batches each rank saw."""
    from transformers import T5ForConditionalGeneration
    model = T5ForConditionalGeneration.from_pretrained(init_dir)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.0, fused=True)
    losses = []
    for step in range(STEPS):
        micro = [batch for batches in batches_by_rank for batch in batches[step * GRAD_ACCUM:(step + 1) * GRAD_ACCUM]]
        optimizer.zero_grad()
        total = 0.0
        for ids in micro:
            batch = {key: torch.stack([examples[i][key] for i in ids])
                     for key in ("input_ids", "attention_mask", "labels")}
            # Each rank's loss is a mean over its tokens; DDP averages ranks, the trainer averages micro-batches.
            loss = model(**batch).loss / len(micro)
            loss.backward()
            total += loss.item()
        torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
        optimizer.step()
        losses.append(total)
    return losses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--modes", default="ddp,zero1,zero2,zero3")
    opts = parser.parse_args()
    torch.set_num_threads(1)
    dist.init_process_group("gloo", timeout=timedelta(seconds=120))
    rank, world = dist.get_rank(), dist.get_world_size()

    init_dir = os.path.join(opts.out, "init")
    if rank == 0:
        from transformers import T5ForConditionalGeneration
        torch.manual_seed(0)
        T5ForConditionalGeneration(tiny_config()).save_pretrained(init_dir)
    dist.barrier()

    examples = build_examples(world)
    result = {"world_size": world, "modes": {}}
    for mode in opts.modes.split(","):
        views = [None] * world
        dist.all_gather_object(views, run_mode(mode, opts.out, init_dir, examples))
        result["modes"][mode] = {"losses": views[0]["losses"], "ranks": views}
    if rank == 0:
        first = result["modes"][opts.modes.split(",")[0]]["ranks"]
        result["reference_losses"] = reference_losses(init_dir, examples, [view["batches"] for view in first])
        with open(os.path.join(opts.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        # Print, then exit non-zero at once: torchrun then stops the other rank instead of
        # letting it wait in a collective until the gloo timeout.
        traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
