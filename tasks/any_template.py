"""FLAN's per-dataset template step, ``render_any_template``, in two halves for mixtures.

``prepare`` runs in a task's pipeline: each example's stream position, its fields as one
string vector, its options and the task's index, one element spec for every dataset.
``finish`` runs once after mixing: every task's templates stacked as tensors and gathered
by task, then the shared draw-and-render graph (``templating.draw_and_render``). One
task runs both in a row; a FLAN mixture samples in between (``common.split_steps``), so
~50 datasets cost one render map, not ~50. See docs/data-streams.md, "What
`get_split` guarantees".
"""

from __future__ import annotations

import dataclasses
from typing import Sequence, Tuple

from common import seqio_compat  # before seqio
from common import split_steps
from tasks import shots as shots_lib
from tasks import templating

import tensorflow as tf

TASK = "task_index_"  # the prepared examples' task index (``common.split_steps``)


@dataclasses.dataclass(frozen=True)
class Prepared:
    """What ``finish`` needs of one task: its draw seed, the fields in ``values`` order,
    its templates."""

    seed: int
    names: Tuple[str, ...]
    templates: Tuple[Tuple[str, str], ...]
    options: bool  # examples carry options


def fields_key(values: tf.Tensor) -> tf.Tensor:
    """A fingerprint of an example's fields, a vector of strings (``shots.SOURCE_KEY``)."""
    return tf.strings.to_hash_bucket_fast(tf.strings.reduce_join(values, separator="\x1f"),
                                          shots_lib.KEY_BUCKETS)


def prepare(dataset: tf.data.Dataset, *, templates: Sequence[Tuple[str, str]],
            index: int = 0) -> Tuple[tf.data.Dataset, Prepared]:
    """The first half: ``{"position", "values", "options", TASK}`` per example, and the
    task's ``Prepared``. ``values`` holds the scalar fields in sorted order (``options_``
    rendered among them when there are options; non-string ones as text, for the key)."""
    spec = dataset.element_spec
    has_options = "options" in spec
    names = sorted([k for k, s in spec.items() if k != "options" and s.shape.rank == 0]
                   + ([templating.OPTIONS_FIELD] if has_options else []))
    strings = {n for n in names if n == templating.OPTIONS_FIELD or spec[n].dtype == tf.string}
    used = {f for t in templates for p in t for f in templating.placeholders(p)}
    if used - strings:
        raise templating.TemplateError(
            f"templates use {', '.join(sorted(used - strings))}, which the formatted examples "
            "do not give as scalar strings")
    seed = seqio_compat.take_map_seed()

    @tf.autograph.experimental.do_not_convert  # plain TF ops: no AST rewrite per task
    def fn(position, ex):
        opts = ex["options"] if has_options else tf.zeros([0], tf.string)
        values = [templating.render_options(opts) if n == templating.OPTIONS_FIELD
                  else ex[n] if n in strings else tf.strings.as_string(ex[n]) for n in names]
        # Shape [None]: every task's vectors have one spec, whatever its fields.
        return {"position": position,
                "values": tf.compat.v1.placeholder_with_default(tf.stack(values), [None]),
                "options": tf.compat.v1.placeholder_with_default(opts, [None]),
                TASK: tf.constant(index, tf.int32)}

    prepared = Prepared(0 if seed is None else seed, tuple(names),
                        tuple(tuple(t) for t in templates), has_options)
    return dataset.enumerate().map(fn, num_parallel_calls=tf.data.AUTOTUNE), prepared


def _stacked(prepared: Sequence[Prepared], side: int):
    """Every task's ``render_table`` for one side of its templates, padded to one
    ``[tasks, templates, pieces]`` pair (a task's padding points at its empty field)."""
    patterns = [[t[side] for t in p.templates] for p in prepared]
    width = max(len(templating.table_rows(ps, p.names)[0]) for ps, p in zip(patterns, prepared))
    k = max(len(ps) for ps in patterns)
    rows = [templating.table_rows(ps, p.names, width) + [[("", len(p.names))] * width] * (
        k - len(ps)) for ps, p in zip(patterns, prepared)]
    return (tf.constant([[[lit for lit, _ in row] for row in r] for r in rows], tf.string),
            tf.constant([[[i for _, i in row] for row in r] for r in rows], tf.int32))


def finish(dataset: tf.data.Dataset, prepared: Sequence[Prepared]) -> tf.data.Dataset:
    """The second half: ``inputs``/``targets`` from the drawn template of each example's
    task, its ``SOURCE_KEY``, and ``options`` when some task's templates ask among them."""
    inputs_table, targets_table = _stacked(prepared, 0), _stacked(prepared, 1)
    ks = tf.constant([len(p.templates) for p in prepared], tf.int32)
    seeds = tf.constant([p.seed for p in prepared], tf.int64)
    k = max(len(p.templates) for p in prepared)
    classification = tf.constant([[templating.is_classification(t) for t in p.templates]
                                  + [False] * (k - len(p.templates)) for p in prepared])
    with_options = any(p.options and any(templating.is_classification(t) for t in p.templates)
                       for p in prepared)

    @tf.autograph.experimental.do_not_convert
    def fn(ex):
        task = ex[TASK]
        k = ks[task]

        def table(pair):
            return pair[0][task][:k], pair[1][task][:k]

        inputs, targets, drawn = templating.draw_and_render(
            ex["position"], seeds[task], ex["values"], table(inputs_table),
            table(targets_table), classification[task][:k], ex["options"])
        out = {"inputs": inputs, "targets": targets,
               shots_lib.SOURCE_KEY: fields_key(ex["values"])}
        if with_options:
            out["options"] = drawn
        return out

    return dataset.map(fn, num_parallel_calls=tf.data.AUTOTUNE)


def render_any_template(dataset: tf.data.Dataset, *,
                        templates: Sequence[Tuple[str, str]]) -> tf.data.Dataset:
    """Renders each example with one of ``templates`` (a per-dataset task's step).

    Positions in the stream are dealt in blocks of ``len(templates)``, each block a
    permutation drawn from (seed, block): every template is used once per block, so an
    epoch of at least ``2 * len(templates) - 1`` examples draws every template, and as
    the trainer repeats the split before this step, each epoch draws anew. The seed is
    the next of seqio's ``map_seed_manager`` (the stream's seed), 0 when none is set, so
    the same config renders the same text every time. ``options`` is kept for the
    templates that ask for the answer among them (empty for the others), and
    ``source_key`` (``shots.SOURCE_KEY``) fingerprints the fields, so that a few-shot
    variant never takes the example itself, under another template, as an exemplar.
    """
    ds, prepared = prepare(dataset, templates=templates)
    return finish(ds, [prepared])


render_any_template.halves = split_steps.Halves(prepare, finish)
