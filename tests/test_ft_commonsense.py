"""PIQA, OpenBookQA and HellaSwag: demo raw files -> TFDS builds -> formatted FLAN tasks."""


import pytest

import seqio
import tensorflow as tf
import tensorflow_datasets as tfds
from caches import build_tfds as bt
from caches import raw_commonsense as raw
from caches.raw_formats import RawDataError
from tasks import metrics
from tasks.flan import datasets_commonsense as cs
import mixtures
mixtures.register_all()  # every built-in task and mixture
from tasks.flan.templates import PATTERNS, REVERSED
from helpers import build_demo_group, copy_raw_files, split_counts
from helpers import FIELDS as ALL_FIELDS

# The fields this group's formatters provide (the table in tests/conftest.py).
FIELDS = {name: ALL_FIELDS[name] for name in ("piqa", "openbookqa", "hellaswag")}

NAMES = ["piqa", "openbookqa", "hellaswag"]
_HELLASWAG_VIEWS = {
    "train_activitynet": 28, "train_wikihow": 12,
    "validation_ind_activitynet": 4, "validation_ood_activitynet": 2,
    "validation_ind_wikihow": 2, "validation_ood_wikihow": 2,
    "test_ind_activitynet": 4, "test_ood_activitynet": 2,
    "test_ind_wikihow": 2, "test_ood_wikihow": 2}
COUNTS = {
    # Upstream PIQA ships train and dev only.
    "piqa": {"train": 40, "validation": 10},
    "openbookqa": {"train": 40, "validation": 10, "test": 10},
    "hellaswag": {"train": 40, "validation": 10, "test": 10, **_HELLASWAG_VIEWS},
}
LENGTHS = {"inputs": 512, "targets": 64}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The three datasets built from the demo raw files into a fresh data dir."""
    return build_demo_group(tmp_path_factory, "commonsense", NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_demo_builds_have_expected_split_counts(data_dir, name):
    assert split_counts(data_dir, name) == COUNTS[name]


def test_demo_labels_are_balanced_and_hellaswag_test_is_unlabelled(data_dir):
    def labels(name, split, key="label"):
        return [int(ex[key]) for ex in tfds.load(
            name, split=split, data_dir=data_dir).as_numpy_iterator()]
    assert sorted(set(labels("piqa:1.0.0", "validation"))) == [0, 1]
    assert sorted(set(labels("openbookqa:0.1.0", "test", "answerKey"))) == [0, 1, 2, 3]
    assert sorted(set(labels("hellaswag:1.1.0", "validation"))) == [0, 1, 2, 3]
    assert set(labels("hellaswag:1.1.0", "test")) == {-1}


# --------------------------------------------------------------- raw-file checks


_PIQA = "piqa/physicaliqa-train-dev/"
_OBQA = "openbookqa/OpenBookQA-V1-Sep2018/Data/Additional/"
_ROW = '{"id": "a", "goal": "G", "sol1": "A.", "sol2": "B."}\n'
_CHOICES = ", ".join(f'{{"text": "{t}", "label": "{t}"}}' for t in "ABCD")
_THREE_CHOICES = _CHOICES[:_CHOICES.rindex(', {"text": "D"')]
_OBQA_ROW = ('{"id": "%s", "question": {"stem": "Q?", "choices": [' + _CHOICES + ']}, '
             '"fact1": "F", "humanScore": 1.0, "clarity": 2.0, "turkIdAnonymized": "t", '
             '"answerKey": "%s"}\n')
_HS_ROW = ('{"ctx": "C", "activity_label": "A", "split_type": "indomain", '
           '"source_id": "wikihow~1", "endings": ["a", "b", "c", "d"]%s}\n')


@pytest.mark.parametrize("name,files,message", [
    ("piqa", {_PIQA + "dev.jsonl": _ROW * 10, _PIQA + "dev-labels.lst": "0\n" * 9},
     r"dev-labels.lst: 9 labels for the 10 lines of dev.jsonl"),
    ("piqa", {_PIQA + "train-labels.lst": "0\n2\n"},
     r"train-labels.lst line 2: label 2 is not 0 or 1"),
    ("piqa", {_PIQA + "train.jsonl": _ROW.replace('"sol2"', '"sol3"')},
     r"train.jsonl line 1: has no 'sol2'"),
    ("piqa", {_PIQA + "dev.jsonl": _ROW + "\n"},
     r"dev.jsonl line 2: not valid JSON \(blank line\)"),
    ("openbookqa", {_OBQA + "test_complete.jsonl": _OBQA_ROW % ("x", "E")},
     r"test_complete.jsonl line 1: answerKey 'E' is not A, B, C or D"),
    ("openbookqa", {_OBQA + "dev_complete.jsonl": _OBQA_ROW % ("x", "A") * 2},
     r"dev_complete.jsonl line 2: id 'x' repeats an earlier line"),
    ("openbookqa", {_OBQA + "train_complete.jsonl":
                    _OBQA_ROW.replace(_CHOICES, _THREE_CHOICES) % ("x", "A")},
     r"train_complete.jsonl line 1: 'question' needs a 'choices' list of four"),
    ("hellaswag", {"hellaswag/hellaswag_val.jsonl": _HS_ROW % ""},
     r"hellaswag_val.jsonl line 1: label None is not the index of one of its 4 endings"),
    ("hellaswag", {"hellaswag/hellaswag_train.jsonl": _HS_ROW % ', "label": 4'},
     r"hellaswag_train.jsonl line 1: label 4 is not the index"),
])
def test_checks_name_the_malformed_file(tmp_path, name, files, message):
    root = copy_raw_files(tmp_path, name)
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    with pytest.raises(RawDataError, match=message) as err:
        raw.CHECKS[name]([str(root / rel) for rel in bt.RAW_FILES[name]])
    assert "\n" not in str(err.value)
    # And the build stops before TFDS runs, naming the dataset.
    with pytest.raises(RawDataError, match=f"^{name}: .*{message}"):
        bt.build_tfds(str(root), str(tmp_path / "tfds"), [name], verbose=False)


def test_hellaswag_test_lines_need_no_label(tmp_path):
    root = copy_raw_files(tmp_path, "hellaswag")
    (root / "hellaswag/hellaswag_test.jsonl").write_text(_HS_ROW % "", encoding="utf-8")
    raw.check_hellaswag([str(root / rel) for rel in bt.RAW_FILES["hellaswag"]])


def test_url_table_covers_the_builders():
    from tensorflow_datasets.datasets.piqa import piqa_dataset_builder as piqa
    from tensorflow_datasets.text import hellaswag
    assert raw.URL_TO_RAW[piqa._PIQA_URL] == "piqa"
    for name in ("hellaswag_train.jsonl", "hellaswag_val.jsonl", "hellaswag_test.jsonl"):
        assert raw.URL_TO_RAW[hellaswag._HELLASWAG_URL + name] in bt.RAW_FILES["hellaswag"]


# --------------------------------------------------------------------- formatters


def _decode(fields):
    return {k: (v.numpy().decode() if v.shape.rank == 0
                else [x.decode() for x in v.numpy()]) for k, v in fields.items()}


def test_format_piqa():
    out = _decode(cs.format_piqa({
        "goal": tf.constant("To dry a shoe,"), "sol1": tf.constant("soak it."),
        "sol2": tf.constant("stuff it with paper."), "label": tf.constant(1, tf.int64)}))
    assert out["options"] == ["soak it.", "stuff it with paper."]
    assert out["answer"] == "stuff it with paper." and out["goal"] == "To dry a shoe,"


def test_format_openbookqa():
    question = {"stem": tf.constant("Which floats?"),
                **{f"choice_{k}": tf.constant(f"thing {k}") for k in "ABCD"}}
    out = _decode(cs.format_openbookqa({
        "question": question, "fact1": tf.constant("corks float"),
        "answerKey": tf.constant(2, tf.int64)}))
    assert out == {"question": "Which floats?", "fact": "corks float",
                   "options": ["thing A", "thing B", "thing C", "thing D"],
                   "answer": "thing C"}


def test_format_hellaswag_drops_markup_and_handles_unlabelled():
    ex = {"context": tf.constant("[header] How to bathe a dog [title] Brush it. [step] "
                                 "Tangles get worse."),
          "endings": tf.constant(["[title] Use warm water. [step] Wet it.",
                                  "Use glue.", "[substeps] Sing.", "Stop."]),
          "activity_label": tf.constant("Pets and Animals"),
          "label": tf.constant(0, tf.int32)}
    out = _decode(cs.format_hellaswag(ex))
    assert out["context"] == "How to bathe a dog\nBrush it.\nTangles get worse."
    assert out["options"] == ["Use warm water. Wet it.", "Use glue.", "Sing.", "Stop."]
    assert out["answer"] == "Use warm water. Wet it."
    unlabelled = _decode(cs.format_hellaswag({**ex, "label": tf.constant(-1, tf.int32)}))
    assert unlabelled["answer"] == ""


# -------------------------------------------------------------------------- tasks


def _first(name, split, data_dir):
    return next(tfds.load(name, split=split, data_dir=data_dir).as_numpy_iterator())


def test_zero_shot_piqa_shows_the_source_fields(local_data):
    source = _first("piqa:1.0.0", "validation", local_data)
    (ex,) = seqio.get_mixture_or_task("piqa_type_0").get_dataset(
        LENGTHS, split="validation", shuffle=False).take(1).as_numpy_iterator()
    text = ex["inputs_pretokenized"].decode()
    sols = [source["sol1"].decode(), source["sol2"].decode()]
    assert source["goal"].decode() in text
    assert text.endswith("OPTIONS:\n- " + "\n- ".join(sols))
    assert ex["targets_pretokenized"].decode() == sols[source["label"]]
    assert [o.decode() for o in ex["options"]] == sols


def test_zero_shot_openbookqa_shows_the_source_fields(local_data):
    source = _first("openbookqa:0.1.0", "validation", local_data)
    (ex,) = seqio.get_mixture_or_task("openbookqa_type_0").get_dataset(
        LENGTHS, split="validation", shuffle=False).take(1).as_numpy_iterator()
    text = ex["inputs_pretokenized"].decode()
    choices = [source["question"][f"choice_{k}"].decode() for k in "ABCD"]
    assert source["question"]["stem"].decode() in text and source["fact1"].decode() in text
    assert ex["targets_pretokenized"].decode() == choices[source["answerKey"]]


def test_zero_shot_hellaswag_on_test_has_empty_targets(local_data):
    (ex,) = seqio.get_mixture_or_task("hellaswag_type_1").get_dataset(
        LENGTHS, split="test", shuffle=False).take(1).as_numpy_iterator()
    assert "[" not in ex["inputs_pretokenized"].decode()
    assert ex["targets_pretokenized"].decode() == "" and len(ex["options"]) == 4


def test_templates_and_metrics():
    assert {cfg.name for cfg in cs.DATASETS} == set(FIELDS)
    assert {name: (len(PATTERNS[name]), REVERSED[name]) for name in FIELDS} == {
        "piqa": (10, 1), "openbookqa": (10, 2), "hellaswag": (10, 1)}
    assert all(cfg.metric_fns == (metrics.accuracy,) and not cfg.mixtures
               for cfg in cs.DATASETS)
    assert metrics.accuracy(["Use warm water.", "a cork"],
                            ["Use warm water.", "a nail"]) == {"accuracy": 50.0}
