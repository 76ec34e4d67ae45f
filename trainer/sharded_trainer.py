"""``StreamTrainer`` for a model sharded by ``trainer.parallel.tp.parallelize`` (TP, FSDP2 or both).

``ShardedStreamTrainer`` skips the DDP wrap and uses ``trainer.parallel.sharded`` for the
optimizer, gradient clipping and saving; checkpoints hold full weights and optimizer
state, so they resume under any layout; eval counts are divided by ``tp``.
This module may import torch, transformers and ``trainer.parallel`` (``trainer/`` layer).
See docs/training.md, "The sharded trainer".
"""

from __future__ import annotations

import logging
import os
import warnings
from typing import Optional

import torch
from transformers.trainer import OPTIMIZER_NAME, SCHEDULER_NAME

from trainer.hf import StreamTrainer
from trainer.parallel import ranks, sharded

logger = logging.getLogger(__name__)


def _options(**kwargs):
    from torch.distributed.checkpoint.state_dict import StateDictOptions
    return StateDictOptions(full_state_dict=True, **kwargs)


class ShardedStreamTrainer(StreamTrainer):
    """``StreamTrainer`` over a TP/FSDP2-sharded model (see the module docstring).

    Args (beyond ``StreamTrainer``'s):
      dims: the run's ``trainer.parallel.dims.ParallelDims`` (already applied to ``model``).
    """

    def __init__(self, *args, dims, **kwargs):
        model = kwargs.get("model") if "model" in kwargs else args[0]
        # accelerate must leave the model alone (no DDP around DTensor parameters).
        model._is_accelerate_prepared = True  # noqa: SLF001
        self.dims = dims
        super().__init__(*args, **kwargs)

    # -- training ------------------------------------------------------------------------

    def get_tp_size(self) -> int:
        """HF counts data-parallel replicas as ``world_size // tp`` (batch size, epochs)."""
        return self.dims.tp

    def create_optimizer(self, model=None):
        if self.optimizer is None:
            args = self.args
            self.optimizer = sharded.build_optimizer(
                self.model, lr=args.learning_rate, weight_decay=args.weight_decay,
                betas=(args.adam_beta1, args.adam_beta2), eps=args.adam_epsilon)
        return self.optimizer

    def _clip_grad_norm(self, model):
        return sharded.clip_grad_norm_(self.model.parameters(), self.args.max_grad_norm)

    def _get_grad_norm(self, model, grad_norm=None):
        if grad_norm is None:
            grad_norm = sharded.clip_grad_norm_(self.model.parameters(), float("inf"))
        return grad_norm

    # -- saving and resuming -------------------------------------------------------------

    def save_model(self, output_dir: Optional[str] = None, _internal_call: bool = False):
        """Gathered full weights (every rank takes part; rank 0 writes), config, tokenizer, vocabulary."""
        output_dir = output_dir or self.args.output_dir
        if self.args.should_save:
            os.makedirs(output_dir, exist_ok=True)
        ranks.barrier()
        sharded.save_pretrained_gathered(self.model, output_dir)
        if self.args.should_save:
            if self.processing_class is not None:
                self.processing_class.save_pretrained(output_dir)
            torch.save(self.args, os.path.join(output_dir, "training_args.bin"))
            self._copy_vocab(output_dir)
        ranks.barrier()

    def _raw_optimizer(self):
        return getattr(self.optimizer, "optimizer", self.optimizer)  # accelerate's wrapper

    def _save_optimizer_and_scheduler(self, output_dir: str) -> None:
        from torch.distributed.checkpoint.state_dict import get_optimizer_state_dict
        state = get_optimizer_state_dict(self.model, self._raw_optimizer(),
                                         options=_options(cpu_offload=True))
        if self.args.should_save:
            torch.save(state, os.path.join(output_dir, OPTIMIZER_NAME))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "please also save the optimizer" noise
                torch.save(self.lr_scheduler.state_dict(), os.path.join(output_dir, SCHEDULER_NAME))

    def _load_from_checkpoint(self, resume_from_checkpoint: str, model=None) -> None:
        """Every rank reads the checkpoint's full weights and keeps its shards."""
        from safetensors.torch import load_file
        from torch.distributed.checkpoint.state_dict import set_model_state_dict
        from transformers.utils import SAFE_WEIGHTS_NAME
        model = model if model is not None else self.model
        path = os.path.join(resume_from_checkpoint, SAFE_WEIGHTS_NAME)
        state = load_file(path)
        # Tied weights are saved once (the shared embedding); the state dict names them all.
        for key in model.state_dict():
            if key not in state and key.endswith(("encoder.embed_tokens.weight",
                                                  "decoder.embed_tokens.weight")):
                state[key] = state["shared.weight"]
        set_model_state_dict(model, state, options=_options(strict=False))
        logger.info("loaded the full weights of %s into the sharded model", resume_from_checkpoint)

    def _load_optimizer_and_scheduler(self, checkpoint: Optional[str]) -> None:
        if checkpoint is None:
            return
        from torch.distributed.checkpoint.state_dict import set_optimizer_state_dict
        optimizer_file = os.path.join(checkpoint, OPTIMIZER_NAME)
        state = torch.load(optimizer_file, map_location="cpu", weights_only=True)
        set_optimizer_state_dict(self.model, self._raw_optimizer(), state, options=_options())
        self.lr_scheduler.load_state_dict(
            torch.load(os.path.join(checkpoint, SCHEDULER_NAME), map_location="cpu",
                       weights_only=True))

    # -- evaluation ----------------------------------------------------------------------

    def evaluation_loop(self, *args, metric_key_prefix: str = "eval", **kwargs):
        output = super().evaluation_loop(*args, metric_key_prefix=metric_key_prefix, **kwargs)
        tp = self.dims.tp
        if tp > 1:  # every tensor-parallel peer counted the same batches
            for key in ("tokens", "samples"):
                name = f"{metric_key_prefix}_{key}"
                if name in output.metrics:
                    output.metrics[name] //= tp
            output = output._replace(num_samples=output.num_samples // tp)
        return output
