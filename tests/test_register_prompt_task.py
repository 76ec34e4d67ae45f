"""The public registration API: user tasks, shot variants, mixtures, template checks."""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

import seqio
from tasks import lookup, prompts, templating
from tasks.sources import LocalTfdsDataSource

ROOT = pathlib.Path(__file__).resolve().parent.parent

USER_MODULE = '''
import tasks
from tasks.sources import LocalTfdsDataSource

tasks.register_prompt_task(
    "{name}",
    source=LocalTfdsDataSource("super_glue/rte:1.0.2"),
    templates=[("{{premise}}\\n\\nDoes this imply \\"{{{placeholder}}}\\"?\\n\\n{{options_}}", "{{answer}}"),
               ("Write a claim that follows from: {{premise}}", "{{hypothesis}}")],
    options=["yes", "no"],
    mixtures=["my_mix"],
)
'''


def run_cli(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([sys.executable, "-m", "tasks", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_user_module_tasks_listed_with_shot_variants(tmp_path, demo_assets):
    module = tmp_path / "my_tasks.py"
    module.write_text(USER_MODULE.format(name="my_rte", placeholder="hypothesis"))
    out = run_cli("list", "^my_", "--task_modules", str(module))
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines()]
    for i in (0, 1):
        for suffix in ("", "_one_shot", "_multi_shot"):
            assert f"my_rte_type_{i}{suffix}" in names
    assert "my_mix.flan" in names
    # ... and the user task renders real examples from the demo data.
    out = run_cli("show", "my_rte_type_0_one_shot", "-n", "1", "--task_modules", str(module))
    assert out.returncode == 0, out.stderr
    assert "OPTIONS:\n  - yes\n  - no" in out.stdout


def test_bad_placeholder_fails_at_registration(tmp_path):
    module = tmp_path / "bad_tasks.py"
    module.write_text(USER_MODULE.format(name="my_bad", placeholder="hypothesys"))
    out = run_cli("list", "--task_modules", str(module))
    assert out.returncode == 2
    err = out.stderr.strip().splitlines()
    assert len(err) == 1, out.stderr
    assert "my_bad: template 0 input uses unknown placeholder {hypothesys}" in err[0]
    assert "did you mean {hypothesis}?" in err[0]
    assert "known fields:" in err[0] and "premise" in err[0]
    assert "bad_tasks.py" in err[0]


def test_check_templates_in_process():
    with pytest.raises(templating.TemplateError, match=r"template 1 target uses unknown "
                       r"placeholder \{label_word\}; known fields: answer, premise"):
        templating.check_templates("t", [("{premise}", "{answer}"), ("{premise}", "{label_word}")],
                                   ["premise", "answer"])
    with pytest.raises(templating.TemplateError, match="must be an \\(input, target\\) pair"):
        templating.check_templates("t", ["{premise}"], ["premise"])


def test_failing_user_module_names_its_path(tmp_path):
    module = tmp_path / "broken.py"
    module.write_text("import tasks\nraise RuntimeError('boom')\n")
    with pytest.raises(lookup.TaskModuleError, match=r"broken.py.*RuntimeError: boom"):
        lookup.load_task_modules(str(module))
    with pytest.raises(lookup.TaskModuleError, match="no_such_module"):
        lookup.load_task_modules("no_such_module")


def test_register_in_process_with_explicit_fields():
    names = prompts.register_prompt_task(
        "unit_rte", source=LocalTfdsDataSource("super_glue/rte:1.0.2"),
        templates=[("{premise} {options_}", "{answer}")], fields=["premise", "hypothesis"],
        options=["yes", "no"], shots=(prompts.Shot.ZERO, prompts.Shot.ONE))
    try:
        assert names == ["unit_rte_type_0", "unit_rte_type_0_one_shot"]
        info = prompts.PROMPT_TASKS["unit_rte_type_0"]
        assert info.classification and info.options == ("yes", "no")
        with pytest.raises(ValueError, match="already registered"):
            prompts.register_prompt_task(
                "unit_rte", source=LocalTfdsDataSource("super_glue/rte:1.0.2"),
                templates=[("{premise}", "{answer}")], fields=["premise"])
    finally:
        for n in names:
            seqio.TaskRegistry.remove(n)
            prompts.PROMPT_TASKS.pop(n)
        prompts.DATASET_TEMPLATES.pop("unit_rte")
