"""Task registry package: vocabulary, shared pre/postprocessors, metrics, registration.

Importing it is light (no TensorFlow): it only arranges for ``import seqio`` to work
without JAX (``common.seqio_compat``). The public API below loads on first use.
See README.md, "Tasks and mixtures".
"""

from common import seqio_compat  # noqa: F401  (before anything imports seqio)

_PUBLIC = {
    "register_prompt_task": "tasks.prompts",
    "get_provider": "tasks.lookup",
    "load_task_modules": "tasks.lookup",
    "configure_vocabulary": "tasks.vocab",
    "set_tfds_data_dir": "tasks.sources",
}


def __getattr__(name):
    """The public API, imported on first use so that ``import tasks`` stays light."""
    if name in _PUBLIC:
        import importlib
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'tasks' has no attribute {name!r}")
