"""How a model learns: arguments, the tf.data -> PyTorch stream bridge, the HF trainer glue.

This package reads seqio tasks *by name* and never imports ``tasks``, ``mixtures`` or
``eval``. Importing it is light; ``common.seqio_compat`` makes a later ``import seqio``
work without JAX. The data path, one way: ``seqio_io`` (every use of seqio internals)
-> ``cached`` (direct read of cached splits) -> ``data`` (``get_split``) -> ``stream``
(resumable torch batches). See docs/data-streams.md.
"""

from common import seqio_compat  # noqa: F401  (before anything imports seqio)
