"""The public registration API: user tasks, shot variants, mixtures, template checks."""

import pytest

import seqio
from common.errors import UserError
from tasks import lookup, metrics, prompts, registration, t5_style, templating
from tasks import names as tasks_names
from tasks.sources import LocalTfdsDataSource
from tasks.tfds_versions import tfds_name


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


@pytest.fixture
def cli(capsys, user_registrations):
    """``python -m tasks ARGS`` in this process: (exit code, stdout, stderr)."""
    from tasks.__main__ import main

    def run(*args):
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_user_module_tasks_listed_with_shot_variants(tmp_path, demo_assets, cli):
    module = tmp_path / "my_tasks.py"
    module.write_text(USER_MODULE.format(name="my_rte", placeholder="hypothesis"))
    code, out, err = cli("list", "^my_", "--task_modules", str(module))
    assert code == 0, err
    names = [line.split()[0] for line in out.splitlines()]
    for i in (0, 1):
        for suffix in ("", "_one_shot", "_multi_shot"):
            assert f"my_rte_type_{i}{suffix}" in names
    assert "my_mix.flan" in names
    # Two templates, one reversed: the family holds every template, one per example.
    assert "my_rte_all_templates" in names and "my_rte_10templates_one_shot" in names
    # ... and the user task renders real examples from the demo data (the module loaded
    # again registers the same definitions: a no-op).
    code, out, err = cli("show", "my_rte_type_0_one_shot", "-n", "1", "--task_modules",
                         str(module))
    assert code == 0, err
    assert "OPTIONS:\n  - yes\n  - no" in out


def test_bad_placeholder_fails_at_registration(tmp_path, cli):
    module = tmp_path / "bad_tasks.py"
    module.write_text(USER_MODULE.format(name="my_bad", placeholder="hypothesys"))
    code, _, stderr = cli("list", "--task_modules", str(module))
    assert code == 2
    err = stderr.strip().splitlines()
    assert len(err) == 1, stderr
    assert "my_bad: template 0 input uses unknown placeholder {hypothesys}" in err[0]
    assert "did you mean {hypothesis}?" in err[0]
    assert "known fields:" in err[0] and "premise" in err[0]
    assert "bad_tasks.py" in err[0]


def test_show_a_few_shot_task_with_no_room_for_exemplars(cli):
    code, out, _ = cli("show", "rte_type_0_one_shot", "--max_source_length", "64",
                       "--split", "validation", "-n", "2")
    assert code == 0
    assert out.count("=== rte_type_0_one_shot") == 2 and out.count("--- exemplars: 0") == 2


def test_fewshot_layout_per_run_and_per_task(cli, unit_datasets):
    """``--fewshot_layout v1`` for a run (here ``python -m tasks show``), or
    ``fewshot_layout="v1"`` for one registered dataset whatever the run's."""
    code, out, _ = cli("show", "rte_type_0_one_shot", "--fewshot_layout", "v1",
                       "--split", "validation", "-n", "1")
    assert code == 0 and out.count(" X 1 ") == 2 and " X 1 FLAN" in out
    code, out, _ = cli("show", "rte_type_0_one_shot", "--split", "validation", "-n", "1")
    assert code == 0 and " X 1 FLAN" not in out  # the default: FLAN v2's layout
    _register("unit_v1", fewshot_layout="v1")
    code, out, _ = cli("show", "unit_v1_type_0_one_shot", "--split", "validation", "-n", "1")
    assert code == 0 and " X 1 FLAN" in out
    # A fixed-count variant, registered on first use, keeps its dataset's layout.
    code, out, _ = cli("show", "unit_v1_type_0_two_shot", "--split", "validation", "-n", "1")
    assert code == 0 and out.count(" X 1 ") == 3 and " X 1 FLAN" in out


def test_check_templates_in_process():
    with pytest.raises(templating.TemplateError, match=r"template 1 target uses unknown "
                       r"placeholder \{label_word\}; known fields: answer, premise"):
        templating.check_templates("t", [("{premise}", "{answer}"), ("{premise}", "{label_word}")],
                                   ["premise", "answer"])
    with pytest.raises(templating.TemplateError, match="must be an \\(input, target\\) pair"):
        templating.check_templates("t", ["{premise}"], ["premise"])


def test_table_rendering_equals_rendering_each_pattern():
    """A per-dataset task renders the drawn template from a table: the text ``render``
    gives, escapes, repeats and field-less patterns included."""
    import tensorflow as tf
    patterns = ["{premise} Q: {hypothesis}?", "{{literal}} {hypothesis}{premise}", "none",
                "{answer}", "{premise}{premise}"]
    values = {"premise": "A.", "hypothesis": "B", "answer": "yes"}
    names = sorted(values)
    table = templating.render_table(patterns, names)
    tensors = {k: tf.constant(v) for k, v in values.items()}
    stacked = tf.constant([values[n] for n in names])
    for i, pattern in enumerate(patterns):
        assert (templating.render_row(table, tf.constant(i), stacked).numpy()
                == templating.render(pattern, tensors).numpy() == pattern.format(**values).encode())


def test_failing_user_module_names_its_path(tmp_path):
    module = tmp_path / "broken.py"
    module.write_text("import tasks\nraise RuntimeError('boom')\n")
    with pytest.raises(lookup.TaskModuleError, match=r"broken.py.*RuntimeError: boom"):
        lookup.load_task_modules(str(module))
    with pytest.raises(lookup.TaskModuleError, match="no_such_module"):
        lookup.load_task_modules("no_such_module")


RTE = tfds_name("super_glue", "rte")


def _register(dataset, templates=(("{premise} {options_}", "{answer}"),), source=RTE,
              **kwargs):
    kwargs.setdefault("shots", (prompts.Shot.ZERO, prompts.Shot.ONE))
    return prompts.register_prompt_task(
        dataset, source=LocalTfdsDataSource(source), templates=list(templates),
        fields=["premise", "hypothesis"], options=["yes", "no"], **kwargs)


@pytest.fixture
def unit_datasets():
    """Unregisters the ``unit_*`` datasets a test registered (the registry is shared)."""
    yield
    for dataset in [d for d in prompts.DATASET_TEMPLATES if d.startswith("unit_")]:
        prompts.unregister_dataset(dataset)


def test_register_in_process_with_explicit_fields(unit_datasets):
    names = _register("unit_rte")
    # One answer template: _10templates only (_all_templates would be the same task).
    assert names == ["unit_rte_type_0", "unit_rte_type_0_one_shot",
                     "unit_rte_10templates", "unit_rte_10templates_one_shot"]
    info = prompts.PROMPT_TASKS["unit_rte_type_0"]
    assert info.classification and info.options == ("yes", "no")
    tasks_before = [seqio.get_mixture_or_task(n) for n in names]
    # The same definition again: nothing changes.
    assert _register("unit_rte") == names
    assert [seqio.get_mixture_or_task(n) for n in names] == tasks_before


@pytest.mark.parametrize("change,differing", [
    ({"templates": [("{premise}", "{answer}")]}, "templates"),
    ({"source": tfds_name("super_glue", "cb")}, "source (tfds super_glue/rte:1.0.2"),
    ({"metric_fns": [metrics.binary_f1("yes")]}, "metrics"),
])
def test_a_different_definition_under_a_registered_name_is_one_line_error(
        unit_datasets, change, differing):
    _register("unit_rte")
    with pytest.raises(registration.DuplicateNameError) as err:
        _register("unit_rte", **change)
    message = str(err.value)
    assert isinstance(err.value, UserError) and isinstance(err.value, ValueError)
    assert "\n" not in message
    assert "prompt dataset 'unit_rte' is already registered" in message
    assert f"differing: {differing}" in message
    # Both origins: this file, at the two calls.
    assert message.count("test_register_prompt_task.py:") == 2, message


def test_a_task_name_clash_across_kinds_names_both_origins():
    """A T5-style task under a FLAN task's name: the task-level check refuses it."""
    import mixtures
    mixtures.register_all()
    name = tasks_names.zero_shot_name("rte", 0)
    with pytest.raises(registration.DuplicateNameError) as err:
        t5_style.add_t5_task(name, RTE, [], metric_fns=[])
    message = str(err.value)
    assert f"task {name!r} is already registered (from tasks.flan config 'rte')" in message
    assert "test_register_prompt_task.py:" in message
    # FLAN sources list no splits (all of TFDS's); T5's lists three.
    assert ("differing: source (tfds super_glue/rte:1.0.2 splits=all vs tfds "
            "super_glue/rte:1.0.2 splits=train,validation,test), preprocessors, "
            "postprocessor, metrics)") in message
    assert prompts.PROMPT_TASKS[name].dataset == "rte"


def test_user_family_grows_and_is_rebuilt(unit_datasets):
    import mixtures
    mixtures.register_all()
    _register("unit_a", mixtures=["unit_mix"])
    assert "unit_mix.flan" in mixtures.register_all()
    mix = seqio.get_mixture_or_task("unit_mix.flan")
    # One template: the per-dataset task of its one (answer) template.
    assert [t.name for t in mix.tasks] == ["unit_a_10templates"]
    # Another module joins the family: registering again rebuilds the mixture.
    _register("unit_b", templates=[("{premise} {options_}", "{answer}"),
                                   ("Write: {premise}", "{hypothesis}")],
              mixtures=[registration.Join("unit_mix", answer_only=True)])
    mixtures.register_all()
    mix = seqio.get_mixture_or_task("unit_mix.flan")
    assert sorted(t.name for t in mix.tasks) == ["unit_a_10templates", "unit_b_10templates"]
    assert prompts.DATASET_TASKS["unit_b_10templates"].template_indices == (0,)
    assert mixtures.register_all().count("unit_mix.flan") == 1
    # A family that loses a member (a dataset unregistered) is dropped and rebuilt.
    prompts.unregister_dataset("unit_b")
    assert "unit_mix.flan" not in seqio.MixtureRegistry.names()
    mixtures.register_all()
    assert [t.name for t in seqio.get_mixture_or_task("unit_mix.flan").tasks] == [
        "unit_a_10templates"]
    prompts.unregister_dataset("unit_a")
    assert "unit_mix.flan" not in mixtures.register_all()


def test_a_mixture_whose_members_change_otherwise_is_an_error():
    import mixtures
    mixtures.register_all()
    with pytest.raises(registration.DuplicateNameError,
                       match=r"mixture 'glue_mix.t5' is already registered .*differing: "
                             r"members \(10 dropped"):
        registration.add_mixture("glue_mix.t5", [tasks_names.glue_t5_name("rte")],
                                 default_rate=1.0, origin="a test")


@pytest.mark.parametrize("error,builtin", [
    ("tasks.vocab.VocabularyError", ValueError),
    ("tasks.templating.TemplateError", ValueError),
    ("tasks.lookup.UnknownNameError", KeyError),
    ("tasks.lookup.TaskModuleError", ImportError),
    ("tasks.sources.MissingDatasetError", FileNotFoundError),
    ("tasks.cache_dirs.CacheDirError", ValueError),
    ("tasks.registration.DuplicateNameError", ValueError),
    ("tasks.tfds_versions.UnknownBuilderError", KeyError),
])
def test_task_errors_are_user_errors_and_keep_their_builtin_base(error, builtin):
    import importlib
    module, _, name = error.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, UserError) and issubclass(cls, builtin)
    assert str(cls("one line")) == "one line"


def test_bad_mixture_declarations_are_one_line_errors(unit_datasets):
    with pytest.raises(registration.MixtureFamilyError, match="neither a name nor a Join"):
        _register("unit_bad", mixtures=[3])
    with pytest.raises(registration.MixtureFamilyError,
                       match="'unit_mix' asks for multi-shot tasks this registration"):
        _register("unit_bad", mixtures=[registration.Join(
            "unit_mix", shots=(prompts.Shot.ZERO, prompts.Shot.MULTI))])
    assert "unit_bad" not in prompts.DATASET_TEMPLATES


def test_registering_needs_no_prepared_data(unit_datasets, tmp_path):
    """Definitions are compared without reading the data (splits as declared)."""
    from tasks import sources
    import mixtures
    sources.set_tfds_data_dir(str(tmp_path))  # empty: nothing prepared
    try:
        assert mixtures.register_all() == mixtures.register_all()
        source = LocalTfdsDataSource(RTE)  # no splits given: TFDS would list them
        for _ in range(2):
            prompts.register_prompt_task("unit_nodata", source=source,
                                         templates=[("{premise}", "{answer}")],
                                         fields=["premise"], shots=(prompts.Shot.ZERO,))
        assert prompts.DATASET_DEFINITIONS["unit_nodata"]["source"].endswith("splits=all")
    finally:
        sources.set_tfds_data_dir(None)


def test_task_files_of_one_name_in_two_folders_are_two_modules(tmp_path, user_registrations):
    """A second ``my_tasks.py`` elsewhere is loaded too, and a task file cannot shadow an
    installed module of its name."""
    names = []
    for folder, dataset in (("a", "my_rte_a"), ("b", "my_rte_b")):
        path = tmp_path / folder / "my_tasks.py"
        path.parent.mkdir()
        path.write_text(USER_MODULE.format(name=dataset, placeholder="hypothesis"))
        names += lookup.load_task_modules(str(path))
    assert len(set(names)) == 2 and "my_tasks" not in names
    assert "my_rte_a_type_0" in seqio.TaskRegistry.names()
    assert "my_rte_b_type_0" in seqio.TaskRegistry.names()
    json_file = tmp_path / "json.py"
    json_file.write_text("import tasks\n")
    lookup.load_task_modules(str(json_file))
    import json
    assert hasattr(json, "dumps")  # the standard library's, still
