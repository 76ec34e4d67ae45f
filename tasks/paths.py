"""Fixed locations of the project's built (git-ignored) artifacts.

Everything under ``caches/built/`` (not source) is rebuilt when missing by
``make demo`` / ``make test`` (see the Makefile and ``caches/``).
"""

from __future__ import annotations

import pathlib

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHES_DIR = REPO_ROOT / "caches"
# Raw files in the upstream layouts, written by the project (tracked in git).
DEMO_RAW_DIR = CACHES_DIR / "demo_raw"
# Every built (git-ignored) artifact lives under BUILT_DIR, apart from the code.
BUILT_DIR = CACHES_DIR / "built"
# TFDS datasets prepared offline from DEMO_RAW_DIR by `python -m caches.build_tfds`.
DEMO_TFDS_DIR = BUILT_DIR / "tfds"
# SentencePiece model trained by the project on its own demo text (T5 id layout).
DEMO_VOCAB_DIR = BUILT_DIR / "demo-vocab"
DEMO_VOCAB_PATH = DEMO_VOCAB_DIR / "spiece.model"
# Tiny randomly initialised T5 saved as an HF model folder (spiece.model inside).
DEMO_MODEL_DIR = BUILT_DIR / "demo-model"
