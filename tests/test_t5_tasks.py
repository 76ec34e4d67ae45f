"""T5-style SuperGLUE, GLUE and SQuAD tasks: exact text, postprocessors, metrics, registry.

Each example below is hand-written with the feature structure of its TFDS dataset
(``super_glue/<config>:1.0.2``, ``glue/<config>:2.0.0``); the expected strings were
derived by reading t5's preprocessors, not by calling them. Only the text steps (those
before tokenisation) run, so no vocabulary and no prepared data are needed.
"""

from __future__ import annotations

import importlib
import math

import pytest

import tasks  # noqa: F401  (compat fixes before seqio)
from tasks import names
from tasks import t5_style
from tasks import tfds_versions
import tasks.glue as glue_tasks
import tasks.squad as squad_tasks
import tasks.superglue as superglue_tasks

import seqio
import tensorflow as tf

sg = names.superglue_t5_name
gl = names.glue_t5_name


@pytest.fixture(autouse=True)
def t5_tasks_registered():
    """Registers the tasks (again: a no-op; they may have been cleared by a test)."""
    superglue_tasks.register()
    glue_tasks.register()
    squad_tasks.register()

# ---------------------------------------------------------------- helpers


def _tensor(key, value):
    """A feature with the dtype TFDS gives it (ClassLabel int64, indices int32)."""
    if isinstance(value, dict):
        return {k: _tensor(k, v) for k, v in value.items()}
    if isinstance(value, str):
        return tf.constant(value, tf.string)
    if isinstance(value, list):
        return tf.constant(value, tf.string, shape=[len(value)])
    if isinstance(value, float):
        return tf.constant(value, tf.float32)
    return tf.constant(value, tf.int64 if key == "label" else tf.int32)


def _dataset(examples):
    datasets = [tf.data.Dataset.from_tensors({k: _tensor(k, v) for k, v in ex.items()})
                for ex in examples]
    out = datasets[0]
    for ds in datasets[1:]:
        out = out.concatenate(ds)
    return out


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if hasattr(value, "tolist") and getattr(value, "ndim", 0) > 0:
        return [_decode(v) for v in value.tolist()]
    return value


def _preprocess(task_name, *examples):
    """Runs the task's text steps; adds the ``*_pretokenized`` copies tokenize makes."""
    task = seqio.get_mixture_or_task(task_name)
    out = []
    for ex in t5_style.apply_text_preprocessors(task, _dataset(examples)).as_numpy_iterator():
        ex = dict(ex)
        ex["inputs_pretokenized"] = ex["inputs"]
        ex["targets_pretokenized"] = ex["targets"]
        out.append(ex)
    return out


def _score(task_name, examples, predictions):
    """Postprocesses targets and predictions as seqio's evaluator does, then scores."""
    task = seqio.get_mixture_or_task(task_name)
    targets = [task.postprocess_fn(_decode(ex["targets"]), example=ex, is_target=True)
               for ex in examples]
    preds = [task.postprocess_fn(p, example=ex, is_target=False)
             for p, ex in zip(predictions, examples)]
    scores = {}
    for metric_fn in task.metric_fns:
        scores.update(metric_fn(targets, preds))
    return scores


def _score_labels(task_name, target_words, predictions):
    """Scores label-word tasks, whose postprocessor does not read the example."""
    return _score(task_name, [{"targets": t.encode()} for t in target_words], predictions)


# ------------------------------------------------- exact text, one example each

TEXT_CASES = [
    # SuperGLUE: fields sorted by name unless T5 fixes an order (MultiRC, WiC).
    (sg("boolq"),
     {"question": "is the sky blue", "passage": "The sky is blue on a clear day.",
      "idx": 0, "label": 1},
     "boolq passage: The sky is blue on a clear day. question: is the sky blue",
     "True"),
    (sg("cb"),
     {"premise": "It rained all day.", "hypothesis": "The ground is dry.",
      "idx": 4, "label": 2},
     "cb hypothesis: The ground is dry. premise: It rained all day.",
     "neutral"),
    (sg("copa"),
     {"premise": "The man broke his toe.", "question": "cause",
      "choice1": "He dropped a hammer on his foot.",
      "choice2": "He got a hole in his sock.", "idx": 0, "label": 0},
     "copa choice1: He dropped a hammer on his foot. choice2: He got a hole in his "
     "sock. premise: The man broke his toe. question: cause",
     "choice1"),
    (sg("rte"),
     {"premise": "It rained.", "hypothesis": "It was dry.", "idx": 0, "label": 1},
     "rte hypothesis: It was dry. premise: It rained.",
     "not_entailment"),
    (sg("wic"),
     {"word": "bank", "sentence1": "The bank was closed.",
      "sentence2": "We sat on the river bank.", "start1": 4, "start2": 21,
      "end1": 8, "end2": 25, "idx": 0, "label": 0},
     "wic sentence1: The bank was closed. sentence2: We sat on the river bank. "
     "word: bank",
     "False"),
    # AX-b is cast as RTE: sentence1 -> premise, sentence2 -> hypothesis.
    (sg("axb"),
     {"sentence1": "The cat sat.", "sentence2": "A cat sat.", "idx": 0, "label": 0},
     "rte hypothesis: A cat sat. premise: The cat sat.",
     "entailment"),
    # Unlabeled test examples (label -1) get the target "<unk>".
    (sg("axg"),
     {"premise": "The nurse said she was busy.", "hypothesis": "The nurse was busy.",
      "idx": 0, "label": -1},
     "rte hypothesis: The nurse was busy. premise: The nurse said she was busy.",
     "<unk>"),
    # GLUE
    (gl("cola"),
     {"sentence": "The book was read by me.", "idx": 0, "label": 1},
     "cola sentence: The book was read by me.", "acceptable"),
    (gl("sst2"),
     {"sentence": "a gripping , funny film", "idx": 0, "label": 1},
     "sst2 sentence: a gripping , funny film", "positive"),
    (gl("mrpc"),
     {"sentence1": "He left early.", "sentence2": "He departed early.",
      "idx": 0, "label": 1},
     "mrpc sentence1: He left early. sentence2: He departed early.", "equivalent"),
    (gl("qqp"),
     {"question1": "How do I learn Python?", "question2": "What is a python?",
      "idx": 0, "label": 0},
     "qqp question1: How do I learn Python? question2: What is a python?",
     "not_duplicate"),
    (gl("stsb"),
     {"sentence1": "A man plays a guitar.", "sentence2": "A man plays music.",
      "idx": 0, "label": 3.33},
     "stsb sentence1: A man plays a guitar. sentence2: A man plays music.", "3.4"),
    (gl("mnli"),
     {"premise": "A man is eating.", "hypothesis": "Someone eats.",
      "idx": 0, "label": 0},
     "mnli hypothesis: Someone eats. premise: A man is eating.", "entailment"),
    (gl("mnli_matched"),
     {"premise": "A man is eating.", "hypothesis": "Nobody eats.",
      "idx": 0, "label": 2},
     "mnli hypothesis: Nobody eats. premise: A man is eating.", "contradiction"),
    (gl("mnli_mismatched"),
     {"premise": "A man is eating.", "hypothesis": "He is hungry.",
      "idx": 0, "label": 1},
     "mnli hypothesis: He is hungry. premise: A man is eating.", "neutral"),
    # The GLUE diagnostic is cast as MNLI.
    (gl("ax"),
     {"premise": "The cat sat.", "hypothesis": "A cat sat.", "idx": 0, "label": -1},
     "mnli hypothesis: A cat sat. premise: The cat sat.", "<unk>"),
    (gl("qnli"),
     {"question": "Where is Paris?", "sentence": "Paris is in France.",
      "idx": 0, "label": 0},
     "qnli question: Where is Paris? sentence: Paris is in France.", "entailment"),
    (gl("rte"),
     {"sentence1": "It rained.", "sentence2": "It was wet.", "idx": 0, "label": 0},
     "rte sentence1: It rained. sentence2: It was wet.", "entailment"),
    (gl("wnli"),
     {"sentence1": "The cup fell on the book because it was heavy.",
      "sentence2": "The cup was heavy.", "idx": 0, "label": 1},
     "wnli sentence1: The cup fell on the book because it was heavy. sentence2: The "
     "cup was heavy.",
     "entailment"),
]


@pytest.mark.parametrize("task_name,raw,inputs,targets", TEXT_CASES,
                         ids=[c[0] for c in TEXT_CASES])
def test_text_of_one_example(task_name, raw, inputs, targets):
    (ex,) = _preprocess(task_name, raw)
    assert _decode(ex["inputs"]) == inputs
    assert _decode(ex["targets"]) == targets
    assert ex["idx"] == raw["idx"]


def test_every_text_case_task_is_registered():
    for task_name, *_ in TEXT_CASES:
        assert task_name in seqio.TaskRegistry.names()


@pytest.mark.parametrize("score,target", [
    (1.8, "1.8"), (2.53, "2.6"), (3.33, "3.4"), (2.85, "2.8"), (4.91, "5.0"),
    (0.0, "0.0"), (5.0, "5.0"),
    # 3.7 * 5 is 18.5 in float32 and tf.round rounds half to even, as in T5.
    (3.7, "3.6"),
])
def test_stsb_target_rounds_to_nearest_fifth(score, target):
    (ex,) = _preprocess(gl("stsb"), {"sentence1": "a", "sentence2": "b",
                                     "idx": 0, "label": score})
    assert _decode(ex["targets"]) == target


# ------------------------------------------------------------------- MultiRC

MULTIRC_PARAGRAPH = ("<b>Sent 1: </b>Tom has a dog.<br><b>Sent 2: </b>"
                     "The dog is brown.<br>")


def _multirc_examples():
    raw = [
        {"paragraph": MULTIRC_PARAGRAPH, "question": "What color is the dog?",
         "answer": "Brown", "idx": {"paragraph": 0, "question": 0, "answer": 0},
         "label": 1},
        {"paragraph": MULTIRC_PARAGRAPH, "question": "What color is the dog?",
         "answer": "Black", "idx": {"paragraph": 0, "question": 0, "answer": 1},
         "label": 0},
        {"paragraph": MULTIRC_PARAGRAPH, "question": "Who has a dog?",
         "answer": "Tom", "idx": {"paragraph": 0, "question": 1, "answer": 2},
         "label": 1},
    ]
    return _preprocess(sg("multirc"), *raw)


def test_multirc_text_and_index_fields():
    first = _multirc_examples()[0]
    # Question, answer, paragraph in that order; <br> -> space and <b>, </b> removed.
    assert _decode(first["inputs"]) == (
        "multirc question: What color is the dog? answer: Brown paragraph: "
        "Sent 1: Tom has a dog. Sent 2: The dog is brown. ")
    assert _decode(first["targets"]) == "True"
    assert (first["idx/paragraph"], first["idx/question"], first["idx/answer"]) == (0, 0, 0)
    assert "idx" not in first


def test_multirc_f1_over_answers_and_exact_match_per_question():
    examples = _multirc_examples()
    # Question 0 fully right; question 1's only answer wrong.
    scores = _score(sg("multirc"), examples, ["True", "False", "False"])
    # Answer-level: targets [1, 0, 1], predictions [1, 0, 0] -> P 1, R 1/2.
    assert scores["f1"] == pytest.approx(100 * 2 / 3)
    assert scores["exact_match"] == pytest.approx(50.0)
    # An invalid word counts as wrong (f1_score_with_invalid): the "maybe" for a
    # False answer becomes a True -> predictions [1, 1, 1], P 2/3, R 1.
    scores = _score(sg("multirc"), examples, ["True", "maybe", "True"])
    assert scores["f1"] == pytest.approx(80.0)
    assert scores["exact_match"] == pytest.approx(50.0)


# -------------------------------------------------------------------- ReCoRD

RECORD_PASSAGE = "The cat sat on the mat.\n@highlight\nCats like mats\n@highlight\nThe mat was red"
RECORD_INPUTS = ("record query: The @placeholder sat on the mat. entities: cat, mat, "
                 "Cats passage: The cat sat on the mat. Cats like mats. The mat was red")


def _record_raw(answers, query_idx=0):
    return {"passage": RECORD_PASSAGE, "query": "The @placeholder sat on the mat.",
            "entities": ["cat", "mat", "Cats"], "answers": answers,
            "idx": {"passage": 0, "query": query_idx}}


def test_record_one_example_per_answer_each_carrying_all_answers():
    examples = _preprocess(sg("record"), _record_raw(["cat", "Cats"]))
    assert [_decode(ex["targets"]) for ex in examples] == ["cat", "Cats"]
    for ex in examples:
        # "@highlight" lines become sentences.
        assert _decode(ex["inputs"]) == RECORD_INPUTS
        assert _decode(ex["answers"]) == ["cat", "Cats"]
        assert (ex["idx/passage"], ex["idx/query"]) == (0, 0)


def test_record_unanswered_test_example_has_unk_target():
    (ex,) = _preprocess(sg("record"), _record_raw([]))
    assert _decode(ex["targets"]) == "<unk>"
    assert _decode(ex["inputs"]) == RECORD_INPUTS


def test_record_max_over_answers_once_per_query():
    examples = _preprocess(sg("record"), _record_raw(["cat", "Cats"], 0),
                           _record_raw(["mat"], 1))
    assert len(examples) == 3
    # The eval target is every answer of the query, grouped by (passage, query).
    task = seqio.get_mixture_or_task(sg("record"))
    target = task.postprocess_fn("cat", example=examples[0], is_target=True)
    assert target == {"value": ["cat", "Cats"], "group": (0, 0)}
    # Query 0: "cats" matches "Cats" after SQuAD normalisation; query 1 is wrong.
    # The duplicate of query 0 is ignored whatever it predicts.
    scores = _score(sg("record"), examples, ["cats", "nonsense", "the cat"])
    assert scores["em"] == pytest.approx(50.0)
    assert scores["f1"] == pytest.approx(50.0)
    scores = _score(sg("record"), examples, ["Cat", "x", "the mat"])
    assert scores == {"em": pytest.approx(100.0), "f1": pytest.approx(100.0)}


# ----------------------------------------------------------------------- WSC

WSC_TEXT = "Mitchell asked Tom if he could lend some money."


def _wsc_raw(span1_text, span1_index, label, idx):
    return {"text": WSC_TEXT, "span1_text": span1_text, "span1_index": span1_index,
            "span2_text": "he", "span2_index": 4, "idx": idx, "label": label}


def test_wsc_simple_train_keeps_only_correct_referents():
    examples = _preprocess(superglue_tasks.WSC_SIMPLE_TRAIN,
                           _wsc_raw("Tom", 2, 1, 0), _wsc_raw("Mitchell", 0, 0, 1))
    assert len(examples) == 1
    assert _decode(examples[0]["inputs"]) == (
        "wsc: Mitchell asked Tom if *he* could lend some money.")
    assert _decode(examples[0]["targets"]) == "Tom"


def test_wsc_simple_eval_keeps_every_candidate_and_scores_the_referent():
    examples = _preprocess(superglue_tasks.WSC_SIMPLE_EVAL,
                           _wsc_raw("Tom", 2, 1, 0), _wsc_raw("Mitchell", 0, 0, 1))
    assert [_decode(ex["inputs"]) for ex in examples] == [
        "wsc: Mitchell asked Tom if *he* could lend some money."] * 2
    assert [_decode(ex["targets"]) for ex in examples] == ["Tom", "Mitchell"]
    assert [int(ex["label"]) for ex in examples] == [1, 0]
    # Predicting "Tom" is right for both: it is the referent of the first candidate
    # (label 1) and not the second candidate (label 0).
    assert _score(superglue_tasks.WSC_SIMPLE_EVAL, examples, ["Tom", "Tom"]) == {
        "accuracy": pytest.approx(100.0)}
    # Determiners and case are ignored; naming the wrong candidate is wrong.
    assert _score(superglue_tasks.WSC_SIMPLE_EVAL, examples, ["the tom", "Mitchell"]) == {
        "accuracy": pytest.approx(50.0)}


# ----------------------------------------- label-word postprocessors and metrics

LABEL_METRIC_CASES = [
    (sg("boolq"), ["True", "False"], ["True", "True"], {"accuracy": 50.0}),
    (sg("copa"), ["choice1", "choice2"], ["choice2", "choice2"], {"accuracy": 50.0}),
    (sg("rte"), ["entailment", "not_entailment"], ["entailment", "not_entailment"],
     {"accuracy": 100.0}),
    (sg("wic"), ["True", "False"], ["False", "maybe"], {"accuracy": 0.0}),
    # CB: ids [0, 1, 2] vs [0, 0, 2] -> class F1s 2/3, 0, 1.
    (sg("cb"), ["entailment", "contradiction", "neutral"],
     ["entailment", "entailment", "neutral"],
     {"accuracy": 200 / 3, "mean_3class_f1": 100 * (2 / 3 + 0 + 1) / 3}),
    (sg("axb"), ["entailment", "not_entailment", "entailment", "not_entailment"],
     ["entailment", "not_entailment", "entailment", "not_entailment"],
     {"matthews_corrcoef": 100.0}),
    (sg("axg"), ["entailment", "not_entailment"], ["entailment", "entailment"],
     {"accuracy": 50.0}),
    (gl("cola"), ["acceptable", "unacceptable", "acceptable", "unacceptable"],
     ["unacceptable", "acceptable", "unacceptable", "acceptable"],
     {"matthews_corrcoef": -100.0}),
    (gl("sst2"), ["positive", "negative"], ["positive", "negative"], {"accuracy": 100.0}),
    # ids [1, 1, 0, 0] vs [1, -1, 0, 1]: the invalid word counts as wrong -> F1 1/2.
    (gl("mrpc"), ["equivalent", "equivalent", "not_equivalent", "not_equivalent"],
     ["equivalent", "garbage", "not_equivalent", "equivalent"],
     {"accuracy": 50.0, "f1": 50.0}),
    (gl("qqp"), ["duplicate", "not_duplicate"], ["duplicate", "not_duplicate"],
     {"accuracy": 100.0, "f1": 100.0}),
    (gl("mnli"), ["entailment", "neutral", "contradiction"],
     ["entailment", "neutral", "neutral"], {"accuracy": 200 / 3}),
    (gl("mnli_matched"), ["neutral"], ["neutral"], {"accuracy": 100.0}),
    (gl("mnli_mismatched"), ["neutral"], ["entailment"], {"accuracy": 0.0}),
    (gl("qnli"), ["entailment", "not_entailment"], ["entailment", "entailment"],
     {"accuracy": 50.0}),
    (gl("rte"), ["entailment", "not_entailment"], ["not_entailment", "entailment"],
     {"accuracy": 0.0}),
    (gl("wnli"), ["entailment", "not_entailment"], ["entailment", "not_entailment"],
     {"accuracy": 100.0}),
    (gl("ax"), ["entailment", "neutral", "contradiction"],
     ["entailment", "neutral", "contradiction"], {"matthews_corrcoef": 100.0}),
]


@pytest.mark.parametrize("task_name,targets,predictions,expected", LABEL_METRIC_CASES,
                         ids=[c[0] for c in LABEL_METRIC_CASES])
def test_postprocessor_and_metrics_on_toy_predictions(task_name, targets, predictions,
                                                      expected):
    scores = _score_labels(task_name, targets, predictions)
    assert scores == {k: pytest.approx(v) for k, v in expected.items()}


def test_stsb_postprocessor_and_correlations():
    targets = ["1.0", "2.0", "3.0"]
    assert _score_labels(gl("stsb"), targets, ["1.0", "2.0", "3.0"]) == {
        "pearson_corrcoef": pytest.approx(100.0),
        "spearman_corrcoef": pytest.approx(100.0)}
    # Same ranking, not linear: dx = (-1, 0, 1), dy = (-5/3, -2/3, 7/3).
    assert _score_labels(gl("stsb"), targets, ["1.0", "2.0", "5.0"]) == {
        "pearson_corrcoef": pytest.approx(100 * 12 / math.sqrt(156)),
        "spearman_corrcoef": pytest.approx(100.0)}
    task = seqio.get_mixture_or_task(gl("stsb"))
    assert task.postprocess_fn("not a number", example=None, is_target=False) == -1.0


# ------------------------------------------------------------------ registry

EXPECTED_SPLITS = {
    **{sg(c): ("train", "validation", "test")
       for c in ("boolq", "cb", "copa", "multirc", "record", "rte", "wic")},
    sg("axb"): ("test",),
    sg("axg"): ("test",),
    superglue_tasks.WSC_SIMPLE_TRAIN: ("train",),
    superglue_tasks.WSC_SIMPLE_EVAL: ("validation", "test"),
    superglue_tasks.DPR_SIMPLE: ("train", "test"),
    **{gl(c): ("train", "validation", "test")
       for c in ("cola", "sst2", "mrpc", "qqp", "stsb", "qnli", "rte", "wnli")},
    gl("mnli"): ("train", "validation_matched", "validation_mismatched",
                 "test_matched", "test_mismatched"),
    gl("mnli_matched"): ("validation", "test"),
    gl("mnli_mismatched"): ("validation", "test"),
    gl("ax"): ("test",),
}


def test_module_tuples_list_exactly_the_expected_tasks():
    assert set(superglue_tasks.SUPERGLUE_TASKS) | set(glue_tasks.GLUE_TASKS) == set(
        EXPECTED_SPLITS)
    assert len(superglue_tasks.SUPERGLUE_TASKS) == 12
    assert len(glue_tasks.GLUE_TASKS) == 12


@pytest.mark.parametrize("task_name", sorted(EXPECTED_SPLITS))
def test_registered_task_has_splits_metrics_and_t5_pipeline(task_name):
    task = seqio.get_mixture_or_task(task_name)
    assert tuple(task.splits) == EXPECTED_SPLITS[task_name]
    assert task.metric_fns
    # T5's DPR scores the decoded text as it is (no postprocessor), like T5's own task.
    assert (task.postprocessor is None) == (task_name == superglue_tasks.DPR_SIMPLE)
    assert set(task.output_features) == {"inputs", "targets"}
    # Text steps, then tokenize -> cache placeholder -> append EOS.
    steps = list(task.preprocessors)
    n_text = len(t5_style.text_preprocessors(task))
    assert steps[n_text] is seqio.preprocessors.tokenize
    assert isinstance(steps[n_text + 1], seqio.CacheDatasetPlaceholder)
    assert steps[n_text + 2] is seqio.preprocessors.append_eos_after_trim
    assert len(steps) == n_text + 3


def test_sources_are_local_tfds_names():
    for task_name in EXPECTED_SPLITS:
        source = seqio.get_mixture_or_task(task_name).source
        tfds_name = source.tfds_dataset.name
        builder = tfds_name.partition("/")[0].partition(":")[0]
        assert builder in ("super_glue", "glue", "definite_pronoun_resolution")
        assert tfds_name.endswith(":" + tfds_versions.VERSIONS[builder])
    wsc = seqio.get_mixture_or_task(superglue_tasks.WSC_SIMPLE_EVAL).source
    assert wsc.tfds_dataset.name == "super_glue/wsc.fixed:1.0.2"
    assert tfds_versions.tfds_name("glue", "rte") == "glue/rte:2.0.0"
    with pytest.raises(tfds_versions.UnknownBuilderError, match="'no_such' has no pinned"):
        tfds_versions.tfds_name("no_such", "x")


@pytest.fixture
def saved_registry():
    saved = dict(seqio.TaskRegistry._REGISTRY)
    yield
    seqio.TaskRegistry._REGISTRY = saved


def test_reimport_and_reregister_do_not_raise(saved_registry):
    before = {name: seqio.get_mixture_or_task(name) for name in EXPECTED_SPLITS}
    importlib.reload(superglue_tasks)
    importlib.reload(glue_tasks)
    # Registering again: the same definitions, so the registered tasks stay.
    assert superglue_tasks.register() == superglue_tasks.SUPERGLUE_TASKS
    assert glue_tasks.register() == glue_tasks.GLUE_TASKS
    assert all(seqio.get_mixture_or_task(n) is task for n, task in before.items())
    for name in EXPECTED_SPLITS:
        seqio.TaskRegistry.remove(name)
    assert superglue_tasks.register() == superglue_tasks.SUPERGLUE_TASKS
    assert glue_tasks.register() == glue_tasks.GLUE_TASKS
    for name in EXPECTED_SPLITS:
        assert name in seqio.TaskRegistry.names()


# ------------------------------------------------------------------ SQuAD


def test_squad_text_and_all_answers_scoring():
    """T5's squad preprocessor: question then context, punctuation padded; the
    postprocessor hands every gold answer to the metric (max over answers)."""
    name = names.squad_t5_name()
    raw = {"id": "a1", "title": "Ashby", "question": "Which river?",
           "context": "Ashby lies on the Esker, a slow river.",
           "answers": {"text": ["the Esker", "Esker"]}}
    (ex,) = _preprocess(name, raw)
    assert _decode(ex["inputs"]) == (
        # T5 pads punctuation with spaces, so a final period leaves one at the end.
        "question: Which river ? context: Ashby lies on the Esker , a slow river . ")
    assert _decode(ex["targets"]) == "the Esker"
    assert _decode(ex["answers"]) == ["the Esker", "Esker"]
    assert _score(name, [ex], ["Esker"]) == {"em": 100.0, "f1": 100.0}
    assert _score(name, [ex], ["slow river"]) == {"em": 0.0, "f1": 0.0}
    task = seqio.get_mixture_or_task(name)
    assert tuple(task.splits) == squad_tasks.SPLITS
    assert task.source.tfds_dataset.name == "squad/v1.1:3.0.0"
    assert squad_tasks.register() == squad_tasks.SQUAD_TASKS == (name,)


# The t5 library's own mixtures, read in a fresh process (T5's task names are ours too):
# its default vocabulary path pointed at a local file, and its ROUGE wrapped to the
# signature seqio 0.0.8 accepts (t5 0.9.4's takes **kwargs). Nothing is read or fetched.
T5_MIXTURES_SCRIPT = """
import json, sys
from common import seqio_compat
import t5.data.utils
from t5.evaluation import metrics
t5.data.utils.DEFAULT_SPM_PATH = sys.argv[1]
_rouge = metrics.rouge
metrics.rouge = lambda targets, predictions: _rouge(targets, predictions)
import t5.data.mixtures
import seqio
print(json.dumps({name: sorted((t.name, float(seqio.MixtureRegistry.get(name).get_rate(t)))
                               for t in seqio.MixtureRegistry.get(name).tasks)
                  for name in ("glue_v002_proportional", "super_glue_v102_proportional")}))
"""


def test_t5_mixtures_are_the_t5_librarys(demo_assets):
    """``glue_mix.t5`` and ``sglue_mix.t5`` hold the tasks of T5's
    ``glue_v002_proportional`` and ``super_glue_v102_proportional`` with the same rates
    (WNLI out, DPR in, the evaluation-only tasks at 0), also under T5's names."""
    import json
    import os
    import subprocess
    import sys
    import mixtures
    from tasks import paths
    mixtures.register_all()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", T5_MIXTURES_SCRIPT, str(paths.DEMO_VOCAB_PATH)],
                          capture_output=True, text=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": root})
    assert done.returncode == 0, done.stderr[-2000:]
    theirs = json.loads(done.stdout.strip().splitlines()[-1])

    def ours(name):
        mix = seqio.get_mixture_or_task(name)
        return sorted([t.name, float(mix.get_rate(t))] for t in mix.tasks)

    assert theirs["glue_v002_proportional"] == ours("glue_mix.t5") == ours(
        "glue_v002_proportional")
    assert theirs["super_glue_v102_proportional"] == ours("sglue_mix.t5") == ours(
        "super_glue_v102_proportional")
    assert gl("wnli") not in dict(ours("glue_mix.t5"))
    assert seqio.get_mixture_or_task(gl("wnli")).splits  # still registered on its own
