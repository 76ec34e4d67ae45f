"""Predicting the eval split of tasks into files (``eval.records``' format).

``predict_to_files(model, tokenizer, cfg, out_dir)`` reads each eval task of
``cfg.provider`` once, in order (``trainer.data.get_split``, inputs truncated by the
training stream's rule), ranks answer options or generates (``eval.decoding``; ``auto``
ranks tasks whose examples carry options), and writes one line per example. Under
torch.distributed each rank predicts its shard and rank 0 writes the files in the
split's order. See README.md, "Evaluation".
"""

from __future__ import annotations

import logging
from typing import Dict, Iterable, List, Mapping, Optional, Sequence

from tasks import prompts

import numpy as np
import seqio
import tensorflow as tf

from common.errors import UserError, one_line
from eval import decoding
from eval.records import (make_record, merge_shards, predictions_dir, predictions_path, to_json,
                          write_jsonl)
from trainer import data
from trainer.config import StreamConfig
from trainer.parallel import ranks
from trainer.stream import truncate_ids

logger = logging.getLogger(__name__)

METHODS = ("auto", "generate", "rank")


# Limits when the StreamConfig gives none: input truncation, generated tokens.
DEFAULT_SOURCE_LENGTH = 512
DEFAULT_TARGET_LENGTH = 128


class PredictError(UserError, ValueError):
    """A prediction request that cannot be carried out (one line, with the fix)."""


def _scored_view(task: seqio.Task) -> List[seqio.Task]:
    """A per-dataset task (a template per example, for training) is scored template by
    template: its answer templates' tasks (``prompts.template_tasks``)."""
    names = prompts.template_tasks(task.name, scored_only=True)
    return [task] if names is None else [seqio.get_mixture_or_task(n) for n in names]


def eval_tasks(provider_name, split: str) -> List[seqio.Task]:
    """The tasks to predict: a task itself; a mixture's tasks with metrics and ``split``.

    A per-dataset task (``rte_10templates``, alone or in a mixture) stands for its
    answer templates' tasks (``rte_type_0``, ...). A list gives each named task (or
    ``seqio.Task``) and each listed mixture's tasks.
    """
    if isinstance(provider_name, (list, tuple)):
        found: Dict[str, seqio.Task] = {}
        for item in provider_name:
            for task in eval_tasks(item, split):
                found.setdefault(task.name, task)
        return list(found.values())
    provider = data.get_provider(provider_name)
    if isinstance(provider, seqio.Task) and prompts.template_tasks(provider.name) is None:
        if split not in provider.splits:
            raise PredictError(f"task {provider.name} has no {split!r} split; it has "
                               f"{', '.join(provider.splits)}")
        return [provider]
    members = [provider] if isinstance(provider, seqio.Task) else provider.tasks
    candidates = list({t.name: t for m in members for t in _scored_view(m)}.values())
    chosen = [t for t in candidates if t.metric_fns and split in t.splits]
    skipped = [t.name for t in candidates if t not in chosen]
    if skipped:
        logger.info("%s: %d task(s) without metrics or a %r split are not predicted: %s",
                    provider.name, len(skipped), split, ", ".join(skipped))
    if not chosen:
        kind = "task" if isinstance(provider, seqio.Task) else "mixture"
        raise PredictError(f"{kind} {provider.name} has no task with metric functions and "
                           f"a {split!r} split")
    return chosen


# -- text <-> ids -----------------------------------------------------------------------

class TextCodec:
    """Encodes option texts (EOS appended) and decodes generated ids.

    The task's own seqio vocabulary (the one its targets were encoded with, as seqio's
    evaluator uses) unless an HF ``tokenizer`` is given.
    """

    def __init__(self, vocabulary, tokenizer=None):
        self.vocabulary = vocabulary
        self.tokenizer = tokenizer
        self.eos_id = int(tokenizer.eos_token_id if tokenizer is not None else vocabulary.eos_id)
        self.pad_id = int(tokenizer.pad_token_id if tokenizer is not None else vocabulary.pad_id)
        self._cache: Dict[str, List[int]] = {}

    def encode(self, text: str) -> List[int]:
        if text not in self._cache:
            if self.tokenizer is not None:
                ids = list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
            else:
                ids = [int(i) for i in self.vocabulary.encode(text)]
            self._cache[text] = ids + [self.eos_id]
        return self._cache[text]

    def decode(self, ids: Sequence[int]) -> str:
        if self.tokenizer is not None:
            return self.tokenizer.decode(list(ids), skip_special_tokens=True)
        return self.vocabulary.decode([int(i) for i in ids])


def read_examples(task: seqio.Task, cfg: StreamConfig):
    """``(examples, feature names)``: this rank's examples of ``task``'s ``cfg.split``, in
    order, as numpy dicts, and the features every example has (known even when the
    shard is empty). ``cfg`` says the shard, lengths, ``max_samples`` and cache use."""
    cfg = cfg.replace(provider=task, num_epochs=1, shuffle=False)
    ds = data.get_split(cfg)
    try:
        return list(ds.as_numpy_iterator()), set(ds.element_spec)
    except tf.errors.InvalidArgumentError as e:  # a preprocessor's tf assertion
        message = one_line(e.message or "")
        if not message.startswith(task.name):
            message = f"{task.name}: {message}"
        raise PredictError(f"{message} ({cfg.split} split)") from None


def choose_method(task: seqio.Task, features: Iterable[str], method: str,
                  task_methods: Optional[Mapping[str, str]] = None) -> str:
    """``generate`` or ``rank`` for ``task`` (see the module docstring).

    ``features``: the names of the task's example features (``options`` -> rankable).
    Decided from the task, never from this rank's examples, so all ranks agree.
    """
    chosen = (task_methods or {}).get(task.name, method)
    if chosen not in METHODS:
        raise PredictError(f"{task.name}: unknown prediction method {chosen!r}; use one of "
                           f"{', '.join(METHODS)}")
    info = prompts.PROMPT_TASKS.get(task.name)
    has_options = "options" in set(features) or bool(info and info.options)
    if chosen == "auto":
        return "rank" if has_options else "generate"
    if chosen == "rank" and not has_options:
        raise PredictError(f"{task.name}: its examples have no answer options to rank; "
                           "predict it with --method generate")
    return chosen


def example_options(task: seqio.Task, ex: Mapping) -> List[str]:
    """The answer options of an example: its ``options`` feature, else the task's."""
    if "options" in ex:
        return [to_json(o) for o in ex["options"]]
    info = prompts.PROMPT_TASKS.get(task.name)
    return list(info.options) if info and info.options else []


def batches_by_length(lengths: Sequence[int], batch_size: int) -> List[List[int]]:
    """Example positions in batches of ``batch_size``, longest inputs first."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def predict_examples(model, task: seqio.Task, examples: Sequence[Mapping], codec: TextCodec,
                     *, method: str, batch_size: int, max_source_length: int,
                     max_target_length: int, num_beams: int = 1, option_batch_size: int = 256,
                     length_normalize: bool = False, lockstep: bool = False,
                     progress=None) -> List[dict]:
    """The file records of ``examples`` (in their order), predicted with ``method``."""
    inputs = [truncate_ids(ex["inputs"], max_source_length, codec.eos_id)
              for ex in examples]
    cut = sum(len(x) < len(ex["inputs"]) for x, ex in zip(inputs, examples))
    if cut:
        logger.warning("%s: truncated %d of %d inputs to max_source_length=%d (EOS kept)",
                       task.name, cut, len(examples), max_source_length)
    groups = batches_by_length([len(x) for x in inputs], batch_size)
    n_batches = ranks.max_over_ranks(len(groups), decoding.model_device(model)) if lockstep \
        else len(groups)
    records: List[Optional[dict]] = [None] * len(examples)
    for b in range(n_batches):
        positions = groups[b] if b < len(groups) else []
        # lockstep: a rank out of examples runs a one-token dummy batch and discards it
        batch_inputs = [inputs[i] for i in positions] or [[codec.eos_id]]
        if method == "rank":
            options = [example_options(task, examples[i]) for i in positions] or [[""]]
            scores = decoding.score_options(
                model, batch_inputs, [[codec.encode(o) for o in opts] for opts in options],
                pad_id=codec.pad_id, chunk_size=option_batch_size,
                length_normalize=length_normalize, lockstep=lockstep)
            for i, opts, sc in zip(positions, options, scores):
                best = int(np.argmax(sc)) if sc else -1
                records[i] = make_record(examples[i], opts[best] if best >= 0 else "",
                                         options=opts, scores=sc)
        else:
            outputs = decoding.generate_ids(
                model, batch_inputs, pad_id=codec.pad_id, eos_id=codec.eos_id,
                max_new_tokens=max_target_length, num_beams=num_beams, lockstep=lockstep)
            for i, ids in zip(positions, outputs):
                records[i] = make_record(examples[i], codec.decode(ids))
        if progress is not None:
            progress.update(len(positions))
    return records  # type: ignore[return-value]


def default_shard() -> Optional[seqio.ShardInfo]:
    """``ShardInfo(rank, world)`` under torch.distributed with several ranks, else None."""
    if not ranks.is_distributed():
        return None
    return seqio.ShardInfo(index=ranks.rank(), num_shards=ranks.world_size())


def gather_records(records: List[dict], shard: Optional[seqio.ShardInfo]):
    """On rank 0: the records of every shard, by shard index; elsewhere None."""
    if not ranks.is_distributed():
        return [records]
    gathered = ranks.gather_to_first((shard.index if shard else 0, records))
    if gathered is None:
        return None
    by_shard: Dict[int, List[dict]] = {}
    for index, shard_records in gathered:  # tensor-parallel peers send the same shard
        by_shard.setdefault(index, shard_records)
    expected = shard.num_shards if shard else 1
    if sorted(by_shard) != list(range(expected)):
        raise PredictError(f"gathered shards {sorted(by_shard)} but expected 0..{expected - 1}; "
                           "pass shard=ShardInfo(dp_rank, dp_size) consistently on every rank")
    return [by_shard[i] for i in range(expected)]


# -- the API ----------------------------------------------------------------------------

def predict_to_files(model, tokenizer, cfg: StreamConfig, out_dir: str, *,
                     batch_size: int = 32, method: str = "auto",
                     task_methods: Optional[Mapping[str, str]] = None, num_beams: int = 1,
                     option_batch_size: int = 256, length_normalize: bool = False,
                     lockstep: Optional[bool] = None,
                     show_progress: bool = True) -> Dict[str, str]:
    """Predicts every eval task of ``cfg.provider`` into ``out_dir/predictions/<task>.jsonl``.

    Args:
      model: an HF encoder-decoder (e.g. ``T5ForConditionalGeneration``), the whole
        model on every rank, or sharded by ZeRO-3 / FSDP (then ranks run in lockstep).
      tokenizer: an HF tokenizer, or None (recommended) for each task's own seqio
        vocabulary, which encoded its targets.
      cfg: what to read (``trainer.config.StreamConfig``): ``provider`` is a task or
        mixture name, a ``seqio.Task``, or a list of them; ``split`` is read once, in
        order; ``max_source_length`` truncates inputs (default 512) and
        ``max_target_length`` caps generated tokens (default 128); ``max_samples`` is
        per task (over all ranks); ``shard`` defaults to ``ShardInfo(rank, world)``
        under torch.distributed (pass the data-parallel rank/size under tensor
        parallelism); ``use_cached`` as in ``trainer.data``.
      out_dir: the run's folder (files go to its ``predictions/``).
      batch_size: examples per forward pass (per rank).
      method / task_methods: ``auto``, ``generate`` or ``rank``; per-task overrides.
      num_beams: 1 for greedy decoding, more for beam search.
      option_batch_size: most option rows per decoder pass when ranking.
      length_normalize: rank by mean instead of summed token log-probability.
      lockstep: keep ranks' forward passes in step; default: when the model is sharded.
      show_progress: a progress bar (rank 0).

    Returns:
      ``{task name: file path}`` (on every rank; rank 0 wrote the files).
    """
    from tqdm.auto import tqdm
    if method not in METHODS:
        raise PredictError(f"unknown prediction method {method!r}; use one of {', '.join(METHODS)}")
    cfg = cfg.replace(max_source_length=cfg.max_source_length or DEFAULT_SOURCE_LENGTH,
                      max_target_length=cfg.max_target_length or DEFAULT_TARGET_LENGTH,
                      shard=cfg.shard if cfg.shard is not None else default_shard())
    shard, split = cfg.shard, cfg.split
    if shard is not None and shard.num_shards > 1 and not ranks.is_distributed():
        raise PredictError(f"shard {shard.index}/{shard.num_shards} needs torch.distributed "
                           "to gather the shards; initialise the process group first")
    rank = ranks.rank()
    lockstep = decoding.needs_lockstep(model) if lockstep is None else bool(lockstep)
    task_list = eval_tasks(cfg.provider, split)
    was_training = model.training
    model.eval()
    paths: Dict[str, str] = {}
    try:
        for n, task in enumerate(task_list, 1):
            examples, features = read_examples(task, cfg)
            chosen = choose_method(task, features, method, task_methods)
            codec = TextCodec(task.output_features["targets"].vocabulary, tokenizer)
            with tqdm(total=len(examples), desc=f"[{n}/{len(task_list)}] {task.name} ({chosen})",
                      unit="ex", leave=False, disable=not show_progress or rank != 0) as bar:
                records = predict_examples(
                    model, task, examples, codec, method=chosen, batch_size=batch_size,
                    max_source_length=cfg.max_source_length,
                    max_target_length=cfg.max_target_length, num_beams=num_beams, option_batch_size=option_batch_size,
                    length_normalize=length_normalize, lockstep=lockstep, progress=bar)
            shards = gather_records(records, shard)
            path = predictions_path(out_dir, task.name)
            if shards is not None:
                cached = data.choose_cache(task, [task], split, cfg.use_cached)
                write_jsonl(path, merge_shards(shards, by_idx=not cached))
                logger.debug("%s: %d predictions (%s) -> %s", task.name,
                            sum(len(s) for s in shards), chosen, path)
            paths[task.name] = path
    finally:
        model.train(was_training)
    ranks.barrier()
    if rank == 0:
        logger.info("%d task(s) predicted into %s", len(paths), predictions_dir(out_dir))
    return paths
