"""run.py's command line (trainer.arguments): the README's command, legacy spellings, typos."""

import json
import shlex
import warnings

import pytest

from trainer.arguments import (ArgumentError, DataTrainingArguments, ModelArguments, TrainingArguments,
                               normalize_legacy_flags, parse_args)

# The command users type (README.md, "Training with run.py"), after `torchrun ... run.py`.
USER_COMMAND = """
  --dataset_name glue_mix.flan --eval_dataset_name glue_mix.flan
  --model_name_or_path /models/t5-base --deepspeed configs/zero2.json
  --per_device_train_batch_size 16 --per_device_eval_batch_size 32
  --output_dir out/run1 --learning_rate 1e-3 --lr_scheduler_type constant
  --max_source_length 1024 --max_target_length 256
  --do_train --do_eval --num_train_epochs 100 --max_steps 50000
  --save_strategy steps --save_steps 500 --save_total_limit 1
  --gradient_checkpointing true --gradient_accumulation_steps 8
  --logging_steps 8 --eval_steps 1000 --eval_strategy steps
  --max_eval_samples 10240 --overwrite_output_dir true
"""


def parse(argv):
    """parse_args, returning the arguments and the legacy-spelling warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = parse_args(argv)
    legacy = [str(w.message) for w in caught
              if issubclass(w.category, FutureWarning) and "deprecated spelling" in str(w.message)]
    return parsed, legacy


def test_mission_command_parses():
    (model, data, training), legacy = parse(shlex.split(USER_COMMAND))
    assert isinstance(model, ModelArguments) and isinstance(data, DataTrainingArguments)
    assert isinstance(training, TrainingArguments)
    assert model.model_name_or_path == "/models/t5-base" and model.tensor_parallel_size == 1
    assert (data.dataset_name, data.eval_dataset_name) == ("glue_mix.flan", "glue_mix.flan")
    assert (data.max_source_length, data.max_target_length, data.max_eval_samples) == (1024, 256, 10240)
    assert training.per_device_train_batch_size == 16 and training.per_device_eval_batch_size == 32
    assert training.learning_rate == 1e-3 and training.lr_scheduler_type.value == "constant"
    assert training.do_train and training.do_eval
    assert (training.num_train_epochs, training.max_steps) == (100, 50000)
    assert (training.save_strategy.value, training.save_steps, training.save_total_limit) == ("steps", 500, 1)
    assert training.gradient_accumulation_steps == 8 and training.activation_checkpointing is True
    assert (training.logging_steps, training.eval_steps, training.eval_strategy.value) == (8, 1000, "steps")
    assert training.overwrite_output_dir is True
    assert training.average_tokens_across_devices is False  # T5 returns a mean loss
    # The DeepSpeed config arrives fixed: clipping from --max_grad_norm (default 1.0), no
    # DeepSpeed optimizer on this CPU machine, batch sizes left for HF to fill.
    assert training.deepspeed["zero_optimization"]["stage"] == 2
    assert training.deepspeed["gradient_clipping"] == 1.0 and "optimizer" not in training.deepspeed
    assert training.hf_deepspeed_config.config["train_micro_batch_size_per_gpu"] == 16
    # --gradient_checkpointing is transformers' deprecated alias: one warning, ours.
    assert legacy == ["--gradient_checkpointing is a deprecated spelling, read as --activation_checkpointing; "
                      "write --activation_checkpointing instead"]


@pytest.mark.parametrize("argv,attribute,value", [
    (["--evaluation_strategy", "steps"], "eval_strategy", "steps"),
    (["--evaluation-strategy=epoch"], "eval_strategy", "epoch"),
    (["--lr", "constant"], "lr_scheduler_type", "constant"),
    (["--lr=cosine"], "lr_scheduler_type", "cosine"),
    (["--lr", "3e-4"], "learning_rate", 3e-4),
    (["--per_gpu_train_batch_size", "4"], "per_device_train_batch_size", 4),
    (["--per_gpu_eval_batch_size", "4"], "per_device_eval_batch_size", 4),
    (["--gradient_checkpointing"], "activation_checkpointing", True),
    (["--no_cuda", "true"], "use_cpu", True),
])
def test_legacy_spelling_maps_with_one_warning(tmp_path, argv, attribute, value):
    (_, _, training), legacy = parse(["--output_dir", str(tmp_path)] + argv)
    got = getattr(training, attribute)
    assert getattr(got, "value", got) == value
    assert len(legacy) == 1, legacy
    assert argv[0].split("=")[0] in legacy[0] and f"--{attribute}" in legacy[0]


def test_legacy_spelling_given_twice_warns_once(tmp_path):
    (_, _, training), legacy = parse(["--output_dir", str(tmp_path), "--lr", "constant", "--lr", "constant"])
    assert training.lr_scheduler_type.value == "constant" and len(legacy) == 1


def test_normalize_leaves_current_flags_alone():
    argv = ["--eval_strategy", "steps", "--learning_rate", "1e-3", "--adam_beta1", "-0.5"]
    assert normalize_legacy_flags(argv) == (argv, {})


@pytest.mark.parametrize("value,expected", [([], True), (["true"], True), (["True"], True), (["false"], False),
                                            (["0"], False)])
def test_overwrite_output_dir_is_our_boolean(tmp_path, value, expected):
    (_, _, training), legacy = parse(["--output_dir", str(tmp_path), "--overwrite_output_dir"] + value)
    assert training.overwrite_output_dir is expected and legacy == []


@pytest.mark.parametrize("argv,named,suggested", [
    (["--eval_strat", "steps"], "--eval_strat", ["--eval_strategy"]),
    # Not mapped to --save_strategy: only the fixed legacy table is, never a guess.
    (["--save", "steps"], "--save", ["--save_steps", "--save_strategy"]),
    (["--evaluation_stratgy", "steps"], "--evaluation_stratgy", ["--eval_strategy"]),
    (["--per_device_train_batchsize", "4"], "--per_device_train_batchsize", ["--per_device_train_batch_size"]),
    # Abbreviations argparse would otherwise accept silently.
    (["--learning", "1e-3"], "--learning", ["--learning_rate"]),
    (["--max_source_len=512"], "--max_source_len", ["--max_source_length"]),
])
def test_unknown_flag_is_one_line_with_nearest_flags(argv, named, suggested):
    with pytest.raises(ArgumentError) as err:
        parse_args(argv)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"unknown flag {named} (did you mean ")
    for flag in suggested:
        assert flag in message


def test_several_unknown_flags_are_named_together():
    with pytest.raises(ArgumentError) as err:
        parse_args(["--eval_strat", "steps", "--zzz_qqq", "1"])
    message = str(err.value)
    assert message.startswith("unknown flags --eval_strat") and "--zzz_qqq (no similar flag" in message
    assert "\n" not in message


@pytest.mark.parametrize("argv,fragment", [
    (["--lr_scheduler_type", "constnt"], "did you mean 'constant'?"),
    (["--eval_strategy", "stpes"], "did you mean 'steps'?"),
    (["--do_train", "maybe"], "Truthy value expected"),
    (["--lr", "fast"], "--lr fast: expected a scheduler"),
    (["stray"], "unexpected argument 'stray'"),
    (["--max_source_length", "0"], "--max_source_length must be a positive"),
    (["--config_overrides", "dropout_rate"], "is not key=value"),
])
def test_bad_values_are_one_line_errors(argv, fragment):
    with pytest.raises(ArgumentError) as err:
        parse_args(argv)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_deepspeed_batch_size_that_disagrees_is_one_line_error(tmp_path):
    config = tmp_path / "ds.json"
    config.write_text(json.dumps({"zero_optimization": {"stage": 2}, "train_micro_batch_size_per_gpu": 8}))
    with pytest.raises(ArgumentError) as err:
        parse_args(["--output_dir", str(tmp_path), "--deepspeed", str(config),
                    "--per_device_train_batch_size", "16"])
    message = str(err.value)
    assert message.startswith("--deepspeed: ") and "train_micro_batch_size_per_gpu=8" in message
    assert "--per_device_train_batch_size 16" in message and "\n" not in message


def test_data_defaults(tmp_path):
    (model, data, training), _ = parse(["--output_dir", str(tmp_path), "--dataset_name", "rte_type_3",
                                        "--task_modules", "my_tasks.py, other_tasks"])
    assert model.model_name_or_path is None  # run.py resolves the demo model
    assert data.eval_dataset_name == "rte_type_3"
    assert data.task_module_list() == ["my_tasks.py", "other_tasks"]
    assert training.deepspeed is None and training.average_tokens_across_devices is False
