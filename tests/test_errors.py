"""``common.errors``: one base class for the user's errors, one command-line wrapper.

Every error class the project raises for bad input derives from ``UserError`` (and keeps
its builtin base); ``cli_main`` prints one line and exits 2 for those, one line with the
type and exit 1 for anything else, re-raises with ``--debug`` and speaks on rank 0 only.
"""

import ast
import importlib
import pathlib

import pytest

from common.errors import UserError, cli_main, one_line, pop_debug

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Exceptions that are not bad input: control flow or internal signals.
NOT_USER_ERRORS = {"trainer.checkpoints.Preempted", "caches.tfds_offline.OfflineUrlError"}


def project_error_classes():
    """``module.Class`` for every class defined in the project whose name ends in Error."""
    found = []
    for path in [ROOT / "run.py"] + sorted(p for pkg in ("common", "tasks", "trainer", "eval",
                                                         "caches", "mixtures")
                                           for p in (ROOT / pkg).rglob("*.py")):
        if "demo_raw" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and (node.name.endswith("Error")
                                                   or node.name == "Preempted"):
                found.append(f"{module}.{node.name}")
    return found


@pytest.mark.parametrize("qualified", [q for q in project_error_classes()
                                       if q not in NOT_USER_ERRORS and q != "common.errors.UserError"])
def test_every_bad_input_error_is_a_user_error(qualified):
    module, name = qualified.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, UserError), f"{qualified} does not derive from UserError"
    builtin = [b for b in cls.__mro__ if b.__module__ == "builtins" and b is not object]
    assert builtin[0] is not Exception or cls is UserError, \
        f"{qualified} should keep a specific builtin base (ValueError, ...) for callers"


def test_the_error_list_is_found():
    names = project_error_classes()
    assert "run.RunError" in names and "tasks.lookup.UnknownNameError" in names
    assert len(names) >= 20


class Bad(UserError, ValueError):
    pass


def entry(argv):
    kind = argv[0]
    if kind == "user":
        raise Bad("no such thing 'x'; pass --y instead\nsecond line never shown")
    if kind == "crash":
        raise RuntimeError("boom")
    if kind == "assert":
        raise ValueError("assertion failed: [rte: no exemplar fits] [Op:Assert]")
    return 3 if kind == "three" else None


def test_user_error_is_one_line_exit_2(capsys):
    assert cli_main(entry, ["user"]) == 2
    err = capsys.readouterr().err
    assert err == "error: no such thing 'x'; pass --y instead\n"


def test_other_errors_are_one_line_exit_1(capsys):
    assert cli_main(entry, ["crash"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: RuntimeError: boom") and "--debug" in err and "\n" not in err


def test_tf_assertion_message_is_unwrapped():
    assert one_line(ValueError("assertion failed: [rte: no exemplar fits] [Op:Assert]")) == \
        "rte: no exemplar fits"


def test_exit_status_of_the_entry_point():
    assert cli_main(entry, ["three"]) == 3
    assert cli_main(entry, ["ok"]) == 0


def test_debug_reraises_and_is_stripped():
    with pytest.raises(Bad):
        cli_main(entry, ["user", "--debug"])
    seen = []
    cli_main(lambda argv: seen.append(argv), ["ok", "--debug"])
    assert seen == [["ok"]]
    cli_main(lambda argv: seen.append(argv), ["ok", "--debug"], keep_debug_flag=True)
    assert seen[-1] == ["ok", "--debug"]
    assert pop_debug(["--debug", "underflow_overflow", "--x"]) == (
        ["--debug", "underflow_overflow", "--x"], True)  # HF's own --debug keeps its value


def test_only_rank_0_prints_user_errors(capsys, monkeypatch):
    monkeypatch.setenv("RANK", "1")
    assert cli_main(entry, ["user"]) == 2
    assert capsys.readouterr().err == ""


def test_extra_user_errors(capsys):
    assert cli_main(entry, ["crash"], extra_user_errors=(RuntimeError,)) == 2
    assert capsys.readouterr().err == "error: boom\n"
