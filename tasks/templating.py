"""Prompt templates applied to tf.data examples: placeholder checks and rendering.

A template is an ``(input pattern, target pattern)`` pair of ``str.format`` strings
whose ``{field}`` placeholders name string fields of a formatted example. Rendering
happens in TensorFlow (``tf.strings.join`` of literal pieces and field tensors) so it
runs inside the seqio pipeline and can be cached.
"""

from __future__ import annotations

import difflib
import string
from typing import Iterable, Mapping, Sequence

from common.errors import UserError
from common import seqio_compat  # noqa: F401  (before seqio)

import tensorflow as tf

OPTIONS_FIELD = "options_"
ANSWER_FIELD = "answer"
OPTIONS_HEADER = "OPTIONS:"


class TemplateError(UserError, ValueError):
    """A template that names a field its source does not provide."""


def placeholders(pattern: str) -> list:
    """Field names used by a pattern, in order: ``"{a} x {b}" -> ["a", "b"]``."""
    return [field for _, field, _, _ in string.Formatter().parse(pattern) if field is not None]


def check_templates(task: str, templates: Sequence[tuple], fields: Iterable[str]) -> None:
    """Raises TemplateError (one line) for the first placeholder not in ``fields``.

    The message names the task, the template index, the unknown placeholder (with the
    nearest known field) and the known fields.
    """
    known = sorted(set(fields))
    for i, template in enumerate(templates):
        if not (isinstance(template, (tuple, list)) and len(template) == 2):
            raise TemplateError(f"{task}: template {i} must be an (input, target) pair of "
                                f"strings, got {template!r}")
        for side, pattern in zip(("input", "target"), template):
            try:
                names = placeholders(pattern)
            except ValueError as e:
                raise TemplateError(f"{task}: template {i} {side} pattern is not a valid "
                                    f"format string ({e}): {pattern!r}") from None
            for name in names:
                if name not in known:
                    near = difflib.get_close_matches(name, known, n=1)
                    hint = f" (did you mean {{{near[0]}}}?)" if near else ""
                    raise TemplateError(
                        f"{task}: template {i} {side} uses unknown placeholder "
                        f"{{{name}}}{hint}; known fields: {', '.join(known)}")


def asks_answer(template: tuple) -> bool:
    """True when the target is the answer itself (``"{answer}"``); False for a reversed
    template (the answer is in the input, the target another field)."""
    return template[1] == "{" + ANSWER_FIELD + "}"


def is_classification(template: tuple) -> bool:
    """True when the template lists answer options and asks for the answer."""
    return OPTIONS_FIELD in placeholders(template[0])


def render_options(options: tf.Tensor) -> tf.Tensor:
    """``["no", "yes"] -> "OPTIONS:\\n- no\\n- yes"`` (a scalar tf.string)."""
    return tf.strings.join(
        [OPTIONS_HEADER + "\n- ", tf.strings.reduce_join(options, separator="\n- ")])


def render(pattern: str, fields: Mapping[str, tf.Tensor]) -> tf.Tensor:
    """Fills a pattern with scalar tf.string fields: a scalar tf.string.

    >>> render("{premise} Q: {hypothesis}?", {"premise": tf.constant("A."), ...})
    <tf.Tensor: ... b'A. Q: B?'>
    """
    pieces = []
    for literal, field, _, _ in string.Formatter().parse(pattern):
        if literal:
            pieces.append(tf.constant(literal))
        if field is not None:
            pieces.append(fields[field])
    if not pieces:
        return tf.constant("")
    return tf.strings.join(pieces)


def table_rows(patterns: Sequence[str], fields: Sequence[str], width: int = 0) -> list:
    """``render_table``'s rows as Python lists: ``(literal, field index)`` pairs, each row
    padded with ``("", len(fields))`` to the longest row (or ``width``)."""
    rows = []
    for pattern in patterns:
        row = [(literal, len(fields) if field is None else list(fields).index(field))
               for literal, field, _, _ in string.Formatter().parse(pattern)]
        rows.append(row or [("", len(fields))])
    width = max([width] + [len(row) for row in rows])
    return [row + [("", len(fields))] * (width - len(row)) for row in rows]


def render_table(patterns: Sequence[str], fields: Sequence[str]):
    """One pattern out of many as data: ``(literals, field_indices)``, two ``[len(patterns),
    pieces]`` tensors. Row ``i`` holds pattern ``i``'s literal pieces and, after each, the
    index in ``fields`` of the field that follows (``len(fields)``: none).

    ``["{a} x {b}", "{b}!"]`` with fields ``["a", "b"]`` ->
    ``[["", " x ", ""], ["", "!", ""]]`` and ``[[0, 1, 2], [1, 2, 2]]``.
    """
    rows = table_rows(patterns, fields)
    return (tf.constant([[lit for lit, _ in row] for row in rows], tf.string),
            tf.constant([[i for _, i in row] for row in rows], tf.int32))


def render_row(table, index: tf.Tensor, values: tf.Tensor) -> tf.Tensor:
    """Pattern ``index`` of a ``render_table`` filled with ``values`` (a string vector
    in the table's field order): the same text as ``render``, in a few ops whatever the
    number of patterns."""
    literals, fields = table
    values = tf.concat([values, [""]], axis=0)  # index len(fields): no field
    pieces = tf.strings.join([tf.gather(literals, index),
                              tf.gather(values, tf.gather(fields, index))])
    return tf.strings.reduce_join(pieces)


# One graph for every per-dataset task's draw and render: the templates come in as
# tensors (``render_table``), so a FLAN mixture of ~50 datasets traces it once, not
# once per task (each task's map only stacks its fields and calls it).
_TABLE = (tf.TensorSpec([None, None], tf.string), tf.TensorSpec([None, None], tf.int32))


@tf.function(input_signature=[
    tf.TensorSpec([], tf.int64), tf.TensorSpec([], tf.int64), tf.TensorSpec([None], tf.string),
    _TABLE, _TABLE, tf.TensorSpec([None], tf.bool), tf.TensorSpec([None], tf.string)],
    autograph=False)
def draw_and_render(position, seed, values, inputs_table, targets_table, classification,
                    options):
    """``(inputs, targets, options)`` of the example at stream ``position`` with one of
    ``k`` templates: positions are dealt in blocks of ``k``, each block a permutation
    drawn from ``(seed, block)``; ``options`` is kept for a template that lists them
    (``classification``), else empty. ``values``: the fields in the tables' order."""
    k = tf.cast(tf.shape(inputs_table[0])[0], tf.int64)
    block = position // k
    order = tf.argsort(tf.random.stateless_uniform(tf.reshape(k, [1]),
                                                   seed=tf.stack([seed, block])))
    index = tf.cast(tf.gather(order, position % k), tf.int32)
    keep = tf.size(options) * tf.cast(tf.gather(classification, index), tf.int32)
    return (render_row(inputs_table, index, values), render_row(targets_table, index, values),
            options[:keep])
