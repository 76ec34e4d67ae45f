"""Parallelism for the trainer: ranks, parallel dims, ZeRO configs, the tensor-parallel plan.

``ranks`` (where this process stands, the few collectives used), ``dims`` (the checked
data x tensor parallel layout), ``zero`` (DeepSpeed configs), ``tp`` (the T5 plan) and
``sharded`` (FSDP2 over TP replicas). Built on torch.distributed and DeepSpeed (imported
lazily: deepspeed costs seconds). See README.md, "Training with run.py".
"""
