"""Shared fixtures: the demo assets (built once when missing) and a clean environment."""

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

