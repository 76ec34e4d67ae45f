"""Shared fixtures: the demo assets (built once when missing), a clean environment,
seqio caches of a few tasks, predictions from StreamConfig fields. Helper functions and
tables live in tests/helpers.py."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import tasks  # noqa: E402,F401  (applies the seqio compat fix before anything else)

@pytest.fixture(scope="session")
def demo_assets():
    """Demo TFDS data, vocabulary and model, built on first use (idempotent)."""
    from caches import demo_assets as assets
    from tasks import paths
    assets.ensure_demo_assets(verbose=False)
    return paths


@pytest.fixture
def local_data(data_dir):
    """Points the project's data sources at the test module's ``data_dir`` for one test."""
    from tasks import sources
    sources.set_tfds_data_dir(str(data_dir))
    yield data_dir
    sources.set_tfds_data_dir(None)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network raises (and so cannot hang)."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


STREAM_FIELDS = ("split", "shard", "max_source_length", "max_target_length", "max_samples",
                 "use_cached")


@pytest.fixture
def predict_files():
    """``predict_to_files`` with the StreamConfig fields given as keywords, as a fixture:
    ``predict_files(model, tokenizer, provider, out_dir, max_samples=2, batch_size=3)``."""
    from eval.predict import predict_to_files
    from trainer.config import StreamConfig

    def call(model, tokenizer, provider, out_dir, **kwargs):
        fields = {k: kwargs.pop(k) for k in STREAM_FIELDS if k in kwargs}
        fields.setdefault("split", "validation")
        return predict_to_files(model, tokenizer, StreamConfig(provider, **fields), out_dir,
                                **kwargs)
    return call


@pytest.fixture
def cached_tasks(tmp_path):
    """MRPC and RTE (T5 style), rte_type_0 and its one-shot variant cached in a temporary
    global cache dir; COLA is not."""
    import seqio
    from common import seqio_compat
    from helpers import CACHED, COLA, write_cache
    from trainer import data
    names = CACHED + (COLA,)

    def forget():
        for name in names:
            task = seqio.get_mixture_or_task(name)
            seqio_compat.forget_cache_lookup(task)
        data._warned_uncached.clear()

    saved = list(seqio.utils.get_global_cache_dirs())
    for name in CACHED:
        write_cache(name, str(tmp_path))
    seqio.utils.set_global_cache_dirs([str(tmp_path)])
    forget()
    yield
    seqio.utils.set_global_cache_dirs(saved)
    forget()


@pytest.fixture
def user_registrations(monkeypatch):
    """For tests that run user task modules in this process: every built-in task is
    registered; afterwards the tasks, mixtures and prompt datasets registered since, and
    the settings run.py and the CLIs make process-wide, are forgotten (test workers
    share the registry)."""
    import seqio

    import mixtures
    from helpers import reset_run_state
    from tasks import prompts
    mixtures.register_all()
    monkeypatch.delenv("TFDS_DATA_DIR", raising=False)
    tasks_before = set(seqio.TaskRegistry.names())
    mixtures_before = set(seqio.MixtureRegistry.names())
    datasets_before = set(prompts.DATASET_TEMPLATES)
    yield
    for dataset in set(prompts.DATASET_TEMPLATES) - datasets_before:
        prompts.unregister_dataset(dataset)
    for name in set(seqio.MixtureRegistry.names()) - mixtures_before:
        seqio.MixtureRegistry.remove(name)
    for name in set(seqio.TaskRegistry.names()) - tasks_before:
        seqio.TaskRegistry.remove(name)
    reset_run_state()


def pytest_collection_modifyitems(config, items):
    """Long work first: slow tests, then modules run whole by one worker (``xdist_group``),
    then the rest; with ``--dist loadgroup`` a worker takes the next unit when it is
    free, so the two finish together. Test outcomes do not depend on order."""
    def rank(item):
        if item.get_closest_marker("slow"):
            return 0
        return 1 if item.get_closest_marker("xdist_group") else 2
    items.sort(key=rank)
