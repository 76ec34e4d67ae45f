# Two commands for a fresh machine (see README.md):
#   make demo   set up what is missing, then train + evaluate the embedded default
#   make test   set up what is missing, then run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.setup-done
# TensorFlow only feeds data here: keep its C++ log noise out of the output.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0
# Never reach a hub: everything is local.
export HF_HUB_OFFLINE ?= 1
export HF_DATASETS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: setup demo-assets demo test test-fast clean-caches

setup: $(STAMP)

# torch first (a CPU wheel pinned to 2.13.0; an unpinned torch, pulled in by another
# package, would fetch a multi-GB CUDA build), then the rest, then the --no-deps set.
$(STAMP): requirements.txt requirements-nodeps.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps -r requirements-nodeps.txt
	@touch $@

demo-assets: setup
	$(PY) -m caches.demo_assets

# For now: build the offline assets, read TFDS data back, show formatted mixture
# examples. (Training and the zero/one/multi-shot table join as run.py lands.)
demo: setup
	$(PY) -m caches.demo_assets --show super_glue/boolq:1.0.2
	$(PY) -m tasks show glue_mix.flan -n 2

# Demo assets first (one builder, not one per test worker), then 2 test workers.
PYTEST_WORKERS ?= 2
test: demo-assets
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup tests

# The suite without the tests marked slow (not what CI runs).
test-fast: demo-assets
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup -m "not slow" tests

clean-caches:
	rm -rf caches/tfds caches/demo-vocab caches/demo-model caches/seqio
