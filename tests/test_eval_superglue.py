"""SuperGLUE leaderboard export and dev scores with the demo model (junk, well-formed).

One run per style (T5-style tasks generating; FLAN-style template 0 ranking its
options), both splits, each in one test (so parallel test workers never repeat a run). The files are checked against the TFDS test splits read here
directly: one line per test example (MultiRC: per paragraph, holding every answer),
valid JSON, only the allowed labels, the same idx set; the zip holds the ten files; the
dev report averages the eight tasks' scores.
"""

import json
import zipfile

import pytest

import tasks  # noqa: F401
from tasks import paths
import mixtures
mixtures.register_all()  # every built-in task and mixture

import tensorflow_datasets as tfds

from eval import leaderboard, official, superglue

STYLES = ("t5", "flan")
FILES = ("BoolQ", "CB", "COPA", "MultiRC", "ReCoRD", "RTE", "WiC", "WSC", "AX-b", "AX-g")
ALLOWED = {"BoolQ": {"true", "false"}, "WiC": {"true", "false"}, "WSC": {"True", "False"},
           "CB": {"entailment", "contradiction", "neutral"}, "COPA": {0, 1},
           "RTE": {"entailment", "not_entailment"}, "AX-b": {"entailment", "not_entailment"},
           "AX-g": {"entailment", "not_entailment"}}


def tfds_test(config):
    ds = tfds.load(f"super_glue/{config}:1.0.2", split="test", data_dir=str(paths.DEMO_TFDS_DIR),
                   download=False, try_gcs=False)
    return list(tfds.as_numpy(ds))


def read_lines(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
def test_leaderboard_run(demo_assets, tmp_path, style):
    """One run per style (one test, so that test workers never repeat a run)."""
    from transformers import T5ForConditionalGeneration
    model = T5ForConditionalGeneration.from_pretrained(str(paths.DEMO_MODEL_DIR)).eval()
    from trainer.config import StreamConfig
    report = superglue.run(model, str(tmp_path), StreamConfig(None, max_source_length=512,
                                                              max_target_length=6),
                           style=style, template=0, batch_size=8, show_progress=False)
    check_test_files(style, tmp_path, report)
    check_zip(tmp_path)
    check_dev_scores(style, tmp_path)


def check_test_files(style, out, report):
    """One line per test example (MultiRC per paragraph), valid JSON, allowed labels."""
    for file in FILES:
        config = leaderboard.BY_FILE[file].config
        source = tfds_test(config)
        lines = read_lines(out / f"{file}.jsonl")
        if file == "MultiRC":
            want = {(int(ex["idx"]["paragraph"]), int(ex["idx"]["question"]), int(ex["idx"]["answer"]))
                    for ex in source}
            got = set()
            for line in lines:
                assert set(line) == {"idx", "passage"} and set(line["passage"]) == {"questions"}
                for q in line["passage"]["questions"]:
                    assert set(q) == {"idx", "answers"}
                    for a in q["answers"]:
                        assert set(a) == {"idx", "label"} and a["label"] in (0, 1)
                        got.add((line["idx"], q["idx"], a["idx"]))
            assert got == want and len(got) == len(source)
            assert len(lines) == len({p for p, _, _ in want})
            continue
        assert len(lines) == len(source), file
        assert all(set(line) == {"idx", "label"} for line in lines)
        if file == "ReCoRD":
            entities = {int(ex["idx"]["query"]): {e.decode() for e in ex["entities"]} for ex in source}
            assert {line["idx"] for line in lines} == set(entities)
            for line in lines:
                assert isinstance(line["label"], str) and line["label"]
                if style == "flan":  # ranked among the entities
                    assert line["label"] in entities[line["idx"]]
            continue
        assert sorted(line["idx"] for line in lines) == sorted(int(ex["idx"]) for ex in source)
        assert {line["label"] for line in lines} <= ALLOWED[file], file
    assert report["test"]["MultiRC"]["examples"] == len(tfds_test("multirc"))


def check_zip(out):
    """submission.zip holds exactly the ten files."""
    with zipfile.ZipFile(out / "submission.zip") as z:
        assert sorted(z.namelist()) == sorted(f"{f}.jsonl" for f in FILES)
        for file in FILES:
            assert z.read(f"{file}.jsonl").decode() == (out / f"{file}.jsonl").read_text()


def check_dev_scores(style, out):
    """Each task's score is the mean of its metrics; the average is over the eight."""
    dev = json.loads((out / "superglue_dev.json").read_text())
    assert dev["style"] == style and set(dev["tasks"]) == set(official.AVERAGED_TASKS)
    for file, metrics in dev["tasks"].items():
        names = official.TASK_METRICS[file]
        assert metrics["score"] == pytest.approx(sum(metrics[n] for n in names) / len(names))
        assert all(0.0 <= metrics[n] <= 100.0 for n in names)
    assert dev["average"] == pytest.approx(
        sum(m["score"] for m in dev["tasks"].values()) / 8)
    table = superglue.dev_table(dev)
    assert "| MultiRC | f1a" in table and "SuperGLUE average" in table


def test_template_that_does_not_ask_for_the_answer_is_one_line():
    with pytest.raises(ValueError) as err:
        superglue.board_task(leaderboard.BY_FILE["BoolQ"], "flan", 9)
    message = str(err.value)
    assert "bool_q_type_9" in message and "[0, 1, 2, 3, 4, 5, 6, 7]" in message
    assert "\n" not in message


def test_cli_error_is_one_line(demo_assets, tmp_path, capsys):
    code = superglue.main(["--model_name_or_path", str(paths.DEMO_MODEL_DIR), "--output_dir",
                           str(tmp_path), "--style", "flan", "--template", "9"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: --template 9: bool_q_type_9") and "\n" not in err
