"""T5-style SQuAD (``squad_v010_allanswers``), declared as T5 declares it.

The input is the question, then the paragraph; the target is the first gold answer,
with T5's spacing around punctuation::

    {"question": "Which river?", "context": "Ashby lies on the Esker.",
     "answers": {"text": ["the Esker", "Esker"], ...}}
    -> {"inputs": "question: Which river? context: Ashby lies on the Esker .",
        "targets": "the Esker", "answers": ["the Esker", "Esker"], ...}

``t5.data.preprocessors.squad`` keeps every gold answer in the example; the
postprocessor ``t5.data.postprocessors.qa`` hands them all to
``t5.evaluation.metrics.squad`` as the targets, so exact match and F1 are the best over
a question's answers ("allanswers"). The data comes from the local TFDS dir
(``squad/v1.1`` at the version in ``tasks/tfds_versions.py``, 3.0.0, the one T5 names
too).

Only SQuAD 1.1 has a T5 task: T5's preprocessor takes ``answers[0]`` as the target,
which SQuAD 2.0's unanswerable questions (no answers) do not have; the FLAN-style
``squad_v2_type_*`` tasks cover 2.0.

The task joins ``ft_squad_mix.t5``. ``register()`` registers it (idempotent); importing
this module registers nothing.
"""

from __future__ import annotations

from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import names
from tasks import t5_style
from tasks.tfds_versions import tfds_name

from t5.data import postprocessors as t5_postprocessors
from t5.data import preprocessors as t5_preprocessors
from t5.evaluation import metrics as t5_metrics

TFDS_NAME = tfds_name("squad", "v1.1")
SPLITS = ("train", "validation")
MIXTURES = (names.SQUAD_MIX,)
SQUAD_TASKS = (names.squad_t5_name(),)


def register() -> tuple:
    """Registers ``squad_v010_allanswers``; returns the registered names."""
    t5_style.add_t5_task(
        names.squad_t5_name(), TFDS_NAME, [t5_preprocessors.squad],
        metric_fns=[t5_metrics.squad], postprocess_fn=t5_postprocessors.qa,
        splits=SPLITS, mixtures=MIXTURES)
    return SQUAD_TASKS
