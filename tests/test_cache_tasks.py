"""Offline caching of prompt-applied tasks (caches.cache_tasks, tasks.cache_dirs).

One module fixture runs the real command (one Beam job, DirectRunner) for a
zero-shot FLAN task, its one-shot variant and a T5-style task; the tests read that
cache back with seqio's own reader, compare it with on-the-fly processing, break copies
of it, and rebuild. seqio's global cache dirs and its per-task memo of where a cache
lives are process-wide: every test starts and ends with none registered.
"""

import json
import os
import shutil

import pytest

import tasks  # noqa: F401  (compat fixes before seqio)
from tasks import cache_dirs, lookup, shots
from tasks.names import Shot, mixture_name, shot_name, superglue_t5_name, zero_shot_name

import seqio

from caches import cache_tasks

# One test worker runs the whole module (its cache fixture is built once); `make test` schedules
# with --dist loadgroup.
pytestmark = pytest.mark.xdist_group("test_cache_tasks")

RTE0 = zero_shot_name("rte", 0)
RTE0_ONE = shot_name("rte", 0, Shot.ONE)
SG_RTE = superglue_t5_name("rte")
BUILT = [RTE0, RTE0_ONE, SG_RTE]
SPLITS = ["train", "validation", "test"]


def _forget_everything():
    seqio.utils.set_global_cache_dirs([])
    cache_dirs.forget_cache_lookups()
    shots.forget_blocks()  # exemplars read while a cache was registered must not outlive it


@pytest.fixture(autouse=True)
def no_global_cache_dirs():
    """No seqio cache dir registered (and nothing memoised) before or after a test."""
    saved = list(seqio.utils.get_global_cache_dirs())
    _forget_everything()
    yield
    _forget_everything()
    seqio.utils.set_global_cache_dirs(saved)


def _main(*argv):
    return cache_tasks.main([*argv, "--min_shards", "2"])


@pytest.fixture(scope="module")
def built(demo_assets, tmp_path_factory):
    """A cache folder built by the real command for BUILT."""
    import mixtures
    mixtures.register_all()  # every built-in task and mixture
    cache_dir = str(tmp_path_factory.mktemp("seqio_cache"))
    assert _main("--tasks", ",".join(BUILT), "--cache_dir", cache_dir) == 0
    _forget_everything()
    return cache_dir


def _copy_task(src_dir, name, dst_dir):
    shutil.copytree(os.path.join(src_dir, name), os.path.join(dst_dir, name))
    return os.path.join(dst_dir, name)


def _examples(name, split, use_cached):
    """(pretokenized input, input ids, target ids) of a split, sorted: the cache job
    shuffles examples across shards, so only the multiset is comparable."""
    ds = seqio.get_mixture_or_task(name).get_dataset(
        None, split=split, use_cached=use_cached, shuffle=False)
    return sorted((ex["inputs_pretokenized"], tuple(ex["inputs"].tolist()),
                   tuple(ex["targets"].tolist())) for ex in ds.as_numpy_iterator())


def test_standard_seqio_layout(built, capsys):
    assert cache_dirs.cached_tasks(built) == sorted(BUILT)
    assert cache_dirs.partial_tasks(built) == []
    assert not [d for d in os.listdir(built) if d.startswith(".")]  # staging cleaned up
    for name in BUILT:
        task_dir = os.path.join(built, name)
        manifest = cache_dirs.cache_manifest(task_dir)
        assert manifest["task"] == name and manifest["splits"] == SPLITS
        assert len(manifest["vocabularies"]["inputs"]["sha256"]) == 64
        for split in SPLITS:
            with open(seqio.get_cached_info_path(task_dir, split)) as f:
                shards = json.load(f)["num_shards"]
            assert shards == 2
            prefix = seqio.get_cached_tfrecord_prefix(task_dir, split)
            assert all(os.path.isfile(f"{prefix}-{i:05d}-of-{shards:05d}")
                       for i in range(shards))
            with open(seqio.get_cached_stats_path(task_dir, split)) as f:
                assert json.load(f)["examples"] > 0


@pytest.mark.parametrize("name", BUILT)
@pytest.mark.parametrize("split", ["train", "validation"])
def test_cached_and_uncached_streams_give_the_same_ids(built, name, split):
    assert cache_dirs.register_cache_dir(built) == sorted(BUILT)
    task = seqio.get_mixture_or_task(name)
    assert task.cache_dir == os.path.join(built, name)
    uncached = _examples(name, split, use_cached=False)
    cached = _examples(name, split, use_cached=True)
    assert cached == uncached
    assert len(cached) == task.get_cached_stats(split)["examples"]
    if name == RTE0_ONE:  # exemplars came along (the pool read RTE0's cache)
        assert all(shots.count_exemplars(text.decode()) == 1 for text, _, _ in cached)


def test_seqios_own_reader_reads_the_cache(built):
    seqio.add_global_cache_dirs([built])  # no project code on the reading side
    for name in BUILT:
        task = seqio.TaskRegistry.get(name)
        task.assert_cached()
        n = task.get_cached_stats("validation")["examples"]
        ds = task.get_dataset({"inputs": 512, "targets": 32}, split="validation",
                              use_cached=True, shuffle=False)
        assert sum(1 for _ in ds.as_numpy_iterator()) == n
    mix = seqio.Mixture("cache_test_mix", BUILT, default_rate=1.0)
    ds = mix.get_dataset({"inputs": 512, "targets": 32}, split="validation",
                         use_cached=True, shuffle=False, copy_pretokenized=True)
    assert len(list(ds.take(5).as_numpy_iterator())) == 5


def test_is_cached_and_env_var(built, monkeypatch):
    assert not cache_dirs.is_cached(RTE0)
    monkeypatch.setenv(cache_dirs.ENV_VAR, built)
    assert cache_dirs.register_cache_dirs_from_env() == [built]
    assert cache_dirs.register_cache_dir(built)  # twice: no duplicate entry
    assert seqio.utils.get_global_cache_dirs().count(os.path.abspath(built)) == 1
    assert cache_dirs.is_cached(RTE0) and cache_dirs.is_cached(SG_RTE, "test")
    assert not cache_dirs.is_cached(zero_shot_name("rte", 1))
    with pytest.raises(lookup.UnknownNameError, match="nearest: rte_type_0"):
        cache_dirs.is_cached("rte_typ_0")
    cache_dirs.reset_cache_dirs([built])
    assert not cache_dirs.is_cached(RTE0)


def test_few_shot_exemplars_do_not_depend_on_the_zero_shot_cache(built):
    before = _examples(RTE0_ONE, "validation", use_cached=False)
    shots.forget_blocks()
    cache_dirs.register_cache_dir(built)
    assert _examples(RTE0_ONE, "validation", use_cached=False) == before


def _file_texts(path) -> list:
    """The ``inputs_pretokenized`` of every record of one cache file, sorted."""
    import tensorflow as tf
    return sorted(tf.train.Example.FromString(record.numpy()).features
                  .feature["inputs_pretokenized"].bytes_list.value[0].decode()
                  for record in tf.data.TFRecordDataset(path))


def test_ranks_read_whole_files_of_their_share(built):
    """The cache records each file's records; with a file per rank, a rank reads only its
    own files, the same examples in the same order directly and through seqio's
    pipelines, and its count is known without reading."""
    from helpers import examples
    from trainer import data
    from trainer.config import StreamConfig
    cache_dirs.register_cache_dir(built)
    task = seqio.get_mixture_or_task(RTE0)
    stats = task.get_cached_stats("train")
    prefix = seqio.get_cached_tfrecord_prefix(os.path.join(built, RTE0), "train")
    files = [f"{prefix}-{i:05d}-of-00002" for i in range(2)]
    by_file = [_file_texts(path) for path in files]
    assert stats["examples_per_shard"] == [len(t) for t in by_file]
    assert sum(stats["examples_per_shard"]) == stats["examples"]
    for kwargs in ({"shuffle": False}, {"seed": 3}, {"seed": 3, "num_epochs": 2}):
        parts = []
        for i in range(2):
            shard = seqio.ShardInfo(i, 2)
            _, direct = examples(RTE0, "train", shard, **kwargs)
            _, general = examples(RTE0, "train", shard, direct=False, **kwargs)
            assert direct == general
            parts.append(sorted(bytes(ex["inputs_pretokenized"]).decode() for ex in direct))
            plan = data.plan_split(StreamConfig(RTE0, "train", shard, use_cached=True,
                                                **dict({"num_epochs": 1}, **kwargs)))
            assert plan.known_size() == len(direct)
        epochs = kwargs.get("num_epochs", 1)
        assert sorted(parts) == sorted(sorted(t * epochs) for t in by_file)


def test_missing_cache_dir_names_path_and_command(tmp_path):
    missing = str(tmp_path / "nope")
    with pytest.raises(cache_dirs.CacheDirError) as err:
        cache_dirs.register_cache_dir(missing)
    msg = str(err.value)
    assert "\n" not in msg and missing in msg
    assert f"python -m caches.cache_tasks --tasks NAMES --cache_dir {missing}" in msg


def test_interrupted_cache_is_refused_then_rebuilt(built, tmp_path):
    broken = str(tmp_path / "cache")
    os.makedirs(broken)
    _copy_task(built, SG_RTE, broken)
    os.remove(os.path.join(_copy_task(built, RTE0, broken), cache_dirs.COMPLETED))
    # seqio itself never reads a folder without COMPLETED ...
    seqio.add_global_cache_dirs([broken])
    assert seqio.TaskRegistry.get(RTE0).cache_dir is None
    _forget_everything()
    # ... and registering the folder refuses it, naming the task and the fix.
    with pytest.raises(cache_dirs.CacheDirError) as err:
        cache_dirs.register_cache_dir(broken)
    msg = str(err.value)
    fix = f"python -m caches.cache_tasks --tasks {RTE0} --cache_dir {broken} --overwrite"
    assert "\n" not in msg and "incomplete" in msg and fix in msg
    assert seqio.utils.get_global_cache_dirs() == []
    assert _main(*fix.split()[3:]) == 0
    assert cache_dirs.register_cache_dir(broken) == sorted([RTE0, SG_RTE])


def _crash_in(monkeypatch, task_name, error):
    """The cache job's reading of ``task_name`` raises ``error`` once its first records
    are written."""
    from caches import beam_job
    real = beam_job.unit_records

    def crashing(job, reader, shard, counts):
        for item in real(job, reader, shard, counts):
            yield item
            if job.task.name == task_name:
                raise error

    monkeypatch.setattr(beam_job, "unit_records", crashing)


def test_crash_mid_build_leaves_nothing_in_place(built, tmp_path, monkeypatch, capsys):
    """One job for two tasks; one crashes: the job publishes nothing, then each task is
    tried in a job of its own, so the other one is cached and the broken one is not."""
    _crash_in(monkeypatch, RTE0, RuntimeError("simulated worker crash"))
    cache_dir = str(tmp_path / "cache")
    assert _main("--tasks", f"{RTE0},{SG_RTE}", "--cache_dir", cache_dir) == 1
    out, err = capsys.readouterr()
    assert "the job of 2 tasks failed" in out and "simulated worker crash" in out
    assert "FAILED" in out and RTE0 in err and SG_RTE not in err
    assert os.listdir(cache_dir) == [SG_RTE]  # no broken task folder, no staging left
    cache_dirs.register_cache_dir(cache_dir)
    assert cache_dirs.is_cached(SG_RTE) and not cache_dirs.is_cached(RTE0)


def test_interrupted_job_puts_no_task_in_place(built, tmp_path, monkeypatch, capsys):
    """Ctrl-C while the second of two tasks is read: neither is published, nothing is
    left, and the command says so (exit 130)."""
    _crash_in(monkeypatch, SG_RTE, KeyboardInterrupt())
    cache_dir = str(tmp_path / "cache")
    assert _main("--tasks", f"{RTE0},{SG_RTE}", "--cache_dir", cache_dir) == 130
    assert "partial cache is never put in place" in capsys.readouterr().err
    assert os.listdir(cache_dir) == []


@pytest.mark.parametrize("examples, source_shards, min_shards, want", [
    (40, 1, None, 1), (1_000, 1, None, 1), (1_001, 1, None, 2), (392_702, 1, None, 64),
    (10_000_000, 1, None, 128), (10_000_000, 8, None, 504), (10**9, 8, None, 1_024),
    (None, 1, None, 64), (None, 100, None, 100),
    (40, 1, 2, 2), (40, 8, 2, 8),  # --min_shards: seqio's rule
    (5_000, 3, None, 6), (40, 3, 4, 6),  # a multiple of the source shards
])
def test_shard_count_follows_the_split_size(examples, source_shards, min_shards, want):
    assert cache_tasks.shard_count(examples, source_shards, min_shards) == want


def test_num_workers_is_beams_multi_process_direct_runner():
    assert cache_tasks.beam_options([], 1) == []
    assert cache_tasks.beam_options(["--x=1"], 3) == [
        "--x=1", "--direct_num_workers=3", "--direct_running_mode=multi_processing"]
    for given in (["--runner=FlinkRunner"], ["--direct_num_workers", "2"]):
        assert cache_tasks.beam_options(given, 3) == given  # the user's options win
    args, beam = cache_tasks.parse_args(["--tasks", "x", "--direct_num_workers", "2",
                                         "--direct_running_mode=multi_processing"])
    assert beam == ["--direct_num_workers", "2", "--direct_running_mode=multi_processing"]


def test_cached_tasks_are_skipped_and_overwrite_rebuilds(built, tmp_path, capsys,
                                                        monkeypatch):
    """A cached task is skipped; ``--overwrite`` rebuilds the same files, whether its
    examples are serialized in Python (``beam_job.serialize``, small splits) or encoded
    in tf.data (``caches.tf_example``)."""
    from caches import beam_job
    cache_dir = str(tmp_path / "cache")
    os.makedirs(cache_dir)
    task_dir = _copy_task(built, RTE0, cache_dir)
    created = cache_dirs.cache_manifest(task_dir)["created"]
    inode = os.stat(task_dir).st_ino

    def records():
        return {name: open(os.path.join(task_dir, name), "rb").read()
                for name in sorted(os.listdir(task_dir))
                if ".tfrecord-" in name or name.endswith(".json")}

    before = records()
    assert _main("--tasks", RTE0, "--cache_dir", cache_dir) == 0
    assert "skipped: already cached" in capsys.readouterr().out
    assert os.stat(task_dir).st_ino == inode
    assert _main("--tasks", RTE0, "--cache_dir", cache_dir, "--overwrite") == 0
    out = capsys.readouterr().out
    assert RTE0 in out and "train,validation,test" in out and "1 cached" in out
    assert os.stat(task_dir).st_ino != inode  # a new folder, renamed into place
    assert records() == before and before  # a rebuild writes the same files
    assert cache_dirs.cache_manifest(task_dir)["created"] >= created
    assert os.listdir(cache_dir) == [RTE0]
    monkeypatch.setattr(beam_job, "TF_ENCODE_MIN_EXAMPLES", 0)  # every split in tf.data
    assert _main("--tasks", RTE0, "--cache_dir", cache_dir, "--overwrite") == 0
    assert records() == before


def test_splits_flag_caches_only_those(built, tmp_path):
    cache_dir = str(tmp_path / "cache")
    original = seqio.TaskRegistry.get(SG_RTE)
    assert _main("--tasks", SG_RTE, "--cache_dir", cache_dir, "--splits", "validation") == 0
    assert seqio.TaskRegistry.get(SG_RTE) is original and list(original.splits) == SPLITS
    assert cache_dirs.cache_manifest(os.path.join(cache_dir, SG_RTE))["splits"] == ["validation"]
    cache_dirs.register_cache_dir(cache_dir)
    assert cache_dirs.is_cached(SG_RTE, "validation")
    assert not cache_dirs.is_cached(SG_RTE, "train")


def test_cache_built_with_another_vocabulary_is_refused(built, tmp_path):
    task_dir = _copy_task(built, RTE0, str(tmp_path))
    path = os.path.join(task_dir, cache_dirs.COMPLETED)
    manifest = cache_dirs.cache_manifest(task_dir)
    for feature in manifest["vocabularies"].values():
        feature["sha256"] = "0" * 64
    with open(path, "w") as f:
        json.dump(manifest, f)
    with pytest.raises(cache_dirs.CacheDirError, match="another vocabulary.*--overwrite "
                       "--vocab_path .*spiece.model"):
        cache_dirs.register_cache_dir(str(tmp_path))


def test_task_selection(demo_assets, capsys):
    import mixtures
    mixtures.register_all()  # every built-in task and mixture
    assert cache_tasks.resolve_tasks(f"{RTE0},rte_type_[0-1],{SG_RTE}") == [
        RTE0, zero_shot_name("rte", 1), SG_RTE]
    t5_glue = mixture_name("glue_mix", "t5")
    assert cache_tasks.resolve_tasks(t5_glue) == [
        t.name for t in seqio.get_mixture_or_task(t5_glue).tasks]
    with pytest.raises(lookup.UnknownNameError, match="nearest: rte_type_0"):
        cache_tasks.resolve_tasks("rte_typ_0")
    with pytest.raises(lookup.UnknownNameError, match="no registered task matches"):
        cache_tasks.resolve_tasks("rtx_type_[0-2]")
    assert cache_tasks.main(["--tasks", "rte_typ_0", "--cache_dir", "unused"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unknown task or mixture 'rte_typ_0'; nearest: rte_type_0")
    assert "\n" not in err


@pytest.mark.slow
def test_mixture_cached_by_the_cli_on_two_worker_processes(demo_assets, tmp_path, capfd):
    """A mixture (ft_translation_mix.t5: 2 tasks) through the command line (its main, in
    this process), one job on Beam's DirectRunner with 2 worker processes (the options
    any Beam runner takes); nothing reaches file descriptor 2, the workers' included."""
    import mixtures
    mixtures.register_all()  # every built-in task and mixture
    name = mixture_name("ft_translation_mix", "t5")
    cache_dir = str(tmp_path / "cache")
    capfd.readouterr()
    code = cache_tasks.main(["--tasks", name, "--cache_dir", cache_dir, "--direct_num_workers",
                             "2", "--direct_running_mode", "multi_processing"])
    out, err = capfd.readouterr()
    assert code == 0, err[-2000:]
    members = [t.name for t in seqio.get_mixture_or_task(name).tasks]
    lines = out.strip().splitlines()
    assert len(members) == 2
    assert len(lines) == len(members) + 2 and "2 cached" in lines[-1]
    assert err.strip() == ""  # Beam/TF/absl noise kept down
    cache_dirs.register_cache_dir(cache_dir)
    assert cache_dirs.is_cached(name)
    ds = seqio.get_mixture_or_task(name).get_dataset(
        {"inputs": 512, "targets": 32}, split="validation", use_cached=True, shuffle=False)
    assert len(list(ds.take(8).as_numpy_iterator())) == 8
    for member in members:  # small splits: one file each (by size, no --min_shards)
        with open(seqio.get_cached_info_path(os.path.join(cache_dir, member), "validation")) as f:
            assert json.load(f)["num_shards"] == 1


# ------------------------------------------------------------------ records


def test_records_are_seqios_examples_in_a_fixed_byte_order():
    """``beam_job.serialize`` writes seqio's tf.train.Example with its map entries sorted:
    the same bytes in every process (protobuf's default order follows a per-process hash
    seed, so a rebuild would otherwise write other files)."""
    import subprocess
    import sys

    import numpy as np
    from caches import beam_job
    examples = [
        {"sentence": b"a b", "answer": b"x", "options": np.array([b"no", b"yes"], object),
         "label": np.int64(1), "inputs": np.array([5, 6, 1], np.int32),
         "score": np.float32(0.25), "empty": np.array([], np.int32)},
        {"z": b"", "a": np.array([b""], object), "m": np.array([1.5, 2.0], np.float32)},
        {"options": np.array([], object), "text": np.str_("é"),
         "names": np.array(["é", "b"], object), "f64": np.float64(0.5),
         "ids": np.array([], np.int64), "neg": np.int32(-1)},
    ]
    for ex in examples:
        record = beam_job.serialize(ex)
        assert record == seqio.dict_to_tfexample(ex).SerializeToString(deterministic=True)
    with pytest.raises(ValueError, match="Unsupported type"):
        beam_job.serialize({"grid": np.zeros([2, 2], np.int32)})
    # Twenty examples of 5-12 features: in a process of its own (another hash seed) the
    # default order would differ for some of them.
    code = ("from caches import beam_job; import sys; sys.stdout.write(' '.join("
            "beam_job.serialize({f'k{i}_{j}': b'v' for j in range(5 + i % 8)}).hex() "
            "for i in range(20)))")
    here = " ".join(beam_job.serialize({f"k{i}_{j}": b"v" for j in range(5 + i % 8)}).hex()
                    for i in range(20))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.stdout == here  # another process, another hash seed: the same bytes


def test_examples_read_in_batches_equal_seqios_per_example_read():
    import numpy as np
    import tensorflow as tf
    from caches import beam_job
    n = beam_job.READ_BATCH * 2 + 7
    ds = tf.data.Dataset.range(n).map(lambda i: {
        "text": tf.strings.as_string(i), "ids": tf.range(i % 5, dtype=tf.int32),
        "label": tf.cast(i % 3, tf.int64), "options": tf.constant(["no", "yes"])})
    want = list(ds.as_numpy_iterator())
    got = list(beam_job.numpy_examples(ds))
    assert len(got) == n
    for a, b in zip(want, got):
        assert list(a) == list(b)  # key order: the record's bytes follow it
        for key in a:
            assert type(a[key]) is type(b[key]) and np.array_equal(a[key], b[key])
            assert np.asarray(a[key]).dtype == np.asarray(b[key]).dtype


def test_records_encoded_in_tf_data_are_serializes_bytes():
    """``caches.tf_example`` encodes a batch of examples inside tf.data: every record is
    ``serialize``'s bytes (keys that prefix others, empty lists, floats, booleans,
    negative and wide integers, text), across batches; token counts are seqio's; the
    info made from the spec is the info made from an example."""
    import numpy as np
    import tensorflow as tf
    from caches import beam_job, tf_example
    from common import seqio_compat
    n = tf_example.BATCH + 9

    def make(i):
        return {"f": np.array([0.1 * i] * (i % 3), np.float64), "f32": np.float32(i / 7),
                "a": "é b {}".format(i).encode(), "ab": np.array([b"x"] * (i % 2), object),
                "inputs": np.array([5 + i % 4, 0, 1][: 1 + i % 3], np.int32),
                "flag": np.bool_(i % 2), "n": np.int64(-(2 ** 40) + i)}

    spec = {"f": tf.TensorSpec([None], tf.float64), "f32": tf.TensorSpec([], tf.float32),
            "a": tf.TensorSpec([], tf.string), "ab": tf.TensorSpec([None], tf.string),
            "inputs": tf.TensorSpec([None], tf.int32), "flag": tf.TensorSpec([], tf.bool),
            "n": tf.TensorSpec([], tf.int64)}
    want = [make(i) for i in range(n)]
    ds = tf.data.Dataset.from_generator(lambda: iter(want), output_signature=spec)
    vocabulary = seqio.PassThroughVocabulary(100, eos_id=1)  # pad 0, EOS 1, as T5's
    features = {"inputs": seqio.Feature(vocabulary), "targets": seqio.Feature(vocabulary)}
    batches = list(tf_example.encoded_batches(ds, features))
    assert [len(b["records"]) for b in batches] == [tf_example.BATCH, 9]
    records = [r for b in batches for r in b["records"]]
    assert records == [beam_job.serialize(ex) for ex in want]
    counter = seqio_compat.token_counter(features)
    tokens = [dict(counter.process(ex))["inputs_tokens"] for ex in want]
    assert [int(t) for b in batches for t in b["inputs_tokens"]] == tokens
    assert (seqio_compat.split_info(tf_example.spec_example(spec), 4)
            == seqio_compat.split_info(want[1], 4))
    grid = tf.data.Dataset.from_tensors({"grid": tf.zeros([2, 2], tf.int32)})
    assert tf_example.encoded_batches(grid, features) is None  # serialize's error then
