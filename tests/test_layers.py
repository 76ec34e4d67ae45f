"""Import lines between layers (STYLE.md, "The shape"), checked statically with ast.

registry -> stream -> trainer -> predictions -> metrics: ``tasks`` and ``trainer`` are
peers that never import each other; ``mixtures`` and ``eval`` stand on them; ``caches``
and ``run.py`` on top. Entry points (``__main__`` modules) may import what they run.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROJECT = {"tasks", "mixtures", "trainer", "eval", "caches", "run"}
# package -> project packages it must never import
FORBIDDEN = {
    "tasks": {"trainer", "mixtures", "eval", "caches", "run"},
    "trainer": {"tasks", "mixtures", "eval", "caches", "run"},
    "mixtures": {"trainer", "eval", "caches", "run"},
    "eval": {"mixtures", "caches", "run"},
    "caches": {"trainer", "eval", "run"},
}
# Entry points that wire layers together, like run.py: allowed extra imports.
ENTRY_POINT_ALLOWED = {"tasks/__main__.py": {"mixtures"}, "eval/__main__.py": {"mixtures"}}


def imported_packages(path: pathlib.Path) -> set:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & PROJECT


def files():
    for pkg in FORBIDDEN:
        for path in sorted((ROOT / pkg).rglob("*.py")) if (ROOT / pkg).is_dir() else []:
            yield pkg, path


@pytest.mark.parametrize("pkg,path", list(files()), ids=lambda x: str(x).replace(str(ROOT) + "/", ""))
def test_layer_imports(pkg, path):
    rel = str(path.relative_to(ROOT))
    bad = (imported_packages(path) & FORBIDDEN[pkg]) - ENTRY_POINT_ALLOWED.get(rel, set())
    assert not bad, f"{rel} imports {sorted(bad)}, which the {pkg} layer must not"


def test_nothing_imports_run_py():
    for pkg, path in files():
        assert "run" not in imported_packages(path), path
