"""The shape of the code, checked statically with ast: layers, no cycles, no private
imports, module size.

registry -> stream -> trainer -> predictions -> metrics: ``common`` is the ground floor;
``tasks`` and ``trainer`` are peers that never import each other; ``mixtures`` and
``eval`` stand on them; ``caches`` and ``run.py`` on top. Entry points may import what
they run. See README.md, "Layout".
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("common", "tasks", "trainer", "mixtures", "eval", "caches")
PROJECT = set(PACKAGES) | {"run"}
# package -> project packages it must never import
FORBIDDEN = {
    "common": {"tasks", "trainer", "mixtures", "eval", "caches", "run"},
    "tasks": {"trainer", "mixtures", "eval", "caches", "run"},
    "trainer": {"tasks", "mixtures", "eval", "caches", "run"},
    "mixtures": {"trainer", "eval", "caches", "run"},
    "eval": {"mixtures", "caches", "run"},
    "caches": {"trainer", "eval", "run"},
}
# Entry points that wire layers together, like run.py: allowed extra imports.
ENTRY_POINT_ALLOWED = {"tasks/__main__.py": {"mixtures"}, "eval/__main__.py": {"mixtures"},
                       "eval/superglue.py": {"mixtures"}}
# Modules that are data tables, not logic: exempt from the size limit.
MAX_LINES = 500
DATA_MODULES = {"tasks/flan/templates.py"}
# A module docstring says what the module owns and points at README.md or docs/.
MAX_DOCSTRING_LINES = 12


def project_files():
    """Every project .py file (tests and benchmarks aside), sorted."""
    found = [ROOT / "run.py"]
    for pkg in PACKAGES:
        found += sorted((ROOT / pkg).rglob("*.py"))
    return [p for p in found if "demo_raw" not in p.parts]


def module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in project_files()}


def resolve(name: str):
    """The project module ``name`` refers to (a package or module), or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(path: pathlib.Path):
    """``(module imported, names taken from it)`` for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:  # ``from pkg import module``
                    yield full, ()
                else:
                    yield base, (alias.name,)


def project_graph():
    """module -> project modules it imports (at any depth in the file, lazy ones too)."""
    graph = {}
    for name, path in MODULES.items():
        graph[name] = {r for target, _ in imports(path)
                       if (r := resolve(target)) and r != name}
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules, or None (depth-first search)."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def top_packages(path: pathlib.Path) -> set:
    return {t.split(".")[0] for t, _ in imports(path)} & PROJECT


def layered_files():
    for pkg in FORBIDDEN:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if "demo_raw" not in path.parts:
                yield pkg, path


@pytest.mark.parametrize("pkg,path", list(layered_files()),
                         ids=lambda x: str(x).replace(str(ROOT) + "/", ""))
def test_layer_imports(pkg, path):
    rel = str(path.relative_to(ROOT))
    bad = (top_packages(path) & FORBIDDEN[pkg]) - ENTRY_POINT_ALLOWED.get(rel, set())
    assert not bad, f"{rel} imports {sorted(bad)}, which the {pkg} layer must not"


def test_nothing_imports_run_py():
    for _, path in layered_files():
        assert "run" not in top_packages(path), path


def test_no_import_cycle():
    cycle = find_cycle(project_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_cycle_finder_finds_a_cycle():
    """The check above can fail: a planted cycle is found, a chain is not."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_private_name_crosses_modules():
    found = []
    for name, path in MODULES.items():
        for target, names in imports(path):
            owner = resolve(target)
            if not owner or owner == name:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            last = target.rsplit(".", 1)[-1]
            if last.startswith("_") and not last.startswith("__"):
                private.append(target)
            found += [f"{path.relative_to(ROOT)} imports {n} from {owner}" for n in private]
    assert not found, "\n".join(found)


def test_modules_stay_small():
    big = []
    for path in MODULES.values():
        rel = str(path.relative_to(ROOT))
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and rel not in DATA_MODULES:
            big.append(f"{rel}: {lines} lines")
    assert not big, f"modules over {MAX_LINES} lines (split them): " + ", ".join(big)


def test_no_docs_outside_the_project():
    """Docstrings and comments point at README.md or docs/, never at files users lack."""
    bad = [str(p.relative_to(ROOT)) for p in MODULES.values()
           if any(word in p.read_text(encoding="utf-8") for word in ("STYLE.md", "MISSION.md"))]
    assert not bad, f"mention files outside the project: {', '.join(bad)}"


def test_module_docstrings_are_short_and_present():
    """Every module says what it owns in a few lines; the details live in README/docs."""
    bad = []
    for path in MODULES.values():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        rel = str(path.relative_to(ROOT))
        if not doc:
            bad.append(f"{rel}: no module docstring")
        elif len(doc.splitlines()) > MAX_DOCSTRING_LINES:
            bad.append(f"{rel}: {len(doc.splitlines())} lines")
    assert not bad, f"module docstrings over {MAX_DOCSTRING_LINES} lines or missing: " + \
        ", ".join(bad)


def test_docs_pointed_at_exist():
    """``See docs/x.md`` in a module docstring names a page the project has."""
    import re
    missing = []
    for path in MODULES.values():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        for page in re.findall(r"docs/[\w-]+\.md", doc):
            if not (ROOT / page).is_file():
                missing.append(f"{path.relative_to(ROOT)} -> {page}")
    assert not missing, ", ".join(missing)

