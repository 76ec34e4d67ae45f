"""Parallelism for the trainer: DeepSpeed ZeRO configs (``trainer.parallel.zero``).

Layer rule (docs STYLE.md): this package owns parallel dims and ZeRO configs and may
import torch.distributed and deepspeed (lazily: importing deepspeed costs seconds).
"""
