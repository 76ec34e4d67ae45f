"""Task registry package: vocabulary, shared pre/postprocessors, metrics, registration.

Importing this package first applies the compatibility fixes in ``tasks._compat`` so
that ``import seqio`` works on Python 3.11 with no JAX installed.
"""

from tasks import _compat  # noqa: F401  (must run before anything imports seqio)
