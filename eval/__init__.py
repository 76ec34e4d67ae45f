"""Evaluation: predictions into files, scoring those files, reports, leaderboard export.

registry -> stream -> model -> ``predictions/<task>.jsonl`` -> metrics: ``eval.predict``
(with ``eval.decoding``), ``eval.score``, ``eval.report`` (``python -m eval``) and
``eval.superglue`` / ``eval.leaderboard`` / ``eval.official`` (``python -m eval.superglue``).
See README.md, "Evaluation", and docs/evaluation.md.
"""

from common import seqio_compat  # noqa: F401  (before anything imports seqio)
