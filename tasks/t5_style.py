"""Registration helper shared by the T5-style task modules, and the list of them.

``add_t5_task`` builds a task: t5 text preprocessors, then tokenize ->
CacheDatasetPlaceholder -> append_eos_after_trim; ``text_preprocessors`` and
``apply_text_preprocessors`` give back the part before tokenisation. ``PACKAGES`` lists
the T5-style packages; ``register_all()`` registers every one.

See docs/tasks.md, "T5-style tasks"."""

from __future__ import annotations

import importlib
from typing import Callable, Iterable, Mapping, Optional, Sequence, Union

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import registration
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

# The T5-style task packages, each with a ``register()`` returning its task names.
PACKAGES = ("tasks.superglue", "tasks.glue", "tasks.squad", "tasks.translation",
            "tasks.summarization", "tasks.dpr")

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
                mixtures: Sequence[str] = (),
                ) -> seqio.Task:
    """Registers one T5-style task, joins it to ``<family>.t5`` for each family in
    ``mixtures``, and returns it.

    Example::

        add_t5_task(superglue_t5_name("rte"), tfds_name("super_glue", "rte"),
                    [functools.partial(t5_preprocessors.glue, benchmark_name="rte",
                                       label_names=["entailment", "not_entailment"])],
                    metric_fns=[metrics.accuracy], mixtures=["sglue_mix"])

    Registering it again with the same definition does nothing; a different one under
    the same name raises ``tasks.registration.DuplicateNameError``.
    """
    task = seqio.Task(
        name,
        source=sources.LocalTfdsDataSource(tfds_name, splits=splits),
        preprocessors=[*text_preprocessors, *_tail()],
        output_features=vocab.get_output_features(),
        postprocess_fn=postprocess_fn,
        metric_fns=list(metric_fns),
    )
    task = registration.add_task(task, registration.caller_origin(skip_modules={__name__}))
    for family in mixtures:
        registration.join(family, "t5", [name])
    return task


def register_all() -> list:
    """Registers every T5-style task (again: a no-op); returns their names."""
    names = []
    for package in PACKAGES:
        names += importlib.import_module(package).register()
    return names


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
