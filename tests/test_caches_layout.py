"""The shape of ``caches/``: code apart from build outputs, no import cycles, small modules.

Checked statically (ast, file text) plus the demo command line and the error classes;
nothing here needs TensorFlow or built data.
"""

import ast
import pathlib

import pytest

from caches import build_tfds, raw_formats, tfds_datasets
from caches.demo import cli as demo_cli
from common.errors import UserError
from tasks import paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHES = ROOT / "caches"
DEMO = CACHES / "demo"
# Modules every demo generator may use; they never import a generator or the CLI.
DEMO_SHARED = {"shared", "scale", "pools", "tables", "sentences", "parse"}
MAX_LINES = 500


def project_imports(path: pathlib.Path) -> set:
    """Dotted names of the ``caches`` modules ``path`` imports (``from caches.x import y``
    counts as ``caches.x`` and, when ``y`` is a module, ``caches.x.y``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("caches"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("caches"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names
                             if (ROOT / node.module.replace(".", "/") / f"{a.name}.py").exists())
    return found


def module_name(path: pathlib.Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_demo_shared_modules_import_no_generator():
    for name in sorted(DEMO_SHARED):
        imported = project_imports(DEMO / f"{name}.py")
        bad = {m for m in imported if m.startswith("caches.demo.")
               and m.split(".")[2] not in DEMO_SHARED}
        assert not bad, f"caches/demo/{name}.py imports {sorted(bad)}"


def test_demo_generators_never_import_the_cli_or_each_other():
    groups = [p for p in DEMO.glob("*.py")
              if p.stem not in DEMO_SHARED | {"cli", "__init__", "__main__"}]
    assert {p.stem for p in groups} >= {"superglue", "glue", "ft", "nli", "closedbook",
                                        "commonsense", "coref", "summarization",
                                        "textgen", "translation"}
    for path in groups:
        bad = {m for m in project_imports(path) if m.startswith("caches.demo.")
               and m.split(".")[2] not in DEMO_SHARED}
        assert not bad, f"{module_name(path)} imports {sorted(bad)}"


def test_no_import_cycle_in_caches():
    modules = {module_name(p): p for p in CACHES.rglob("*.py") if "built" not in p.parts}
    graph = {name: {m for m in project_imports(path) if m in modules and m != name}
             for name, path in modules.items()}

    def visit(name, stack):
        assert name not in stack, " -> ".join(stack + [name])
        for dep in sorted(graph[name]):
            visit(dep, stack + [name])

    for name in sorted(graph):
        visit(name, [])


def test_caches_modules_are_small():
    too_big = {str(p.relative_to(ROOT)): n for p in sorted(CACHES.rglob("*.py"))
               if "built" not in p.parts
               and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_big, f"over {MAX_LINES} lines: {too_big}"


def test_no_private_name_imported_across_caches_modules():
    for path in sorted(CACHES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("caches"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.relative_to(ROOT)} imports {private}"


# --- build outputs: one git-ignored folder apart from code -------------------------------

def test_build_outputs_live_under_caches_built():
    assert paths.BUILT_DIR == CACHES / "built"
    for built in (paths.DEMO_TFDS_DIR, paths.DEMO_VOCAB_DIR, paths.DEMO_MODEL_DIR):
        assert built.parent == paths.BUILT_DIR, built
    # The seqio cache default (read as text: this test need not import seqio).
    source = (CACHES / "cache_tasks.py").read_text(encoding="utf-8")
    assert 'paths.BUILT_DIR / "seqio"' in source and 'CACHES_DIR / "seqio"' not in source


def test_gitignore_ignores_caches_built_only():
    lines = [line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()]
    # Without the trailing slash: a link named caches/built is ignored too.
    assert "caches/built" in lines
    others = [line for line in lines if line.startswith("caches/") and line != "caches/built"]
    assert not others, f"build outputs belong under caches/built/: {others}"
    makefile = (ROOT / "Makefile").read_text()
    assert "rm -rf caches/built\n" in makefile


# --- errors: user-fixable, and still their builtin kind ------------------------------------

@pytest.mark.parametrize("cls,builtin", [
    (raw_formats.RawDataError, ValueError),
    (build_tfds.BuildError, RuntimeError),
    (tfds_datasets.UnknownDatasetError, ValueError),
])
def test_caches_errors_are_user_errors(cls, builtin):
    assert issubclass(cls, UserError) and issubclass(cls, builtin)


def test_one_build_error_class_in_build_tfds():
    assert build_tfds.BuildError is build_tfds.__dict__["BuildError"]
    assert "BuildError" not in vars(tfds_datasets)


def test_build_tfds_keeps_its_public_api():
    for name in build_tfds.__all__:
        assert hasattr(build_tfds, name), name


def test_unknown_dataset_is_exit_2_and_one_line(capsys):
    assert build_tfds.main(["--raw_dir", "x", "--data_dir", "y", "--datasets", "nope"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: unknown dataset 'nope'")


def test_unknown_dataset_with_debug_raises():
    with pytest.raises(tfds_datasets.UnknownDatasetError, match="nope"):
        build_tfds.main(["--raw_dir", "x", "--data_dir", "y", "--datasets", "nope", "--debug"])


# --- the demo command line ------------------------------------------------------------------

def test_demo_cli_writes_the_tree(tmp_path, capsys):
    assert demo_cli.main(["--out", str(tmp_path / "raw")]) == 0
    out = capsys.readouterr().out.strip()
    n = sum(1 for p in (tmp_path / "raw").rglob("*") if p.is_file())
    assert n > 100 and out.startswith(f"wrote {n} files (")


def test_demo_cli_failure_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert demo_cli.main(["--out", str(blocker / "raw")]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: ") and "--debug" in err[0]
