"""Bad input (issue #8): 32 cases, each a non-zero exit with one clear error line.

Every row of ``CASES`` is a command a user could type with something wrong in it: an
unknown name, data that is not there or is broken, a vocabulary or model folder that does
not fit, flags that contradict each other, an output folder that must not be reused, a
user task module that fails, a damaged cache or checkpoint, an empty split, a length
limit too short for a few-shot prompt. Each must end with

* a non-zero exit status,
* exactly one line on stderr, starting with ``error``, holding the row's key words
  (what is wrong and what to do), and no Python traceback;
* nothing new under the test's folder that a later run could take for good output
  (a saved model, results, a checkpoint, a ``COMPLETED`` cache, a prepared dataset).

``run.main`` (and ``caches.build_tfds.main``) are called in this process, so the imports
are paid once; every network connection raises while a row runs, which proves that no
download is attempted (and that nothing can hang waiting for one). docs/troubleshooting.md
lists the same errors with their fixes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from typing import Callable, Optional, Sequence

import pytest

import tasks  # noqa: F401  (seqio compat fix first)
from tasks import cache_dirs, paths, prompts, shots

import seqio

import run
from caches import build_tfds
from helpers import reset_run_state

# One test worker runs the whole module (its cache fixture is built once); `make test` schedules
# with --dist loadgroup.
pytestmark = pytest.mark.xdist_group("test_bad_input")

# Small everything; a row that gets as far as training stops after one step.
TINY = ["--max_source_length", "64", "--max_target_length", "8",
        "--per_device_train_batch_size", "2", "--per_device_eval_batch_size", "2",
        "--report_to", "none", "--disable_tqdm", "true", "--max_steps", "1"]
# Files whose appearance means "a finished result": none may be left by a failed command.
COMPLETE_NAMES = {"model.safetensors", "pytorch_model.bin", "config.json", "trainer_state.json",
                  "all_results.json", "train_results.json", "eval_results.json", "metrics.json",
                  "results.json", cache_dirs.COMPLETED, "dataset_info.json"}

EMPTY_SPLITS_MODULE = '''
import seqio
import tensorflow as tf
import tasks

ROWS = {"premise": ["A cat sat on the mat.", "It rained all day."],
        "hypothesis": ["A cat sat.", "It was dry."], "label": [0, 1]}


def rows(split, shuffle_files=False, seed=None):
    """Two train examples; the other split is empty."""
    n = 2 if split == "train" else 0
    return tf.data.Dataset.from_tensor_slices({
        "premise": tf.constant(ROWS["premise"][:n], tf.string),
        "hypothesis": tf.constant(ROWS["hypothesis"][:n], tf.string),
        "label": tf.constant(ROWS["label"][:n], tf.int64)})


def no_train(split, shuffle_files=False, seed=None):
    return rows("validation")


for name, fn in (("bad_input_empty_eval", rows), ("bad_input_empty_train", no_train)):
    tasks.register_prompt_task(
        name, source=seqio.FunctionDataSource(fn, splits=["train", "validation"]),
        templates=[("{premise} Does this imply {hypothesis}? {options_}", "{answer}")],
        fields=["premise", "hypothesis", "label"], options=["yes", "no"],
        shots=[tasks.prompts.Shot.ZERO])
'''

TYPO_TEMPLATE_MODULE = '''
import tasks
from tasks.sources import LocalTfdsDataSource

tasks.register_prompt_task(
    "bad_input_typo", source=LocalTfdsDataSource("super_glue/rte:1.0.2"),
    templates=[("{premise} Does this imply {hypothesys}? {options_}", "{answer}")],
    options=["yes", "no"])
'''


@dataclasses.dataclass
class Ctx:
    """What a row's setup gets: its folder, the shared assets, monkeypatch."""

    tmp: object  # pathlib.Path of this row
    shared: dict
    monkeypatch: object

    @property
    def out(self) -> str:
        return str(self.tmp / "out")

    def write(self, rel: str, text: str) -> str:
        path = self.tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return str(path)


@dataclasses.dataclass
class Case:
    """One bad command: ``setup(ctx)`` builds what it needs and returns the argv."""

    id: str
    setup: Callable[[Ctx], list]
    words: Sequence[str]  # must all appear in the error line
    main: str = "run"  # or "build_tfds"
    xfail: Optional[str] = None


def run_args(*argv):
    """A run.py setup: TINY + ``argv`` (formatted with the ctx; a flag given twice takes
    the row's value) + ``--output_dir``."""
    def setup(ctx):
        args = [a.format(tmp=ctx.tmp, out=ctx.out) for a in argv]
        return TINY + args + ["--output_dir", ctx.out]
    return setup


def with_setup(prepare, *argv):
    """``prepare(ctx)`` first (files, env), then ``run_args(*argv)``."""
    def setup(ctx):
        prepare(ctx)
        return run_args(*argv)(ctx)
    return setup


# --- setups that need files ------------------------------------------------------------------

def _unset_tfds_and_no_demo(ctx):
    ctx.monkeypatch.delenv("TFDS_DATA_DIR", raising=False)
    ctx.monkeypatch.setattr(paths, "DEMO_TFDS_DIR", ctx.tmp / "no-demo-tfds")


def _other_version(ctx):
    ctx.write("tfds/super_glue/rte/1.0.1/dataset_info.json", "{}")


def _raw_rte(ctx, corrupt_line: Optional[int] = None):
    for name in ("train.jsonl", "val.jsonl", "test.jsonl"):
        src = paths.DEMO_RAW_DIR / "super_glue" / "RTE" / name
        lines = src.read_text().splitlines()
        if corrupt_line and name == "train.jsonl":
            lines[corrupt_line - 1] = lines[corrupt_line - 1][:-5]  # cut short: not JSON
        ctx.write(f"raw/super_glue/RTE/{name}", "\n".join(lines) + "\n")


def _raw_missing(ctx):
    _raw_rte(ctx)
    os.remove(ctx.tmp / "raw/super_glue/RTE/val.jsonl")
    return ["--raw_dir", str(ctx.tmp / "raw"), "--data_dir", str(ctx.tmp / "tfds"),
            "--datasets", "super_glue/rte"]


def _raw_malformed(ctx):
    _raw_rte(ctx, corrupt_line=3)
    return ["--raw_dir", str(ctx.tmp / "raw"), "--data_dir", str(ctx.tmp / "tfds"),
            "--datasets", "super_glue/rte"]


def _junk_vocab(ctx):
    (ctx.tmp / "junk.model").write_bytes(os.urandom(2000))


def _small_model(ctx):
    """A model folder whose embedding has fewer rows than the demo vocabulary has ids."""
    folder = ctx.tmp / "small-model"
    folder.mkdir()
    config = json.loads((paths.DEMO_MODEL_DIR / "config.json").read_text())
    config["vocab_size"] = 100
    (folder / "config.json").write_text(json.dumps(config))
    shutil.copy(paths.DEMO_VOCAB_PATH, folder / "spiece.model")


def _model_without_weights(ctx):
    folder = ctx.tmp / "no-weights"
    folder.mkdir()
    shutil.copy(paths.DEMO_MODEL_DIR / "config.json", folder)
    shutil.copy(paths.DEMO_MODEL_DIR / "spiece.model", folder)


def _deepspeed_config(ctx):
    ctx.write("ds.json", json.dumps({"train_micro_batch_size_per_gpu": 4,
                                     "zero_optimization": {"stage": 2}}))


def _not_empty(ctx):
    ctx.write("out/notes.txt", "my notes")


def _bad_module(ctx):
    ctx.write("bad_input_boom.py", "raise RuntimeError('boom in user code')\n")


def _typo_module(ctx):
    ctx.write("bad_input_typo_tasks.py", TYPO_TEMPLATE_MODULE)


def _empty_splits_module(ctx):
    ctx.write("bad_input_empty_splits.py", EMPTY_SPLITS_MODULE)


def _cache_copy(ctx, damage):
    dst = ctx.tmp / "cache"
    shutil.copytree(ctx.shared["cache"], dst)
    task_dir = dst / "rte_type_0"
    damage(task_dir)


def _no_completed(ctx):
    _cache_copy(ctx, lambda d: os.remove(d / cache_dirs.COMPLETED))


def _truncated_shard(ctx):
    def cut(task_dir):
        shard = next(p for p in task_dir.iterdir() if ".tfrecord-" in p.name)
        data = shard.read_bytes()
        shard.write_bytes(data[: len(data) // 2])
    _cache_copy(ctx, cut)


def _checkpoint(ctx, trainer_state: str = '{"global_step": 1}', weights_bytes=None):
    """A checkpoint-1 folder holding every file a resume looks for (one rank)."""
    from trainer import checkpoints
    from trainer.stream import STATE_VERSION, StreamCounters
    ck = ctx.tmp / "out" / "checkpoint-1"
    ck.mkdir(parents=True)
    weights = (paths.DEMO_MODEL_DIR / "model.safetensors").read_bytes()
    (ck / "model.safetensors").write_bytes(weights[:weights_bytes] if weights_bytes else weights)
    (ck / "trainer_state.json").write_text(trainer_state)
    (ck / "rng_state.pth").write_bytes(b"")
    stream = {"version": STATE_VERSION, **dataclasses.asdict(StreamCounters())}
    checkpoints.write_stream_state(str(ck), 0, stream,
                                   {"dataset": "rte_type_0", "seed": 42, "num_ranks": 1})


CASES = [
    # names
    Case("unknown_task", run_args("--dataset_name", "rte_typo_0", "--do_train"),
         ["unknown task or mixture 'rte_typo_0'", "nearest: rte_type_0", "python -m tasks list"]),
    Case("unknown_mixture", run_args("--dataset_name", "glue_mixx.flan", "--do_eval"),
         ["'glue_mixx.flan'", "glue_mix.flan"]),
    Case("unknown_style", run_args("--dataset_name", "glue_mix.t6", "--do_train"),
         ["unknown style 't6'", "t5, flan", "glue_mix.t5"]),
    Case("unknown_flag", run_args("--dataset_name", "rte_type_0", "--do_train",
                                  "--learning_rat", "1e-3"),
         ["--learning_rat", "did you mean --learning_rate"]),
    Case("nothing_to_do", run_args("--dataset_name", "rte_type_0"), ["--do_train", "--do_eval"]),
    # TFDS data
    Case("tfds_dataset_not_prepared",
         run_args("--dataset_name", "rte_type_0", "--do_train", "--tfds_data_dir", "{tmp}"),
         ["super_glue/rte:1.0.2 is not prepared in", "super_glue/rte/1.0.2",
          "python -m caches.build_tfds", "--datasets super_glue/rte"]),
    Case("tfds_dir_missing",
         run_args("--dataset_name", "rte_type_0", "--do_train", "--tfds_data_dir", "{tmp}/nope"),
         ["super_glue/rte:1.0.2", "nope does not exist", "python -m caches.build_tfds"]),
    Case("tfds_dir_unset",
         with_setup(_unset_tfds_and_no_demo, "--dataset_name", "rte_type_0", "--do_train"),
         ["super_glue/rte:1.0.2", "no-demo-tfds", "neither --tfds_data_dir nor $TFDS_DATA_DIR",
          "python -m caches.build_tfds"]),
    Case("tfds_other_version",
         with_setup(_other_version, "--dataset_name", "rte_type_0", "--do_eval",
                    "--tfds_data_dir", "{tmp}/tfds"),
         ["super_glue/rte:1.0.2", "found version 1.0.1 there instead",
          "python -m caches.build_tfds"]),
    Case("raw_file_missing", _raw_missing, ["super_glue/rte: missing raw file", "RTE/val.jsonl"],
         main="build_tfds"),
    Case("raw_file_malformed", _raw_malformed, ["RTE/train.jsonl line 3", "not valid JSON"],
         main="build_tfds"),
    # vocabulary and model
    Case("vocab_missing",
         run_args("--dataset_name", "rte_type_0", "--do_train", "--vocab_path", "{tmp}/no.model"),
         ["--vocab_path", "no.model", "no SentencePiece model there"]),
    Case("vocab_not_sentencepiece",
         with_setup(_junk_vocab, "--dataset_name", "rte_type_0", "--do_train",
                    "--vocab_path", "{tmp}/junk.model"),
         ["junk.model is not a SentencePiece model", "--vocab_path"]),
    Case("vocab_bigger_than_embedding",
         with_setup(_small_model, "--dataset_name", "rte_type_0", "--do_train",
                    "--model_name_or_path", "{tmp}/small-model"),
         ["embeds only 100", "--vocab_path the model was trained with"]),
    Case("model_not_a_folder",
         run_args("--dataset_name", "rte_type_0", "--do_train",
                  "--model_name_or_path", "{tmp}/t5-base"),
         ["t5-base: no config.json", "local HF model folder"]),
    Case("model_without_weights",
         with_setup(_model_without_weights, "--dataset_name", "rte_type_0", "--do_train",
                    "--model_name_or_path", "{tmp}/no-weights"),
         ["no-weights: not a loadable model folder", "save_pretrained"]),
    # contradictory flags
    Case("train_without_train_split",
         run_args("--dataset_name", "super_glue_axb_v102", "--do_train"),
         ["super_glue_axb_v102 has no split 'train'", "--do_train needs one"]),
    Case("tp_not_dividing_world", run_args("--dataset_name", "rte_type_0", "--do_train",
                                           "--tensor_parallel_size", "2"),
         ["--tensor_parallel_size 2 does not divide the world size 1"]),
    Case("deepspeed_batch_disagrees",
         with_setup(_deepspeed_config, "--dataset_name", "rte_type_0", "--do_train",
                    "--deepspeed", "{tmp}/ds.json"),
         ["train_micro_batch_size_per_gpu=4", "--per_device_train_batch_size 2", '"auto"']),
    Case("output_dir_not_empty", with_setup(_not_empty, "--dataset_name", "rte_type_0",
                                            "--do_train"),
         ["is not empty", "--overwrite_output_dir true"]),
    # user task modules and templates
    Case("task_module_fails",
         with_setup(_bad_module, "--dataset_name", "rte_type_0", "--do_train",
                    "--task_modules", "{tmp}/bad_input_boom.py"),
         ["bad_input_boom.py", "RuntimeError: boom in user code"]),
    Case("task_module_not_found",
         run_args("--dataset_name", "rte_type_0", "--do_train",
                  "--task_modules", "{tmp}/bad_input_nowhere.py"),
         ["bad_input_nowhere.py", "no such file"]),
    Case("template_unknown_placeholder",
         with_setup(_typo_module, "--dataset_name", "rte_type_0", "--do_train",
                    "--task_modules", "{tmp}/bad_input_typo_tasks.py"),
         ["bad_input_typo_tasks.py", "unknown placeholder {hypothesys}",
          "did you mean {hypothesis}"]),
    # seqio caches
    Case("cache_without_completed",
         with_setup(_no_completed, "--dataset_name", "rte_type_0", "--do_eval",
                    "--cache_dir", "{tmp}/cache"),
         ["rte_type_0", "no COMPLETED", "python -m caches.cache_tasks", "--overwrite"]),
    Case("cache_truncated_shard",
         with_setup(_truncated_shard, "--dataset_name", "rte_type_0", "--do_eval",
                    "--cache_dir", "{tmp}/cache"),
         ["rte_type_0", "is damaged", "when built", "python -m caches.cache_tasks", "--overwrite"]),
    # checkpoints
    Case("resume_latest_without_checkpoint",
         with_setup(_not_empty, "--dataset_name", "rte_type_0", "--do_train",
                    "--resume_from_checkpoint", "latest"),
         ["--resume_from_checkpoint latest", "no complete checkpoint"]),
    Case("checkpoint_garbage_trainer_state",
         with_setup(lambda ctx: _checkpoint(ctx, trainer_state="{garbage"), "--dataset_name",
                    "rte_type_0", "--do_train", "--max_steps", "2",
                    "--resume_from_checkpoint", "{out}/checkpoint-1"),
         ["trainer_state.json", "unreadable", "checkpoint"]),
    Case("checkpoint_truncated_weights",
         with_setup(lambda ctx: _checkpoint(ctx, weights_bytes=100_000), "--dataset_name",
                    "rte_type_0", "--do_train", "--max_steps", "2",
                    "--resume_from_checkpoint", "{out}/checkpoint-1"),
         ["checkpoint-1", "model.safetensors", "truncated"]),
    # empty splits
    Case("max_eval_samples_zero",
         run_args("--dataset_name", "rte_type_0", "--do_eval", "--max_eval_samples", "0"),
         ["--max_eval_samples must be positive"]),
    Case("eval_split_empty",
         with_setup(_empty_splits_module, "--dataset_name", "bad_input_empty_eval_type_0",
                    "--do_eval", "--task_modules", "{tmp}/bad_input_empty_splits.py"),
         ["bad_input_empty_eval_type_0", "validation split gave no examples",
          "--eval_dataset_name"]),
    Case("train_split_empty",
         with_setup(_empty_splits_module, "--dataset_name", "bad_input_empty_train_type_0",
                    "--do_train", "--task_modules", "{tmp}/bad_input_empty_splits.py"),
         ["bad_input_empty_train_type_0", "train split gave no examples", "--dataset_name"]),
    Case("train_split_empty_epochs",
         with_setup(_empty_splits_module, "--dataset_name", "bad_input_empty_train_type_0",
                    "--do_train", "--max_steps", "-1", "--num_train_epochs", "1",
                    "--task_modules", "{tmp}/bad_input_empty_splits.py"),
         ["bad_input_empty_train_type_0", "the train split has no examples"]),
]


def _documented_count() -> int:
    return int(re.search(r"(\d+) cases", __doc__).group(1))


def test_docstring_counts_the_cases():
    assert len(CASES) == _documented_count()
    assert len({case.id for case in CASES}) == len(CASES)


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shared(demo_assets, tmp_path_factory):
    """Assets built once: a real seqio cache of rte_type_0's validation split."""
    import mixtures
    mixtures.register_all()  # every built-in task and mixture
    from caches import cache_tasks
    before = set(seqio.TaskRegistry.names())
    cache = tmp_path_factory.mktemp("bad_input_cache")
    result = cache_tasks.build_task_cache("rte_type_0", str(cache), splits=["validation"],
                                          min_shards=1)
    assert result.status == "cached", result
    assert cache_dirs.cache_manifest(str(cache / "rte_type_0"))["files"]
    yield {"cache": str(cache)}
    # Forget the tasks the rows' modules registered: other test modules share the registry.
    for dataset in [d for d in prompts.DATASET_TEMPLATES if d.startswith("bad_input_")]:
        prompts.unregister_dataset(dataset)
    for name in set(seqio.TaskRegistry.names()) - before:
        seqio.TaskRegistry.remove(name)
    shots.forget_blocks()
    reset_run_state()


@pytest.fixture
def clean_env(monkeypatch):
    for var in ("TFDS_DATA_DIR", cache_dirs.ENV_VAR, "WORLD_SIZE", "RANK", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    reset_run_state()
    yield
    reset_run_state()


def _files(root) -> set:
    return {os.path.relpath(os.path.join(d, f), root)
            for d, _, names in os.walk(root) for f in names}


def _looks_complete(rel: str) -> bool:
    parts = rel.split(os.sep)
    return parts[-1] in COMPLETE_NAMES or any(re.fullmatch(r"checkpoint-\d+", p) for p in parts)


def _main(case: Case, argv: list) -> int:
    return build_tfds.main(argv) if case.main == "build_tfds" else run.main(argv)


# --- the table -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)]
                          if c.xfail else []) for c in CASES])
def test_bad_input_is_one_clear_line(case, shared, clean_env, no_network, tmp_path, monkeypatch,
                                     capsys, user_registrations):
    argv = case.setup(Ctx(tmp_path, shared, monkeypatch))
    before = _files(tmp_path)
    capsys.readouterr()
    code = _main(case, argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code != 0, f"exit 0 for {argv}"
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in err
    missing = [word for word in case.words if word not in lines[0]]
    assert not missing, f"{missing} not in: {lines[0]}"
    left = sorted(f for f in _files(tmp_path) - before if _looks_complete(f))
    assert not left, f"a failed command left {left}"


# --- beyond the table ------------------------------------------------------------------------

def test_debug_shows_the_traceback(shared, clean_env, no_network, tmp_path):
    """``--debug``: the same error raised (Python prints the traceback), not one line."""
    from tasks import lookup
    with pytest.raises(lookup.UnknownNameError, match="rte_typo_0"):
        run.main(["--debug", "--dataset_name", "rte_typo_0", "--do_train",
                  "--output_dir", str(tmp_path / "out"), *TINY])


def test_template_error_from_the_api_is_one_line():
    """``tasks.register_prompt_task`` itself refuses the typo before registering anything."""
    from tasks import templating
    from tasks.sources import LocalTfdsDataSource
    with pytest.raises(templating.TemplateError) as err:
        tasks.register_prompt_task(
            "bad_input_api_typo", source=LocalTfdsDataSource("super_glue/rte:1.0.2"),
            templates=[("{premise} {hypothesys}", "{answer}")], options=["yes", "no"])
    assert "\n" not in str(err.value) and "did you mean {hypothesis}" in str(err.value)
    assert "bad_input_api_typo_type_0" not in seqio.TaskRegistry.names()


def test_fewer_vocabulary_ids_than_embedding_rows_is_fine(demo_assets):
    """A vocabulary smaller than the embedding (T5's padded 32128 rows) is normal."""
    from trainer.arguments import ModelArguments
    model = run.load_model(str(paths.DEMO_MODEL_DIR), ModelArguments(), tokenizer=[None] * 100)
    assert model.config.vocab_size > 100
