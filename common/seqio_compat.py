"""The one place that makes ``import seqio`` work with the pinned libraries and no JAX.

Importing this module is cheap (no TensorFlow): it installs an import hook, and the
fixes below run the first time anything imports ``seqio`` (or at once, when seqio is
already imported). Every package that reads seqio imports this module first; ``tasks``
and ``trainer`` do so in their ``__init__``. Each fix names the library version it is
for, so it can be dropped when the pin moves.

1. seqio 0.0.8 on Python >= 3.11: ``seqio.dataset_providers.ContinuousFeature`` is a
   dataclass whose field default is a ``PassThroughVocabulary`` instance. Python 3.11's
   dataclasses reject any default whose class has ``__hash__ = None`` (the class
   defines ``__eq__`` only), so ``import seqio`` raises ``ValueError: mutable default``.
   We load ``seqio.vocabularies`` on its own (without running ``seqio/__init__``),
   give ``PassThroughVocabulary`` an identity hash, then let the real import proceed;
   it reuses the already-loaded, patched submodule.
2. TensorFlow's start-up noise: quiet by default unless the user set these variables.
   ``TF_CPP_MIN_LOG_LEVEL=2`` hides C++ info/warnings; ``TF_ENABLE_ONEDNN_OPTS=0``
   removes the oneDNN banner printed before logging is configured. TensorFlow only
   feeds data here (tokenising, tf.data), no float math, so oneDNN buys nothing.
   TensorFlow's Python deprecation warnings (triggered inside seqio) are hidden too.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# seqio 0.0.8 calls TF APIs that TF marks deprecated (sample_from_datasets_v2, ...):
# the Python-side warnings say nothing a user can act on.
logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _patch_seqio_passthrough_hash() -> None:
    if "seqio" in sys.modules and "seqio.dataset_providers" in sys.modules:
        return  # seqio already imported fine (e.g. patched by an earlier import).
    spec = importlib.util.find_spec("seqio")
    if spec is None or not spec.submodule_search_locations:
        return  # seqio not installed; the import error will come from the caller.
    # A bare package object stands in for ``seqio`` while its vocabularies submodule
    # loads, so seqio/__init__.py (which trips over the dataclass) does not run yet.
    stub = types.ModuleType("seqio")
    stub.__path__ = list(spec.submodule_search_locations)
    stub.__spec__ = spec
    sys.modules["seqio"] = stub
    try:
        vocabularies = importlib.import_module("seqio.vocabularies")
        cls = vocabularies.PassThroughVocabulary
        if cls.__hash__ is None:
            cls.__hash__ = object.__hash__
    finally:
        del sys.modules["seqio"]
    importlib.import_module("seqio")


class _SeqioImportHook(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Applies the fix when ``seqio`` is first imported, then hands back the real module."""

    real_spec = None

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "seqio":
            return None
        uninstall_hook()
        _patch_seqio_passthrough_hash()  # imports the real, fixed seqio
        real = sys.modules["seqio"]
        self.real_spec = real.__spec__
        return importlib.machinery.ModuleSpec(
            "seqio", self, origin=real.__spec__.origin, is_package=True)

    def create_module(self, spec):
        return sys.modules["seqio"]  # already imported by find_spec

    def exec_module(self, module):
        # The import system stamped this hook's spec on the module: put seqio's back.
        module.__spec__, module.__loader__ = self.real_spec, self.real_spec.loader


_HOOK = _SeqioImportHook()


def uninstall_hook() -> None:
    """Removes the import hook (done by the hook itself on first use)."""
    while _HOOK in sys.meta_path:
        sys.meta_path.remove(_HOOK)


def install() -> None:
    """Fixes ``import seqio``: now if seqio is already loaded, else on its first import."""
    if "seqio" in sys.modules:
        _patch_seqio_passthrough_hash()
    elif _HOOK not in sys.meta_path:
        sys.meta_path.insert(0, _HOOK)


install()
