"""Predicting with a model: rank classification, generation, files, the shot-table CLI.

The demo model (random, fixed weights) makes junk but well-formed predictions; rank
classification is checked against scoring each option on its own. A copy trained for a
few steps to always answer "yes" checks that generation and ranking agree.
"""

from __future__ import annotations

import json
import os

import pytest

import mixtures

mixtures.register_all()  # every built-in task and mixture
from tasks import paths

import torch

from eval import decoding, predict
from eval.__main__ import main as eval_main
from trainer import data
from trainer.config import StreamConfig

LENGTHS = {"inputs": 512, "targets": 16}


@pytest.fixture
def restore_settings():
    """The CLIs set the process-wide vocabulary and few-shot seed: put them back."""
    from tasks import shots, vocab
    seed = shots._settings["seed"]
    yield
    shots.set_fewshot_seed(seed)
    vocab.configure_vocabulary(None, None)


@pytest.fixture(scope="module")
def model(demo_assets):
    from transformers import T5ForConditionalGeneration
    return T5ForConditionalGeneration.from_pretrained(str(paths.DEMO_MODEL_DIR)).eval()


def examples(task, n, split="validation"):
    ds = data.get_split(StreamConfig(task, split, max_source_length=LENGTHS["inputs"],
                                     max_target_length=LENGTHS["targets"], max_samples=n))
    return list(ds.as_numpy_iterator())


def reference_score(model, inputs, option_ids):
    """Log-likelihood of one option for one input, unbatched (HF loss x length)."""
    with torch.no_grad():
        out = model(input_ids=torch.tensor([list(inputs)]), labels=torch.tensor([option_ids]))
    return -float(out.loss) * len(option_ids)


@pytest.mark.parametrize("task,n,chunk", [("copa_type_0", 4, 256), ("record_type_0", 2, 5)])
def test_rank_scores_match_unbatched_option_scoring(model, task, n, chunk):
    exs = examples(task, n)
    codec = predict.TextCodec(data.get_provider(task).output_features["targets"].vocabulary)
    inputs = [list(ex["inputs"]) for ex in exs]
    options = [[codec.encode(o.decode()) for o in ex["options"]] for ex in exs]
    # chunk=5 splits ReCoRD's ~14 option rows over several decoder passes
    got = decoding.score_options(model, inputs, options, pad_id=0, chunk_size=chunk)
    for inp, opts, scores in zip(inputs, options, got):
        want = [reference_score(model, inp, o) for o in opts]
        assert scores == pytest.approx(want, abs=1e-3)
        assert int(torch.tensor(scores).argmax()) == int(torch.tensor(want).argmax())


def test_rank_file_picks_the_highest_scored_option(model, tmp_path, predict_files):
    paths_ = predict_files(model, None, "copa_type_0", str(tmp_path), batch_size=3,
                                      max_samples=5, show_progress=False)
    records = [json.loads(line) for line in open(paths_["copa_type_0"])]
    texts = [ex["inputs_pretokenized"].decode() for ex in examples("copa_type_0", 5)]
    assert [r["inputs"] for r in records] == texts  # the split's order
    for r in records:
        assert r["prediction"] == r["options"][max(range(2), key=lambda i: r["scores"][i])]
        assert set(r) == {"inputs", "target", "prediction", "options", "scores"}


def test_hf_tokenizer_gives_the_same_files_as_the_task_vocabulary(model, tmp_path, predict_files):
    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(str(paths.DEMO_MODEL_DIR))
    names = ["copa_type_0", "super_glue_cb_v102"]
    kwargs = dict(batch_size=2, max_samples=3, max_target_length=4, show_progress=False)
    with_vocab = predict_files(model, None, names, str(tmp_path / "a"), **kwargs)
    with_tok = predict_files(model, tokenizer, names, str(tmp_path / "b"), **kwargs)
    for name in names:
        assert open(with_vocab[name]).read() == open(with_tok[name]).read()


@pytest.mark.parametrize("num_beams", [1, 2])
def test_generation_file_is_greedy_or_beam_decoding(model, tmp_path, num_beams, predict_files):
    out = predict_files(model, None, ["super_glue_multirc_v102"], str(tmp_path),
                                   batch_size=2, max_samples=3, max_target_length=5,
                                   num_beams=num_beams, show_progress=False)
    records = [json.loads(line) for line in open(out["super_glue_multirc_v102"])]
    exs = examples("super_glue_multirc_v102", 3)
    vocab = data.get_provider("super_glue_multirc_v102").output_features["targets"].vocabulary
    for r, ex in zip(records, exs):
        assert set(r["idx"]) == {"paragraph", "question", "answer"}
        assert r["features"]["idx/question"] == int(ex["idx/question"])
        ids = model.generate(input_ids=torch.tensor([list(ex["inputs"])]), max_new_tokens=5,
                             do_sample=False, num_beams=num_beams)[0].tolist()[1:]
        ids = ids[:ids.index(1)] if 1 in ids else ids
        assert r["prediction"] == vocab.decode([i for i in ids if i != 0])


def test_forced_rank_without_options_is_one_line(model, tmp_path, predict_files):
    with pytest.raises(predict.PredictError) as err:
        predict_files(model, None, "super_glue_rte_v102", str(tmp_path),
                                 method="rank", max_samples=2, show_progress=False)
    assert "no answer options" in str(err.value) and "\n" not in str(err.value)


def train_to_say_yes(model_dir, steps=25):
    """A tiny T5 (the demo vocabulary) trained a few steps to answer "yes" to any prompt."""
    from transformers import T5Config, T5ForConditionalGeneration
    torch.manual_seed(0)
    vocab_size = T5Config.from_pretrained(str(paths.DEMO_MODEL_DIR)).vocab_size
    model = T5ForConditionalGeneration(T5Config(
        vocab_size=vocab_size, d_model=32, d_kv=8, d_ff=64, num_layers=1, num_decoder_layers=1,
        num_heads=2, dropout_rate=0.0, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1))
    vocab = data.get_provider("bool_q_type_0").output_features["targets"].vocabulary
    yes = list(vocab.encode("yes")) + [1]
    inputs = [list(ex["inputs"])[:64] for ex in examples("bool_q_type_0", 8, "train")]
    input_ids, mask = decoding.pad_batch(inputs, 0)
    labels = torch.tensor([yes] * len(inputs))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-2)
    model.train()
    for _ in range(steps):
        loss = model(input_ids=input_ids, attention_mask=mask, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.save_pretrained(model_dir)
    return model.eval(), float(loss.detach())


def test_generation_and_ranking_agree_on_a_model_that_always_says_yes(tmp_path, predict_files):
    model, loss = train_to_say_yes(str(tmp_path / "yes-model"))
    assert loss < 0.05
    kwargs = dict(batch_size=4, max_target_length=4, show_progress=False)
    gen = predict_files(model, None, "bool_q_type_0", str(tmp_path / "gen"),
                                   task_methods={"bool_q_type_0": "generate"}, **kwargs)
    rank = predict_files(model, None, "bool_q_type_0", str(tmp_path / "rank"), **kwargs)
    gen_records = [json.loads(line) for line in open(gen["bool_q_type_0"])]
    rank_records = [json.loads(line) for line in open(rank["bool_q_type_0"])]
    assert len(gen_records) == len(rank_records) == 10
    assert [r["prediction"] for r in gen_records] == ["yes"] * 10
    assert [r["prediction"] for r in rank_records] == ["yes"] * 10
    assert all(r["options"] == ["no", "yes"] and r["scores"][1] > r["scores"][0]
               for r in rank_records)


def test_shot_table_cli(demo_assets, restore_settings, tmp_path, capsys):
    out = tmp_path / "table"
    code = eval_main(["--model_name_or_path", str(paths.DEMO_MODEL_DIR),
                      "--dataset_name", "rte_type_0,rte_type_1,super_glue_cb_v102",
                      "--shots", "0,1", "--max_eval_samples", "3", "--max_target_length", "4",
                      "--per_device_eval_batch_size", "3", "--output_dir", str(out),
                      "--no_progress"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "| dataset | 0-shot mean | 0-shot best | 1-shot mean | 1-shot best |" in printed
    results = json.load(open(out / "results.json"))
    assert set(results["datasets"]) == {"rte", "super_glue_cb_v102"}
    assert set(results["datasets"]["rte"]) == {"0", "1"}
    assert set(results["datasets"]["rte"]["0"]["templates"]) == {"0", "1"}
    assert set(results["datasets"]["super_glue_cb_v102"]) == {"0"}
    assert set(results["average"]) == {"0", "1"}
    assert sorted(os.listdir(out / "predictions")) == [
        "rte_type_0.jsonl", "rte_type_0_one_shot.jsonl", "rte_type_1.jsonl",
        "rte_type_1_one_shot.jsonl", "super_glue_cb_v102.jsonl"]
    for name in ("metrics.json", "results.md", "shots.png"):
        assert (out / name).stat().st_size > 0


def test_shot_table_cli_unknown_name_is_one_line(demo_assets, restore_settings, capsys):
    code = eval_main(["--model_name_or_path", str(paths.DEMO_MODEL_DIR),
                      "--dataset_name", "rte_type_O", "--output_dir", "/nonexistent"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: unknown task or mixture 'rte_type_O'")
    assert "\n" not in err


def test_few_shot_rows_record_their_exemplars(model, tmp_path, predict_files):
    """A MultiRC paragraph leaves no room for an exemplar at 128 tokens: the prediction
    is made with none, and its row says so."""
    predict_files(model, None, "multirc_type_0_one_shot", str(tmp_path),
                  max_source_length=128, max_samples=2, show_progress=False)
    with open(tmp_path / "predictions" / "multirc_type_0_one_shot.jsonl") as f:
        rows = [json.loads(line) for line in f]
    assert [row["exemplars"] for row in rows] == [0, 0]
    assert all("num_exemplars" not in row.get("features", {}) for row in rows)
