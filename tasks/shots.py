"""Few-shot variants: exemplars from the train split prepended to a zero-shot prompt.

A one-shot or multi-shot task is derived from a registered zero-shot task;
``prepend_exemplars`` runs after its cache placeholder and picks exemplars
deterministically for a seed, within the input length budget (an input with no room
keeps none, and ``num_exemplars`` says how many it got), and ``check_source_length``
warns about a length limit below the shortest possible prompt.

See docs/tasks.md, "Few-shot variants"."""

from __future__ import annotations

import functools
import logging
from typing import Iterable, List, Optional

from common import seqio_compat  # noqa: F401  (before seqio)
from common.errors import UserError
from tasks.names import Shot

import numpy as np
import seqio
import tensorflow as tf

POOL_SIZE = 256
MAX_MULTI_SHOT = 16
MULTI_SHOT_BUDGET = 960  # FLAN's multi-shot input budget, in tokens
EXEMPLAR_SEPARATOR = "\n\n\n"
POOL_SPLITS = ("train", "validation", "test")
DEFAULT_FEWSHOT_SEED = 0
# The feature a few-shot example carries: how many exemplars its input got (fewer than
# the shot asks when its own input leaves no room; 0 when none fits).
NUM_EXEMPLARS = "num_exemplars"
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
    _pool.cache_clear()


def max_exemplars(shot: Shot) -> int:
    return {Shot.ZERO: 0, Shot.ONE: 1, Shot.TWO: 2, Shot.THREE: 3, Shot.FIVE: 5,
            Shot.TEN: 10, Shot.MULTI: MAX_MULTI_SHOT}[shot]


def input_budget(shot: Shot, limit: Optional[int]) -> Optional[int]:
    """The tokens a prompt may take: the input length limit, and for multi-shot FLAN's
    budget (``MULTI_SHOT_BUDGET``) as well: ``input_budget(Shot.MULTI, 2048) == 960``."""
    if shot is Shot.MULTI:
        return min(limit, MULTI_SHOT_BUDGET) if limit else MULTI_SHOT_BUDGET
    return limit


def _strip_eos(ids: np.ndarray, eos_id: int) -> np.ndarray:
    return ids[:-1] if len(ids) and ids[-1] == eos_id else ids


@functools.lru_cache(maxsize=None)
def _pool(zero_shot_task: str, vocab_file: str):
    """(texts, inputs_texts, flat_ids, lengths, input_lengths) of the exemplar pool, or None.

    ``lengths`` counts an exemplar's tokens (input + target), ``input_lengths`` its
    input's alone (both without EOS).
    """
    del vocab_file  # part of the cache key only: a new vocabulary means new ids
    task = seqio.get_mixture_or_task(zero_shot_task)
    split = pool_split(task)
    if split is None:
        return None
    # Always from the source, never the task's cache: seqio's cache job reorders
    # examples, and the pool must not depend on whether the zero-shot task is cached.
    ds = task.get_dataset(sequence_length=None, split=split, shuffle=False,
                          use_cached=False, trim_output_features=False).take(POOL_SIZE)
    eos = task.output_features["inputs"].vocabulary.eos_id
    texts, inputs, ids, input_lengths = [], [], [], []
    for ex in ds.as_numpy_iterator():
        inp = ex["inputs_pretokenized"].decode("utf-8")
        tgt = ex["targets_pretokenized"].decode("utf-8")
        if not tgt:  # unlabelled example: useless as a demonstration
            continue
        texts.append(f"{inp}\n\n{tgt}")
        inputs.append(inp)
        input_ids = _strip_eos(ex["inputs"], eos)
        ids.append(np.concatenate([input_ids, _strip_eos(ex["targets"], eos)]))
        input_lengths.append(len(input_ids))
    if not texts:
        return None
    lengths = np.array([len(x) for x in ids], np.int32)
    return (texts, inputs, np.concatenate(ids).astype(np.int32), lengths,
            np.array(input_lengths, np.int32))


def pool_split(task) -> Optional[str]:
    """The split exemplars of ``task`` come from: train, else validation, else test."""
    return next((s for s in POOL_SPLITS if s in task.splits), None)


def _vocab_file(task) -> str:
    """The key ``_pool`` is memoised on: the task's input vocabulary file."""
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


def min_prompt_length(task) -> Optional[int]:
    """Tokens of the shortest prompt a few-shot ``task`` can build (None: no exemplar pool).

    The pool's shortest exemplar, its shortest input, and EOS (in the v1 layout, with
    their marker tokens): no example fits in fewer.
    """
    source = fewshot_source(task)
    if source is None:
        return None
    pool = _pool(source[0], _vocab_file(task))
    if pool is None:
        return None
    need = int(pool[3].min()) + int(pool[4].min()) + 1
    if _task_layout(task) == "v1":  # 0 .. X 1 .. X around the exemplar, 0 .. X 1 FLAN
        marks = {m: len(ids) for m, ids in
                 _v1_marks(task.output_features["inputs"].vocabulary).items()}
        need += 2 * (marks["0"] + marks["X"] + marks["1"]) + marks["X"] + marks["FLAN"]
    return need


def check_source_length(tasks: Iterable, max_source_length: int) -> List[str]:
    """Warns (one line each) for the few-shot tasks whose prompts cannot hold a single
    exemplar within ``max_source_length`` tokens, and returns their names: every input
    of such a task keeps zero exemplars (FLAN v1's rule for an input with no room), so
    it trains and scores as its zero-shot task. Reading a task's exemplar pool here is
    no extra cost, since its pipeline reads the same (memoised) pool.
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


def _layout(pool, layout: str, vocab):
    """The pool as one layout writes it: ``(exemplar texts, exemplar ids (ragged),
    their lengths, (text before, ids before, text after, ids after) the evaluated input)``.

    v2 (FLAN v2): ``{input}\\n\\n{answer}`` and ``\\n\\n\\n`` after each exemplar, the
    input as it is. v1 (FLAN v1): ``0 {input} X 1 {answer} X `` per exemplar, then
    ``0 {input} X 1 FLAN``: the markers are tokens, so the ids say where an exemplar and
    its answer end (T5's vocabulary turns newlines into spaces).
    """
    texts, inputs, flat_ids, lengths, input_lengths = pool
    if layout == "v2":
        return ([t + EXEMPLAR_SEPARATOR for t in texts],
                tf.RaggedTensor.from_row_lengths(tf.constant(flat_ids), tf.constant(lengths)),
                lengths, ("", [], "", []))
    mark = _v1_marks(vocab)
    v1_texts, v1_ids = [], []
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    for text, inp, start, n, n_in in zip(texts, inputs, starts, lengths, input_lengths):
        target = text[len(inp) + 2:]  # the pool's text is "{input}\n\n{answer}"
        ids = flat_ids[start:start + n]
        v1_texts.append(f"{V1_INPUT}{inp}{V1_MARK}{V1_ANSWER}{target}{V1_MARK}")
        v1_ids.append(np.concatenate([mark["0"], ids[:n_in], mark["X"], mark["1"],
                                      ids[n_in:], mark["X"]]).astype(np.int32))
    v1_lengths = np.array([len(i) for i in v1_ids], np.int32)
    return (v1_texts, tf.RaggedTensor.from_row_lengths(
                tf.constant(np.concatenate(v1_ids)), tf.constant(v1_lengths)),
            v1_lengths, (V1_INPUT, mark["0"], f"{V1_MARK}{V1_ANSWER.rstrip()}{V1_SUFFIX}",
                         mark["X"] + mark["1"] + mark["FLAN"]))


def prepend_exemplars(dataset: tf.data.Dataset, sequence_length, output_features, *,
                      zero_shot_task: str, shot: Shot,
                      layout: Optional[str] = None) -> tf.data.Dataset:
    """Prepends exemplars to each example (see the module docstring), in ``layout``
    (``LAYOUTS``; None: the run's, ``set_fewshot_layout``).

    ``{"inputs_pretokenized": "Q", "inputs": [7]}`` with one exemplar ``"E\\n\\nA"`` ->
    ``{"inputs_pretokenized": "E\\n\\nA\\n\\n\\nQ", "inputs": [5, 6, 7]}`` (v2), or
    ``"0 E X 1 A X 0 Q X 1 FLAN"`` (v1).
    """
    vocab = output_features["inputs"].vocabulary
    pool = _pool(zero_shot_task, str(getattr(vocab, "sentencepiece_model_file", "")))
    if pool is None:
        logging.warning("%s has no labelled examples to draw from: %s variant has no "
                        "exemplars",
                        zero_shot_task, shot.name.lower())
        return dataset
    texts, pool_ids, lengths, (before, before_ids, after, after_ids) = _layout(
        pool, check_layout(layout or _settings["layout"]), vocab)
    k = max_exemplars(shot)
    limit = input_budget(shot, (sequence_length or {}).get("inputs"))
    pool_texts = tf.constant(texts)
    pool_inputs = tf.constant(pool[1])
    pool_lengths = tf.constant(lengths)
    before_ids = tf.constant(before_ids, tf.int32)
    after_ids = tf.constant(after_ids, tf.int32)
    seed = tf.constant(_settings["seed"], tf.int64)

    def add(ex):
        key = tf.strings.to_hash_bucket_fast(ex["inputs_pretokenized"], 2**31 - 1)
        order = tf.argsort(tf.random.stateless_uniform(
            [len(texts)], seed=tf.stack([seed, key])))
        order = tf.boolean_mask(
            order, tf.gather(pool_inputs, order) != ex["inputs_pretokenized"])
        lens = tf.gather(pool_lengths, order)
        inputs = tf.concat([before_ids, tf.cast(ex["inputs"], tf.int32), after_ids], 0)
        if limit:
            budget = limit - tf.size(inputs, tf.int32) - 1
            fits = lens <= budget
            order, lens = tf.boolean_mask(order, fits), tf.boolean_mask(lens, fits)
            n = tf.reduce_sum(tf.cast(tf.cumsum(lens) <= budget, tf.int32))
        else:
            n = tf.size(order)
        # An input with no room for an exemplar keeps none (FLAN v1): never an error.
        chosen = order[:tf.minimum(n, k)]
        prefix = tf.strings.reduce_join(tf.gather(pool_texts, chosen))
        out = dict(ex)
        out["inputs_pretokenized"] = prefix + before + ex["inputs_pretokenized"] + after
        out["inputs"] = tf.concat([tf.gather(pool_ids, chosen).flat_values, inputs], 0)
        out[NUM_EXEMPLARS] = tf.size(chosen, tf.int32)
        return out

    return dataset.map(add, num_parallel_calls=tf.data.AUTOTUNE)


def count_exemplars(inputs_pretokenized: str) -> int:
    """Number of exemplars in a rendered prompt (for tests and the CLI)."""
    return inputs_pretokenized.count(EXEMPLAR_SEPARATOR)
