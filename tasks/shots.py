"""Few-shot variants: exemplars from the train split prepended to a zero-shot prompt.

A one-shot or multi-shot task is derived from a registered zero-shot task;
``prepend_exemplars`` runs after its cache placeholder and picks exemplars from blocks
of the whole train split read as a stream (``_candidates``), deterministically for a
seed, anew every round of a training stream, within the input length budget (an input
with no room keeps none, and ``num_exemplars`` says how many it got), and
``check_source_length`` warns about a length limit below the shortest possible prompt.

See docs/tasks.md, "Few-shot variants"."""

from __future__ import annotations

import functools
import logging
from typing import Iterable, List, Optional, Tuple

from common import reading as common_reading
from common import seqio_compat  # before seqio
from common.errors import UserError
from tasks.names import Shot

import numpy as np
import seqio
import tensorflow as tf

BLOCK_SIZE = 256  # exemplar candidates drawn from at a time
ROUND_EXAMPLES = 1024  # a training stream moves to the next block every this many examples
CANDIDATE_SHUFFLE = 1024  # raw records shuffled before candidates are preprocessed
HELD_SPLIT_MAX = 10_000  # a split this small is prepared once and held (seqio's rule)
MAX_MULTI_SHOT = 16
MULTI_SHOT_BUDGET = 960  # FLAN's multi-shot input budget, in tokens
EXEMPLAR_SEPARATOR = "\n\n\n"
POOL_SPLITS = ("train", "validation", "test")
DEFAULT_FEWSHOT_SEED = 0
# The feature a few-shot example carries: how many exemplars its input got (fewer than
# the shot asks when its own input leaves no room; 0 when none fits).
NUM_EXEMPLARS = "num_exemplars"
# A per-dataset task's fingerprint of an example's source fields (``render_any_template``):
# the same example under another template is still the evaluated example.
SOURCE_KEY = "source_key"
KEY_BUCKETS = 2**62
# Few-shot prompt layouts: FLAN v2's (newlines, the default) and FLAN v1's (token markers:
# "0 " before an input, " X " after it, "1 " before an answer, " X " after it, and
# " FLAN" closing the prompt).
LAYOUTS = ("v2", "v1")
V1_INPUT, V1_ANSWER, V1_MARK, V1_SUFFIX = "0 ", "1 ", " X ", " FLAN"
_settings = {"seed": DEFAULT_FEWSHOT_SEED, "layout": LAYOUTS[0]}


class FewShotLayoutError(UserError, ValueError):
    """An unknown few-shot layout (one line)."""


def check_layout(layout: str) -> str:
    """``layout`` if it is one of ``LAYOUTS``, else a one-line error."""
    if layout not in LAYOUTS:
        raise FewShotLayoutError(f"unknown few-shot layout {layout!r}; use one of "
                                 f"{', '.join(LAYOUTS)}")
    return layout


def set_fewshot_layout(layout: str) -> None:
    """Sets the layout of the run's few-shot prompts (``--fewshot_layout``)."""
    _settings["layout"] = check_layout(layout)


def set_fewshot_seed(seed: int) -> None:
    """Sets the seed that picks exemplars (run.py passes its --seed)."""
    _settings["seed"] = int(seed)
    forget_blocks()


def forget_blocks() -> None:
    """Forgets the memoised first exemplar blocks (a task's data or vocabulary changed
    under them)."""
    _fixed_block.cache_clear()


def max_exemplars(shot: Shot) -> int:
    return {Shot.ZERO: 0, Shot.ONE: 1, Shot.TWO: 2, Shot.THREE: 3, Shot.FIVE: 5,
            Shot.TEN: 10, Shot.MULTI: MAX_MULTI_SHOT}[shot]


def input_budget(shot: Shot, limit: Optional[int]) -> Optional[int]:
    """The tokens a prompt may take: the input length limit, and for multi-shot FLAN's
    budget (``MULTI_SHOT_BUDGET``) as well: ``input_budget(Shot.MULTI, 2048) == 960``."""
    if shot is Shot.MULTI:
        return min(limit, MULTI_SHOT_BUDGET) if limit else MULTI_SHOT_BUDGET
    return limit


def source_key(ex) -> tf.Tensor:
    """An example's identity for exemplar choice: its ``SOURCE_KEY`` (a per-dataset task's
    fingerprint of the source fields, the same whichever template rendered it), else a
    fingerprint of its input text."""
    if SOURCE_KEY in ex:
        return ex[SOURCE_KEY]
    return tf.strings.to_hash_bucket_fast(ex["inputs_pretokenized"], KEY_BUCKETS)


def _candidates(task, layout: str, seed: int, size: Optional[int]) -> tf.data.Dataset:
    """The labelled examples of ``task``'s pool split as exemplars written in ``layout``,
    ``{"text", "key", "ids", "input_length"}`` (``ids`` without EOS, markers included;
    ``input_length`` the input's own ids), forever, each pass in a new seeded order.

    The split is read from the source (never a cache, whose order depends on how it was
    built): files in a seeded order, ``CANDIDATE_SHUFFLE`` raw records shuffled, and
    only then the task's steps (format, template, tokenize), so a candidate costs its
    own steps and nothing holds a large split; a split of at most ``HELD_SPLIT_MAX``
    examples (``size``: its examples, None when unknown) is prepared once and held, as
    seqio holds such a split.
    """
    split = pool_split(task)
    vocab = task.output_features["inputs"].vocabulary
    eos = tf.constant(vocab.eos_id, tf.int32)
    placeholder = seqio_compat.cache_step_index(task)
    steps = [s for i, s in enumerate(task.preprocessors) if i != placeholder]
    mark = {m: tf.constant(ids, tf.int32) for m, ids in _v1_marks(vocab).items()}

    @tf.autograph.experimental.do_not_convert
    def strip_eos(ids):
        ids = tf.cast(ids, tf.int32)
        return ids[:tf.size(ids) - tf.reduce_sum(tf.cast(tf.equal(ids[-1:], eos), tf.int32))]

    @tf.autograph.experimental.do_not_convert
    def exemplar(ex):
        inp, tgt = ex["inputs_pretokenized"], ex["targets_pretokenized"]
        inp_ids, tgt_ids = strip_eos(ex["inputs"]), strip_eos(ex["targets"])
        if layout == "v2":
            text = tf.strings.join([inp, "\n\n", tgt, EXEMPLAR_SEPARATOR])
            ids = tf.concat([inp_ids, tgt_ids], 0)
        else:
            text = tf.strings.join([V1_INPUT, inp, V1_MARK, V1_ANSWER, tgt, V1_MARK])
            ids = tf.concat([mark["0"], inp_ids, mark["X"], mark["1"], tgt_ids, mark["X"]], 0)
        return {"text": text, "key": source_key(ex), "ids": ids,
                "input_length": tf.size(inp_ids, tf.int32)}

    def prepared(ds):
        with seqio.utils.map_seed_manager(seed):
            ds = seqio_compat.run_steps(task, ds, steps, None)
        # An unlabelled example is useless as a demonstration.
        return (ds.filter(lambda ex: tf.strings.length(ex["targets_pretokenized"]) > 0)
                .map(exemplar, num_parallel_calls=tf.data.AUTOTUNE))

    ds = task.source.get_dataset(split=split, shuffle=True, seed=seed)
    if size is not None and size <= HELD_SPLIT_MAX:
        return prepared(ds).cache().shuffle(max(1, min(size, CANDIDATE_SHUFFLE)),
                                            seed=seed).repeat()
    # Repeated last: a pass that yields nothing (no labelled example) ends the stream.
    return prepared(ds.shuffle(CANDIDATE_SHUFFLE, seed=seed)).repeat()


def _split_size(task, split: str) -> Optional[int]:
    """Examples in ``split`` of ``task``'s source, None when the source cannot tell."""
    try:
        size = task.source.num_input_examples(split)
    except Exception:  # noqa: BLE001  (a source without counts: read as a large split)
        return None
    return None if size is None else int(size)


def _block_stream(zero_shot_task: str, layout: str,
                  seed: int) -> Optional[Tuple[tf.data.Dataset, Optional[int]]]:
    """``(blocks, split size)``: the zero-shot task's candidates (``_candidates``) in
    blocks of ``BLOCK_SIZE``, each without repeats (a split smaller than a block comes
    round again within one), and the examples of its split (None: unknown); None when it
    has no split to draw from. A new pipeline each call: a tf.data pipeline iterated
    again reshuffles (TFDS's file order too), so sharing one would break replay."""
    task = seqio.get_mixture_or_task(zero_shot_task)
    split = pool_split(task)
    if split is None:
        return None
    size = _split_size(task, split)

    @tf.autograph.experimental.do_not_convert
    def unique(block):
        keys, where = tf.unique(block["key"])
        keep = tf.math.unsorted_segment_min(tf.range(tf.size(where)), where, tf.size(keys))
        return {k: tf.gather(v, keep) for k, v in block.items()}

    return _candidates(task, layout, seed, size).ragged_batch(BLOCK_SIZE).map(unique), size


def _rank_seed(seed: int, rank: int) -> int:
    """The candidate stream's seed on data-parallel ``rank``: each rank walks its own
    order; rank 0 the order evaluation's block comes from."""
    return seed if rank == 0 else int(np.random.SeedSequence([seed, rank]).generate_state(1)[0])


@functools.lru_cache(maxsize=None)
def _fixed_block(zero_shot_task: str, vocab_file: str, layout: str, seed: int):
    """The first block of the candidate stream for ``seed`` (its tensors), or None when
    the pool split has no labelled example: what an in-order stream draws from, and
    every training stream's first round. ``whole_split``: the split has at most
    ``BLOCK_SIZE`` examples, all in this block."""
    del vocab_file  # part of the cache key only: a new vocabulary means new ids
    found = _block_stream(zero_shot_task, layout, seed)
    if found is None:
        return None
    blocks, size = found
    for block in blocks.take(1):
        return {**block, "whole_split": size is not None and size <= BLOCK_SIZE}
    return None


def pool_split(task) -> Optional[str]:
    """The split exemplars of ``task`` come from: train, else validation, else test."""
    return next((s for s in POOL_SPLITS if s in task.splits), None)


def _vocab_file(task) -> str:
    """What ``_fixed_block`` is memoised on besides the task: its input vocabulary file."""
    vocab = task.output_features["inputs"].vocabulary
    return str(getattr(vocab, "sentencepiece_model_file", ""))


def exemplar_step(task) -> Optional[functools.partial]:
    """The task's ``prepend_exemplars`` step (with its keywords), or None."""
    for step in task.preprocessors:
        if isinstance(step, functools.partial) and step.func is prepend_exemplars:
            return step
    return None


def fewshot_source(task) -> Optional[tuple]:
    """``(zero-shot task name, Shot)`` of a task derived by ``prepend_exemplars``, else None."""
    step = exemplar_step(task)
    return None if step is None else (step.keywords["zero_shot_task"], step.keywords["shot"])


def _task_layout(task) -> str:
    """The layout ``task``'s exemplars are written in: its own, else the run's."""
    step = exemplar_step(task)
    return (step is not None and step.keywords.get("layout")) or _settings["layout"]


def _v1_marks(vocab) -> dict:
    """The ids of v1's markers ``0``, ``X``, ``1`` and ``FLAN`` in ``vocab``."""
    return {m: [int(i) for i in vocab.encode(m)] for m in ("0", "X", "1", "FLAN")}


def _around_input(layout: str, vocab) -> tuple:
    """(text before, ids before, text after, ids after) the evaluated input in ``layout``:
    nothing in v2; ``0 `` and `` X 1 FLAN`` in v1."""
    if layout == "v2":
        return "", [], "", []
    mark = _v1_marks(vocab)
    return (V1_INPUT, mark["0"], f"{V1_MARK}{V1_ANSWER.rstrip()}{V1_SUFFIX}",
            mark["X"] + mark["1"] + mark["FLAN"])


def min_prompt_length(task) -> Optional[int]:
    """Tokens of the shortest prompt a few-shot ``task`` can build (None: no exemplar
    pool), estimated on the block an in-order stream draws from.

    Its shortest exemplar (markers included), its shortest input, and EOS (in the v1
    layout, with the evaluated input's markers): no example fits in fewer.
    """
    source = fewshot_source(task)
    if source is None:
        return None
    layout = _task_layout(task)
    block = _fixed_block(source[0], _vocab_file(task), layout, _settings["seed"])
    if block is None:
        return None
    _, before, _, after = _around_input(layout, task.output_features["inputs"].vocabulary)
    return (int(tf.reduce_min(block["ids"].row_lengths()))
            + int(tf.reduce_min(block["input_length"])) + 1 + len(before) + len(after))


def check_source_length(tasks: Iterable, max_source_length: int) -> List[str]:
    """Warns (one line each) for the few-shot tasks whose prompts cannot hold a single
    exemplar within ``max_source_length`` tokens, and returns their names: every input
    of such a task keeps zero exemplars (FLAN v1's rule for an input with no room), so
    it trains and scores as its zero-shot task. Reading a task's first block here is no
    extra cost, since an in-order pipeline reads the same (memoised) block.
    """
    short = []
    for task in tasks:
        need = min_prompt_length(task)
        if need is None or need <= max_source_length:
            continue
        zero, shot = fewshot_source(task)
        logging.warning(
            "%s: --max_source_length %d cannot hold a single %s-shot prompt (at least %d "
            "tokens); its inputs keep zero exemplars, as %s. Raise --max_source_length to "
            "at least %d for exemplars.", task.name, max_source_length, shot.name.lower(),
            need, zero, need)
        short.append(task.name)
    return short


def prepend_exemplars(dataset: tf.data.Dataset, sequence_length, output_features, *,
                      zero_shot_task: str, shot: Shot,
                      layout: Optional[str] = None) -> tf.data.Dataset:
    """Prepends exemplars to each example (see the module docstring), in ``layout``
    (``LAYOUTS``; None: the run's, ``set_fewshot_layout``).

    ``{"inputs_pretokenized": "Q", "inputs": [7]}`` with one exemplar ``"E\\n\\nA"`` ->
    ``{"inputs_pretokenized": "E\\n\\nA\\n\\n\\nQ", "inputs": [5, 6, 7]}`` (v2), or
    ``"0 E X 1 A X 0 Q X 1 FLAN"`` (v1).

    Exemplars are candidates of a block (``BLOCK_SIZE`` labelled examples of the
    zero-shot task's train split, in a seeded shuffle of the whole split), ordered by a
    stateless RNG keyed on (seed, the example's ``source_key``, round), the example
    itself left out, taken while they fit. An in-order stream (evaluation, ``python -m
    tasks show``) has one block and one round: an example's exemplars depend on the seed
    and the example alone, whatever the ranks or order. A shuffled stream (training,
    ``common.reading``) reads the split's candidates as a stream of its own, each rank in
    its own order, and moves to the next block every ``ROUND_EXAMPLES`` examples: every
    epoch draws anew from the whole split, and the same seed replays the same draws.
    """
    layout = check_layout(layout or _settings["layout"])
    vocab = output_features["inputs"].vocabulary
    seed = _settings["seed"]
    first = _fixed_block(zero_shot_task, _vocab_file(seqio.get_mixture_or_task(zero_shot_task)),
                         layout, seed)
    if first is None:
        logging.warning("%s has no labelled examples to draw from: %s variant has no "
                        "exemplars", zero_shot_task, shot.name.lower())
        return dataset
    before, before_ids, after, after_ids = _around_input(layout, vocab)
    k = max_exemplars(shot)
    limit = input_budget(shot, (sequence_length or {}).get("inputs"))
    before_ids = tf.constant(before_ids, tf.int32)
    after_ids = tf.constant(after_ids, tf.int32)
    seed_pair = tf.constant([seed, 0], tf.int64)

    @tf.autograph.experimental.do_not_convert
    def add(ex, block, round_):
        key = source_key(ex)
        rng = tf.random.experimental.stateless_fold_in(
            tf.random.experimental.stateless_fold_in(seed_pair, key), round_)
        order = tf.argsort(tf.random.stateless_uniform(tf.shape(block["key"]), seed=rng))
        order = tf.boolean_mask(order, tf.gather(block["key"], order) != key)
        lens = tf.gather(block["ids"].row_lengths(), order)
        inputs = tf.concat([before_ids, tf.cast(ex["inputs"], tf.int32), after_ids], 0)
        if limit:
            budget = tf.cast(limit - tf.size(inputs, tf.int32) - 1, lens.dtype)
            fits = lens <= budget
            order, lens = tf.boolean_mask(order, fits), tf.boolean_mask(lens, fits)
            n = tf.reduce_sum(tf.cast(tf.cumsum(lens) <= budget, tf.int32))
        else:
            n = tf.size(order)
        # An input with no room for an exemplar keeps none (FLAN v1): never an error.
        chosen = order[:tf.minimum(n, k)]
        out = {name: value for name, value in ex.items() if name != SOURCE_KEY}
        out["inputs_pretokenized"] = (tf.strings.reduce_join(tf.gather(block["text"], chosen))
                                      + before + ex["inputs_pretokenized"] + after)
        out["inputs"] = tf.concat([tf.gather(block["ids"], chosen).flat_values, inputs], 0)
        out[NUM_EXEMPLARS] = tf.size(chosen, tf.int32)
        return out

    block = {name: value for name, value in first.items() if name != "whole_split"}
    reading = common_reading.current()
    if not reading.shuffled:
        return dataset.map(lambda ex: add(ex, block, tf.constant(0, tf.int64)),
                           num_parallel_calls=tf.data.AUTOTUNE)
    if first["whole_split"]:  # every round draws anew from the one block
        return dataset.enumerate().map(
            lambda position, ex: add(ex, block, position // ROUND_EXAMPLES),
            num_parallel_calls=tf.data.AUTOTUNE)
    # The first round draws from the first block (already read); then the rank's own
    # candidate stream (rank 0's, read since the first block, goes on after it).
    rest, _ = _block_stream(zero_shot_task, layout, _rank_seed(seed, reading.rank))
    blocks = tf.data.Dataset.from_tensors(block).concatenate(rest.skip(int(reading.rank == 0)))
    per_example = blocks.flat_map(
        lambda block: tf.data.Dataset.from_tensors(block).repeat(ROUND_EXAMPLES))
    return tf.data.Dataset.zip((dataset.enumerate(), per_example)).map(
        lambda numbered, block: add(numbered[1], block, numbered[0] // ROUND_EXAMPLES),
        num_parallel_calls=tf.data.AUTOTUNE)


def count_exemplars(inputs_pretokenized: str) -> int:
    """Number of exemplars in a rendered prompt (for tests and the CLI)."""
    return inputs_pretokenized.count(EXEMPLAR_SEPARATOR)
