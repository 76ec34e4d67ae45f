"""Text generation group: CoQA, DART, math_dataset, true_case, fix_punct.

Offline builds from the demo raw files, the raw-file checks, the formatters on
in-memory examples, a zero-shot prompt read from the built data, and the metrics.
"""

import json
import pathlib

import pytest

import seqio
import tensorflow as tf
import tensorflow_datasets as tfds
from caches import build_tfds as bt
from caches import raw_textgen
from caches.raw_formats import RawDataError
import tasks.flan
tasks.flan.register_all()  # the FLAN-style tasks this module reads
from tasks.flan import datasets_textgen as dt
from tasks.names import zero_shot_name
from helpers import FIELDS as ALL_FIELDS

# The fields this group's formatters provide (the table in tests/conftest.py).
FIELDS = {name: ALL_FIELDS[name]
          for name in ("coqa", "dart", "math_dataset", "true_case", "fix_punct")}

RAW = pathlib.Path(__file__).resolve().parent.parent / "caches" / "demo_raw"
MATH = "math_dataset/algebra__linear_1d"
COUNTS = {
    "coqa": {"train": 40, "test": 10},
    "dart": {"train": 40, "validation": 10, "test": 10},
    MATH: {"train": 40, "test": 10},
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Our three datasets, and GLUE QNLI (true_case / fix_punct's source), built once."""
    out = str(tmp_path_factory.mktemp("tfds"))
    bt.build_tfds(str(RAW), out, list(COUNTS) + ["glue/qnli"], verbose=False)
    return out


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_builds_from_demo_raw(data_dir, name):
    builder = tfds.builder(bt.tfds_name(name), data_dir=data_dir)
    assert {s: i.num_examples for s, i in builder.info.splits.items()} == COUNTS[name]


def test_every_dataset_has_its_raw_files_and_urls():
    for name in COUNTS:
        assert name in bt.RAW_FILES and all((RAW / f).is_file() for f in bt.RAW_FILES[name])
    for local in raw_textgen.URL_TO_RAW.values():
        assert (RAW / local).exists(), local


# --- raw-file checks: one line naming the file --------------------------------------

def _copy(tmp_path, name):
    """The demo raw files of ``name`` copied under tmp_path: their new paths."""
    paths = []
    for rel in bt.RAW_FILES[name]:
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes((RAW / rel).read_bytes())
        paths.append(str(dst))
    return paths


def _assert_one_line(err, path, *words):
    message = str(err.value)
    assert "\n" not in message and path in message, message
    for word in words:
        assert word in message, message


def test_coqa_check_names_a_bad_answer(tmp_path):
    paths = _copy(tmp_path, "coqa")
    raw_textgen.check_coqa(paths)
    doc = json.loads(pathlib.Path(paths[1]).read_text())
    doc["data"][3]["answers"][0]["span_start"] = "12"  # a string, not an int
    pathlib.Path(paths[1]).write_text(json.dumps(doc))
    with pytest.raises(RawDataError) as err:
        raw_textgen.check_coqa(paths)
    _assert_one_line(err, paths[1], "story 3", "answer 1", "span_start")


def test_coqa_check_names_a_repeated_id(tmp_path):
    paths = _copy(tmp_path, "coqa")
    doc = json.loads(pathlib.Path(paths[0]).read_text())
    doc["data"][5]["id"] = doc["data"][0]["id"]
    pathlib.Path(paths[0]).write_text(json.dumps(doc))
    with pytest.raises(RawDataError) as err:
        raw_textgen.check_coqa(paths)
    _assert_one_line(err, paths[0], "story 5", "repeats the id")


def test_dart_check_names_a_short_triple(tmp_path):
    paths = _copy(tmp_path, "dart")
    raw_textgen.check_dart(paths)
    entries = json.loads(pathlib.Path(paths[2]).read_text())
    entries[4]["tripleset"][1] = entries[4]["tripleset"][1][:2]
    pathlib.Path(paths[2]).write_text(json.dumps(entries))
    with pytest.raises(RawDataError) as err:
        raw_textgen.check_dart(paths)
    _assert_one_line(err, paths[2], "entry 4", "triple 1", "three strings")


def test_math_check_names_a_question_without_answer(tmp_path):
    paths = _copy(tmp_path, MATH)
    raw_textgen.check_math_dataset(paths)
    lines = pathlib.Path(paths[1]).read_text().splitlines()
    del lines[5]  # an answer line: every later pair is shifted
    pathlib.Path(paths[1]).write_text("\n".join(lines) + "\n")
    with pytest.raises(RawDataError) as err:
        raw_textgen.check_math_dataset(paths)
    _assert_one_line(err, paths[1], f"line {len(lines)}", "no answer")


def test_validate_raw_uses_these_checks(tmp_path):
    _copy(tmp_path, "dart")
    path = tmp_path / bt.RAW_FILES["dart"][0]
    path.write_text("[{\"tripleset\": []}")
    with pytest.raises(RawDataError, match=r"^dart: .*full-train.json line 1: not JSON"):
        bt.validate_raw("dart", str(tmp_path))


# --- formatters on in-memory examples -----------------------------------------------

def _text(fields):
    return {k: v.numpy().decode() for k, v in fields.items()}


def test_format_coqa_numbers_the_turns():
    ex = {"story": tf.constant("Rosa lived in Ashby."),
          "questions": tf.constant(["Where did Rosa live?", "Was it big?"]),
          "answers": {"input_text": tf.constant(["in Ashby", "unknown"]),
                      "answer_start": tf.constant([5, -1]),
                      "answer_end": tf.constant([19, -1])}}
    assert _text(dt.format_coqa(ex)) == {
        "story": "Rosa lived in Ashby.",
        "questions": "1. Where did Rosa live?\n2. Was it big?",
        "answer": "1. in Ashby\n2. unknown"}


def test_format_dart_one_triple_a_line():
    content = ["Ashby", "river", "Esker River", "Ashby", "knownFor", "cider"]
    ex = {"input_text": {"table": {"column_header": tf.constant(["subject", "predicate",
                                                                   "object"] * 2),
                                   "row_number": tf.constant([0, 0, 0, 1, 1, 1]),
                                   "content": tf.constant(content)}},
          "target_text": tf.constant("Ashby, on the Esker, makes cider.")}
    assert _text(dt.format_dart(ex)) == {
        "triples": "Ashby | river | Esker River\nAshby | knownFor | cider",
        "answer": "Ashby, on the Esker, makes cider."}


def test_format_true_case_and_fix_punct():
    ex = {"sentence": tf.constant("In 1850, Ashby (pop. 1,200) grew — \"fast\"; it's "
                                  "well-known. "),
          "question": tf.constant("When?"), "label": tf.constant(0), "idx": tf.constant(1)}
    original = "In 1850, Ashby (pop. 1,200) grew — \"fast\"; it's well-known."
    assert _text(dt.format_true_case(ex)) == {
        "sentence": original.lower(), "answer": original}
    assert _text(dt.format_fix_punct(ex)) == {
        "sentence": "In 1850 Ashby pop 1,200 grew fast it's well-known",
        "answer": original}
    assert bool(dt.has_upper_case(ex)) and bool(dt.has_punctuation(ex))
    plain = {"sentence": tf.constant("nothing to fix here")}
    assert not bool(dt.has_upper_case(plain)) and not bool(dt.has_punctuation(plain))


# --- zero-shot prompts from the built data ------------------------------------------

@pytest.mark.parametrize("dataset", ["coqa", "fix_punct"])
def test_zero_shot_prompt_shows_the_source(local_data, dataset):
    task = seqio.get_mixture_or_task(zero_shot_name(dataset, 0))
    source = task.source.get_dataset(split="validation", shuffle=False)
    if dataset == "fix_punct":
        source = source.filter(dt.has_punctuation)
    raw = next(iter(source))
    ex = next(iter(task.get_dataset(sequence_length={"inputs": 1024, "targets": 256},
                                    split="validation", shuffle=False)))
    inputs = ex["inputs_pretokenized"].numpy().decode()
    target = ex["targets_pretokenized"].numpy().decode()
    if dataset == "coqa":
        assert raw["story"].numpy().decode() in inputs
        for question in raw["questions"].numpy():
            assert question.decode() in inputs
        answers = [a.decode() for a in raw["answers"]["input_text"].numpy()]
        assert target == "\n".join(f"{i}. {a}" for i, a in enumerate(answers, 1))
    else:
        assert target == raw["sentence"].numpy().decode().strip()
        assert dt.remove_punctuation(tf.constant(target)).numpy().decode() in inputs


# --- metrics ------------------------------------------------------------------------

def test_coqa_scores_answer_words_not_turn_numbers():
    task = seqio.get_mixture_or_task(zero_shot_name("coqa", 0))
    post = task.postprocess_fn
    target = post("1. in Ashby\n2. the Esker\n3. yes", is_target=True)
    assert target == "in Ashby\nthe Esker\nyes"
    assert task.metric_fns[0]([target], [post("1. in Ashby\n2. the Esker\n3. yes")]) == {
        "em": 100.0, "f1": 100.0}
    # Numbers alone earn nothing: a wrong answer list scores 0 F1.
    assert task.metric_fns[0]([target], [post("1. by bus\n2. four\n3. no")])["f1"] == 0.0


def test_math_and_rewrite_metrics():
    math = seqio.get_mixture_or_task(zero_shot_name("math_dataset", 0))
    assert [fn.__name__ for fn in math.metric_fns] == ["accuracy"]
    assert math.metric_fns[0](["-6", "3"], ["-6", "4"]) == {"accuracy": 50.0}
    true_case = seqio.get_mixture_or_task(zero_shot_name("true_case", 0))
    scores = {}
    for fn in true_case.metric_fns:
        scores.update(fn(["Ashby lies on the Esker River."],
                         ["ashby lies on the esker river."]))
    assert scores["accuracy"] == 0.0 and scores["bleu"] < 50.0  # case counts
    dart = seqio.get_mixture_or_task(zero_shot_name("dart", 0))
    assert {fn.__name__ for fn in dart.metric_fns} == {"bleu", "rouge"}
