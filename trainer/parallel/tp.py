"""Megatron-style tensor parallelism (and FSDP2 next to it) for a finished HF T5 model.

``T5_TP_PLAN`` maps submodule names to ``torch.distributed.tensor.parallel`` styles
(attention by heads, FFN by hidden units, embeddings and ``lm_head`` vocab-parallel, layer
norms replicated); ``apply_tensor_parallel`` applies it and fixes up the model,
``apply_fsdp`` adds FSDP2 over the dp mesh, ``parallelize`` does both for a ``ParallelDims``.
See docs/training.md, "Tensor parallelism".
"""

import fnmatch
import logging

from torch import nn
from torch.distributed.tensor import DTensor, Replicate
from torch.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel, parallelize_module

from common.errors import UserError
from trainer.parallel.dims import check_model_divisible

logger = logging.getLogger(__name__)

# Submodule name -> style. "*" matches one dotted name part; a key that matches nothing in a
# given model is skipped (wi exists in v1.0 models only, wi_0/wi_1 in v1.1 ones).
# "*Attention" is SelfAttention and (decoder) EncDecAttention.
T5_TP_PLAN = {
    # vocab-parallel embeddings: rows split, local lookups all-reduced (input: token ids)
    "shared": RowwiseParallel(input_layouts=Replicate()),
    "encoder.embed_tokens": RowwiseParallel(input_layouts=Replicate()),
    "decoder.embed_tokens": RowwiseParallel(input_layouts=Replicate()),
    # attention: heads split
    "*.block.*.layer.*.*Attention.q": ColwiseParallel(),
    "*.block.*.layer.*.*Attention.k": ColwiseParallel(),
    "*.block.*.layer.*.*Attention.v": ColwiseParallel(),
    "*.block.*.layer.*.*Attention.o": RowwiseParallel(),
    # Embedding(buckets, num_heads): colwise splits the heads
    "*.block.*.layer.*.SelfAttention.relative_attention_bias": ColwiseParallel(),
    # FFN: d_ff split
    "*.block.*.layer.*.DenseReluDense.wi": ColwiseParallel(),
    "*.block.*.layer.*.DenseReluDense.wi_0": ColwiseParallel(),
    "*.block.*.layer.*.DenseReluDense.wi_1": ColwiseParallel(),
    "*.block.*.layer.*.DenseReluDense.wo": RowwiseParallel(),
    # vocab-parallel output projection, logits gathered for HF's loss and generate
    "lm_head": ColwiseParallel(output_layouts=Replicate()),
}

BLOCK_CLASS = "T5Block"


class TensorParallelError(UserError, ValueError):
    """A model or plan tensor parallelism cannot be applied to (one-line message)."""


def resolve_plan(model: nn.Module, plan: dict) -> dict:
    """The plan with its patterns expanded to the model's submodule names, in model order.

    ``*`` in a key matches exactly one part of a dotted name (``fnmatch`` per part). Keys
    that match no submodule are left out; a submodule matched by two keys is an error.
    """
    resolved = {}
    for name, _ in model.named_modules():
        if not name:
            continue
        parts = name.split(".")
        hits = [key for key in plan if _matches(key.split("."), parts)]
        if len(hits) > 1:
            raise TensorParallelError(f"plan keys {hits} all match {name}; make them disjoint")
        if hits:
            resolved[name] = plan[hits[0]]
    return resolved


def _matches(pattern: list, parts: list) -> bool:
    return len(pattern) == len(parts) and all(fnmatch.fnmatchcase(part, pat) for pat, part in zip(pattern, parts))


def apply_tensor_parallel(model: nn.Module, tp_mesh, plan: dict = T5_TP_PLAN) -> nn.Module:
    """Shard a finished T5 model over the 1-D ``tp_mesh`` following ``plan`` (in place; returns it).

    Call it on every rank of the group, with the model already on this rank's device
    (``model.to(f"cuda:{local_rank}")``). A mesh of size 1 leaves the model as it is. See
    the module docstring for what is split and why; ``n_heads``/``inner_dim`` of each
    attention module become per-rank values (the config keeps the real ones).
    """
    tp = tp_mesh.size()
    if tp == 1:
        return model
    if getattr(model, "config", None) is not None:
        check_model_divisible(model.config, tp)
    tied = _tied_parameter_groups(model)
    resolved = resolve_plan(model, plan)
    if not resolved:
        raise TensorParallelError(f"no plan key matches a submodule of {type(model).__name__}; "
                                  f"plan keys: {list(plan)[:4]}...")
    parallelize_module(model, tp_mesh, resolved)
    _retie(model, tied)
    _check_blocks_sharded(model)
    _set_local_heads(model)
    logger.info("tensor parallel: %d modules sharded over %d ranks", len(resolved), tp)
    return model


def _tied_parameter_groups(model: nn.Module) -> list:
    """Lists of (module name, parameter name) that hold one shared parameter (HF tied weights)."""
    by_id = {}
    for module_name, module in model.named_modules():
        for param_name, param in module.named_parameters(recurse=False):
            by_id.setdefault(id(param), []).append((module_name, param_name))
    return [group for group in by_id.values() if len(group) > 1]


def _retie(model: nn.Module, groups: list) -> None:
    """Make tied weights one parameter again: each style registered its own copy of the shards."""
    for group in groups:
        first_module, first_name = group[0]
        keep = getattr(model.get_submodule(first_module), first_name)
        for module_name, param_name in group[1:]:
            other = getattr(model.get_submodule(module_name), param_name)
            if _layout(other) != _layout(keep):
                raise TensorParallelError(
                    f"tied weights {first_module}.{first_name} ({_layout(keep)}) and {module_name}.{param_name} "
                    f"({_layout(other)}) got different layouts from the plan; give them the same sharding")
            setattr(model.get_submodule(module_name), param_name, keep)


def _layout(param) -> str:
    return str(tuple(param.placements)) if isinstance(param, DTensor) else "replicated plain tensor"


def _check_blocks_sharded(model: nn.Module) -> None:
    """Every linear and embedding inside a transformer block must be sharded (else heads mismatch)."""
    for block_name, block in model.named_modules():
        if type(block).__name__ != BLOCK_CLASS:
            continue
        for name, module in block.named_modules():
            if isinstance(module, (nn.Linear, nn.Embedding)) and not isinstance(module.weight, DTensor):
                raise TensorParallelError(
                    f"the tensor-parallel plan leaves {block_name}.{name} ({type(module).__name__}) unsharded; "
                    f"add a plan key for it")


def _set_local_heads(model: nn.Module) -> None:
    """Per-rank ``n_heads``/``inner_dim`` on each T5 attention, read from its local ``q`` shard."""
    for name, module in model.named_modules():
        if not (hasattr(module, "n_heads") and hasattr(module, "key_value_proj_dim") and hasattr(module, "q")):
            continue
        local_inner = module.q.weight.to_local().shape[0]
        heads, rest = divmod(local_inner, module.key_value_proj_dim)
        if rest:
            raise TensorParallelError(f"{name}.q holds {local_inner} rows per rank, not whole heads of "
                                      f"{module.key_value_proj_dim}")
        bias = getattr(module, "relative_attention_bias", None)
        if bias is not None and bias.weight.to_local().shape[1] != heads:
            raise TensorParallelError(f"{name}.relative_attention_bias holds {bias.weight.to_local().shape[1]} "
                                      f"heads per rank but q holds {heads}; shard it colwise")
        module.n_heads = heads
        module.inner_dim = heads * module.key_value_proj_dim


def apply_fsdp(model: nn.Module, dp_mesh, *, reshard_after_forward: bool = True, mp_policy=None) -> nn.Module:
    """FSDP2 ``fully_shard`` over the 1-D ``dp_mesh``: each ``T5Block``, then the whole model.

    Call after ``apply_tensor_parallel`` (with a dp mesh sliced from the same 2-D mesh, so
    TP weights become 2-D DTensors). Gradients are averaged over the dp ranks.
    """
    from torch.distributed.fsdp import fully_shard
    kwargs = {"mesh": dp_mesh, "reshard_after_forward": reshard_after_forward}
    if mp_policy is not None:
        kwargs["mp_policy"] = mp_policy
    blocks = [module for module in model.modules() if type(module).__name__ == BLOCK_CLASS]
    for block in blocks:
        fully_shard(block, **kwargs)
    # The root keeps its own parameters (embeddings, final norms) whole after its forward:
    # backward needs them at once, and HF's generate / rank classification call the
    # encoder directly between root forwards (no root hook would gather them again).
    fully_shard(model, **{**kwargs, "reshard_after_forward": False})
    return model


def parallelize(model: nn.Module, dims, *, plan: dict = T5_TP_PLAN, fsdp: bool | None = None) -> nn.Module:
    """Apply a ``ParallelDims`` to a finished model: TP over ``dims.tp_mesh``, then FSDP2 over ``dims.dp_mesh``.

    ``fsdp`` defaults to ``dims.dp_enabled``: more than one replica needs FSDP2 for its data
    parallelism (DDP and DeepSpeed do not take DTensor parameters); ``fsdp=True`` also
    wraps a single replica (a dp mesh of size 1), ``fsdp=False`` never wraps.
    """
    dims.check_model(model.config)
    if dims.tp_enabled:
        apply_tensor_parallel(model, dims.tp_mesh, plan)
    if fsdp is None:
        fsdp = dims.dp_enabled
    if fsdp:
        apply_fsdp(model, dims.dp_mesh)
    return model
