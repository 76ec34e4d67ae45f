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
def no_network(monkeypatch):
    """Any attempt to reach the network raises (and so cannot hang)."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def run_torchrun(worker, nproc, args, timeout, extra_env=None):
    """``torchrun --standalone`` a worker script in its own process group.

    Kills the whole group and fails the test on timeout, so a stuck rank never hangs
    the suite. Returns a CompletedProcess with stdout and stderr merged.
    """
    import signal
    import subprocess
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone",
           "--nproc_per_node", str(nproc), worker, *map(str, args)]
    env = dict(os.environ, OMP_NUM_THREADS="1", CUDA_VISIBLE_DEVICES="", HF_HUB_OFFLINE="1",
               TF_CPP_MIN_LOG_LEVEL="2", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               **(extra_env or {}))
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        pytest.fail(f"torchrun did not finish in {timeout}s; last output:\n{output[-4000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, output)
