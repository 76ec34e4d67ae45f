"""Registration helper shared by the T5-style task modules (SuperGLUE, GLUE).

A T5-style task is one local TFDS source, a few *text* preprocessors taken from the t5
library (they turn a TFDS example into ``{"inputs": "<benchmark> field: value ...",
"targets": "<label word>"}``), then the same tail for every task:

    tokenize -> CacheDatasetPlaceholder -> append_eos_after_trim

so that everything up to the cache is deterministic and only the length-dependent
trimming happens after it. ``add_t5_task`` builds that list; ``text_preprocessors``
and ``apply_text_preprocessors`` give back the part before tokenisation (tests, debug
printing, cache inspection) without needing a vocabulary.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Optional, Sequence, Union

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import sources
from tasks import vocab

import seqio
import tensorflow as tf

# Split sets of the TFDS builders, listed explicitly so that a task's splits are known
# without the dataset being prepared (seqio would otherwise read them from the data).
TRAIN_VALIDATION_TEST = ("train", "validation", "test")
VALIDATION_TEST = ("validation", "test")
TEST_ONLY = ("test",)

Preprocessor = Callable[..., tf.data.Dataset]

# Steps after the text preprocessors, identical for every T5-style task.
_TOKENIZE = seqio.preprocessors.tokenize


def _tail() -> list:
    return [
        _TOKENIZE,
        seqio.CacheDatasetPlaceholder(),
        seqio.preprocessors.append_eos_after_trim,
    ]


def add_t5_task(name: str,
                tfds_name: str,
                text_preprocessors: Sequence[Preprocessor],
                metric_fns: Sequence[Callable],
                postprocess_fn: Optional[Callable] = None,
                splits: Union[Iterable[str], Mapping[str, str]] = TRAIN_VALIDATION_TEST,
                ) -> seqio.Task:
    """Registers (or re-registers) one T5-style task and returns it.

    Example::

        add_t5_task(superglue_t5_name("rte"), "super_glue/rte:1.0.2",
                    [functools.partial(t5_preprocessors.glue, benchmark_name="rte",
                                       label_names=["entailment", "not_entailment"])],
                    metric_fns=[metrics.accuracy])

    A task already registered under ``name`` is replaced, so re-running a module's
    ``register()`` (after ``importlib.reload`` or a registry reset) never raises.
    """
    if name in seqio.TaskRegistry.names():
        seqio.TaskRegistry.remove(name)
    return seqio.TaskRegistry.add(
        name,
        source=sources.LocalTfdsDataSource(tfds_name, splits=splits),
        preprocessors=[*text_preprocessors, *_tail()],
        output_features=vocab.get_output_features(),
        postprocess_fn=postprocess_fn,
        metric_fns=list(metric_fns),
    )


def text_preprocessors(task: seqio.Task) -> Sequence[Preprocessor]:
    """The preprocessors of ``task`` that run before tokenisation (pure text steps)."""
    steps = list(task.preprocessors)
    for i, step in enumerate(steps):
        if step is _TOKENIZE:
            return steps[:i]
    raise ValueError(f"task {task.name} has no seqio.preprocessors.tokenize step")


def apply_text_preprocessors(task: seqio.Task, dataset: tf.data.Dataset) -> tf.data.Dataset:
    """Runs the text preprocessors of ``task`` on raw TFDS-shaped examples.

    Example: for ``glue_rte_v002``,
    ``{"sentence1": "A", "sentence2": "B", "label": 0, "idx": 3}`` becomes
    ``{"inputs": "rte sentence1: A sentence2: B", "targets": "entailment", "idx": 3}``.
    No vocabulary is needed; no step here takes a sequence length.
    """
    for step in text_preprocessors(task):
        dataset = step(dataset)
    return dataset
