"""Evaluation: predictions into files, scoring those files, reports, leaderboard export.

Data flows registry -> stream -> model -> ``predictions/<task>.jsonl`` -> metrics; the
files are the only thing that crosses from model code to scoring.

* ``eval.predict``: ``predict_to_files(model, tokenizer, provider_name, out_dir)`` —
  generation or rank classification over a task's / mixture's eval split, one process
  or several (``eval.decoding`` runs the model).
* ``eval.score``: ``score_dir(dir)`` — the tasks' postprocessors and metric functions
  on those files -> ``metrics.json``.
* ``eval.report``: the zero/one/multi-shot table (``python -m eval``).
* ``eval.superglue`` / ``eval.leaderboard`` / ``eval.official``: SuperGLUE test files,
  ``submission.zip`` and official dev scores (``python -m eval.superglue``).

Layer rule (docs STYLE.md): may import ``tasks``, ``trainer`` and seqio, never
``mixtures`` (except the ``__main__`` entry point), ``caches`` or ``run``. Nothing here
is imported by ``import eval`` itself, so ``python -m eval.superglue`` starts cleanly.
"""
