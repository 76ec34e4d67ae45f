"""Evaluation: predictions into files, scoring those files, reports, leaderboard export.

Data flows registry -> stream -> model -> ``predictions/<task>.jsonl`` -> metrics; the
files are the only thing that crosses from model code to scoring.

* ``eval.predict``: ``predict_to_files(model, tokenizer, cfg, out_dir)`` over the
  tasks of a ``trainer.config.StreamConfig`` (``eval.decoding`` runs the model).
* ``eval.score``: ``score_dir(dir)``: the tasks' postprocessors and metrics -> ``metrics.json``.
* ``eval.report``: the zero/one/multi-shot table (``python -m eval``).
* ``eval.superglue`` / ``eval.leaderboard`` / ``eval.official``: SuperGLUE test files,
  ``submission.zip`` and official dev scores (``python -m eval.superglue``).

See README.md, "Evaluation".
"""

from common import seqio_compat  # noqa: F401  (before anything imports seqio)
