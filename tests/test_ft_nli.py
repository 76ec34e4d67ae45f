"""ANLI r1-r3, SNLI and TREC: demo raw files -> TFDS builds -> formatted FLAN tasks."""

import pytest

import seqio
import tensorflow as tf
import tensorflow_datasets as tfds
from caches import build_tfds as bt
from tasks.flan import datasets_nli as nli
import mixtures
mixtures.register_all()  # every built-in task and mixture
from tasks.flan.templates import PATTERNS
from helpers import build_demo_group, copy_raw_files, split_counts
from helpers import FIELDS as ALL_FIELDS

# The fields this group's formatters provide (the table in tests/conftest.py).
FIELDS = {name: ALL_FIELDS[name] for name in ("anli", "snli", "trec")}

NAMES = ["anli/r1", "anli/r2", "anli/r3", "snli", "trec"]
COUNTS = {
    "anli/r1": {"train": 40, "validation": 10, "test": 10},
    "anli/r2": {"train": 40, "validation": 10, "test": 10},
    "anli/r3": {"train": 40, "validation": 10, "test": 10},
    # Including the pairs with no gold label (2 in train, 1 in dev and test).
    "snli": {"train": 40, "validation": 10, "test": 10},
    "trec": {"train": 40, "test": 10},
}
LENGTHS = {"inputs": 512, "targets": 16}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The five datasets built from the demo raw files into a fresh data dir."""
    return build_demo_group(tmp_path_factory, "nli", NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_demo_builds_have_expected_split_counts(data_dir, name):
    assert split_counts(data_dir, name) == COUNTS[name]


def test_snli_demo_has_pairs_without_gold_label(data_dir):
    labels = [int(ex["label"]) for ex in tfds.load(
        "snli:1.1.0", split="train", data_dir=data_dir).as_numpy_iterator()]
    assert labels.count(-1) == 2 and set(labels) == {-1, 0, 1, 2}


@pytest.mark.parametrize("name,rel,text,message", [
    ("anli/r2", "anli/anli_v0.1/R2/dev.jsonl",
     '{"uid": "a", "context": "C.", "hypothesis": "H.", "label": "entailment"}\n',
     r"dev.jsonl line 1: label 'entailment' is not one of \['e', 'n', 'c'\]"),
    ("anli/r1", "anli/anli_v0.1/R1/test.jsonl",
     '{"uid": "a", "context": "C.", "hypothesis": "H.", "label": "e"}\n'
     '{"uid": "a", "context": "D.", "hypothesis": "H.", "label": "n"}\n',
     r"test.jsonl line 2: uid 'a' repeats an earlier line"),
    ("anli/r3", "anli/anli_v0.1/R3/train.jsonl", '{"uid": "a", "context": "C."\n',
     r"train.jsonl line 1: not valid JSON"),
    ("snli", "snli/snli_1.0/snli_1.0_dev.txt",
     "gold_label\tsentence1\tsentence2\nyes\tA dog runs.\tAn animal runs.\n",
     r"snli_1.0_dev.txt line 2: gold_label 'yes' is not one of"),
    ("snli", "snli/snli_1.0/snli_1.0_test.txt", "gold_label\tpremise\thypothesis\n",
     r"snli_1.0_test.txt line 1: header has no column 'sentence1', 'sentence2'"),
    ("trec", "trec/TREC_10.label", "NUM:date When was Ashby founded ?\nQUANT:count How "
     "many ?\n", r"TREC_10.label line 2: coarse label 'QUANT' is not one of"),
    ("trec", "trec/train_5500.label", "What is a kite festival ?\n",
     r"train_5500.label line 1: expected COARSE:fine"),
])
def test_checks_name_the_bad_file(tmp_path, name, rel, text, message):
    root = copy_raw_files(tmp_path, name)
    (root / rel).write_text(text)
    with pytest.raises(bt.RawDataError, match=f"^{name}: .*{message}") as err:
        bt.validate_raw(name, str(root))
    assert "\n" not in str(err.value)


def test_format_trec_in_memory():
    ex = {"text": tf.constant("Who founded Riverton ?"), "label-coarse": tf.constant(3),
          "label-fine": tf.constant(4)}
    out = {k: v.numpy().decode() for k, v in nli.format_trec(ex).items()}
    assert out == {"question": "Who founded Riverton?", "answer": "human"}


def test_nli_formatter_and_gold_filter_in_memory():
    anli = next(cfg for cfg in nli.DATASETS if cfg.name == "anli_r2")
    ex = {"uid": tf.constant("u"), "context": tf.constant("C."),
          "hypothesis": tf.constant("H."), "label": tf.constant(1, tf.int64)}
    out = {k: v.numpy().decode() for k, v in anli.formatter(ex).items()}
    assert out == {"context": "C.", "hypothesis": "H.",
                   "answer": "it is not possible to tell"}
    assert not nli.has_gold_label({"label": tf.constant(-1, tf.int64)})
    assert nli.has_gold_label({"label": tf.constant(2, tf.int64)})


def _first_source_example(name, split, data_dir, keep=lambda ex: True):
    for ex in tfds.load(name, split=split, data_dir=data_dir).as_numpy_iterator():
        if keep(ex):
            return ex
    raise AssertionError(f"no example in {name}[{split}]")


@pytest.mark.parametrize("task,tfds_name,fields,split", [
    ("anli_r3_type_0", "anli/r3:0.1.0", ("context", "hypothesis"), "validation"),
    ("snli_type_0", "snli:1.1.0", ("premise", "hypothesis"), "validation"),
])
def test_zero_shot_nli_shows_the_source_fields(local_data, task, tfds_name, fields, split):
    # The filter drops SNLI's unlabelled pairs, so the task starts at the first labelled one.
    source = _first_source_example(tfds_name, split, local_data, lambda ex: ex["label"] >= 0)
    (ex,) = seqio.get_mixture_or_task(task).get_dataset(
        LENGTHS, split=split, shuffle=False).take(1).as_numpy_iterator()
    text = ex["inputs_pretokenized"].decode()
    for field in fields:
        assert source[field].decode() in text
    assert text.endswith("OPTIONS:\n- yes\n- it is not possible to tell\n- no")
    assert ex["targets_pretokenized"].decode() == nli.NLI_OPTIONS[source["label"]]


def test_snli_tasks_never_see_unlabelled_pairs(local_data):
    ds = seqio.get_mixture_or_task("snli_type_1").get_dataset(
        LENGTHS, split="train", shuffle=False)
    targets = [ex["targets_pretokenized"].decode() for ex in ds.as_numpy_iterator()]
    assert len(targets) == 38 and set(targets) == set(nli.NLI_OPTIONS)


def test_zero_shot_trec_reads_the_test_split_as_validation(local_data):
    source = _first_source_example("trec:1.0.0", "test", local_data)
    (ex,) = seqio.get_mixture_or_task("trec_type_1").get_dataset(
        LENGTHS, split="validation", shuffle=False).take(1).as_numpy_iterator()
    question = source["text"].decode().replace(" ?", "?")
    assert f"Question: {question}" in ex["inputs_pretokenized"].decode()
    assert (ex["targets_pretokenized"].decode()
            == nli.TREC_OPTIONS[source["label-coarse"]])


def test_templates_and_metrics():
    assert {cfg.templates or cfg.name for cfg in nli.DATASETS} == set(FIELDS)
    assert len(PATTERNS["anli"]) == 10 and len(PATTERNS["trec"]) == 9
    for cfg in nli.DATASETS:
        assert not cfg.mixtures
        (metric,) = cfg.metric_fns
        options = list(cfg.options)
        assert metric(options, options) == {"accuracy": 100.0}
        assert metric(options, options[1:] + options[:1]) == {"accuracy": 0.0}
