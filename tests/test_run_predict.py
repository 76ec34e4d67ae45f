"""``run.py --do_predict --shots 0,1,multi``: predictions, metrics and the shot table from run.py.

run.py in this process, the demo model, one FLAN template of RTE in three shot settings: run.py
writes ``predictions/<task>.jsonl`` for the three tasks, ``metrics.json`` equal to what
``python -m eval score`` computes from those files, and the shot table
(``results.json`` / ``results.md``, printed). ``--shots`` without ``--do_eval`` or
``--do_predict`` and a bad shot label are one-line errors.
"""

from __future__ import annotations

import json
import shlex

import pytest

from helpers import run_in_process

ARGS = ("--dataset_name rte_type_0 --max_source_length 512 --max_target_length 8 "
        "--per_device_eval_batch_size 4 --max_eval_samples 4 --report_to none "
        "--disable_tqdm true --seed 7")


@pytest.fixture(autouse=True, scope="module")
def _assets(demo_assets):
    yield


def test_do_predict_writes_predictions_metrics_and_the_shot_table(tmp_path, capsys):
    out = tmp_path / "run"
    run_in_process(f"{ARGS} --do_predict --shots 0,1,multi --output_dir {out}")
    stdout = capsys.readouterr().out
    names = ["rte_type_0", "rte_type_0_one_shot", "rte_type_0_multi_shot"]
    for name in names:
        lines = (out / "predictions" / f"{name}.jsonl").read_text().splitlines()
        assert len(lines) == 4
        record = json.loads(lines[0])
        assert record["prediction"] in record["options"]  # ranked over the template's options
    metrics = json.loads((out / "metrics.json").read_text())
    assert sorted(metrics) == sorted(names)

    from eval import score
    import mixtures
    mixtures.register_all()
    assert score.score_dir(str(out), write=False) == metrics

    results = json.loads((out / "results.json").read_text())
    assert results["shots"] == ["0", "1", "multi"]
    row = results["datasets"]["rte"]
    for shot, name in zip(["0", "1", "multi"], names):
        assert row[shot]["mean"] == pytest.approx(metrics[name]["accuracy"])
    assert "| rte |" in stdout and "| rte |" in (out / "results.md").read_text()


@pytest.mark.parametrize("flags, words", [
    ("--do_train --max_steps 1 --shots 0", "--shots needs --do_eval or --do_predict"),
    ("--do_predict --shots 0,4", "unknown shot setting '4'"),
])
def test_bad_shot_flags_are_one_line_errors(tmp_path, flags, words, capsys):
    """Checked before anything loads: run.main in this process (the launched path of a
    one-line error is test_run's unknown-dataset test)."""
    import run
    code = run.main(shlex.split(f"{ARGS} {flags} --output_dir {tmp_path / 'run'}"))
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert words in err.strip().splitlines()[-1]
