"""Cache records encoded inside tf.data: ``tf.train.Example`` bytes for a batch at a time.

``encoded_batches(ds, features)`` gives, for batches of ``BATCH`` examples, the records
``beam_job.serialize`` writes (the same bytes, map entries in its order: a test holds the two
together) and seqio's token counts, all from TensorFlow ops (``tf.io.encode_proto``), so
no Python runs per example but the write. A split whose features are not all scalars or
vectors of strings, integers, booleans or floats gets None (``serialize`` then). See
docs/caching.md.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Mapping, Optional, Tuple

import numpy as np
import tensorflow as tf

BATCH = 256

_LISTS = {tf.string: ("bytes_list", "tensorflow.BytesList", tf.string),
          tf.int32: ("int64_list", "tensorflow.Int64List", tf.int64),
          tf.int64: ("int64_list", "tensorflow.Int64List", tf.int64),
          tf.bool: ("int64_list", "tensorflow.Int64List", tf.int64),
          tf.float32: ("float_list", "tensorflow.FloatList", tf.float32),
          tf.float64: ("float_list", "tensorflow.FloatList", tf.float32)}


def supported(spec) -> bool:
    """Whether every feature of ``spec`` is a scalar or vector this module encodes."""
    return isinstance(spec, dict) and bool(spec) and all(
        isinstance(s, tf.TensorSpec) and s.shape.rank in (0, 1) and s.dtype in _LISTS
        for s in spec.values())


def _messages(message_type: str, fields: List[Tuple[str, tf.Tensor, tf.Tensor]]):
    """One serialized ``message_type`` per row: ``fields`` are (name, values [batch, n],
    counts [batch])."""
    return tf.io.encode_proto(
        sizes=tf.stack([tf.cast(count, tf.int32) for _, _, count in fields], axis=1),
        values=[values for _, values, _ in fields],
        field_names=[name for name, _, _ in fields], message_type=message_type)


def _feature(value, rank: int):
    """A batch of one feature (a tensor of scalars, or a ragged batch of vectors) ->
    serialized ``tensorflow.Feature`` messages."""
    field, list_type, stored = _LISTS[value.dtype]
    if rank == 0:
        values, counts = tf.cast(value, stored)[:, None], tf.ones_like(value, tf.int32)
        if value.dtype == tf.string:
            values = value[:, None]
    else:
        ragged = value if isinstance(value, tf.RaggedTensor) else tf.RaggedTensor.from_tensor(
            value)
        ragged = tf.cast(ragged, stored) if ragged.dtype != stored else ragged
        values, counts = ragged.to_tensor(), ragged.row_lengths()
    lists = _messages(list_type, [("value", values, counts)])
    ones = tf.ones_like(counts, tf.int32)
    return _messages("tensorflow.Feature", [(field, lists[:, None], ones)])


def _varint(data: bytes, i: int) -> Tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i, shift = i + 1, shift + 7
        if byte < 0x80:
            return value, i


def map_order(keys) -> List[str]:
    """``keys`` in the order deterministic serialization writes map entries with the
    protobuf library in use (upb puts a key after the keys it is a prefix of): asked of
    the library itself, so the records are ``serialize``'s bytes on any backend."""
    features = tf.train.Features()
    for key in keys:
        features.feature[key].SetInParent()
    data, order, i = features.SerializeToString(deterministic=True), [], 0
    while i < len(data):  # entry: tag, length, then the key field: tag, length, key
        size, start = _varint(data, i + 1)
        key_size, key_start = _varint(data, start + 1)
        order.append(data[key_start:key_start + key_size].decode("utf-8"))
        i = start + size
    return order


def encode_batch(batch: Mapping[str, tf.Tensor], ranks: Mapping[str, int]) -> tf.Tensor:
    """Serialized ``tf.train.Example`` records of a batch, map entries in ``map_order``."""
    entries = []
    for key in map_order(batch):
        feature = _feature(batch[key], ranks[key])
        n = tf.shape(feature)[0]
        keys = tf.fill([n, 1], key)
        ones = tf.ones([n], tf.int32)
        entries.append(_messages("tensorflow.Features.FeatureEntry",
                                 [("key", keys, ones), ("value", feature[:, None], ones)]))
    stacked = tf.stack(entries, axis=1)
    n = tf.shape(stacked)[0]
    features = _messages("tensorflow.Features",
                         [("feature", stacked, tf.fill([n], len(entries)))])
    return _messages("tensorflow.Example", [("features", features[:, None], tf.ones([n], tf.int32))])


def _token_counts(batch, ranks: Mapping[str, int],
                  features: Mapping[str, object]) -> Dict[str, tf.Tensor]:
    """Per example, seqio's cache-stats token count of each integer vector feature that is
    an output feature (EOS and padding left out): ``{"<name>_tokens": [batch] int64}``."""
    counts = {}
    for name, feature in features.items():
        value = batch.get(name)
        if value is None or ranks[name] != 1 or value.dtype not in (tf.int32, tf.int64):
            continue
        keep = tf.ones_like(value, tf.bool)
        vocab = feature.vocabulary
        for special in (vocab.eos_id, vocab.pad_id):
            if special is not None:
                keep = tf.logical_and(keep, tf.not_equal(value, tf.cast(special, value.dtype)))
        counts[f"{name}_tokens"] = tf.reduce_sum(tf.cast(keep, tf.int64), axis=-1)
    return counts


def encoded_batches(ds: tf.data.Dataset,
                    features: Mapping[str, object]) -> Optional[Iterator[dict]]:
    """Batches of ``{"records": bytes array, "<name>_tokens": int array}`` for ``ds``
    (``features``: the task's output features, for the token counts), or None when a
    feature cannot be encoded here."""
    if not supported(ds.element_spec):
        return None
    batches = ds.ragged_batch(BATCH)
    batches = (batches.map(_encoder(batches.element_spec, features),
                           num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
               .prefetch(2))
    return batches.as_numpy_iterator()


# One traced encoder per batch spec and token features: a task's units (a source shard
# each) share it in a worker instead of tracing ~30 ops each.
_ENCODERS: Dict[tuple, object] = {}


def _encoder(batch_spec, features: Mapping[str, object]):
    specials = tuple((name, f.vocabulary.eos_id, f.vocabulary.pad_id)
                     for name, f in sorted(features.items()))
    key = (tuple(sorted((k, repr(v)) for k, v in batch_spec.items())), specials)
    if key not in _ENCODERS:
        ranks = {k: s.shape.rank - 1 for k, s in batch_spec.items()}

        @tf.function(input_signature=[batch_spec], autograph=False)
        def encode(batch):
            out = {"records": encode_batch(batch, ranks)}
            out.update(_token_counts(batch, ranks, features))
            return out

        _ENCODERS[key] = encode
    return _ENCODERS[key]


def spec_example(spec: Mapping[str, tf.TensorSpec]) -> dict:
    """An example of ``spec``'s dtypes and ranks (one value a vector): what seqio's
    ``info.<split>.json`` is made from, without keeping a real example."""
    out = {}
    for key, s in spec.items():
        value = np.array(b"", dtype=object) if s.dtype == tf.string else np.zeros(
            (), s.dtype.as_numpy_dtype)
        out[key] = value if s.shape.rank == 0 else value.reshape(1)
    return out
