"""Every registered task and mixture, checked per dataset rather than per task name.

For each FLAN-style dataset: every registered task's definition (source,
preprocessors, template, options, metrics) matches the dataset's config; every template
renders real demo examples read once; and one real pipeline per shot variant (zero-,
one-, multi-shot) yields tokenized text. T5-style tasks each build their
pipeline; every mixture's members match the families its tasks declared.
Parameterised over the registry itself, so a newly registered task is covered with no
change here.
"""

import string

import pytest

import mixtures
import seqio
import tensorflow as tf
from tasks import lookup, prompts, registration, shots, t5_style
from tasks.flan import datasets as flan_datasets
from tasks.flan.templates import PATTERNS
from tasks.names import (PARAPHRASE_MIX, REGISTERED_SHOTS, SENTIMENT_MIX, SQUAD_MIX, Shot,
                         dataset_task_name, mixture_name, shot_name, squad_t5_name,
                         zero_shot_name)
from tasks.sources import LocalTfdsDataSource

MIXTURE_NAMES = mixtures.register_all()
LENGTHS = {"inputs": 1024, "targets": 128}
TASK_NAMES = sorted(seqio.TaskRegistry.names())
FLAN_CONFIGS = {cfg.name: cfg for cfg in flan_datasets.DATASETS}
T5_NAMES = sorted(t5_style.register_all())
# The zero-shot pipeline of a dataset runs its last template (often a reversed one),
# the one- and multi-shot pipelines template 0 (so they share one first block of exemplars).
FEW_SHOT_TEMPLATE = 0


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


def eval_split(provider):
    splits = provider.splits
    for split in ("validation", "validation_matched", "test"):
        if split in splits:
            return split
    return sorted(splits)[0]


def first_examples(name, split=None, n=2, lengths=LENGTHS):
    provider = seqio.get_mixture_or_task(name)
    split = split or eval_split(provider)
    kwargs = dict(sequence_length=lengths, split=split, shuffle=False)
    if isinstance(provider, seqio.Mixture):
        kwargs.update(copy_pretokenized=True, seed=0)
    return split, list(provider.get_dataset(**kwargs).take(n).as_numpy_iterator())


def test_registry_is_complete():
    """Every registered task is a FLAN dataset's (per template: covered below; per
    dataset: tests/test_dataset_tasks.py) or a T5 package's."""
    flan = {n for n, info in prompts.PROMPT_TASKS.items() if info.dataset in FLAN_CONFIGS}
    per_dataset = {n for n, info in prompts.DATASET_TASKS.items()
                   if info.dataset in FLAN_CONFIGS}
    # _10templates and _all_templates (every FLAN dataset has a reversed template), 3 shots.
    assert len(per_dataset) == 2 * 3 * len(FLAN_CONFIGS)
    assert set(TASK_NAMES) == flan | per_dataset | set(T5_NAMES)
    for cfg in flan_datasets.DATASETS:
        for i in range(prompts.DATASET_TEMPLATES[cfg.name]):
            assert f"{cfg.name}_type_{i}_one_shot" in flan
    assert sorted(MIXTURE_NAMES) == sorted(seqio.MixtureRegistry.names()) == sorted((
        "glue_mix.t5", "glue_mix.flan", "sglue_mix.t5", "sglue_mix.flan",
        "sglue_prompted_mix.flan", "sglue_noisy_prompted_mix.flan",
        "ft_sentiment_mix.flan", "ft_paraphrase_similarity_mix.flan",
        "ft_squad_mix.flan", "ft_squad_mix.t5", "ft_closedbook_qa_mix.flan",
        "ft_translation_mix.flan", "ft_translation_mix.t5",
        "ft_summarization_mix.flan", "ft_summarization_mix.t5",
        "sglue_dpr_prompted_mix.flan", "sglue_dpr_wsc_prompted_mix.flan",
        "glue_v002_proportional", "super_glue_v102_proportional"))
    assert len(TASK_NAMES) > 500


def test_registering_again_changes_nothing():
    before = {n: seqio.get_mixture_or_task(n) for n in TASK_NAMES + MIXTURE_NAMES}
    # Once the shared vocabulary has resolved its file, the definitions are still equal.
    assert before[TASK_NAMES[0]].output_features["inputs"].vocabulary.vocab_size
    assert mixtures.register_all() == MIXTURE_NAMES
    assert all(seqio.get_mixture_or_task(n) is p for n, p in before.items())


def _formatted_fields(cfg, raw):
    """The formatted scalar fields of one source example (eager TF)."""
    return {k: v.numpy().decode() for k, v in cfg.formatter(raw).items()
            if isinstance(v, tf.Tensor) and v.shape.rank == 0}


def check_fields_shown(template, fields, text):
    """The input shows every field its template names, from the source."""
    used = [f for _, f, _, _ in string.Formatter().parse(template[0]) if f]
    for field in used:
        if field == "options_":
            assert "OPTIONS:\n- " in text
        else:
            assert fields[field] in text, (field, fields[field], text)


def check_exemplars(shot, ex):
    """One-shot: exactly one exemplar; multi-shot: 2..16; never the example itself."""
    prompt = ex["inputs_pretokenized"].decode()
    parts = prompt.split(shots.EXEMPLAR_SEPARATOR)
    evaluated, exemplars = parts[-1], parts[:-1]
    n = shots.count_exemplars(prompt)
    if shot is Shot.ONE:
        assert n == 1, prompt
    else:
        assert 2 <= n <= shots.MAX_MULTI_SHOT, prompt
    for exemplar in exemplars:
        assert exemplar.rsplit("\n\n", 1)[0] != evaluated
    assert len(ex["inputs"]) <= LENGTHS["inputs"]


@pytest.mark.parametrize("dataset", sorted(FLAN_CONFIGS))
def test_task_definitions_match_their_dataset(dataset):
    """Each of the dataset's tasks: its config's source, template i, options, filter,
    metrics, and the shared tail (tokenize, cache, exemplars for few-shot, EOS)."""
    cfg = FLAN_CONFIGS[dataset]
    templates = [tuple(t) for t in PATTERNS[cfg.template_key]]
    expected = {shot_name(dataset, i, s): (i, s) for i in range(len(templates)) for s in REGISTERED_SHOTS}
    assert {n for n, info in prompts.PROMPT_TASKS.items()
            if info.dataset == dataset} == set(expected)
    for name, (i, shot) in expected.items():
        task, info = seqio.get_mixture_or_task(name), prompts.PROMPT_TASKS[name]
        assert (info.dataset, info.template_idx, info.shot, info.template) == (
            dataset, i, shot, templates[i])
        assert isinstance(task.source, LocalTfdsDataSource)
        assert task.source.tfds_dataset.name == cfg.tfds_name
        assert task.source.tfds_dataset._split_map == cfg.splits
        steps = list(task.preprocessors)
        if cfg.example_filter is not None:
            step = steps.pop(0)
            assert step.func is prompts.filter_examples
            assert step.keywords["predicate"] is cfg.example_filter
        render = steps.pop(0)
        assert render.func is prompts.apply_template
        assert render.keywords == {"formatter": cfg.formatter, "template": templates[i],
                                   "options": cfg.options}
        assert steps[0] is seqio.preprocessors.tokenize
        assert isinstance(steps[1], seqio.CacheDatasetPlaceholder)
        assert steps[-1] is seqio.preprocessors.append_eos_after_trim
        if shot is Shot.ZERO:
            assert len(steps) == 3
        else:
            assert shots.fewshot_source(task) == (zero_shot_name(dataset, i), shot)
            assert len(steps) == 4
        asks_answer = templates[i][1] == "{answer}"
        assert list(task.metric_fns) == (list(cfg.metric_fns) if asks_answer else [])
        postprocess = cfg.postprocess_fn or prompts.strip_postprocessor
        assert task.postprocessor is (postprocess if asks_answer else None)


@pytest.mark.parametrize("dataset", sorted(FLAN_CONFIGS))
def test_every_template_renders_real_examples(dataset):
    """All templates of the dataset on its first two evaluation examples (read once);
    the registered zero-shot pipeline of the last template (tokenized, EOS) gives the
    same text."""
    cfg = FLAN_CONFIGS[dataset]
    templates = [tuple(t) for t in PATTERNS[cfg.template_key]]
    task = seqio.get_mixture_or_task(zero_shot_name(dataset, 0))
    split = eval_split(task)
    source = task.source.get_dataset(split=split, shuffle=False)
    if cfg.example_filter is not None:
        source = source.filter(cfg.example_filter)
    source = source.take(2).cache()
    raws = list(source)  # fills the cache: the templates below read it from memory
    assert raws, f"{dataset}[{split}] is empty"
    rows = list(tf.data.Dataset.zip(tuple(
        prompts.apply_template(source, formatter=cfg.formatter, template=t,
                               options=cfg.options) for t in templates)).as_numpy_iterator())
    for raw, row in zip(raws, rows):
        fields = _formatted_fields(cfg, raw)
        for template, ex in zip(templates, row):
            inputs, targets = ex["inputs"].decode(), ex["targets"].decode()
            assert inputs.strip(), (dataset, template)
            if not split.startswith("test"):
                assert targets.strip(), (dataset, template)
            check_fields_shown(template, fields, inputs)
            if "options" in ex:
                options = [o.decode() for o in ex["options"]]
                assert inputs.endswith("OPTIONS:\n- " + "\n- ".join(options))
    last = zero_shot_name(dataset, len(templates) - 1)
    _, examples = first_examples(last, split=split, n=len(raws))
    vocab = task.output_features["inputs"].vocabulary
    assert len(examples) == len(raws)
    for ex, row in zip(examples, rows):
        assert ex["inputs_pretokenized"] == row[-1]["inputs"]
        assert ex["targets_pretokenized"] == row[-1]["targets"]
        assert vocab.decode(ex["inputs"].tolist()).strip()
        assert ex["inputs"][-1] == vocab.eos_id


@pytest.mark.parametrize("shot", [Shot.ONE, Shot.MULTI], ids=lambda s: s.name.lower())
@pytest.mark.parametrize("dataset", sorted(FLAN_CONFIGS))
def test_each_few_shot_variant_yields_text(dataset, shot):
    """One real pipeline per dataset and few-shot variant (the zero-shot one is built
    above): one-shot on the evaluation split, multi-shot on the split exemplars come
    from; the right number of exemplars, never the example itself, tokens ending in
    EOS."""
    name = shot_name(dataset, FEW_SHOT_TEMPLATE, shot)
    task = seqio.get_mixture_or_task(name)
    split = shots.pool_split(task) if shot is Shot.MULTI else eval_split(task)
    split, examples = first_examples(name, split=split, n=4 if shot is Shot.MULTI else 2)
    assert examples, f"{name}[{split}] is empty"
    vocab = task.output_features["inputs"].vocabulary
    for ex in examples:
        assert vocab.decode(ex["inputs"].tolist()).strip()
        assert ex["inputs"][-1] == vocab.eos_id
        if not split.startswith("test"):
            assert vocab.decode(ex["targets"].tolist()).strip()
        check_exemplars(shot, ex)


@pytest.mark.parametrize("name", T5_NAMES)
def test_t5_task_yields_text(name):
    task = seqio.get_mixture_or_task(name)
    vocab = task.output_features["inputs"].vocabulary
    split, examples = first_examples(name)
    assert examples, f"{name}[{split}] is empty"
    for ex in examples:
        assert vocab.decode(ex["inputs"].tolist()).strip()
        assert ex["inputs_pretokenized"].decode().strip()
        assert ex["inputs"][-1] == vocab.eos_id
        if not split.startswith("test"):
            assert vocab.decode(ex["targets"].tolist()).strip()


@pytest.mark.parametrize("name", sorted(MIXTURE_NAMES))
def test_mixture_members_and_rates(name):
    """Members are the tasks that declared the family; each gets its capped rate, or
    T5's own weight for T5's GLUE and SuperGLUE tasks (0: evaluation only)."""
    from t5.data import glue_utils
    family, style = mixtures.T5_MIXTURE_NAMES.get(name) or name.rsplit(".", 1)
    mixture = seqio.get_mixture_or_task(name)
    members = registration.memberships()[(family, style)]
    assert sorted(t.name for t in mixture.tasks) == sorted(members)
    cap = mixtures.CAPS[style]
    t5_weights = {**glue_utils.get_glue_weight_mapping(),
                  **glue_utils.get_super_glue_weight_mapping()}
    for task in mixture.tasks:
        rate = mixture.get_rate(task)
        if style == "t5" and task.name in t5_weights:
            assert rate == t5_weights[task.name]
            continue
        assert 0 < rate <= cap and (rate == 1.0 or rate == int(rate)), (task.name, rate)
        if "train" not in task.splits:
            assert rate == 1.0


def test_benchmark_families_relate_as_documented():
    """The .flan families hold one task per dataset (and shot): the answer templates'
    ``_10templates`` for the ``*_mix`` ones, every template's ``_all_templates`` for the
    prompted ones."""
    def members(name):
        return {t.name for t in seqio.get_mixture_or_task(name).tasks}
    answer = members("sglue_mix.flan")
    sglue = {prompts.DATASET_TASKS[n].dataset for n in answer}
    assert len(sglue) == 8 and answer == {dataset_task_name(d) for d in sglue}
    every = members("sglue_prompted_mix.flan")
    assert every == {dataset_task_name(d, every_template=True) for d in sglue}
    for name in answer:
        info = prompts.DATASET_TASKS[name]
        assert info.template_indices == tuple(
            i for i, t in enumerate(PATTERNS[FLAN_CONFIGS[info.dataset].template_key])
            if t[1] == "{answer}")
    for name in every:
        info = prompts.DATASET_TASKS[name]
        assert len(info.template_indices) == prompts.DATASET_TEMPLATES[info.dataset]
    noisy = members("sglue_noisy_prompted_mix.flan")
    assert noisy == {dataset_task_name(d, s) for d in sglue for s in REGISTERED_SHOTS}
    dpr, dpr_wsc = members("sglue_dpr_prompted_mix.flan"), members(
        "sglue_dpr_wsc_prompted_mix.flan")
    assert every < dpr < dpr_wsc
    assert dpr - every == {dataset_task_name("dpr", every_template=True)}
    assert dpr_wsc - dpr == {dataset_task_name("wsc273", every_template=True)}
    glue = members("glue_mix.flan")
    assert dataset_task_name("rte") in glue and len(glue) == 10
    assert not {n for n in glue if prompts.DATASET_TASKS[n].dataset == "cb"}


def flan_info(name):
    """A FLAN task's info (per template or per dataset): ``.dataset`` and ``.shot``."""
    return prompts.PROMPT_TASKS.get(name) or prompts.DATASET_TASKS.get(name)


def mixing_sample(mixture):
    """One member per FLAN dataset (its shot variants taken in turn, so every shot setting
    a mixture holds is read) plus every T5-style member: the members a mixture test
    builds pipelines for. Each member's own pipeline is covered per dataset above; here
    what is checked is that seqio mixes them."""
    t5 = [t for t in mixture.tasks if flan_info(t.name) is None]
    flan = [(flan_info(t.name), t) for t in mixture.tasks if flan_info(t.name)]
    shot_order = list(dict.fromkeys(info.shot for info, _ in flan))
    datasets = list(dict.fromkeys(info.dataset for info, _ in flan))
    chosen = list(t5)
    for k, dataset in enumerate(datasets):
        own = [(info, t) for info, t in flan if info.dataset == dataset]
        turn = shot_order[k % len(shot_order)]
        chosen.append(next((t for info, t in own if info.shot == turn), own[0][1]))
    return chosen


@pytest.mark.parametrize("name", sorted(MIXTURE_NAMES))
def test_mixture_yields_text(name):
    """Every mixture: one vocabulary and dtype across all members, a positive rate for
    each (T5's evaluation-only tasks: 0, as T5 has them, with a train split none of
    them), and text out of seqio's mixing of its members (a sample of one per dataset
    for the large FLAN mixtures)."""
    from trainer import data
    mixture = seqio.get_mixture_or_task(name)
    data.check_compatible_features(mixture)
    assert all(mixture.get_rate(task) > 0 or "train" not in task.splits
               for task in mixture.tasks)
    sample = mixing_sample(mixture)
    probe = name
    if len(sample) < len(mixture.tasks):
        probe = f"test_registry_sample_{name}"
        seqio.MixtureRegistry.add(probe, [(t.name, mixture.get_rate(t)) for t in sample])
    try:
        split, examples = first_examples(probe)
    finally:
        if probe != name:
            seqio.MixtureRegistry.remove(probe)
    assert examples, f"{name}[{split}] is empty"
    vocab = mixture.output_features["inputs"].vocabulary
    for ex in examples:
        assert vocab.decode(ex["inputs"].tolist()).strip()
        assert ex["inputs"][-1] == vocab.eos_id


def test_mixing_sample_reads_every_shot_setting():
    """The sample of the noisy mixture holds one task per dataset and all three shots."""
    mixture = seqio.get_mixture_or_task("sglue_noisy_prompted_mix.flan")
    sample = mixing_sample(mixture)
    datasets = {flan_info(t.name).dataset for t in mixture.tasks}
    assert len(sample) == len(datasets)
    assert {flan_info(t.name).shot for t in sample} == set(REGISTERED_SHOTS)


def test_few_shot_is_deterministic_and_seeded():
    name = "rte_type_0_multi_shot"
    a = [e["inputs_pretokenized"] for e in first_examples(name, n=3)[1]]
    b = [e["inputs_pretokenized"] for e in first_examples(name, n=3)[1]]
    assert a == b
    shots.set_fewshot_seed(7)
    try:
        c = [e["inputs_pretokenized"] for e in first_examples(name, n=3)[1]]
    finally:
        shots.set_fewshot_seed(0)
    assert c != a


def test_few_shot_stays_within_the_token_budget():
    lengths = {"inputs": 160, "targets": 16}
    _, examples = first_examples("rte_type_0_multi_shot", n=4, lengths=lengths)
    for ex in examples:
        assert len(ex["inputs"]) <= 160
        # Not truncated: the evaluated input is whole at the end of the prompt.
        vocab = seqio.get_mixture_or_task("rte_type_0").output_features["inputs"].vocabulary
        assert ex["inputs_pretokenized"].decode().endswith("OPTIONS:\n- yes\n- no")
        assert vocab.decode(ex["inputs"].tolist()).endswith("- yes - no")


def test_few_shot_input_with_no_room_keeps_zero_exemplars(caplog):
    """FLAN v1's rule: an input that leaves no room for an exemplar keeps none (never an
    error), and each example says how many it got."""
    zero = [e["inputs_pretokenized"] for e in first_examples("rte_type_0", n=4)[1]]
    tight = {"inputs": 64, "targets": 16}
    _, examples = first_examples("rte_type_0_one_shot", n=4, lengths=tight)
    assert [int(e[shots.NUM_EXEMPLARS]) for e in examples] == [0] * 4
    assert [e["inputs_pretokenized"] for e in examples] == zero
    _, examples = first_examples("rte_type_0_multi_shot", n=4, lengths={"inputs": 400,
                                                                         "targets": 16})
    for ex in examples:
        n = int(ex[shots.NUM_EXEMPLARS])
        assert 1 <= n <= shots.MAX_MULTI_SHOT
        assert shots.count_exemplars(ex["inputs_pretokenized"].decode()) == n
    task = seqio.get_mixture_or_task("rte_type_0_one_shot")
    with caplog.at_level("WARNING"):
        assert shots.check_source_length([task], 8) == [task.name]
    assert "inputs keep zero exemplars" in caplog.text and "at least" in caplog.text
    assert shots.check_source_length([task], 512) == []
    # v1's markers are tokens too: its shortest prompt is longer, and the floor says so.
    v2_floor = shots.min_prompt_length(task)
    shots.set_fewshot_layout("v1")
    try:
        assert shots.min_prompt_length(task) > v2_floor
    finally:
        shots.set_fewshot_layout("v2")


def _flan_fewshot(train_inputs, train_targets, eval_input, v1):
    """FLAN's few-shot prompt by seqio's own ``fewshot_preprocessor``, with FLAN v1's
    settings (``flan/few_shot.py``: delimiter " X " after each input, prefixes "0 " and
    "1 ", separator " X ", then " FLAN") or v2's ("\n\n", no prefixes, "\n\n\n")."""
    delim, inputs_prefix, targets_prefix, sep, suffix = (
        (" X ", "0 ", "1 ", " X ", " FLAN") if v1 else ("\n\n", "", "", "\n\n\n", ""))
    ds = tf.data.Dataset.from_tensors({
        "train": {"inputs": [t + delim for t in train_inputs], "targets": train_targets},
        "eval": {"inputs": eval_input + delim, "targets": "unused"}})
    ds = seqio.experimental.fewshot_preprocessor(
        ds, inputs_prefix=inputs_prefix, targets_prefix=targets_prefix,
        example_separator=sep)
    text = next(ds.as_numpy_iterator())["inputs"].decode()
    return text.rstrip() + suffix  # FLAN strips trailing white space, then adds the suffix


def test_few_shot_layouts_are_flans():
    """v2 (the default) and v1 write FLAN's prompts: seqio's few-shot formatter with
    FLAN v2's and v1's settings gives the same text for the same exemplar; v1's markers
    are tokens in the ids, and the budget counts them."""
    lengths = {"inputs": 512, "targets": 16}
    zero = first_examples("rte_type_0", n=2, lengths=lengths)[1]
    v2 = first_examples("rte_type_0_one_shot", n=2, lengths=lengths)[1]
    shots.set_fewshot_layout("v1")
    try:
        v1 = first_examples("rte_type_0_one_shot", n=2, lengths=lengths)[1]
    finally:
        shots.set_fewshot_layout("v2")
    vocab = seqio.get_mixture_or_task("rte_type_0").output_features["inputs"].vocabulary
    for z, a, b in zip(zero, v2, v1):
        question = z["inputs_pretokenized"].decode()
        exemplar = a["inputs_pretokenized"].decode()[:-len(question) - 3]
        ex_input, ex_target = exemplar.rsplit("\n\n", 1)
        assert a["inputs_pretokenized"].decode() == _flan_fewshot(
            [ex_input], [ex_target], question, v1=False)
        assert b["inputs_pretokenized"].decode() == _flan_fewshot(
            [ex_input], [ex_target], question, v1=True)
        assert int(b[shots.NUM_EXEMPLARS]) == 1
        ids = b["inputs"].tolist()
        mark = {m: list(vocab.encode(m)) for m in ("0", "X", "1", "FLAN")}
        assert ids[:len(mark["0"])] == mark["0"]
        after = mark["X"] + mark["1"] + mark["FLAN"]
        assert ids[-len(after) - 1:] == after + [vocab.eos_id]
        assert len(b["inputs"]) > len(a["inputs"])  # the markers are tokens
    with pytest.raises(shots.FewShotLayoutError, match="unknown few-shot layout 'v3'"):
        shots.set_fewshot_layout("v3")


def test_fixed_count_shot_variants_are_registered_on_first_use():
    """``_two_shot``, ``_three_shot``, ``_five_shot``, ``_ten_shot`` of a template task or
    a per-dataset task: looked up by name, registered then, with that many exemplars
    where they fit; multi-shot stays within FLAN's 960-token budget."""
    from tasks import shot_variants
    name = "rte_type_0_five_shot"
    assert name not in seqio.TaskRegistry.names()  # not built with the registry
    task = lookup.get_provider(name)
    zero = seqio.get_mixture_or_task("rte_type_0")
    assert task.metric_fns == zero.metric_fns and prompts.PROMPT_TASKS[name].shot is Shot.FIVE
    _, examples = first_examples(name, n=3, lengths={"inputs": 1024, "targets": 16})
    assert [int(e[shots.NUM_EXEMPLARS]) for e in examples] == [5, 5, 5]
    assert all(shots.count_exemplars(e["inputs_pretokenized"].decode()) == 5 for e in examples)
    per_dataset = lookup.get_provider("rte_10templates_two_shot")
    assert prompts.DATASET_TASKS[per_dataset.name].shot is Shot.TWO
    assert all(n in seqio.TaskRegistry.names()
               for n in prompts.template_tasks(per_dataset.name))
    assert shot_variants.variant_of("rte_type_0_four_shot") is None
    with pytest.raises(lookup.UnknownNameError, match="rte_type_0_four_shot"):
        lookup.get_provider("rte_type_0_four_shot")
    _, examples = first_examples("rte_type_0_multi_shot", n=3,
                                 lengths={"inputs": 4096, "targets": 16})
    assert all(len(e["inputs"]) <= shots.MULTI_SHOT_BUDGET for e in examples)
    assert [Shot.from_label(x) for x in ("2", "three", "5", "10")] == [
        Shot.TWO, Shot.THREE, Shot.FIVE, Shot.TEN]


def test_flan_option_block_and_answer():
    _, examples = first_examples("rte_type_0", n=4)
    for ex in examples:
        inputs = ex["inputs_pretokenized"].decode()
        assert inputs.endswith("\n\nOPTIONS:\n- yes\n- no")
        assert ex["targets_pretokenized"].decode() in ("yes", "no")
        assert [o.decode() for o in ex["options"]] == ["yes", "no"]
    # Per-example options: COPA's two alternatives.
    _, (ex,) = first_examples("copa_type_0", n=1)
    opts = [o.decode() for o in ex["options"]]
    assert len(opts) == 2 and ex["targets_pretokenized"].decode() in opts
    assert ex["inputs_pretokenized"].decode().endswith(f"OPTIONS:\n- {opts[0]}\n- {opts[1]}")


def test_reversed_templates_are_training_only():
    for name, info in prompts.PROMPT_TASKS.items():
        task = seqio.get_mixture_or_task(name)
        if info.template[1] == "{answer}":
            assert task.metric_fns, name
        else:
            assert not task.metric_fns and not info.classification, name


def test_unknown_names_suggest_nearest():
    with pytest.raises(lookup.UnknownNameError, match="nearest: rte_type_3"):
        lookup.get_provider("rte_typ_3")
    with pytest.raises(lookup.UnknownNameError, match="unknown style 't6'.*glue_mix.t5"):
        lookup.get_provider("glue_mix.t6")


def test_ft_mixtures_hold_every_template_of_their_datasets():
    ft_families = {j.family for cfg in flan_datasets.DATASETS for j in cfg.mixtures
                   if j.family.startswith("ft_")}
    assert len(ft_families) == 6
    for family in ft_families:
        mixture = seqio.get_mixture_or_task(mixture_name(family, "flan"))
        assert sorted(t.name for t in mixture.tasks) == sorted(
            dataset_task_name(d, every_template=True)
            for d in flan_datasets.datasets_in(family))
    sentiment = flan_datasets.datasets_in(SENTIMENT_MIX)
    paraphrase = flan_datasets.datasets_in(PARAPHRASE_MIX)
    assert len(sentiment) == 4 and "sst2" in sentiment
    assert len(paraphrase) == 4 and {"glue_mrpc", "glue_qqp", "stsb"} < set(paraphrase)
    assert flan_datasets.datasets_in(SQUAD_MIX) == ("squad_v1", "squad_v2")
    t5_mix = seqio.get_mixture_or_task(mixture_name(SQUAD_MIX, "t5"))
    assert [t.name for t in t5_mix.tasks] == [squad_t5_name()]


def test_squad_answers_are_spans_or_unanswerable():
    """v1: the target is a span of the input's context; v2 adds "unanswerable"."""
    targets = {}
    for dataset in ("squad_v1", "squad_v2"):
        task = seqio.get_mixture_or_task(zero_shot_name(dataset, 0))
        assert not prompts.PROMPT_TASKS[task.name].classification  # written out
        _, examples = first_examples(task.name, n=10)
        targets[dataset] = [ex["targets_pretokenized"].decode() for ex in examples]
        for ex, target in zip(examples, targets[dataset]):
            assert target == flan_datasets.UNANSWERABLE or (
                target in ex["inputs_pretokenized"].decode())
        scores = task.metric_fns[0](targets[dataset], targets[dataset])
        assert scores == {"em": 100.0, "f1": 100.0}
    assert flan_datasets.UNANSWERABLE not in targets["squad_v1"]
    assert targets["squad_v2"].count(flan_datasets.UNANSWERABLE) == 4


def test_t5_squad_keeps_every_answer_for_scoring():
    task = seqio.get_mixture_or_task(squad_t5_name())
    _, (ex,) = first_examples(task.name, n=1)
    assert ex["inputs_pretokenized"].decode().startswith("question: ")
    answers = task.postprocess_fn("x", example=ex, is_target=True)
    assert len(answers) == 3 and ex["targets_pretokenized"].decode() == answers[0]
    assert task.metric_fns[0]([answers], [answers[1]]) == {"em": 100.0, "f1": 100.0}


def test_sentiment140_leaves_out_neutral_tweets():
    task = seqio.get_mixture_or_task(zero_shot_name("sentiment140", 0))
    source = task.source.get_dataset(split="validation", shuffle=False)
    polar = [ex for ex in source.as_numpy_iterator() if ex["polarity"] != 2]
    assert 0 < len(polar) < sum(1 for _ in source)  # the demo file has neutral rows
    _, examples = first_examples(task.name, n=len(polar) + 5)
    assert len(examples) == len(polar)
    assert {ex["targets_pretokenized"] for ex in examples} == {b"negative", b"positive"}
