"""The standing promises: no JAX anywhere, every module imports (registering nothing),
no remote paths."""

import importlib.metadata
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("common", "tasks", "mixtures", "trainer", "eval", "caches")
JAX_FAMILY = ("jax", "jaxlib", "flax", "clu")


def project_modules():
    """Dotted names of every project module (packages under PACKAGES)."""
    names = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")) if (ROOT / pkg).is_dir() else []:
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts[-1] == "__main__":
                continue
            names.append(".".join(parts))
    return names


@pytest.mark.parametrize("dist", JAX_FAMILY)
def test_jax_family_not_installed(dist):
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.version(dist)


# One fresh interpreter for the import-order checks (each costs a TensorFlow import):
# 1. seqio imported after ``tasks`` (the compat fix is an import hook) works;
# 2. importing the task packages and ``mixtures`` registers nothing, and a lookup
#    before ``mixtures.register_all()`` says to call it;
# 3. every project module imports, and none pulls in JAX.
FRESH_PROCESS = """
import importlib, json, sys
import tasks, seqio
print(json.dumps({"seqio": [seqio.__version__, hasattr(seqio, "TaskRegistry")]}))
import tasks.glue, tasks.flan, mixtures
from tasks import lookup
registered = sorted(seqio.TaskRegistry.names()) + sorted(seqio.MixtureRegistry.names())
try:
    lookup.get_provider("glue_rte_v002")
    lookup_error = None
except lookup.UnknownNameError as e:
    lookup_error = str(e)
print(json.dumps({"registered": registered[:5], "lookup_error": lookup_error}))
failed = {}
for m in MODULES:
    try:
        importlib.import_module(m)
    except Exception as e:
        failed[m] = f"{type(e).__name__}: {e}"
jaxy = sorted(m for m in sys.modules if m.split(".")[0] in JAX_FAMILY)
print(json.dumps({"failed": failed, "jax": jaxy}))
"""


def test_fresh_process_imports_register_nothing_and_pull_in_no_jax():
    modules = project_modules()
    assert "tasks" in modules and "caches.build_tfds" in modules and "common.errors" in modules
    code = f"MODULES = {modules!r}\nJAX_FAMILY = {JAX_FAMILY!r}\n" + FRESH_PROCESS
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-3000:]
    found = {}
    for line in out.stdout.strip().splitlines():
        if line.startswith("{"):
            found.update(json.loads(line))
    assert found["seqio"] == ["0.0.8", True]
    assert found["registered"] == []
    assert "call mixtures.register_all()" in (found["lookup_error"] or "")
    assert found["failed"] == {}
    assert found["jax"] == []


def test_no_remote_paths_in_project_code():
    offenders = []
    for pkg in PACKAGES + ("run.py", "bench"):
        base = ROOT / pkg
        files = [base] if base.is_file() else sorted(base.rglob("*.py")) if base.is_dir() else []
        for f in files:
            if "gs:" + "//" in f.read_text(encoding="utf-8"):
                offenders.append(str(f.relative_to(ROOT)))
    assert offenders == []
