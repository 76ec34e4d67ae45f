"""DPR and WSC273: demo raw files -> TFDS builds -> formatted FLAN and T5 tasks."""


import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture
import seqio
import tensorflow as tf
import tensorflow_datasets as tfds
from caches import build_tfds as bt
from caches.demo import coref as demo_coref
from tasks import dpr, paths, prompts, shots, t5_style
from tasks.flan import datasets_coref as coref
from tasks.flan.datasets import datasets_in
from tasks.flan.templates import PATTERNS, REVERSED
from tasks.names import Shot, mixture_name, shot_name
from helpers import build_demo_group, copy_raw_files, split_counts
from helpers import FIELDS as ALL_FIELDS

# The fields this group's formatters provide (the table in tests/conftest.py).
FIELDS = {name: ALL_FIELDS[name] for name in ("dpr", "wsc273")}

NAMES = ["definite_pronoun_resolution", "wsc273"]
COUNTS = {
    "definite_pronoun_resolution": {"train": 40, "test": 10},
    "wsc273": {"test": 12},
}
LENGTHS = {"inputs": 512, "targets": 32}
# The wsc273 builder parses its XML with lxml's HTML parser, and bs4 says so.
pytestmark = pytest.mark.filterwarnings("ignore:It looks like you're using an HTML parser")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Both datasets built from the demo raw files into a fresh data dir."""
    return build_demo_group(tmp_path_factory, "coref", NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_demo_builds_have_expected_split_counts(data_dir, name):
    assert split_counts(data_dir, name) == COUNTS[name]


def test_demo_files_are_reproducible(tmp_path):
    demo_coref.write_all(tmp_path)
    for name in NAMES:
        for rel in bt.RAW_FILES[name]:
            assert (tmp_path / rel).read_bytes() == (paths.DEMO_RAW_DIR / rel).read_bytes()


def test_demo_labels_are_balanced(data_dir):
    for name, split in (("definite_pronoun_resolution:1.1.0", "train"),
                        ("wsc273:1.0.0", "test")):
        labels = [int(ex["label"]) for ex in tfds.load(
            name, split=split, data_dir=data_dir).as_numpy_iterator()]
        assert labels.count(0) == labels.count(1), name


_SCHEMA = ("<schema><text><txt1>Ann met Eva because</txt1><pron>she</pron>"
           "<txt2>was lonely.</txt2></text><answers>{answers}</answers>"
           "<correctAnswer>{correct}</correctAnswer></schema>")


@pytest.mark.parametrize("name,rel,text,message", [
    ("definite_pronoun_resolution", "definite_pronoun_resolution/train.c.txt",
     "Ann met Eva because she was lonely.\nshe\nAnn,Eva\nAnn\n\n"
     "Ann met Eva because she was kind.\nshe\nAnn,Eva\nMaya\n\n",
     r"train.c.txt line 6: example correct antecedent 'Maya' is not one of the "
     r"candidates \['Ann', 'Eva'\]"),
    ("definite_pronoun_resolution", "definite_pronoun_resolution/test.c.txt",
     "Ann, Eva and Bo met because she was lonely.\nshe\nAnn,Eva,Bo\nAnn\n\n",
     r"test.c.txt line 1: example candidates line 'Ann,Eva,Bo' does not hold exactly "
     r"two"),
    ("definite_pronoun_resolution", "definite_pronoun_resolution/test.c.txt",
     "Ann met Eva because she was lonely.\nshe\nAnn,Eva\nAnn\n\n\n"
     "Ann met Eva because she was kind.\nshe\nAnn,Eva\nEva\n\n",
     r"test.c.txt line 6: blank where an example's sentence should start"),
    ("wsc273", "wsc273/WSCollection.xml",
     "<collection>\n" + _SCHEMA.format(answers="<answer>Ann</answer>", correct="A")
     + "\n</collection>\n",
     r"WSCollection.xml line 2: schema 1 has 1 <answer> elements, the builder needs "
     r"exactly 2"),
    ("wsc273", "wsc273/WSCollection.xml",
     "<collection>\n" + _SCHEMA.format(
         answers="<answer>Ann</answer><answer>Eva</answer>", correct="A") + "\n"
     + _SCHEMA.format(answers="<answer>Ann</answer><answer>Eva</answer>", correct="C")
     + "\n</collection>\n",
     r"WSCollection.xml line 3: schema 2: correctAnswer 'C' does not start with A or B"),
])
def test_checks_name_the_bad_file(tmp_path, name, rel, text, message):
    root = copy_raw_files(tmp_path, name)
    (root / rel).write_text(text)
    with pytest.raises(bt.RawDataError, match=f"^{name}: .*{message}") as err:
        bt.validate_raw(name, str(root))
    assert "\n" not in str(err.value)


def _numpy(out):
    return {k: v.numpy().tolist() if v.shape.rank else v.numpy().decode()
            for k, v in out.items()}


def test_format_dpr_in_memory():
    ex = {"sentence": tf.constant("Ann thanked Eva because she had helped."),
          "pronoun": tf.constant("she"), "candidates": tf.constant(["Ann", "Eva"]),
          "label": tf.constant(1, tf.int64)}
    assert _numpy(coref.format_dpr(ex)) == {
        "sentence": "Ann thanked Eva because she had helped.", "pronoun": "she",
        "options": [b"Ann", b"Eva"], "answer": "Eva"}


@pytest.mark.parametrize("text,pronoun,answers", [
    ("The rope could not hold the crate because it was too thin.", "it",
     ["the rope was too thin.", "the crate was too thin."]),
    # The pronoun ends the sentence: no space before the full stop.
    ("Zoë waved to Ida, so Ida waved back to her.", "her", ["Zoë.", "Ida."]),
])
def test_format_wsc273_in_memory(text, pronoun, answers):
    # Offsets in characters, as the builder computes them (Zoë is not ASCII).
    start = text.rindex(f" {pronoun}") + 1
    first, second = (["the rope", "the crate"] if pronoun == "it" else ["Zoë", "Ida"])
    ex = {"text": tf.constant(text), "pronoun_start": tf.constant(start, tf.int32),
          "pronoun_end": tf.constant(start + len(pronoun), tf.int32),
          "option1_normalized": tf.constant(first),
          "option2_normalized": tf.constant(second), "label": tf.constant(1, tf.int32)}
    out = _numpy(coref.format_wsc273(ex))
    assert out == {"context": text[:start].strip(),
                   "options": [a.encode() for a in answers], "answer": answers[1]}


def _first_source_example(name, split, data_dir):
    return next(tfds.load(name, split=split, data_dir=data_dir).as_numpy_iterator())


def test_zero_shot_dpr_shows_the_source_fields(local_data):
    source = _first_source_example(coref.DPR_TFDS, "test", local_data)
    (ex,) = seqio.get_mixture_or_task("dpr_type_0").get_dataset(
        LENGTHS, split="validation", shuffle=False).take(1).as_numpy_iterator()
    text = ex["inputs_pretokenized"].decode()
    candidates = [c.decode() for c in source["candidates"]]
    assert text.startswith(source["sentence"].decode())
    assert f"\"{source['pronoun'].decode()}\"" in text
    assert text.endswith("OPTIONS:\n- " + "\n- ".join(candidates))
    assert ex["targets_pretokenized"].decode() == candidates[source["label"]]
    assert [o.decode() for o in ex["options"]] == candidates


def test_wsc273_is_evaluated_on_its_test_split_and_never_trained(local_data):
    task = seqio.get_mixture_or_task("wsc273_type_3")
    assert set(task.splits) == {"validation", "test"}
    source = _first_source_example(coref.WSC273_TFDS, "test", local_data)
    (ex,) = task.get_dataset(LENGTHS, split="validation",
                             shuffle=False).take(1).as_numpy_iterator()
    text = ex["inputs_pretokenized"].decode()
    context = source["text"].decode()[:source["pronoun_start"]].strip()
    assert text.startswith(context + "\n\n")
    options = [o.decode() for o in ex["options"]]
    assert ex["targets_pretokenized"].decode() == options[source["label"]]
    assert all(o.endswith(source["text"].decode()[source["pronoun_end"]:].strip())
               for o in options)


def test_wsc273_few_shot_exemplars_are_other_test_examples(local_data):
    """No train split: exemplars come from the evaluated split, never the example itself."""
    zero, one = (seqio.get_mixture_or_task(shot_name("wsc273", 1, shot))
                 for shot in (Shot.ZERO, Shot.ONE))
    assert shots.pool_split(zero) == "validation"  # WSC273's test split, by another name
    inputs = [ex["inputs_pretokenized"].decode() for ex in zero.get_dataset(
        LENGTHS, split="test", shuffle=False).as_numpy_iterator()]
    for ex, own in zip(one.get_dataset(LENGTHS, split="test", shuffle=False)
                       .as_numpy_iterator(), inputs):
        exemplar, evaluated = ex["inputs_pretokenized"].decode().split(
            shots.EXEMPLAR_SEPARATOR)
        assert evaluated == own
        shown = exemplar.rsplit("\n\n", 1)[0]
        assert shown in inputs and shown != own


def test_dpr_one_shot_takes_an_exemplar_from_train(local_data):
    task = seqio.get_mixture_or_task(shot_name("dpr", 2, Shot.ONE))
    (ex,) = task.get_dataset(LENGTHS, split="validation", shuffle=False).take(1)
    assert ex["inputs_pretokenized"].numpy().decode().count("\n\n\n") == 1


def test_t5_dpr_marks_the_pronoun(local_data):
    task = seqio.get_mixture_or_task(dpr.DPR_T5_NAME)
    assert dpr.DPR_TASKS == ("dpr_v001_simple",)
    assert set(task.splits) == {"train", "test"}
    source = _first_source_example(coref.DPR_TFDS, "train", local_data)
    ds = task.source.get_dataset(split="train", shuffle=False).take(1)
    (ex,) = t5_style.apply_text_preprocessors(task, ds).as_numpy_iterator()
    pronoun = source["pronoun"].decode()
    assert ex["inputs"].decode() == "wsc: " + source["sentence"].decode().replace(
        f" {pronoun} ", f" *{pronoun}* ", 1)
    assert ex["targets"].decode() == source["candidates"][source["label"]].decode()


def test_templates_mixtures_and_metrics():
    assert {cfg.name for cfg in coref.DATASETS} == set(FIELDS)
    assert len(PATTERNS["dpr"]) == 10 and len(PATTERNS["wsc273"]) == 9
    assert REVERSED["dpr"] == REVERSED["wsc273"] == 1
    for family, datasets in (("sglue_dpr_prompted_mix", ("dpr",)),
                             ("sglue_dpr_wsc_prompted_mix", ("dpr", "wsc273"))):
        mixture = seqio.get_mixture_or_task(mixture_name(family, "flan"))
        # Every template, reversed ones included, zero-shot.
        assert sorted(t.name for t in mixture.tasks) == sorted(
            prompts.dataset_task_names(datasets_in("sglue_mix") + datasets))
        assert all(prompts.DATASET_TASKS[t.name].every_template for t in mixture.tasks)
    for cfg in coref.DATASETS:
        assert cfg.options is None
        assert not [f for f in cfg.families if f.startswith("ft_")]
        (metric,) = cfg.metric_fns
        assert metric(["Ann", "the cart"], ["Ann", "the cart"]) == {"accuracy": 100.0}
        assert metric(["Ann", "the cart"], ["Eva", "the cart"]) == {"accuracy": 50.0}
