"""What a mixture runs once after sampling instead of in each task's pipeline.

``shared_tail``: the last steps every member runs alike (tokenizing, EOS), run once on
the mixed stream (``run_tail``: SentencePiece on batches). ``split_before_tail``: the
step just before them when every member's is a split step (``common.split_steps``,
FLAN's per-dataset template step), whose second half runs once too. ``trainer.data``
builds the pipelines. See docs/data-streams.md, "What `get_split` guarantees".
"""

from __future__ import annotations

import functools
from typing import Mapping, Optional, Sequence, Tuple

import tensorflow as tf

from common import seqio_compat  # before seqio: the import fix
from common import split_steps

import seqio

# Per-example steps a mixture may run once after mixing when every member ends with them
# (1:1, unseeded, the same for every task of one vocabulary): tokenising and EOS.
SHARED_STEPS = (seqio.preprocessors.tokenize, seqio.preprocessors.append_eos)
# Run a mixture's shared tail once after mixing; False runs it in every task's pipeline
# (the same examples in the same order: tests compare the two).
SHARE_MIXTURE_TAIL = True
TAIL_BATCH = 64


def task_steps(task: "seqio.Task", use_cached: bool) -> Tuple[list, list]:
    """``(pre-cache steps, post-cache steps)`` as ``trainer.data`` runs them: no pre-cache
    step when reading the cache; ``append_eos_after_trim`` run as ``append_eos`` (the
    stream truncates the same way, first ``limit - 1`` tokens then EOS, and counts what
    it cut; length-aware steps still get ``sequence_length``)."""
    index = seqio_compat.cache_step_index(task)
    pre = [] if use_cached or index < 0 else list(task.preprocessors[:index])
    post = [seqio.preprocessors.append_eos
            if s is seqio.preprocessors.append_eos_after_trim else s
            for s in seqio_compat.post_cache_steps(task)]
    return pre, post


def same_step(a, b) -> bool:
    if a is b:
        return True
    return (isinstance(a, functools.partial) and isinstance(b, functools.partial)
            and a.func is b.func and a.args == b.args and a.keywords == b.keywords)


def shared_tail(members: Sequence["seqio.Task"], use_cached: bool) -> list:
    """The last steps every member runs alike and that may run once after mixing
    (``SHARED_STEPS``): ``[tokenize, append_eos]`` for FLAN's per-dataset tasks."""
    lists = [sum(task_steps(task, use_cached), []) for task in members]
    tail: list = []
    for i in range(1, min(len(steps) for steps in lists) + 1):
        step = lists[0][-i]
        if (getattr(step, "func", step) not in SHARED_STEPS
                or not all(same_step(step, steps[-i]) for steps in lists[1:])):
            break
        tail.insert(0, step)
    return tail


# Split the step before a mixture's shared tail around the sampling when every member
# has the same split step there (``common.split_steps``); False runs it in every task's
# pipeline (the same examples in the same order: tests compare the two).
SPLIT_MIXTURE_STEP = True


def split_before_tail(members: Sequence["seqio.Task"], use_cached: bool,
                      leave_out: int) -> Optional[split_steps.Halves]:
    """The ``Halves`` of the step just before the shared tail (``leave_out`` steps) when
    every member has that same split step there (FLAN's per-dataset template step), else
    None."""
    if not SPLIT_MIXTURE_STEP:
        return None
    found = set()
    for task in members:
        steps = sum(task_steps(task, use_cached), [])
        halves = split_steps.halves_of(steps[-leave_out - 1]) if len(steps) > leave_out else None
        if halves is None:
            return None
        found.add(halves)
    return found.pop() if len(found) == 1 else None


def _tokenize_batch(features: Mapping[str, "seqio.Feature"]):
    """seqio's ``tokenize`` then ``append_eos`` on a batch of examples: one SentencePiece
    call per feature and batch (ragged ids, EOS where the feature adds it)."""
    def fn(batch):
        out = dict(batch)
        for key, feature in features.items():
            if key not in batch:
                continue
            out[f"{key}_pretokenized"] = batch[key]
            ids = feature.vocabulary.tf_tokenizer.tokenize(batch[key])
            if feature.add_eos:
                eos = tf.fill([tf.shape(batch[key])[0], 1],
                              tf.constant(feature.vocabulary.eos_id, ids.dtype))
                ids = tf.concat([ids, eos], axis=1)
            out[key] = ids
        return out
    return fn


def run_tail(task: "seqio.Task", ds: tf.data.Dataset, tail: list,
              sequence_length) -> tf.data.Dataset:
    """A mixture's shared tail, run once after mixing. ``[tokenize, append_eos]`` over
    SentencePiece features runs on batches of ``TAIL_BATCH`` examples (the same ids as
    seqio's per-example steps, in the same order, a third cheaper); other tails run as
    seqio's steps."""
    prep = seqio.preprocessors
    features = task.output_features
    if (tail == [prep.tokenize, prep.append_eos]
            and all(isinstance(f.vocabulary, seqio.SentencePieceVocabulary)
                    for f in features.values())
            and all(isinstance(spec, tf.TensorSpec) and spec.shape.rank == 0
                    for spec in ds.element_spec.values())):
        # unbatch gives the ids as 0-ragged-rank RaggedTensors; a map sees them as plain
        # tensors again (the element spec of seqio's steps).
        return (ds.batch(TAIL_BATCH)
                .map(_tokenize_batch(features), num_parallel_calls=tf.data.AUTOTUNE)
                .unbatch().map(dict))
    return seqio_compat.run_steps(task, ds, tail, sequence_length)
