"""Scoring without a model: official SuperGLUE metrics, the tasks' metrics on prediction
files, shard merging, leaderboard lines and the shot table.

Every expected value is computed independently here (scikit-learn or by hand), never by
the code under test.
"""

from __future__ import annotations

import json
import os

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture

import numpy as np
import seqio
import sklearn.metrics

from eval import leaderboard, official, report, score
from eval.__main__ import main as eval_main
from trainer.stream import truncate_ids
from eval.records import merge_shards, predictions_path, write_jsonl
from tasks import prompts
from tasks.names import Shot


def write_task(out_dir, task, rows):
    """A predictions file for ``task``: rows of (target, prediction[, features])."""
    records = []
    for row in rows:
        record = {"inputs": "x", "target": row[0], "prediction": row[1]}
        if len(row) > 2:
            record["features"] = row[2]
        records.append(record)
    write_jsonl(predictions_path(str(out_dir), task), records)


# --- official SuperGLUE metrics vs independent computations ---------------------------

def test_accuracy_and_cb_against_sklearn():
    gold = [0, 1, 2, 0, 1, 2, 0, 0]
    pred = [0, 1, 1, 0, 2, 2, 1, 0]
    got = official.cb_metrics(gold, pred)
    assert got["accuracy"] == pytest.approx(100 * sklearn.metrics.accuracy_score(gold, pred))
    assert got["macro_f1"] == pytest.approx(100 * sklearn.metrics.f1_score(
        gold, pred, labels=[0, 1, 2], average="macro", zero_division=0))
    assert official.accuracy([1, 0], [1, 1]) == {"accuracy": 50.0}


def test_multirc_groups_answers_by_question():
    # q0: all 3 answers right; q1: one of 2 wrong; q2: right. (paragraph, question) keys.
    targets = [{"question": (0, 0), "label": 1}, {"question": (0, 0), "label": 0},
               {"question": (0, 0), "label": 1}, {"question": (0, 1), "label": 0},
               {"question": (0, 1), "label": 1}, {"question": (1, 2), "label": 0}]
    preds = [1, 0, 1, 1, 1, 0]
    got = official.multirc_metrics(targets, preds)
    labels = [t["label"] for t in targets]
    assert got["f1a"] == pytest.approx(100 * sklearn.metrics.f1_score(labels, preds))  # 6/7
    assert got["f1a"] == pytest.approx(100 * 6 / 7)
    assert got["em"] == pytest.approx(100 * 2 / 3)


def test_record_takes_the_best_gold_answer():
    targets = [["Millbrook", "the Millbrook town"], ["Bevan River"], ["Oakridge"]]
    preds = ["millbrook!", "Bevan", "Elena"]
    got = official.record_metrics(targets, preds)
    # query 1: exact after normalisation; query 2: P=1, R=1/2 -> F1 2/3; query 3: nothing.
    assert got["em"] == pytest.approx(100 / 3)
    assert got["f1"] == pytest.approx(100 * (1 + 2 / 3 + 0) / 3)
    assert official.normalize_answer("The  Cat, a dog!") == "cat dog"


def test_superglue_average_is_the_mean_of_task_scores():
    scores = {t: float(i) for i, t in enumerate(official.AVERAGED_TASKS)}
    assert official.superglue_average(scores) == pytest.approx(sum(range(8)) / 8)
    assert official.task_score({"f1a": 60.0, "em": 20.0}) == 40.0
    with pytest.raises(ValueError, match="missing WSC"):
        official.superglue_average({t: 1.0 for t in official.AVERAGED_TASKS[:-1]})


# --- the tasks' own postprocessors and metrics on prediction files --------------------

def test_cb_file_scored_with_t5_postprocessor_and_metrics(tmp_path):
    names = ["entailment", "contradiction", "neutral"]
    gold = [0, 1, 2, 0, 1, 2, 0]
    pred_words = ["entailment", "neutral", "neutral", "maybe", "contradiction", "entailment",
                  "entailment"]
    write_task(tmp_path, "super_glue_cb_v102", [(names[g], p) for g, p in zip(gold, pred_words)])
    got = score.score_dir(str(tmp_path))["super_glue_cb_v102"]
    pred = [names.index(p) if p in names else -1 for p in pred_words]  # invalid -> -1
    assert got["accuracy"] == pytest.approx(100 * sklearn.metrics.accuracy_score(gold, pred))
    assert got["mean_3class_f1"] == pytest.approx(100 * sklearn.metrics.f1_score(
        gold, pred, labels=[0, 1, 2], average="macro", zero_division=0))
    assert json.load(open(tmp_path / "metrics.json"))["super_glue_cb_v102"] == got


def test_multirc_file_groups_by_question_idx(tmp_path):
    rows = []
    for q, labels, preds in [(0, [1, 0, 1], [1, 0, 1]), (1, [0, 1], [1, 1]), (2, [0], [0])]:
        for a, (t, p) in enumerate(zip(labels, preds)):
            feats = {"idx/paragraph": 0, "idx/question": q, "idx/answer": 10 * q + a}
            rows.append((str(bool(t)), str(bool(p)), feats))
    write_task(tmp_path, "super_glue_multirc_v102", rows)
    got = score.score_dir(str(tmp_path))["super_glue_multirc_v102"]
    assert got["f1"] == pytest.approx(100 * 6 / 7)
    assert got["exact_match"] == pytest.approx(100 * 2 / 3)


def test_record_file_deduplicates_queries_and_uses_all_answers(tmp_path):
    # T5's ReCoRD makes one example per gold answer: query 1 appears twice.
    q1 = {"idx/passage": 0, "idx/query": 1, "answers": ["Millbrook", "the Millbrook town"]}
    q2 = {"idx/passage": 0, "idx/query": 2, "answers": ["Bevan River"]}
    q3 = {"idx/passage": 1, "idx/query": 3, "answers": ["Oakridge"]}
    write_task(tmp_path, "super_glue_record_v102", [
        ("Millbrook", "millbrook!", q1), ("the Millbrook town", "millbrook!", q1),
        ("Bevan River", "Bevan", q2), ("Oakridge", "Elena", q3)])
    got = score.score_dir(str(tmp_path))["super_glue_record_v102"]
    assert got["em"] == pytest.approx(100 / 3)
    assert got["f1"] == pytest.approx(100 * (1 + 2 / 3) / 3)


def test_flan_style_record_and_multirc_score_as_t5_does(tmp_path):
    """The same predictions score the same FLAN-style and T5-style: ReCoRD's best over
    every gold answer (EM and F1), MultiRC's F1 over answers and exact match per
    question; FLAN-style rows say yes/no where T5's say True/False."""
    q1 = {"idx/passage": 0, "idx/query": 1, "answers": ["Millbrook", "the Millbrook town"]}
    q2 = {"idx/passage": 0, "idx/query": 2, "answers": ["Bevan River"]}
    q3 = {"idx/passage": 1, "idx/query": 3, "answers": ["Oakridge"]}
    # FLAN's target is the first gold answer; the prediction matches the second.
    write_task(tmp_path, "record_type_0", [
        ("Millbrook", "the Millbrook town", q1), ("Bevan River", "Bevan", q2),
        ("Oakridge", "Elena", q3)])
    write_task(tmp_path, "super_glue_record_v102", [
        ("Millbrook", "the Millbrook town", q1), ("Bevan River", "Bevan", q2),
        ("Oakridge", "Elena", q3)])
    multirc_t5, multirc_flan = [], []
    for q, labels, preds in [(0, [1, 0, 1], [1, 0, 1]), (1, [0, 1], [1, 1]), (2, [0], [0])]:
        for a, (t, p) in enumerate(zip(labels, preds)):
            feats = {"idx/paragraph": 0, "idx/question": q, "idx/answer": 10 * q + a}
            multirc_t5.append((str(bool(t)), str(bool(p)), feats))
            multirc_flan.append((("no", "yes")[t], ("no", "yes")[p], feats))
    write_task(tmp_path, "super_glue_multirc_v102", multirc_t5)
    write_task(tmp_path, "multirc_type_0", multirc_flan)
    got = score.score_dir(str(tmp_path))
    assert got["record_type_0"] == got["super_glue_record_v102"]
    assert got["record_type_0"]["em"] == pytest.approx(100 / 3)  # not 0: any gold answer
    assert got["record_type_0"]["f1"] == pytest.approx(100 * (1 + 2 / 3) / 3)
    assert got["multirc_type_0"] == got["super_glue_multirc_v102"] == {
        "f1": pytest.approx(100 * 6 / 7), "exact_match": pytest.approx(100 * 2 / 3)}


def test_flan_style_record_and_multirc_examples_carry_what_scoring_reads():
    for name, keys in (("record_type_0", {"answers", "idx/passage", "idx/query"}),
                       ("multirc_type_0", {"idx/question"})):
        task = seqio.get_mixture_or_task(name)
        ex = next(task.get_dataset(None, split="validation", shuffle=False,
                                   use_cached=False).as_numpy_iterator())
        assert keys <= set(ex)
        target = task.postprocess_fn(ex["targets_pretokenized"].decode(), example=ex,
                                     is_target=True)
        assert "group" in target and "value" in target


def test_rouge_is_t5s_without_stemming():
    from tasks import metrics
    assert metrics.rouge(["the cats sat"], ["the cats sat"])["rouge1"] == pytest.approx(100)
    assert metrics.rouge(["cats"], ["cat"])["rouge1"] == 0.0  # no stemmer, as T5


def test_flan_file_and_score_cli(tmp_path, capsys):
    write_task(tmp_path, "rte_type_0", [("yes", "yes"), ("no", " yes "), ("no", "no"),
                                        ("yes", "no")])
    assert eval_main(["score", str(tmp_path / "predictions")]) == 0
    metrics = json.load(open(tmp_path / "metrics.json"))
    assert metrics == {"rte_type_0": {"accuracy": 50.0}}
    assert "rte_type_0: accuracy 50.00" in capsys.readouterr().out


def test_score_of_unknown_task_is_one_line(tmp_path):
    write_task(tmp_path, "no_such_task", [("a", "a")])
    with pytest.raises(score.ScoreError) as err:
        score.score_dir(str(tmp_path))
    assert "no_such_task" in str(err.value) and "\n" not in str(err.value)


# --- shards, truncation ---------------------------------------------------------------

def test_merge_restores_strided_order_and_keeps_expanded_examples_together():
    source = [{"idx": i, "n": n} for i, n in enumerate([1, 2, 1, 3, 1])]
    # one record per copy (T5's ReCoRD: one per answer), sharded before expansion
    expanded = [[{"idx": ex["idx"], "copy": c} for c in range(ex["n"])] for ex in source]
    shards = [sum(expanded[i::2], []) for i in range(2)]
    assert merge_shards(shards) == sum(expanded, [])
    plain = [{"inputs": str(i)} for i in range(7)]  # no idx: one record per example
    assert merge_shards([plain[0::3], plain[1::3], plain[2::3]]) == plain
    assert merge_shards([plain[0::2], plain[1::2]], by_idx=False) == plain


def test_truncate_keeps_eos():
    assert truncate_ids([5, 6, 7, 8, 1], 3, 1) == [5, 6, 1]
    assert truncate_ids([5, 6, 7, 8], 3, 1) == [5, 6, 7]
    assert truncate_ids([5, 1], 3, 1) == [5, 1]


# --- leaderboard lines ----------------------------------------------------------------

def test_multirc_lines_nest_paragraph_question_answer():
    board = leaderboard.BY_FILE["MultiRC"]
    source = [{"idx": {"paragraph": p, "question": q, "answer": a}}
              for p, q, a in [(1, 2, 5), (0, 0, 0), (0, 0, 1), (0, 1, 2), (1, 2, 4)]]
    lines = leaderboard.official_lines(board, source, [1, 0, 1, 1, 0])
    assert lines == [
        {"idx": 0, "passage": {"questions": [
            {"idx": 0, "answers": [{"idx": 0, "label": 0}, {"idx": 1, "label": 1}]},
            {"idx": 1, "answers": [{"idx": 2, "label": 1}]}]}},
        {"idx": 1, "passage": {"questions": [
            {"idx": 2, "answers": [{"idx": 4, "label": 0}, {"idx": 5, "label": 1}]}]}}]


def test_labels_from_t5_and_flan_predictions():
    import seqio
    board = leaderboard.BY_FILE["CB"]
    source = [{"idx": 1, "label": 0}, {"idx": 0, "label": 2}]
    t5 = [{"idx": 0, "inputs": "", "target": "", "prediction": "neutral"},
          {"idx": 1, "inputs": "", "target": "", "prediction": "perhaps"}]
    labels, invalid = leaderboard.labels_for(board, "t5", source, t5,
                                             seqio.get_mixture_or_task(board.t5_task))
    assert (labels, invalid) == ([0, 2], 1)  # joined by idx; "perhaps" -> fallback 0
    options = ["Yes", "No", "It's impossible to say"]
    flan = [{"inputs": "", "target": "", "prediction": "No", "options": options},
            {"inputs": "", "target": "", "prediction": "Yes", "options": options}]
    labels, _ = leaderboard.labels_for(board, "flan", source, flan)
    assert leaderboard.official_lines(board, source, labels) == [
        {"idx": 0, "label": "entailment"}, {"idx": 1, "label": "contradiction"}]
    assert leaderboard.dev_metrics(board, source, labels)["accuracy"] == 0.0
    record = leaderboard.BY_FILE["ReCoRD"]
    src = [{"idx": {"passage": 0, "query": 7}, "entities": ["Ann", "Bo"], "answers": ["Bo"]}]
    labels, invalid = leaderboard.labels_for(
        record, "flan", src, [{"inputs": "", "target": "", "prediction": ""}])
    assert (labels, invalid) == (["Ann"], 1)


# --- the shot table -------------------------------------------------------------------

def test_shot_tasks_expand_templates_and_skip_reversed():
    names = report.shot_tasks(["rte_type_0", "super_glue_cb_v102"], [Shot.ZERO, Shot.MULTI])
    assert names == ["rte_type_0", "rte_type_0_multi_shot", "super_glue_cb_v102"]
    mix = report.shot_tasks(["sglue_prompted_mix.flan"], [Shot.ONE], templates=[1])
    assert len(mix) == 8 and all(n.endswith("_type_1_one_shot") for n in mix)


def test_per_dataset_tasks_are_scored_template_by_template():
    """A per-dataset task (alone or as a mixture member) stands for its answer
    templates' tasks: the shot table keeps a row per dataset, mean and best template."""
    from eval import predict
    rte = [t.name for t in predict.eval_tasks("rte_10templates", "validation")]
    every = [t.name for t in predict.eval_tasks("rte_all_templates", "validation")]
    assert rte == every == prompts.template_tasks("rte_10templates", scored_only=True)
    assert len(rte) == 8 and all(seqio.get_mixture_or_task(n).metric_fns for n in rte)
    names = report.shot_tasks(["glue_mix.flan"], [Shot.ZERO, Shot.ONE], templates=[0])
    assert len(names) == 20 and "rte_type_0_one_shot" in names and "cola_type_0" in names


def test_results_mean_best_and_average(tmp_path):
    metrics = {"rte_type_0": {"accuracy": 50.0}, "rte_type_1": {"accuracy": 70.0},
               "rte_type_0_one_shot": {"accuracy": 60.0},
               "cb_type_0": {"accuracy": 40.0, "macro_f1": 20.0}, "cb_type_2": {"accuracy": 90.0,
                                                                                "macro_f1": 50.0},
               "super_glue_rte_v102": {"accuracy": 80.0}}
    results = report.build_results(metrics, [Shot.ZERO, Shot.ONE])
    rte, cb = results["datasets"]["rte"], results["datasets"]["cb"]
    assert rte["0"]["mean"] == 60.0 and rte["0"]["best"] == 70.0 and rte["0"]["best_template"] == 1
    assert rte["1"]["mean"] == 60.0 and "1" not in cb
    assert cb["0"]["mean"] == pytest.approx((30.0 + 70.0) / 2) and cb["0"]["best"] == 70.0
    assert results["average"]["0"]["mean"] == pytest.approx((60.0 + 50.0 + 80.0) / 3)
    assert results["average"]["0"]["best"] == pytest.approx((70.0 + 70.0 + 80.0) / 3)
    assert results["average"]["1"]["mean"] == 60.0
    table = report.markdown_table(results).splitlines()
    assert table[0].startswith("| dataset | 0-shot mean | 0-shot best | 1-shot mean")
    assert "| rte | 60.0 | 70.0 (t1) | 60.0 | 60.0 (t0) |" in table
    assert table[-1].startswith("| **average** |")
    png = report.plot_results(results, str(tmp_path / "chart.png"))
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_results_report_the_exemplars_inputs_got(tmp_path):
    """Each few-shot row's ``exemplars`` are averaged per task (``results.json``) and per
    dataset and shot (the table's mean cell)."""
    for task, counts in (("rte_type_0_one_shot", [1, 0, 1, 1]),
                         ("rte_type_1_one_shot", [1, 1])):
        write_jsonl(predictions_path(str(tmp_path), task),
                    [{"inputs": "x", "target": "yes", "prediction": "yes", "exemplars": n}
                     for n in counts])
    write_task(tmp_path, "rte_type_0", [("yes", "yes")])
    means = score.mean_exemplars(str(tmp_path))
    assert means == {"rte_type_0_one_shot": 0.75, "rte_type_1_one_shot": 1.0}
    metrics = score.score_dir(str(tmp_path), write=False)
    results = report.build_results(metrics, [Shot.ZERO, Shot.ONE], means)
    assert results["exemplars"] == means
    assert results["datasets"]["rte"]["1"]["exemplars"] == pytest.approx(0.875)
    assert "exemplars" not in results["datasets"]["rte"]["0"]
    assert "| rte | 100.0 | 100.0 (t0) | 100.0 (0.9 ex.) | 100.0 (t0) |" in (
        report.markdown_table(results).splitlines())


def test_best_template_chosen_on_another_split_is_reported_here():
    """``--select_on``: the best template is the one scoring highest on the selecting
    split; the table reports its score on the evaluated split and says so."""
    metrics = {"rte_type_0": {"accuracy": 50.0}, "rte_type_1": {"accuracy": 70.0}}
    select = {"rte_type_0": {"accuracy": 80.0}, "rte_type_1": {"accuracy": 60.0}}
    honest = report.build_results(metrics, [Shot.ZERO], select=select)
    assert honest["datasets"]["rte"]["0"]["best_template"] == 0
    assert honest["datasets"]["rte"]["0"]["best"] == 50.0  # not 70: chosen elsewhere
    optimistic = report.build_results(metrics, [Shot.ZERO])
    assert optimistic["datasets"]["rte"]["0"]["best"] == 70.0
    honest.update(split="validation", chosen_on="train")
    optimistic.update(split="validation", chosen_on="validation")
    assert report.markdown_table(honest).splitlines()[-1] == (
        "best: the template scoring highest on train, reported on validation")
    assert "optimistic" in report.markdown_table(optimistic).splitlines()[-1]


def test_leaderboard_labels_match_tfds_label_order():
    """FLAN options and T5 label words index the TFDS label classes the same way."""
    import tensorflow_datasets as tfds
    for board in leaderboard.TASKS:
        if board.labels is None or isinstance(board.labels[0], int):  # ReCoRD, COPA, MultiRC
            continue
        classes = tfds.text.super_glue.SuperGlue.builder_configs[board.config].label_classes
        assert [str(c).lower() for c in classes] == [str(l).lower() for l in board.labels]
    assert np.array_equal(leaderboard.BY_FILE["COPA"].labels, (0, 1))
    assert os.path.basename(predictions_path("out", "rte_type_0")) == "rte_type_0.jsonl"
