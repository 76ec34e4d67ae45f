"""The one module of helpers that test modules share (fixtures live in conftest.py).

Launching (a run.py or torchrun subprocess in its own session, killed on timeout),
run.py's output folders, and the per-group dataset builds (``test_ft_<group>.py``).
"""

import collections
import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys

import numpy as np
import pytest
import seqio
import tensorflow as tf

import tensorflow_datasets as tfds
from caches import build_tfds as bt
from tasks import paths
from tasks.names import Shot, shot_name
from trainer import data
from trainer.config import LABEL_PAD, StreamConfig
from trainer.stream import build_stream


def build_demo_group(tmp_path_factory, label: str, names, num_shards=None) -> str:
    """``names`` built from the demo raw files into a fresh data dir (its path)."""
    out = str(tmp_path_factory.mktemp(f"tfds_{label}"))
    built = bt.build_tfds(str(paths.DEMO_RAW_DIR), out, list(names), verbose=False,
                          num_shards=num_shards)
    assert built == [bt.tfds_name(name) for name in names]
    return out


def split_counts(data_dir: str, name: str) -> dict:
    """{split: number of examples} of a built dataset."""
    builder = tfds.builder(bt.tfds_name(name), data_dir=data_dir)
    return {split: info.num_examples for split, info in builder.info.splits.items()}


def copy_raw_files(tmp_path, name: str) -> pathlib.Path:
    """The demo raw files of ``name`` copied under ``tmp_path/raw`` (that folder)."""
    root = tmp_path / "raw"
    for rel in bt.RAW_FILES[name]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.DEMO_RAW_DIR / rel, root / rel)
    return root


# The fields each dataset's preprocessor provides. Kept in the tests on purpose (not imported
# from the registration code) so that the table is checked against an independent copy.
FIELDS = {
    "bool_q": {"passage", "question", "options_", "answer"},
    "cb": {"premise", "hypothesis", "options_", "answer"},
    "copa": {"premise", "question", "connector", "choice1", "choice2", "options_",
             "answer"},
    "multirc": {"paragraph", "question", "response", "options_", "answer"},
    "record": {"passage", "query", "options_", "answer"},
    "rte": {"premise", "hypothesis", "options_", "answer"},
    "wic": {"word", "sentence1", "sentence2", "options_", "answer"},
    "wsc": {"text", "span1_text", "span2_text", "options_", "answer"},
    "cola": {"sentence", "options_", "answer"},
    "sst2": {"sentence", "options_", "answer"},
    "glue_mrpc": {"sentence1", "sentence2", "options_", "answer"},
    "glue_qqp": {"question1", "question2", "options_", "answer"},
    "stsb": {"sentence1", "sentence2", "options_", "answer"},
    "mnli": {"premise", "hypothesis", "options_", "answer"},
    "qnli": {"question", "sentence", "options_", "answer"},
    "wnli": {"sentence1", "sentence2", "options_", "answer"},
    "imdb_reviews": {"text", "options_", "answer"},
    "yelp_polarity_reviews": {"text", "options_", "answer"},
    "sentiment140": {"text", "options_", "answer"},
    "paws_wiki": {"sentence1", "sentence2", "options_", "answer"},
    "arc": {"question", "options_", "answer"},
    "anli": {"context", "hypothesis", "options_", "answer"},
    "snli": {"premise", "hypothesis", "options_", "answer"},
    "trec": {"question", "options_", "answer"},
    "piqa": {"goal", "sol1", "sol2", "options_", "answer"},
    "openbookqa": {"question", "fact", "options_", "answer"},
    "hellaswag": {"context", "activity_label", "options_", "answer"},
    "dpr": {"sentence", "pronoun", "options_", "answer"},
    "wsc273": {"context", "options_", "answer"},
    # Free-text answers (FREE_TEXT): no options.
    "squad_v1": {"title", "context", "question", "answer"},
    "squad_v2": {"title", "context", "question", "answer"},
    "natural_questions": {"question", "answer"},
    "trivia_qa": {"question", "answer"},
    "wmt16_translate_roen": {"ro", "answer"},
    "wmt16_translate_deen": {"de", "answer"},
    "wmt14_translate_fren": {"fr", "answer"},
    "samsum": {"dialogue", "answer"},
    "aeslc": {"body", "answer"},
    "xsum": {"document", "answer"},
    "cnn_dailymail": {"article", "answer"},
    "coqa": {"story", "questions", "answer"},
    "dart": {"triples", "answer"},
    "math_dataset": {"question", "answer"},
    "true_case": {"sentence", "answer"},
    "fix_punct": {"sentence", "answer"},
}


# ------------------------------------------------------------------ launching

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(ROOT, "run.py")
TIMEOUT_S = 300
TOLERANCE = 1e-6

# Small everything: each run takes seconds after its imports.
TINY = ("--max_source_length 128 --max_target_length 8 --per_device_train_batch_size 2 "
        "--per_device_eval_batch_size 2 --learning_rate 1e-3 --lr_scheduler_type constant "
        "--logging_steps 1 --report_to none --disable_tqdm true --seed 7")
# 10 steps, checkpoints at 5 and 10, the eval loss every 3 steps (odd eval sample count,
# so two ranks hold 2 and 1 examples and the eval loop must keep them in step).
RESUMABLE = (TINY + " --do_train --do_eval --max_steps 10 --save_steps 5 --eval_strategy steps "
             "--eval_steps 3 --max_eval_samples 3 --gradient_accumulation_steps 2")

def launch_env(**extra) -> dict:
    """The environment of a launched run: one torch thread, no GPU, no hub, quiet TF."""
    return dict(os.environ, OMP_NUM_THREADS="1", CUDA_VISIBLE_DEVICES="", HF_HUB_OFFLINE="1",
                TF_CPP_MIN_LOG_LEVEL="2", TOKENIZERS_PARALLELISM="false",
                PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra)


def run_in_session(cmd, env, timeout, what, merge_output=False):
    """``cmd`` in its own process group; on timeout the whole group is killed and the test fails.

    A stuck rank (or its launcher) never hangs the suite. Returns a CompletedProcess
    (stderr merged into stdout when ``merge_output``).
    """
    import signal
    import subprocess
    stderr = subprocess.STDOUT if merge_output else subprocess.PIPE
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{what} did not finish in {timeout}s; last output:\n"
                    f"{(out + (err or ''))[-4000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def run_torchrun(worker, nproc, args, timeout, extra_env=None):
    """``torchrun --standalone`` a worker script in its own process group (stdout and stderr merged)."""
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone",
           "--nproc_per_node", str(nproc), worker, *map(str, args)]
    return run_in_session(cmd, launch_env(**(extra_env or {})), timeout, "torchrun",
                          merge_output=True)


# ------------------------------------------------------------------ run.py runs

def run_command(nproc: int = 1) -> list:
    """``python run.py``, or ``torchrun --standalone --nproc_per_node N run.py``."""
    if nproc == 1:
        return [sys.executable, RUN]
    return [sys.executable, "-m", "torch.distributed.run", "--standalone",
            "--nproc_per_node", str(nproc), RUN]


def launch(args: str, nproc: int = 1, timeout: int = TIMEOUT_S) -> subprocess.CompletedProcess:
    """run.py (torchrun for ``nproc`` > 1) in its own session; the group is killed on timeout."""
    cmd = run_command(nproc)
    cmd += shlex.split(args)
    return run_in_session(cmd, launch_env(DS_ACCELERATOR="cpu"), timeout, f"run.py {args}")


def run_ok(args: str, nproc: int = 1) -> subprocess.CompletedProcess:
    done = launch(args, nproc)
    if done.returncode != 0:
        pytest.fail(f"run.py exited {done.returncode}: {args}\n"
                    f"{(done.stdout + done.stderr)[-6000:]}")
    return done


def reset_run_state() -> None:
    """Forgets what ``run.main`` set process-wide: data dir, caches, vocabulary, the
    few-shot seed and layout."""
    from tasks import cache_dirs, shots, sources, vocab
    sources.set_tfds_data_dir(None)
    cache_dirs.reset_cache_dirs()
    vocab.configure_vocabulary(None, None)
    shots.set_fewshot_seed(shots.DEFAULT_FEWSHOT_SEED)
    shots.set_fewshot_layout(shots.LAYOUTS[0])


def run_in_process(args: str) -> None:
    """run.py in this test process (its imports already paid), one torch thread as the
    launched runs; fails the test on a non-zero exit."""
    import torch

    import run
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        code = run.main(shlex.split(args))
    finally:
        torch.set_num_threads(threads)
        reset_run_state()
    assert code == 0, f"run.py exited {code}: {args}"


def history(folder) -> list:
    with open(os.path.join(folder, "trainer_state.json"), encoding="utf-8") as f:
        return json.load(f)["log_history"]


def train_losses(folder) -> dict:
    return {e["step"]: e["loss"] for e in history(folder) if "loss" in e}


def eval_losses(folder) -> dict:
    return {e["step"]: e["eval_loss"] for e in history(folder) if "eval_loss" in e}


def max_weight_diff(a, b) -> float:
    from safetensors.torch import load_file
    wa = load_file(os.path.join(a, "model.safetensors"))
    wb = load_file(os.path.join(b, "model.safetensors"))
    assert wa.keys() == wb.keys()
    return max(float((wa[k] - wb[k]).abs().max()) for k in wa)


def straight_and_resumed(base, args: str, nproc: int = 1):
    """``(straight, resumed)`` output dirs: 10 steps, and its checkpoint-5 resumed to 10."""
    straight, resumed = base / "straight", base / "resumed"
    run_ok(f"{args} --output_dir {straight}", nproc)
    os.makedirs(resumed)
    shutil.copytree(straight / "checkpoint-5", resumed / "checkpoint-5")
    run_ok(f"{args} --output_dir {resumed} --resume_from_checkpoint latest", nproc)
    return straight, resumed


def assert_same_run(straight, resumed):
    want, got = train_losses(straight), train_losses(resumed)
    assert sorted(want) == list(range(1, 11)) and sorted(got) == sorted(want)
    assert max(abs(want[s] - got[s]) for s in want) <= TOLERANCE, (want, got)
    # Steps 6-10 were trained by the resumed process; its evals at 6 and 9 too.
    want_eval, got_eval = eval_losses(straight), eval_losses(resumed)
    assert {3, 6, 9} <= set(want_eval) and {6, 9} <= set(got_eval)
    assert all(abs(want_eval[s] - got_eval[s]) <= TOLERANCE for s in (6, 9))
    assert max_weight_diff(straight, resumed) <= TOLERANCE


def check_saved_model(folder, eval_samples):
    """The final folder: ``from_pretrained`` loads it, the vocabulary rule finds its spiece.model."""
    import torch
    from transformers import T5ForConditionalGeneration, T5Tokenizer
    from tasks import vocab

    model = T5ForConditionalGeneration.from_pretrained(folder)
    tokenizer = T5Tokenizer.from_pretrained(folder)
    assert vocab.resolve_vocab_path(None, str(folder)) == str(folder / "spiece.model")
    ids = tokenizer("rte premise: it rains", return_tensors="pt").input_ids
    assert ids[0, -1].item() == 1 and len(tokenizer) <= model.config.vocab_size  # T5's EOS
    with torch.no_grad():
        assert model.generate(ids, max_new_tokens=3).shape[0] == 1
    with open(folder / "all_results.json", encoding="utf-8") as f:
        results = json.load(f)
    assert results["eval_samples"] == eval_samples and results["eval_loss"] > 0


# ------------------------------------------------------------------ data streams
# (tests/test_data.py, test_cached.py, test_stream.py)

LENGTHS = {"inputs": 512, "targets": 64}
MRPC, RTE, COLA = "glue_mrpc_v002", "glue_rte_v002", "glue_cola_v002"
FLAN_RTE = "rte_type_0"



def get_split(name, split, shard=None, sequence_length=LENGTHS, **kwargs):
    """``data.get_split`` of the config these arguments describe."""
    return data.get_split(StreamConfig(
        name, split, shard, max_source_length=sequence_length["inputs"],
        max_target_length=sequence_length["targets"], **kwargs))


def stream_of(name, split, shard=None, *, batch_size, **kwargs):
    """``build_stream`` of the config these arguments describe."""
    return build_stream(StreamConfig(name, split, shard, **kwargs), batch_size=batch_size)


def texts(name, split, shard=None, key="inputs_pretokenized", **kwargs):
    ds = get_split(name, split, shard, **kwargs)
    return [ex[key].decode() for ex in ds.as_numpy_iterator()]


def shards(name, split, n, **kwargs):
    return [texts(name, split, seqio.ShardInfo(i, n), **kwargs) for i in range(n)]


def check_partition(full, parts):
    """Disjoint shards whose sizes differ by at most one and whose union is ``full``."""
    assert max(map(len, parts)) - min(map(len, parts)) <= 1, [len(p) for p in parts]
    total = collections.Counter()
    for part in parts:
        total += collections.Counter(part)
    assert total == collections.Counter(full)


CACHE_MARK = "CACHED "


def serialize(ex, spec, mark=CACHE_MARK):
    """One example as a ``tf.train.Example`` record, as seqio's cache job writes it."""
    feature = {}
    for k, v in ex.items():
        if k == "inputs_pretokenized":
            v = mark.encode() + v
        values = list(np.atleast_1d(v))
        if spec[k].dtype == tf.string:
            feature[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
        else:
            feature[k] = tf.train.Feature(int64_list=tf.train.Int64List(
                value=[int(x) for x in values]))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def write_cache(task_name, root, num_files=2):
    """A seqio cache (format of seqio 0.0.8) of the task's train and validation splits,
    with a mark in ``inputs_pretokenized`` to tell cached examples apart. Each split is
    cut into ``num_files`` consecutive runs: seqio reads 16 records of each file in turn,
    so with 20 records a file (MRPC train) its read order is not the written one."""
    task = seqio.get_mixture_or_task(task_name)
    out = os.path.join(root, task_name)
    os.makedirs(out)
    for split in ("train", "validation"):
        ds = task.preprocess_precache(task.source.get_dataset(split=split, shuffle=False))
        spec = ds.element_spec
        features = {k: {"shape": [None] * s.shape.rank, "dtype": s.dtype.name}
                    for k, s in spec.items()}
        records = [serialize(ex, spec) for ex in ds.as_numpy_iterator()]
        for i, part in enumerate(np.array_split(np.arange(len(records)), num_files)):
            path = os.path.join(out, f"{split}.tfrecord-{i:05d}-of-{num_files:05d}")
            with tf.io.TFRecordWriter(path) as writer:
                for j in part:
                    writer.write(records[j])
        with open(os.path.join(out, f"info.{split}.json"), "w") as f:
            json.dump({"features": features, "seqio_version": seqio.__version__,
                       "num_shards": num_files}, f)
        with open(os.path.join(out, f"stats.{split}.json"), "w") as f:
            json.dump({"examples": len(records)}, f)
    open(os.path.join(out, "COMPLETED"), "w").close()


FLAN_RTE_ONE = shot_name("rte", 0, Shot.ONE)
CACHED = (MRPC, RTE, FLAN_RTE, FLAN_RTE_ONE)


def examples(name, split, shard=None, *, direct=True, **kwargs):
    """Every feature of every example, in order, read directly or through seqio's
    per-task pipelines."""
    saved = data.DIRECT_CACHE_READ
    data.DIRECT_CACHE_READ = direct
    try:
        ds = get_split(name, split, shard, use_cached=True, **kwargs)
    finally:
        data.DIRECT_CACHE_READ = saved
    return ds.element_spec, [{k: np.asarray(v).tolist() for k, v in ex.items()}
                             for ex in ds.as_numpy_iterator()]


EOS, PAD = 1, 0


def synthetic(lengths, offset=10):
    """A factory of examples whose inputs/targets have the given lengths, EOS last."""
    def make():
        def gen():
            for i, (n_in, n_tg) in enumerate(lengths):
                yield {"inputs": np.r_[np.arange(offset + i, offset + i + n_in - 1), EOS],
                       "targets": np.r_[np.full(n_tg - 1, 3 + i), EOS]}
        sig = {k: tf.TensorSpec([None], tf.int32) for k in ("inputs", "targets")}
        return tf.data.Dataset.from_generator(
            lambda: ({k: v.astype(np.int32) for k, v in ex.items()} for ex in gen()),
            output_signature=sig)
    return make


def rows(batch, key):
    """The unpadded rows of one batch feature, as lists."""
    values = batch[key].tolist()
    if key == "labels":
        return [[x for x in row if x != LABEL_PAD] for row in values]
    masks = batch["attention_mask"].tolist()
    return [[x for x, m in zip(row, mask) if m] for row, mask in zip(values, masks)]


def flat(batches):
    return [row for b in batches for row in rows(b, "input_ids")]


def take(stream, n):
    """The next n batches, starting a new pass (a new ``iter``) when one ends."""
    out = []
    while len(out) < n:
        before = len(out)
        for batch in stream:
            out.append(batch)
            if len(out) == n:
                break
        assert len(out) > before, "empty stream"
    return out
