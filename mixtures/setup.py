"""``setup_registry``: the one set-up every entry point calls before reading a task.

It registers every built-in task and mixture, imports the user's task modules (and
builds the mixture families they join), then points the tasks at the TFDS data dir,
the vocabulary, the seqio caches and the few-shot exemplar seed. ``run.py``,
``python -m tasks``, ``python -m eval``, ``python -m eval.superglue`` and
``python -m caches.cache_tasks`` call it with their flags. See README.md, "Tasks and
mixtures".
"""

from __future__ import annotations

from typing import Optional

import mixtures
from tasks import cache_dirs, lookup, shots, sources, vocab


def setup_registry(*, task_modules: Optional[str] = None, tfds_data_dir: Optional[str] = None,
                   vocab_path: Optional[str] = None, model_path: Optional[str] = None,
                   cache_dir: Optional[str] = None, env_cache_dirs: bool = True,
                   fewshot_seed: Optional[int] = None,
                   fewshot_layout: Optional[str] = None,
                   vocabulary: bool = True) -> Optional[str]:
    """Registers and configures everything a run reads; returns the vocabulary file.

    Args:
      task_modules: the user's modules or ``.py`` files, comma-separated
        (``--task_modules``); their mixture families are built after them.
      tfds_data_dir: ``--tfds_data_dir``; None keeps ``$TFDS_DATA_DIR`` or the demo data.
      vocab_path / model_path: the vocabulary rule: ``vocab_path``, else ``spiece.model``
        in ``model_path``, else the demo vocabulary.
      cache_dir: a seqio cache folder to read (``--cache_dir``), checked first.
      env_cache_dirs: also read the folders in ``$SEQIO_CACHE_DIR``.
      fewshot_seed: the few-shot exemplar seed (a run's ``--seed``); None keeps it.
      fewshot_layout: the few-shot prompt layout (``tasks.shots.LAYOUTS``: FLAN v2's
        or v1's, ``--fewshot_layout``); None keeps it.
      vocabulary: False leaves the vocabulary alone (listing names needs none) and
        returns None.
    """
    mixtures.register_all()
    if task_modules:
        lookup.load_task_modules(task_modules)
        mixtures.register_all()  # the families the user's tasks join
    if tfds_data_dir:
        sources.set_tfds_data_dir(tfds_data_dir)
    vocab_file = vocab.configure_vocabulary(vocab_path, model_path) if vocabulary else None
    if cache_dir:
        cache_dirs.register_cache_dir(cache_dir)
    if env_cache_dirs:
        cache_dirs.register_cache_dirs_from_env()
    if fewshot_seed is not None:
        shots.set_fewshot_seed(fewshot_seed)
    if fewshot_layout is not None:
        shots.set_fewshot_layout(fewshot_layout)
    return vocab_file
