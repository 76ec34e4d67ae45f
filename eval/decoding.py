"""Running a seq2seq model on token ids: greedy/beam generation and rank classification.

Model-facing and data-agnostic: lists of token ids in, token ids or scores out, for an HF
encoder-decoder. Rank classification encodes each input once and scores all options in
one decoder pass; ``lockstep=True`` keeps sharded models' ranks in step.
See docs/evaluation.md, "Decoding".
"""

from __future__ import annotations

from typing import List, Sequence

import torch

from trainer.parallel import ranks
from trainer.config import LABEL_PAD


def pad_batch(seqs: Sequence[Sequence[int]], pad_value: int, device=None):
    """``(ids, mask)``: right-padded ``[len(seqs), longest]`` long tensors."""
    width = max(1, max((len(s) for s in seqs), default=1))
    ids = torch.full((len(seqs), width), pad_value, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, seq in enumerate(seqs):
        if len(seq):
            ids[row, :len(seq)] = torch.as_tensor(list(seq), dtype=torch.long)
            mask[row, :len(seq)] = 1
    return ids.to(device), mask.to(device)


def model_device(model) -> torch.device:
    """The device of the model's first parameter (CPU for a parameterless stub)."""
    for param in model.parameters():
        return param.device
    return torch.device("cpu")


@torch.inference_mode()
def generate_ids(model, inputs: Sequence[Sequence[int]], *, pad_id: int, eos_id: int,
                 max_new_tokens: int, num_beams: int = 1,
                 lockstep: bool = False) -> List[List[int]]:
    """Greedy (``num_beams=1``) or beam-search output ids per input, up to the first EOS.

    The decoder start token is dropped, pads and anything after EOS too.
    """
    device = model_device(model)
    input_ids, attention_mask = pad_batch(inputs, pad_id, device)
    kwargs = dict(max_new_tokens=int(max_new_tokens), num_beams=int(num_beams), do_sample=False,
                  pad_token_id=pad_id, eos_token_id=eos_id)
    if num_beams > 1:
        kwargs["early_stopping"] = True
    if lockstep:
        kwargs["synced_gpus"] = True
    out = model.generate(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
    results = []
    for row in out.tolist():
        row = row[1:]  # the decoder start token (T5: pad)
        if eos_id in row:
            row = row[:row.index(eos_id)]
        results.append([t for t in row if t != pad_id])
    return results


def _option_logprobs(model, hidden, attention_mask, owners, labels, length_normalize):
    """Summed (or mean) log-probability of each ``labels`` row given its owner's input."""
    from transformers.modeling_outputs import BaseModelOutput
    decoder_input_ids = model.prepare_decoder_input_ids_from_labels(labels=labels)
    out = model(encoder_outputs=BaseModelOutput(last_hidden_state=hidden[owners]),
                attention_mask=attention_mask[owners], decoder_input_ids=decoder_input_ids,
                use_cache=False, return_dict=True)
    logprobs = torch.log_softmax(out.logits.float(), dim=-1)
    keep = labels != LABEL_PAD
    token = logprobs.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    total = (token * keep).sum(-1)
    if length_normalize:
        total = total / keep.sum(-1).clamp(min=1)
    return total


@torch.inference_mode()
def score_options(model, inputs: Sequence[Sequence[int]],
                  options: Sequence[Sequence[Sequence[int]]], *, pad_id: int,
                  chunk_size: int = 256, length_normalize: bool = False,
                  lockstep: bool = False) -> List[List[float]]:
    """Log-likelihood of every option of every input (see the module docstring).

    ``options[i]`` is the list of option id sequences (EOS included) of input ``i``;
    the result has the same shape. Every option row is scored against exactly its own
    input: padding is masked in the encoder and the option's padding is not counted.
    """
    device = model_device(model)
    input_ids, attention_mask = pad_batch(inputs, pad_id, device)
    hidden = model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask,
                                 return_dict=True).last_hidden_state
    owners, rows = [], []
    for i, opts in enumerate(options):
        for ids in opts:
            owners.append(i)
            rows.append(list(ids))
    chunk_size = max(1, int(chunk_size))
    starts = list(range(0, len(rows), chunk_size))
    n_chunks = ranks.max_over_ranks(len(starts), device) if lockstep else len(starts)
    scores: List[float] = []
    for c in range(n_chunks):
        dummy = c >= len(starts)
        if dummy:  # lockstep: another rank has more chunks; run one and discard it
            chunk_owners, chunk_rows = [0], (rows[:1] or [[pad_id]])
        else:
            chunk_owners = owners[starts[c]:starts[c] + chunk_size]
            chunk_rows = rows[starts[c]:starts[c] + chunk_size]
        labels, _ = pad_batch(chunk_rows, LABEL_PAD, device)
        owner_index = torch.as_tensor(chunk_owners, dtype=torch.long, device=device)
        total = _option_logprobs(model, hidden, attention_mask, owner_index, labels,
                                 length_normalize)
        if not dummy:
            scores.extend(total.tolist())
    result, k = [], 0
    for opts in options:
        result.append(scores[k:k + len(opts)])
        k += len(opts)
    return result


def needs_lockstep(model) -> bool:
    """True when ``model``'s parameters are sharded over ranks (ZeRO-3 or FSDP)."""
    if not ranks.is_distributed():
        return False
    if any(hasattr(p, "ds_id") for p in model.parameters()):  # DeepSpeed ZeRO-3
        return True
    try:
        from torch.distributed.fsdp import FSDPModule, FullyShardedDataParallel
    except ImportError:  # pragma: no cover  (older torch)
        return False
    return any(isinstance(m, (FSDPModule, FullyShardedDataParallel)) for m in model.modules())
