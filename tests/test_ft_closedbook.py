"""NQ-open, TriviaQA and ARC: demo raw files -> TFDS builds -> formatted FLAN tasks."""


import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture
import seqio
import tensorflow as tf
import tensorflow_datasets as tfds
from caches import build_tfds as bt
from tasks import metrics, paths
from tasks.flan import datasets_closedbook as cb
from tasks.names import CLOSEDBOOK_MIX
from tasks.flan.templates import FREE_TEXT, PATTERNS, REVERSED
from helpers import build_demo_group, copy_raw_files, split_counts
from helpers import FIELDS as ALL_FIELDS

# The fields this group's formatters provide (the table in tests/conftest.py).
FIELDS = {name: ALL_FIELDS[name] for name in ("natural_questions", "trivia_qa", "arc")}

NAMES = ["natural_questions_open", "trivia_qa/rc.nocontext", "ai2_arc/ARC-Easy",
         "ai2_arc/ARC-Challenge"]
_FULL = {"train": 40, "validation": 10, "test": 10}
COUNTS = {
    "natural_questions_open": {"train": 40, "validation": 10},  # no test split upstream
    "trivia_qa/rc.nocontext": _FULL,
    "ai2_arc/ARC-Easy": _FULL,
    "ai2_arc/ARC-Challenge": _FULL,
}
LENGTHS = {"inputs": 512, "targets": 32}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The four datasets built from the demo raw files into a fresh data dir."""
    return build_demo_group(tmp_path_factory, "closedbook", NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_demo_builds_have_expected_split_counts(data_dir, name):
    assert split_counts(data_dir, name) == COUNTS[name]


def test_trivia_qa_test_split_has_no_answers(data_dir):
    values = {ex["answer"]["value"] for ex in tfds.load(
        "trivia_qa/rc.nocontext:1.1.0", split="test", data_dir=data_dir
    ).as_numpy_iterator()}
    assert values == {b"<unk>"}


_ARC_ROW = ('{"id": "q1", "question": {"stem": "Which tool measures mass?", "choices": '
            '[{"text": "a ruler", "label": "A"}, {"text": "a balance", "label": "B"}]}, '
            '"answerKey": "%s"}\n')
_TRIVIA = ('{\n    "Data": [\n        {\n            "Question": "Which river?",\n'
           '            "QuestionId": "tc_1",\n            "QuestionSource": "s"\n'
           '        }\n    ]\n}\n')


@pytest.mark.parametrize("name,rel,text,message", [
    ("natural_questions_open", "natural_questions_open/NQ-open.dev.jsonl",
     '{"question": "when was ashby founded", "answer": "1712"}\n',
     r"NQ-open.dev.jsonl line 1: 'answer' is not a non-empty list of strings"),
    ("natural_questions_open", "natural_questions_open/NQ-open.train.jsonl",
     '{"question": "q", "answer": ["a"], "id": 3}\n',
     r"NQ-open.train.jsonl line 1: unexpected key 'id'"),
    ("trivia_qa/rc.nocontext", "trivia_qa/qa/web-dev.json", _TRIVIA,
     r"web-dev.json line 3: record has no 'Answer'"),
    ("trivia_qa/rc.nocontext", "trivia_qa/qa/wikipedia-train.json",
     '{"Data": [{"Question": "Which river?", "QuestionId": "tc_1"}]}\n',
     r"wikipedia-train.json: no record found"),
    ("ai2_arc/ARC-Easy", "ai2_arc/ARC-V1-Feb2018-2/ARC-Easy/ARC-Easy-Dev.jsonl",
     _ARC_ROW % "C", r"ARC-Easy-Dev.jsonl line 1: answerKey 'C' is not the label"),
    ("ai2_arc/ARC-Challenge",
     "ai2_arc/ARC-V1-Feb2018-2/ARC-Challenge/ARC-Challenge-Test.jsonl",
     _ARC_ROW % "B" + _ARC_ROW % "A",
     r"ARC-Challenge-Test.jsonl line 2: id 'q1' repeats an earlier line"),
])
def test_checks_name_the_bad_file(tmp_path, name, rel, text, message):
    root = copy_raw_files(tmp_path, name)
    (root / rel).write_text(text)
    with pytest.raises(bt.RawDataError, match=f"^{name}: .*{message}") as err:
        bt.validate_raw(name, str(root))
    assert "\n" not in str(err.value)


def _decoded(fields):
    return {k: (v.numpy().decode() if v.shape.rank == 0
                else [s.decode() for s in v.numpy()]) for k, v in fields.items()}


def test_formatters_in_memory():
    nq = {"question": tf.constant("when was ashby founded "),
          "answer": tf.constant(["1712", "in 1712"])}
    assert _decoded(cb.format_natural_questions(nq)) == {
        "question": "when was ashby founded", "answer": "1712"}
    trivia = {"question": tf.constant("Ashby stands on which river?"),
              "answer": {"value": tf.constant("Esker River"),
                         "aliases": tf.constant(["Esker", "Esker River"])}}
    assert _decoded(cb.format_trivia_qa(trivia)) == {
        "question": "Ashby stands on which river?", "answer": "Esker River"}
    arc = {"question": tf.constant("Which tool measures mass?"),
           "choices": {"text": tf.constant(["a ruler", "a balance", "a clock"]),
                       "label": tf.constant([0, 1, 2], tf.int64)},
           "answerKey": tf.constant(1, tf.int64)}
    assert _decoded(cb.format_arc(arc)) == {
        "question": "Which tool measures mass?",
        "options": ["a ruler", "a balance", "a clock"], "answer": "a balance"}


def _first_source_example(name, split, data_dir):
    return next(tfds.load(name, split=split, data_dir=data_dir).as_numpy_iterator())


def test_zero_shot_natural_questions_shows_the_question(local_data):
    source = _first_source_example("natural_questions_open:1.0.0", "validation",
                                   local_data)
    (ex,) = seqio.get_mixture_or_task("natural_questions_type_2").get_dataset(
        LENGTHS, split="validation", shuffle=False).take(1).as_numpy_iterator()
    assert ex["inputs_pretokenized"].decode() == f"Q: {source['question'].decode()}?\nA:"
    assert ex["targets_pretokenized"] == source["answer"][0]


def test_zero_shot_trivia_qa_shows_the_question(local_data):
    source = _first_source_example("trivia_qa/rc.nocontext:1.1.0", "validation",
                                   local_data)
    (ex,) = seqio.get_mixture_or_task("trivia_qa_type_3").get_dataset(
        LENGTHS, split="validation", shuffle=False).take(1).as_numpy_iterator()
    assert ex["inputs_pretokenized"].decode() == (
        f"Trivia: {source['question'].decode()}\nAnswer:")
    assert ex["targets_pretokenized"] == source["answer"]["value"]
    # Only the labelled splits are exposed.
    assert set(seqio.get_mixture_or_task("trivia_qa_type_0").splits) == {
        "train", "validation"}


@pytest.mark.parametrize("task,tfds_name", [
    ("arc_easy_type_0", "ai2_arc/ARC-Easy:1.0.0"),
    ("arc_challenge_type_1", "ai2_arc/ARC-Challenge:1.0.0"),
])
def test_zero_shot_arc_shows_question_and_its_choices(local_data, task, tfds_name):
    source = _first_source_example(tfds_name, "validation", local_data)
    (ex,) = seqio.get_mixture_or_task(task).get_dataset(
        LENGTHS, split="validation", shuffle=False).take(1).as_numpy_iterator()
    text = ex["inputs_pretokenized"].decode()
    choices = [c.decode() for c in source["choices"]["text"]]
    assert source["question"].decode() in text
    assert text.endswith("OPTIONS:\n" + "\n".join(f"- {c}" for c in choices))
    right = list(source["choices"]["label"]).index(source["answerKey"])
    assert ex["targets_pretokenized"].decode() == choices[right]
    assert [o.decode() for o in ex["options"]] == choices


def test_arc_demo_has_numeric_labels_and_odd_choice_counts(data_dir):
    # The raw files label some questions 1-4 and give a few three or five choices;
    # TFDS maps the numbers to letters, so every answer is one of the choices.
    sizes = set()
    for split in ("train", "validation", "test"):
        for ex in tfds.load("ai2_arc/ARC-Easy:1.0.0", split=split,
                            data_dir=data_dir).as_numpy_iterator():
            sizes.add(len(ex["choices"]["text"]))
            assert ex["answerKey"] in list(ex["choices"]["label"])
    assert sizes == {3, 4, 5}
    raw = (paths.DEMO_RAW_DIR / bt.RAW_FILES["ai2_arc/ARC-Easy"][0]).read_text()
    assert '"label": "1"' in raw


def test_templates_mixture_and_metrics():
    assert {cfg.templates or cfg.name for cfg in cb.DATASETS} == set(FIELDS)
    assert FREE_TEXT >= {"natural_questions", "trivia_qa"} and "arc" not in FREE_TEXT
    assert [len(PATTERNS[d]) for d in FIELDS] == [10, 10, 9]
    assert [REVERSED[d] for d in FIELDS] == [1, 2, 1]
    for cfg in cb.DATASETS:
        assert cfg.families == (CLOSEDBOOK_MIX,)
        assert not cfg.mixtures[0].answer_only  # every template
    mixture = seqio.get_mixture_or_task(f"{CLOSEDBOOK_MIX}.flan")
    tasks = {t.name for t in mixture.tasks}
    assert tasks == {"natural_questions_all_templates", "trivia_qa_all_templates",
                     "arc_easy_all_templates", "arc_challenge_all_templates"}
    assert metrics.closed_book_qa(["Esker River"], ["the esker river."]) == {
        "em": 100.0, "f1": 100.0}
    scores = metrics.closed_book_qa(["Esker River"], ["Esker"])
    assert scores["em"] == 0.0 and 0.0 < scores["f1"] < 100.0
    assert metrics.accuracy(["a balance"], ["a balance"]) == {"accuracy": 100.0}
