"""The real-size generator (``python -m caches.demo --scale full``): real split sizes,
real text lengths, the same raw layouts (TFDS's builders read them), clear errors."""

from __future__ import annotations

import json
import random
import statistics

import pytest

from caches import build_tfds, real_sizes
from caches.demo import cli as demo_cli
from caches.demo import scale

GROWN = ("super_glue/boolq,super_glue/cb,super_glue/copa,super_glue/multirc,super_glue/record,glue/mrpc,"
         "super_glue/wic,super_glue/wsc.fixed,glue/wnli,natural_questions_open,piqa,openbookqa,"
         "hellaswag,trivia_qa/rc.nocontext,math_dataset/algebra__linear_1d,"
         "wmt16_translate/ro-en,dart,ai2_arc/ARC-Easy,squad/v1.1,squad/v2.0,coqa,"
         "definite_pronoun_resolution,wsc273")
CAP = 300


@pytest.fixture(scope="module")
def full_tree(tmp_path_factory):
    out = tmp_path_factory.mktemp("full")
    assert demo_cli.main(["--scale", "full", "--out", str(out), "--datasets", GROWN,
                          "--max_examples", str(CAP)]) == 0
    return out


def rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_split_sizes_are_the_real_ones_capped(full_tree):
    sg = full_tree / "super_glue"
    # BoolQ: every split over the cap; CB under it: its real sizes.
    assert [len(rows(sg / "BoolQ" / f"{s}.jsonl")) for s in ("train", "val", "test")] == [
        CAP] * 3
    cb = real_sizes.SPLITS["super_glue/cb"]
    assert [len(rows(sg / "CB" / f"{s}.jsonl")) for s in ("train", "val", "test")] == [
        cb["train"], cb["validation"], cb["test"]]
    # MultiRC counts answers (12 a passage), ReCoRD queries (4 a passage).
    answers = sum(len(q["answers"]) for r in rows(sg / "MultiRC" / "train.jsonl")
                  for q in r["passage"]["questions"])
    queries = sum(len(r["qas"]) for r in rows(sg / "ReCoRD" / "train.jsonl"))
    assert CAP <= answers < CAP + 12 and CAP <= queries < CAP + 4
    # Drawn from hand-written groups (4 examples a group), repeats allowed.
    wsc = real_sizes.SPLITS["super_glue/wsc.fixed"]
    assert [len(rows(sg / "WSC" / f"{s}.jsonl")) for s in ("train", "val", "test")] == [
        CAP, wsc["validation"], wsc["test"]]
    assert [len(rows(sg / "WiC" / f"{s}.jsonl")) for s in ("train", "val", "test")] == [CAP] * 3
    wnli = real_sizes.SPLITS["glue/wnli"]
    assert [len((full_tree / "glue" / "WNLI" / f"{s}.tsv").read_text().splitlines()) - 1
            for s in ("train", "dev", "test")] == [CAP, wnli["validation"], wnli["test"]]
    # Short closed-book questions: only the sizes grow.
    nq = real_sizes.SPLITS["natural_questions_open"]
    assert [len(rows(full_tree / "natural_questions_open" / f"NQ-open.{s}.jsonl"))
            for s in ("train", "dev")] == [min(nq["train"], CAP), min(nq["validation"], CAP)]
    piqa = full_tree / "piqa" / "physicaliqa-train-dev"
    for split in ("train", "dev"):  # labels line for line with the examples
        assert len(rows(piqa / f"{split}.jsonl")) == CAP
        assert len((piqa / f"{split}-labels.lst").read_text().splitlines()) == CAP
    obqa = full_tree / "openbookqa" / "OpenBookQA-V1-Sep2018" / "Data" / "Additional"
    sizes = real_sizes.SPLITS["openbookqa"]
    assert [len(rows(obqa / f"{s}_complete.jsonl")) for s in ("train", "dev", "test")] == [
        min(sizes[s], CAP) for s in ("train", "validation", "test")]
    hellaswag = [rows(full_tree / "hellaswag" / f"hellaswag_{s}.jsonl")
                 for s in ("train", "val", "test")]
    assert [len(r) for r in hellaswag] == [CAP] * 3
    assert {r["split_type"] for r in hellaswag[1]} == {"indomain", "zeroshot"}
    copa = real_sizes.SPLITS["super_glue/copa"]
    assert [len(rows(sg / "COPA" / f"{s}.jsonl")) for s in ("train", "val", "test")] == [
        min(copa[s], CAP) for s in ("train", "validation", "test")]
    # A dataset not asked for keeps its demo size.
    assert len((full_tree / "glue" / "CoLA" / "train.tsv").read_text().splitlines()) < 100


def test_passage_lengths_follow_the_real_distribution(full_tree):
    sg = full_tree / "super_glue"
    lengths = [len(r["passage"].split()) for r in rows(sg / "BoolQ" / "train.jsonl")]
    median, spread = scale.FULL["super_glue/BoolQ"].lengths["passage"]
    assert abs(statistics.median(lengths) - median) < 0.2 * median
    # A long tail, as in the real data: the 90th percentile well above the median.
    assert statistics.quantiles(lengths, n=10)[-1] > 1.5 * median
    paragraphs = [len(r["passage"]["text"].split())
                  for r in rows(sg / "MultiRC" / "train.jsonl")]
    assert statistics.median(paragraphs) > 200


def test_record_spans_still_point_at_their_entities(full_tree):
    for row in rows(full_tree / "super_glue" / "ReCoRD" / "train.jsonl")[:20]:
        text = row["passage"]["text"]
        for qa in row["qas"]:
            for answer in qa["answers"]:
                assert text[answer["start"]:answer["end"] + 1] == answer["text"]


def test_squad_articles_hold_real_sizes_and_paragraph_lengths(full_tree):
    """SQuAD at the full scale: the real number of questions (capped), distinct ids
    across repeated towns, paragraphs of the real length, answer offsets that still hold."""
    median = scale.FULL["squad/v1.1"].lengths["context"][0]
    for version in ("1.1", "2.0"):
        for split in ("train", "dev"):
            doc = json.loads((full_tree / "squad" / f"{split}-v{version}.json").read_text())
            paragraphs = [p for article in doc["data"] for p in article["paragraphs"]]
            qas = [qa for p in paragraphs for qa in p["qas"]]
            assert len(qas) == len({qa["id"] for qa in qas}) == CAP
            lengths = [len(p["context"].split()) for p in paragraphs]
            assert abs(statistics.median(lengths) - median) < 0.25 * median
            for p in paragraphs:
                for qa in p["qas"]:
                    for span in qa["answers"] + qa.get("plausible_answers", []):
                        start = span["answer_start"]
                        assert p["context"][start:start + len(span["text"])] == span["text"]


def test_coqa_stories_grow_after_their_text(full_tree):
    """CoQA's stories reach the real length, padded after the text: every rationale's
    offsets still point at it."""
    median = scale.FULL["coqa"].lengths["story"][0]
    stories = json.loads((full_tree / "coqa" / "coqa-train-v1.0.json").read_text())["data"]
    assert len(stories) == CAP
    assert abs(statistics.median(len(s["story"].split()) for s in stories) - median) < (
        0.25 * median)
    for story in stories:
        for answer in story["answers"]:
            if answer["span_start"] >= 0:
                assert (story["story"][answer["span_start"]:answer["span_end"]]
                        == answer["span_text"])


def test_tfds_builds_the_full_scale_files(full_tree, tmp_path):
    """TFDS's builders prepare the grown files, repeats included: NQ-open, PIQA,
    HellaSwag, math_dataset, WMT and DART key their examples by position, OpenBookQA,
    TriviaQA, ARC and SQuAD by id (which stays distinct)."""
    import tensorflow_datasets as tfds
    data_dir = tmp_path / "tfds"
    for name, split in (("super_glue/boolq", "train"), ("natural_questions_open", "train"),
                        ("piqa", "validation"), ("openbookqa", "train"),
                        ("hellaswag", "test"), ("trivia_qa/rc.nocontext", "train"),
                        ("math_dataset/algebra__linear_1d", "train"),
                        ("wmt16_translate/ro-en", "train"), ("dart", "train"),
                        ("ai2_arc/ARC-Easy", "train"), ("squad/v2.0", "train"),
                        ("super_glue/copa", "train"), ("coqa", "train"),
                        ("definite_pronoun_resolution", "train"), ("wsc273", "test")):
        assert build_tfds.main(["--raw_dir", str(full_tree), "--data_dir", str(data_dir),
                                "--datasets", name]) == 0
        builder = tfds.builder(name, data_dir=str(data_dir))
        want = min(real_sizes.SPLITS[name][split], CAP)
        assert builder.info.splits[split].num_examples == want, name


def test_mrpc_dev_rows_are_picked_by_id_not_text(tmp_path, monkeypatch):
    """MRPC's dev rows sit in its train file, listed by id: where a dev pair repeats a
    train pair's text (likely at the full scale), the dev list still names the dev rows
    only."""
    from caches.demo import glue
    train = [(1, ("A man ran.", "A man was running.")), (0, ("It rained.", "It snowed."))]
    dev = [(1, ("A man ran.", "A man was running."))]  # the same text as a train row
    monkeypatch.setattr(glue, "_glue_splits", lambda *a, **k: [train, dev, []])
    glue.write_mrpc(tmp_path)
    dev_ids = (tmp_path / "mrpc_dev_ids.tsv").read_text().splitlines()
    assert len(dev_ids) == len(dev)
    lines = (tmp_path / "msr_paraphrase_train.txt").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + len(train) + len(dev)


def test_demo_scale_is_unchanged_by_the_full_scale_code():
    """Outside ``scaled``, draws are the demo's (the committed tree stays byte-identical:
    tests/test_demo_data.py)."""
    make = lambda rng, label: {"passage": f"Draw {rng.random()}."}  # noqa: E731
    assert scale.CURRENT.name == "demo"
    assert len(scale.draw_splits("super_glue/BoolQ", [True], make, (3, 1, 1))[0]) == 3
    with scale.scaled(scale.Scale("full", max_examples=7)):
        drawn = scale.draw_splits("super_glue/BoolQ", [True], make, (3, 1, 1))
    assert [len(d) for d in drawn] == [7, 7, 7]
    assert scale.CURRENT.name == "demo"
    rng = random.Random(0)
    assert len(" ".join(scale.filler(rng, 50)).split()) >= 50


@pytest.mark.parametrize("argv,message", [
    (["--scale", "full"], "--scale full needs --out DIR"),
    (["--scale", "full", "--out", "x", "--datasets", "glue/mnly"],
     "no real-size plan for glue/mnly; choose from"),
    (["--scale", "full", "--out", "x", "--max_examples", "0"], "at least 1"),
    (["--max_examples", "5"], "apply to --scale full only"),
])
def test_bad_requests_are_one_line(argv, message, capsys):
    assert demo_cli.main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err
