"""Every registered task and mixture yields real examples from the demo TFDS data.

Parameterised over the registry itself, so a newly registered task is covered with
no change here.
"""

import string

import pytest

import mixtures
import seqio
import tensorflow as tf
from tasks import lookup, prompts, shots
from tasks.flan import datasets as flan_datasets
from tasks.names import Shot, mixture_name, squad_t5_name, zero_shot_name

LENGTHS = {"inputs": 1024, "targets": 128}
ALL_NAMES = lookup.registered_names()
TASK_NAMES = sorted(seqio.TaskRegistry.names())
FLAN_CONFIGS = {cfg.name: cfg for cfg in flan_datasets.DATASETS}


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
    names = set(ALL_NAMES)
    for cfg in flan_datasets.DATASETS:
        for i in range(prompts.DATASET_TEMPLATES[cfg.name]):
            assert f"{cfg.name}_type_{i}_one_shot" in names
    for m in ("glue_mix.t5", "glue_mix.flan", "sglue_mix.t5", "sglue_mix.flan",
              "sglue_prompted_mix.flan", "sglue_noisy_prompted_mix.flan",
              "ft_sentiment_mix.flan", "ft_paraphrase_similarity_mix.flan",
              "ft_squad_mix.flan", "ft_squad_mix.t5", "ft_closedbook_qa_mix.flan",
              "ft_translation_mix.flan", "ft_translation_mix.t5",
              "ft_summarization_mix.flan", "ft_summarization_mix.t5",
              "sglue_dpr_prompted_mix.flan", "sglue_dpr_wsc_prompted_mix.flan"):
        assert m in names
    assert len(TASK_NAMES) > 500


def _source_fields(info, split):
    """The formatted fields of the source's first example of ``split`` (eager TF)."""
    task = seqio.get_mixture_or_task(info.name)
    raw = next(iter(task.source.get_dataset(split=split, shuffle=False)))
    cfg = FLAN_CONFIGS.get(info.dataset)
    fields = cfg.formatter(raw) if cfg else prompts.default_formatter()(raw)
    return {k: v.numpy().decode() for k, v in fields.items() if v.shape.rank == 0}


def check_flan_fields(info, split, ex):
    """The zero-shot input shows every field its template names, from the source."""
    fields = _source_fields(info, split)
    used = [f for _, f, _, _ in string.Formatter().parse(info.template[0]) if f]
    text = ex["inputs_pretokenized"].decode()
    for field in used:
        if field == "options_":
            assert "OPTIONS:\n- " in text
        else:
            assert fields[field] in text, (field, fields[field], text)


def check_exemplars(info, ex):
    """One-shot: exactly one exemplar; multi-shot: 2..16; never the example itself."""
    prompt = ex["inputs_pretokenized"].decode()
    parts = prompt.split(shots.EXEMPLAR_SEPARATOR)
    evaluated, exemplars = parts[-1], parts[:-1]
    n = shots.count_exemplars(prompt)
    if info.shot is Shot.ONE:
        assert n == 1, prompt
    else:
        assert 2 <= n <= shots.MAX_MULTI_SHOT, prompt
    for exemplar in exemplars:
        assert exemplar.rsplit("\n\n", 1)[0] != evaluated
    assert len(ex["inputs"]) <= LENGTHS["inputs"]


MIXTURES = set(seqio.MixtureRegistry.names())
PARAMS = [pytest.param(n, marks=pytest.mark.slow) if n in MIXTURES else n for n in ALL_NAMES]


@pytest.mark.parametrize("name", PARAMS)
def test_every_name_yields_text(name):
    """Each task and mixture: real examples from the demo data, decoding to text.

    FLAN tasks also show their source fields (zero-shot) or the right number of
    exemplars (one/multi-shot), built once per name to keep the suite fast.
    """
    vocab = seqio.get_mixture_or_task(name).output_features["inputs"].vocabulary
    split, examples = first_examples(name)
    assert examples, f"{name}[{split}] is empty"
    for ex in examples:
        text = vocab.decode(ex["inputs"].tolist())
        assert text.strip() and ex["inputs_pretokenized"].decode().strip()
        assert ex["inputs"][-1] == vocab.eos_id
        if not split.startswith("test"):
            assert vocab.decode(ex["targets"].tolist()).strip()
    info = prompts.PROMPT_TASKS.get(name)
    if info is None:
        return
    if info.shot is Shot.ZERO:
        check_flan_fields(info, split, examples[0])
    else:
        for ex in examples:
            check_exemplars(info, ex)


# On the split exemplars come from (train; validation or test for a dataset without
# train), check the example is never its own exemplar (template 0 of every dataset,
# both few-shot variants).
POOL_FEW = [n for n, i in prompts.PROMPT_TASKS.items()
            if i.shot is not Shot.ZERO and i.template_idx == 0]


@pytest.mark.parametrize("name", POOL_FEW)
def test_exemplars_exclude_the_example_on_the_pool_split(name):
    info = prompts.PROMPT_TASKS[name]
    split = shots.pool_split(seqio.get_mixture_or_task(name))
    _, examples = first_examples(name, split=split, n=4)
    for ex in examples:
        check_exemplars(info, ex)


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
    for family, datasets in flan_datasets.FT_DATASETS.items():
        mixture = seqio.get_mixture_or_task(mixture_name(family, "flan"))
        assert sorted(t.name for t in mixture.tasks) == sorted(
            prompts.prompt_task_names(datasets))
    sentiment = flan_datasets.FT_DATASETS[flan_datasets.SENTIMENT_MIX]
    paraphrase = flan_datasets.FT_DATASETS[flan_datasets.PARAPHRASE_MIX]
    assert len(sentiment) == 4 and "sst2" in sentiment
    assert len(paraphrase) == 4 and {"glue_mrpc", "glue_qqp", "stsb"} < set(paraphrase)
    assert flan_datasets.FT_DATASETS[flan_datasets.SQUAD_MIX] == ("squad_v1", "squad_v2")
    t5_mix = seqio.get_mixture_or_task(mixture_name(flan_datasets.SQUAD_MIX, "t5"))
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
