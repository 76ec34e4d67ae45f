"""Imported by the cache job's Beam workers: registers every built-in task and mixture.

Beam sets a worker up by importing modules (seqio's ``modules_to_import``), so this is
the one module whose import registers anything. Everything else calls
``mixtures.register_all()`` (or ``mixtures.setup.setup_registry``) explicitly.
"""

import mixtures

mixtures.register_all()
