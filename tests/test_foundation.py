"""The standing promises: no JAX anywhere, every module imports, no remote paths."""

import importlib.metadata
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("tasks", "mixtures", "trainer", "eval", "caches")
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


def test_every_module_imports_without_jax():
    """Import every project module in a fresh interpreter; none may pull in JAX."""
    modules = project_modules()
    assert "tasks" in modules and "caches.build_tfds" in modules
    code = (
        "import importlib, json, sys\n"
        f"mods = {modules!r}\n"
        "failed = {}\n"
        "for m in mods:\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except Exception as e:\n"
        "        failed[m] = f'{type(e).__name__}: {e}'\n"
        f"jaxy = sorted(m for m in sys.modules if m.split('.')[0] in {JAX_FAMILY!r})\n"
        "print(json.dumps({'failed': failed, 'jax': jaxy}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["failed"] == {}
    assert result["jax"] == []


def test_seqio_imports_after_tasks_in_a_fresh_process():
    code = "import tasks, seqio; print(seqio.__version__, hasattr(seqio, 'TaskRegistry'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["0.0.8", "True"]


def test_no_remote_paths_in_project_code():
    offenders = []
    for pkg in PACKAGES + ("run.py", "bench"):
        base = ROOT / pkg
        files = [base] if base.is_file() else sorted(base.rglob("*.py")) if base.is_dir() else []
        for f in files:
            if "gs:" + "//" in f.read_text(encoding="utf-8"):
                offenders.append(str(f.relative_to(ROOT)))
    assert offenders == []
