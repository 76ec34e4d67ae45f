"""Shared fixtures and helpers: the demo assets (built once when missing), a clean
environment, launched runs, and the independent table of FLAN fields (``FIELDS``)."""

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
