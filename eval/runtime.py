"""What the evaluation command lines share: flags, process group, model loading.

``python -m eval`` and ``python -m eval.superglue`` run as one process or under
``torchrun`` (each rank predicts its shard; rank 0 writes the files and reports).
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Optional

from eval import predict

DTYPES = ("float32", "bfloat16", "float16")


def add_model_flags(parser: argparse.ArgumentParser) -> None:
    """Flags for the model, vocabulary, data dir and prediction settings."""
    parser.add_argument("--model_name_or_path", required=True,
                        help="local HF T5 model folder (config.json + weights)")
    parser.add_argument("--vocab_path", help="SentencePiece model (default: spiece.model in "
                        "--model_name_or_path, else the demo vocabulary)")
    parser.add_argument("--tfds_data_dir", help="TFDS data dir (default: $TFDS_DATA_DIR, else "
                        "the demo data in caches/built/tfds)")
    parser.add_argument("--per_device_eval_batch_size", type=int, default=32)
    parser.add_argument("--max_source_length", type=int, default=512)
    parser.add_argument("--max_target_length", type=int, default=64)
    parser.add_argument("--num_beams", type=int, default=1, help="1: greedy decoding")
    parser.add_argument("--method", choices=predict.METHODS, default="auto",
                        help="auto: rank the options of tasks that have them, else generate")
    parser.add_argument("--task_method", action="append", default=[], metavar="TASK=METHOD",
                        help="per-task method override (repeatable), e.g. rte_type_0=generate")
    parser.add_argument("--length_normalize", action="store_true",
                        help="rank options by mean instead of summed token log-probability")
    parser.add_argument("--dtype", choices=DTYPES, default="float32")
    parser.add_argument("--seed", type=int, default=42, help="picks few-shot exemplars")
    parser.add_argument("--no_progress", action="store_true", help="no progress bar")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def parse_task_methods(items) -> dict:
    """``["rte_type_0=generate"]`` -> ``{"rte_type_0": "generate"}`` (one-line errors)."""
    out = {}
    for item in items:
        name, eq, method = item.partition("=")
        if not eq or not name or method not in predict.METHODS:
            raise ValueError(f"--task_method {item!r}: write TASK=METHOD with METHOD one of "
                             f"{', '.join(predict.METHODS)}")
        out[name.strip()] = method
    return out


def quiet_logs() -> None:
    """INFO for our modules; absl/TF/transformers' chatter only from warnings up."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("absl", "tensorflow", "transformers", "trainer.data"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        from absl import logging as absl_logging
        absl_logging.set_verbosity(absl_logging.WARNING)
    except ImportError:  # pragma: no cover
        pass


def init_distributed() -> int:
    """Joins the torchrun process group when launched by it; returns this rank (0 alone)."""
    from trainer.parallel import ranks
    return ranks.join_launch_group()


def load_model(model_name_or_path: str, dtype: str = "float32", device: Optional[str] = None):
    """An HF seq2seq model in eval mode, on this rank's GPU when there is one."""
    import torch
    from transformers import AutoModelForSeq2SeqLM
    if not os.path.isdir(model_name_or_path):
        raise FileNotFoundError(f"--model_name_or_path {model_name_or_path}: no such folder "
                                "(a local HF model folder is needed; nothing is downloaded)")
    model = AutoModelForSeq2SeqLM.from_pretrained(model_name_or_path,
                                                  dtype=getattr(torch, dtype))
    if device is None:
        device = (f"cuda:{torch.cuda.current_device()}" if torch.cuda.is_available() else "cpu")
    return model.to(device).eval()


def stream_config(args, provider=None, split: str = "validation"):
    """The ``StreamConfig`` the flags give (lengths, ``--max_eval_samples``)."""
    from trainer.config import StreamConfig
    return StreamConfig(provider, split, max_source_length=args.max_source_length,
                        max_target_length=args.max_target_length,
                        max_samples=getattr(args, "max_eval_samples", None))


def predict_kwargs(args) -> dict:
    """``predict_to_files`` decoding keyword arguments from the parsed flags."""
    return dict(batch_size=args.per_device_eval_batch_size, num_beams=args.num_beams,
                method=args.method, task_methods=parse_task_methods(args.task_method),
                length_normalize=args.length_normalize, show_progress=not args.no_progress)


def finish_distributed() -> None:
    """Leaves the process group cleanly (no-op alone)."""
    from trainer.parallel import ranks
    ranks.leave_group()
