"""Finding registered tasks and mixtures by name, and importing users' task modules.

Every failure is one line that names the problem and the fix: an unknown name lists
the nearest registered names; a wrong style suffix lists the styles.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import os
import re
import sys
from typing import List, Optional

from common.errors import UserError
from common import seqio_compat  # noqa: F401  (before seqio)
from tasks.names import STYLES

import seqio


class UnknownNameError(UserError, KeyError):
    """A task or mixture name that is not registered."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0]


class TaskModuleError(UserError, ImportError):
    """A user task module (``--task_modules``) that failed to import."""


def registered_names() -> List[str]:
    """Every registered task and mixture name, sorted."""
    return sorted(set(seqio.TaskRegistry.names()) | set(seqio.MixtureRegistry.names()))


def nearest_names(name: str, n: int = 5) -> List[str]:
    """Registered names closest to ``name`` (difflib ratio), best first."""
    return difflib.get_close_matches(name, registered_names(), n=n, cutoff=0.5)


def get_provider(name: str):
    """The registered ``seqio.Task`` or ``seqio.Mixture`` called ``name``.

    Raises UnknownNameError with one line: a bad style suffix, or the nearest
    registered names.
    """
    if name in seqio.TaskRegistry.names() or name in seqio.MixtureRegistry.names():
        return seqio.get_mixture_or_task(name)
    from tasks import shot_variants
    if shot_variants.ensure(name):  # rte_type_0_five_shot: registered on first use
        return seqio.get_mixture_or_task(name)
    family, dot, style = name.rpartition(".")
    if dot and style not in STYLES:
        near = [f"{family}.{s}" for s in STYLES if f"{family}.{s}" in registered_names()]
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        raise UnknownNameError(f"unknown style {style!r} in {name!r}: a mixture name is "
                               f"<family>.<style> with style one of {', '.join(STYLES)}{hint}")
    if not registered_names():
        raise UnknownNameError(f"unknown task or mixture {name!r}: nothing is registered yet "
                               "(call mixtures.register_all() before looking names up)")
    near = nearest_names(name)
    hint = f"; nearest: {', '.join(near)}" if near else ""
    raise UnknownNameError(f"unknown task or mixture {name!r}{hint} "
                           "(list them with `python -m tasks list`)")


def _file_module_name(path: str) -> str:
    """A module name of its own for a task file: two ``my_tasks.py`` in different
    folders are two modules, and neither can shadow an installed module."""
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    digest = hashlib.sha1(path.encode("utf-8")).hexdigest()[:10]
    return f"_task_module_{stem}_{digest}"


def load_task_modules(spec: Optional[str]) -> List[str]:
    """Imports comma-separated module names or ``.py`` paths that register tasks.

    Raises TaskModuleError naming the module path and the original error.
    """
    loaded = []
    for item in [s.strip() for s in (spec or "").split(",") if s.strip()]:
        try:
            if item.endswith(".py") or os.sep in item:
                path = os.path.abspath(item)
                if not os.path.isfile(path):
                    raise FileNotFoundError(f"no such file {path}")
                module_name = _file_module_name(path)
                if module_name in sys.modules:  # this file, loaded already
                    loaded.append(module_name)
                    continue
                mod_spec = importlib.util.spec_from_file_location(module_name, path)
                module = importlib.util.module_from_spec(mod_spec)
                sys.modules[module_name] = module
                try:
                    mod_spec.loader.exec_module(module)
                except BaseException:
                    del sys.modules[module_name]
                    raise
            else:
                importlib.import_module(item)
        except Exception as e:  # report any failure of user code in one line
            where = getattr(e, "filename", None) or item
            raise TaskModuleError(f"--task_modules {item}: import failed ({where}): "
                                  f"{type(e).__name__}: {e}") from e
        loaded.append(item)
    return loaded
