"""Packed training rows as T5 packs them, and HF's T5 run on them one example at a time.

``pack``: seqio's packing and feature conversion (``EncDecFeatureConverter(pack=True)``'s
rows: segment ids, positions, decoder inputs shifted within each example);
``batch_features``: a batch of rows as the model's tensors. ``packed_masks`` /
``packed_forward``: 4-D masks that keep each example to itself (HF's T5 takes them as
they are), the encoder run first with its mask, then the model on its outputs with the
decoder and cross-attention masks. T5's relative position bias sees the same distances
inside a row as inside the example alone, so each example's loss is its loss alone.
See docs/training.md, "Packing".
"""

from __future__ import annotations

from typing import Dict, Mapping, Tuple

import torch

# The features a packed batch carries beyond HF's: where each example starts and ends.
SEGMENT_FEATURES = ("encoder_segment_ids", "decoder_segment_ids")
PACKED_FEATURES = ("input_ids", "attention_mask", "labels", "decoder_input_ids") + SEGMENT_FEATURES


def is_packed(batch: Mapping) -> bool:
    """Whether ``batch`` holds packed rows (it carries segment ids)."""
    return "encoder_segment_ids" in batch


def count_examples(batch: Mapping) -> int:
    """Examples in a batch: its rows, or, packed, the segments of its rows."""
    if is_packed(batch):
        return int(batch["decoder_segment_ids"].amax(dim=1).sum())
    return int(batch["labels"].shape[0])


def packed_masks(encoder_segment_ids: torch.Tensor, decoder_segment_ids: torch.Tensor,
                 dtype: torch.dtype) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Additive 4-D masks ``(encoder self, decoder self, cross)`` of shapes ``[B, 1, Le,
    Le]``, ``[B, 1, Ld, Ld]`` and ``[B, 1, Ld, Le]``: 0 where a query may attend a key
    (same segment, not padding; earlier or same position for the decoder), the dtype's
    minimum elsewhere. A padding query attends padding only (its output is never used).

    Segments ``[1, 1, 2, 0]`` give an encoder mask allowing ``{0, 1}``, ``{0, 1}``,
    ``{2}`` and ``{3}``.
    """
    enc, dec = encoder_segment_ids, decoder_segment_ids
    allowed_enc = enc[:, :, None] == enc[:, None, :]
    causal = torch.ones(dec.shape[1], dec.shape[1], dtype=torch.bool, device=dec.device).tril()
    allowed_dec = (dec[:, :, None] == dec[:, None, :]) & causal
    allowed_cross = dec[:, :, None] == enc[:, None, :]
    low = torch.finfo(dtype).min

    def additive(allowed):
        zero = torch.zeros((), dtype=dtype, device=allowed.device)
        return torch.where(allowed, zero, torch.tensor(low, dtype=dtype, device=allowed.device))[:, None]

    return additive(allowed_enc), additive(allowed_dec), additive(allowed_cross)


def packed_forward(model, batch: Mapping[str, torch.Tensor], **kwargs):
    """HF's T5 on a packed batch, each example alone: the encoder with its segment mask,
    then the model on its outputs with the decoder and cross masks. Returns the model's
    output (``.loss``: mean over the batch's target tokens, as unpacked batches)."""
    inner = getattr(model, "module", model)  # a DeepSpeed engine wraps the HF model
    enc_mask, dec_mask, cross_mask = packed_masks(
        batch["encoder_segment_ids"], batch["decoder_segment_ids"], inner.dtype)
    encoder_outputs = inner.get_encoder()(input_ids=batch["input_ids"], attention_mask=enc_mask)
    return model(encoder_outputs=encoder_outputs, attention_mask=cross_mask,
                 decoder_input_ids=batch["decoder_input_ids"], decoder_attention_mask=dec_mask,
                 labels=batch.get("labels"), **kwargs)


def pack(dataset, lengths: Mapping[str, int]):
    """seqio's ``EncDecFeatureConverter(pack=True)`` rows of ``dataset``'s ``inputs`` /
    ``targets`` (int32, already truncated) at ``lengths`` (``{"inputs": Le, "targets":
    Ld}``), plus ``cut``: one mark per example of the row (``1 + 2 * inputs_cut +
    targets_cut``, from the example's ``cut`` pair), packed along with them so that the
    stream still counts truncations. The mark never limits a row (a row holds fewer
    examples than input tokens), so the rows are the converter's: seqio's
    ``trim_and_pack_dataset``, then its feature conversion (``make_autoregressive_inputs``
    within segments, loss weights on the targets' non-padding)."""
    import seqio
    import tensorflow as tf
    from seqio.feature_converters import non_padding_position

    def marked(ex):
        return {"inputs": ex["inputs"], "targets": ex["targets"],
                "cut": 1 + 2 * ex["cut"][:1] + ex["cut"][1:]}

    def convert(row):
        return {
            "encoder_input_tokens": row["inputs"],
            "decoder_target_tokens": row["targets"],
            "decoder_input_tokens": seqio.utils.make_autoregressive_inputs(
                row["targets"], sequence_id=row["targets_segment_ids"]),
            "decoder_loss_weights": non_padding_position(
                row["targets"]),
            "encoder_segment_ids": row["inputs_segment_ids"],
            "decoder_segment_ids": row["targets_segment_ids"],
            "encoder_positions": row["inputs_positions"],
            "decoder_positions": row["targets_positions"],
            "cut": row["cut"],
        }

    rows = seqio.utils.trim_and_pack_dataset(
        dataset.map(marked, num_parallel_calls=tf.data.AUTOTUNE),
        {"inputs": lengths["inputs"], "targets": lengths["targets"],
         "cut": lengths["inputs"]})
    return rows.map(convert, num_parallel_calls=tf.data.AUTOTUNE)


def batch_features(rows: Dict, label_pad: int) -> Dict:
    """A batch of seqio's packed features (tf tensors) as the model's: ``input_ids``,
    ``attention_mask`` (2-D, 1 on example tokens), ``labels`` (``label_pad`` where there is
    no loss), ``decoder_input_ids`` and both segment ids, cut to the longest row of the
    batch (the rest is padding in every row)."""
    import tensorflow as tf

    enc_seg = rows["encoder_segment_ids"]
    dec_seg = rows["decoder_segment_ids"]
    in_enc = tf.cast(enc_seg > 0, tf.int32)
    input_len = tf.reduce_sum(in_enc, axis=1)
    enc_len = tf.maximum(tf.reduce_max(input_len), 1)
    dec_len = tf.maximum(tf.reduce_max(tf.reduce_sum(tf.cast(dec_seg > 0, tf.int32), axis=1)), 1)

    def cut(x, n):
        return tf.cast(x[:, :n], tf.int64)

    def per_row(flags):
        return tf.reduce_sum(tf.cast(flags, tf.int32), axis=1)

    weights = cut(rows["decoder_loss_weights"], dec_len) > 0
    targets = cut(rows["decoder_target_tokens"], dec_len)
    marks = rows["cut"]  # 1 + 2 * inputs_cut + targets_cut per example, 0: none
    return {
        # The stream's counters (``Seq2SeqStream._count``), per row.
        "examples": per_row(marks > 0),
        "inputs_cut": per_row(marks >= 3),
        "targets_cut": per_row((marks > 0) & tf.equal(marks % 2, 0)),
        "input_len": input_len,
        "target_len": per_row(weights),
        "input_ids": cut(rows["encoder_input_tokens"], enc_len),
        "attention_mask": cut(in_enc, enc_len),
        "labels": tf.where(weights, targets, tf.constant(label_pad, tf.int64)),
        "decoder_input_ids": cut(rows["decoder_input_tokens"], dec_len),
        "encoder_segment_ids": cut(enc_seg, enc_len),
        "decoder_segment_ids": cut(dec_seg, dec_len),
    }
