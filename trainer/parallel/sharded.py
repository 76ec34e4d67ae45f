"""Training, generating with and saving a tensor-parallel (and/or FSDP2) model.

Such a model mixes DTensor and plain parameters, which torch's utilities trip over:
``build_optimizer`` (groups split by layout), ``clip_grad_norm_`` (the unsharded norm),
``get_full_state_dict`` / ``save_pretrained_gathered`` (a normal HF folder) and
``generate`` (ranks in step) handle that mix.
See docs/training.md, "Training a sharded model".
"""

import contextlib
import logging
import re

import torch
from torch import nn
from torch.distributed.tensor import DTensor

logger = logging.getLogger(__name__)

# HF Trainer's rule: no weight decay on biases and normalisation weights.
NO_DECAY = re.compile(r"bias|norm", re.IGNORECASE)


def layout_key(tensor):
    """What a fused/foreach kernel may group together: ``None`` for plain tensors, else the DTensor's mesh."""
    return tensor.device_mesh if isinstance(tensor, DTensor) else None


def get_param_groups(model: nn.Module, weight_decay: float = 0.0) -> list:
    """Optimizer parameter groups that never mix layouts, split by weight decay (HF's rule).

    Each group is ``{"params": [...], "weight_decay": ...}``; trainable parameters only.
    """
    groups = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        decay = 0.0 if NO_DECAY.search(name) else weight_decay
        key = (_mesh_name(layout_key(param)), decay)
        groups.setdefault(key, {"params": [], "weight_decay": decay})["params"].append(param)
    return list(groups.values())


def _mesh_name(mesh) -> str:
    return "plain" if mesh is None else f"{mesh.mesh_dim_names}:{mesh.mesh.flatten().tolist()}"


def build_optimizer(model: nn.Module, *, lr: float, weight_decay: float = 0.0, betas=(0.9, 0.999),
                    eps: float = 1e-8, foreach: bool | None = None, fused: bool | None = None):
    """``torch.optim.AdamW`` over ``get_param_groups(model)``: safe with foreach/fused kernels under TP/FSDP.

    Pass it to HF's trainer as ``optimizers=(optimizer, None)``; HF's own optimizer puts
    DTensor and plain parameters in one group, which foreach AdamW (the GPU default) rejects.
    """
    return torch.optim.AdamW(get_param_groups(model, weight_decay), lr=lr, betas=betas, eps=eps,
                             weight_decay=weight_decay, foreach=foreach, fused=fused)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, foreach: bool | None = None):
    """Clip gradients of plain and DTensor parameters by their total norm; returns that norm (plain tensor).

    Equal to ``torch.nn.utils.clip_grad_norm_`` on the unsharded model. Every rank must call
    it (the DTensor norms are completed across their meshes). ``max_norm <= 0`` only measures.
    """
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    grouped = {}
    for param in parameters:
        if param.grad is not None:
            grouped.setdefault(_mesh_name(layout_key(param.grad)), []).append(param.grad)
    if not grouped:
        return torch.tensor(0.0)
    norm_type = float(norm_type)
    norms = []
    for grads in grouped.values():
        norm = torch.nn.utils.get_total_norm(grads, norm_type, foreach=foreach)
        if isinstance(norm, DTensor):
            # A sharded norm is partial per rank: complete it over the mesh (DTensor's collective).
            norm = norm.full_tensor()
        norms.append(norm)
    total = torch.linalg.vector_norm(torch.stack([n.to(norms[0].device) for n in norms]), norm_type)
    if max_norm > 0:
        # torch's formula; one Python float for every layout (a plain tensor does not mix with DTensors).
        coef = float(torch.clamp(max_norm / (total + 1e-6), max=1.0))
        for grads in grouped.values():
            torch._foreach_mul_(grads, coef)
    return total


def get_full_state_dict(model: nn.Module) -> dict:
    """The whole (unsharded) weights as a normal ``{name: CPU tensor}`` state dict on rank 0, ``{}`` elsewhere.

    Every rank must call it (shards are gathered). Works for TP, FSDP2 and both; a model with
    no DTensor parameter outside a process group is simply copied to the CPU.
    """
    import torch.distributed as dist
    if not dist.is_initialized():
        return {key: value.detach().cpu().clone() for key, value in model.state_dict().items()}
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict
    # full_state_dict + cpu_offload: gathered on rank 0 only (no full copy on the other ranks).
    options = StateDictOptions(full_state_dict=True, cpu_offload=True)
    return get_model_state_dict(model, options=options)


def save_pretrained_gathered(model: nn.Module, out_dir: str, **kwargs) -> None:
    """Gather ``model``'s weights and write a normal HF folder to ``out_dir`` (rank 0 writes).

    Every rank must call it. The folder holds the model's unchanged config and whole
    weights: ``from_pretrained`` loads it with or without tensor parallelism. ``kwargs``
    go to ``save_pretrained`` (e.g. ``safe_serialization``).
    """
    from trainer.parallel import ranks
    state = get_full_state_dict(model)
    if ranks.rank() == 0:
        plain = build_plain_copy(model, state)
        plain.save_pretrained(out_dir, **kwargs)
        logger.info("saved gathered weights (%d tensors) to %s", len(state), out_dir)
    ranks.barrier()


def build_plain_copy(model: nn.Module, state: dict) -> nn.Module:
    """A plain (unsharded) model of ``model``'s HF class and config holding ``state`` (shares its tensors)."""
    cls = _hf_class(model)
    with torch.device("meta"):
        plain = cls(model.config)
    missing, unexpected = plain.load_state_dict(state, strict=False, assign=True)
    if unexpected:
        raise ValueError(f"gathered state dict has keys the model has not: {unexpected[:3]}")
    plain.tie_weights()
    if getattr(model, "generation_config", None) is not None:
        plain.generation_config = model.generation_config
    still_meta = [name for name, param in plain.named_parameters() if param.is_meta]
    if still_meta:
        raise ValueError(f"gathered state dict lacks {still_meta[:3]} (missing: {missing[:3]})")
    return plain.eval()


def _hf_class(model: nn.Module):
    """The model's own HF class (FSDP2 swaps the instance's class for a generated subclass)."""
    for cls in type(model).__mro__:
        if not cls.__name__.startswith("FSDP") and hasattr(cls, "config_class"):
            return cls
    return type(model)


@contextlib.contextmanager
def root_unsharded(model: nn.Module):
    """Inside the block an FSDP2 root's own parameters (embeddings, final norms) are whole.

    HF's ``generate`` and rank classification call ``model.get_encoder()`` directly, not
    the root's ``forward``, so the root's unshard hook would not run; the blocks' own
    FSDP hooks still gather their weights. A model that is not FSDP2 is left as it is.
    """
    from torch.distributed.fsdp import FSDPModule
    if not isinstance(model, FSDPModule):
        yield model
        return
    model.unshard()
    try:
        yield model
    finally:
        model.reshard()


def generate(model: nn.Module, *args, **kwargs):
    """``model.generate(*args, **kwargs)`` for a TP and/or FSDP2 model; every rank must call it.

    Under FSDP2 the root's own parameters are unsharded for the call, and ``synced_gpus``
    defaults to True when more than one process runs (ranks of different replicas decode
    different inputs and may stop at different steps; synced ranks keep running collectives
    together until all are done). Use the default dynamic cache: a static cache would be sized
    from the config's ``num_heads``, not the per-rank heads.
    """
    import torch.distributed as dist
    from torch.distributed.fsdp import FSDPModule
    if isinstance(model, FSDPModule) and "synced_gpus" not in kwargs:
        kwargs["synced_gpus"] = dist.is_initialized() and dist.get_world_size() > 1
    with root_unsharded(model):
        return model.generate(*args, **kwargs)

