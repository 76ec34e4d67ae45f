"""Task registry package: vocabulary, shared pre/postprocessors, metrics, registration.

Importing this package first applies the compatibility fixes in ``tasks._compat`` so
that ``import seqio`` works on Python 3.11 with no JAX installed.
"""

from tasks import _compat  # noqa: F401  (must run before anything imports seqio)

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
