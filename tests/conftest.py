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
