"""DeepSpeed ZeRO configs: load one, apply the project's fixes, check it against the flags.

``build_deepspeed_config`` returns the dict for ``TrainingArguments(deepspeed=...)`` (the
shipped configs are in ``configs/``): gradient clipping from ``--max_grad_norm``, torch
optimizer on CPU, ZeRO-3 gathered saves, batch sizes checked against the flags.
``init_cpu_deepspeed_state`` makes DeepSpeed under torchrun on CPU see every rank.
See docs/training.md, "DeepSpeed ZeRO".
"""

import copy
import json
import logging
import os
import pathlib
from datetime import timedelta

from common.errors import UserError

logger = logging.getLogger(__name__)

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SHIPPED = ("zero1.json", "zero2.json", "zero3.json", "zero3_offload.json")
OFFLOAD_DEVICES = ("cpu", "nvme")


class ZeroConfigError(UserError, ValueError):
    """A DeepSpeed config that cannot be used with the given flags (one-line message)."""


def load_deepspeed_config(source) -> dict:
    """Read a DeepSpeed config from a dict, a JSON string or a file path (a copy, never the original).

    A relative path that does not exist from the working directory is also looked up
    from the project root, so ``--deepspeed configs/zero2.json`` works from anywhere.
    """
    if isinstance(source, dict):
        return copy.deepcopy(source)
    if not isinstance(source, (str, os.PathLike)):
        raise ZeroConfigError(f"--deepspeed expects a config path or dict, got {type(source).__name__}")
    text = str(source)
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise ZeroConfigError(f"--deepspeed JSON string is not valid JSON ({err})") from None
    path = pathlib.Path(text).expanduser()
    if not path.is_file() and not path.is_absolute() and (ROOT / path).is_file():
        path = ROOT / path
    if not path.is_file():
        raise ZeroConfigError(
            f"DeepSpeed config {text} not found; the project ships "
            + ", ".join(f"configs/{name}" for name in SHIPPED))
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ZeroConfigError(f"DeepSpeed config {path} is not valid JSON: {err}") from None
    if not isinstance(config, dict):
        raise ZeroConfigError(f"DeepSpeed config {path} must hold a JSON object, got {type(config).__name__}")
    return config


def get_zero_stage(config: dict) -> int:
    """The ZeRO stage a config asks for (0 when it has no ``zero_optimization``)."""
    return int(config.get("zero_optimization", {}).get("stage", 0))


def is_optimizer_offloaded(config: dict) -> bool:
    """Whether the optimizer state lives off the accelerator (ZeRO-Offload to CPU or NVMe)."""
    offload = config.get("zero_optimization", {}).get("offload_optimizer") or {}
    return offload.get("device", "none") in OFFLOAD_DEVICES


def accelerator_is_cpu() -> bool:
    """Whether DeepSpeed runs on its CPU accelerator (no GPU found, or ``DS_ACCELERATOR=cpu``)."""
    from deepspeed.accelerator import get_accelerator
    return get_accelerator().device_name() == "cpu"


def _explicit(config: dict, key: str):
    """The config's value for ``key`` when it is set to something other than ``"auto"``."""
    value = config.get(key)
    return None if value is None or value == "auto" else value


def check_batch_sizes(config: dict, *, per_device_train_batch_size: int, gradient_accumulation_steps: int,
                      world_size: int, name: str = "DeepSpeed config") -> None:
    """Raise a one-line ``ZeroConfigError`` when explicit batch sizes disagree with the flags.

    DeepSpeed's rule: train_batch_size = micro batch x gradient accumulation x data-parallel size.
    """
    flags = {
        "train_micro_batch_size_per_gpu": (per_device_train_batch_size, "--per_device_train_batch_size"),
        "gradient_accumulation_steps": (gradient_accumulation_steps, "--gradient_accumulation_steps"),
    }
    for key, (want, flag) in flags.items():
        got = _explicit(config, key)
        if got is not None and got != want:
            raise ZeroConfigError(
                f'{name}: {key}={got} disagrees with {flag} {want}; set it to "auto" (the flags decide)')
    got = _explicit(config, "train_batch_size")
    want = per_device_train_batch_size * gradient_accumulation_steps * world_size
    if got is not None and got != want:
        raise ZeroConfigError(
            f"{name}: train_batch_size={got} disagrees with the flags (per_device_train_batch_size "
            f"{per_device_train_batch_size} x gradient_accumulation_steps {gradient_accumulation_steps} x "
            f'{world_size} data-parallel ranks = {want}); set it to "auto"')


def build_deepspeed_config(source, *, max_grad_norm: float, per_device_train_batch_size: int,
                           gradient_accumulation_steps: int, world_size: int | None = None,
                           on_cpu: bool | None = None) -> dict:
    """The DeepSpeed config to pass as ``TrainingArguments(deepspeed=...)``, with the project's fixes.

    ``source`` is a path, JSON string or dict (not modified). ``world_size`` is the
    data-parallel size (default ``$WORLD_SIZE``, else 1); ``on_cpu`` defaults to whether
    DeepSpeed's accelerator is the CPU. Idempotent: a dict it returned passes through
    unchanged. See the module docstring for each fix.
    """
    config = load_deepspeed_config(source)
    name = str(source) if not isinstance(source, dict) else "DeepSpeed config"
    if world_size is None:
        world_size = int(os.environ.get("WORLD_SIZE", "1"))
    check_batch_sizes(config, per_device_train_batch_size=per_device_train_batch_size,
                      gradient_accumulation_steps=gradient_accumulation_steps, world_size=world_size, name=name)

    # DeepSpeed's default (1.0) would silently override --max_grad_norm.
    clipping = _explicit(config, "gradient_clipping")
    if clipping is not None and float(clipping) != float(max_grad_norm):
        raise ZeroConfigError(
            f'{name}: gradient_clipping={clipping} disagrees with --max_grad_norm {max_grad_norm}; '
            f'set it to "auto" or drop it (the flag decides)')
    config["gradient_clipping"] = float(max_grad_norm)

    if on_cpu is None:
        on_cpu = accelerator_is_cpu()
    if on_cpu and "optimizer" in config:
        dropped = config.pop("optimizer")
        logger.info("DeepSpeed on CPU: dropped optimizer %r from %s (its fused kernel is JIT-compiled); "
                    "HF builds the torch optimizer from --optim", dropped.get("type"), name)
    if "optimizer" not in config and is_optimizer_offloaded(config):
        # HF hands DeepSpeed a torch optimizer; under offload DeepSpeed wants its own CPU Adam.
        config.setdefault("zero_force_ds_cpu_optimizer", False)

    zero = config.get("zero_optimization", {})
    if get_zero_stage(config) == 3:
        zero.setdefault("stage3_gather_16bit_weights_on_model_save", True)
        if not zero["stage3_gather_16bit_weights_on_model_save"]:
            logger.warning("%s: stage3_gather_16bit_weights_on_model_save is false, so saved models hold no "
                           "weights from_pretrained can load (only DeepSpeed's sharded checkpoint)", name)
    return config


SHM_COMM_OP = "deepspeed_shm_comm"


def skip_shared_memory_op() -> None:
    """DeepSpeed's CPU backend compiles its shared-memory all-reduce (a C++ op, a minute
    or more, needing a compiler) when it starts, in every fresh environment; on CPU the
    collectives go through gloo anyway, so the op is marked unavailable and not built."""
    import deepspeed.ops
    deepspeed.ops.__compatible_ops__[SHM_COMM_OP] = False


def init_cpu_deepspeed_state(backend: str = "gloo", timeout_s: float = 1800) -> None:
    """Set up accelerate's shared state for DeepSpeed on CPU under torchrun, with ``backend``.

    accelerate (1.15) only gives DeepSpeed a backend when it finds a GPU; without one its
    state says one process, and every world-size-derived number (HF's
    ``train_batch_size``, sampler shards, logged averages) is then wrong. Initialising
    the state here with an explicit backend gives the real world size; the caller then
    makes ``TrainingArguments`` reuse it (``accelerator_config={"use_configured_state": True}``).
    """
    from accelerate.state import AcceleratorState, PartialState
    from accelerate.utils import DistributedType
    skip_shared_memory_op()
    AcceleratorState._reset_state(reset_partial_state=True)
    previous = os.environ.get("ACCELERATE_USE_DEEPSPEED")
    os.environ["ACCELERATE_USE_DEEPSPEED"] = "true"  # what HF sets around its own PartialState
    try:
        state = PartialState(backend=backend, timeout=timedelta(seconds=timeout_s))
    finally:
        if previous is None:
            del os.environ["ACCELERATE_USE_DEEPSPEED"]
        else:
            os.environ["ACCELERATE_USE_DEEPSPEED"] = previous
    if state.distributed_type != DistributedType.DEEPSPEED:
        raise ZeroConfigError(f"DeepSpeed on CPU: accelerate set up {state.distributed_type}, not DEEPSPEED; "
                              f"launch with torchrun so LOCAL_RANK is set")
