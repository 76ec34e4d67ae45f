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

# torch is chosen by pip, which reads this machine's pip configuration: a CPU wheel
# pinned to 2.13.0 (an unpinned torch, pulled in by another package, would fetch a
# multi-GB CUDA build). uv installs that wheel with requirements.txt, then the --no-deps
# set: the same packages pip would install, byte code compiled, in ~30 s instead of
# ~100 s. Where uv can't install, pip does.
UV_VERSION := 0.13.9
INSTALL := $(PY) -m uv pip install -q --python $(PY) --compile-bytecode
WHEELS := $(VENV)/torch-wheel
$(STAMP): requirements.txt requirements-nodeps.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q uv==$(UV_VERSION)
	rm -rf $(WHEELS) && $(PIP) download -q --no-deps torch==2.13.0 -d $(WHEELS)
	$(INSTALL) $(WHEELS)/torch-*.whl -r requirements.txt \
	  || { $(PIP) install -q torch==2.13.0 && $(PIP) install -q -r requirements.txt; }
	$(INSTALL) --no-deps -r requirements-nodeps.txt \
	  || $(PIP) install -q --no-deps -r requirements-nodeps.txt
	rm -rf $(WHEELS)
	@touch $@

demo-assets: setup
	$(PY) -m caches.demo_assets

# Build the offline assets, read TFDS data back, show two formatted glue_mix.flan
# examples, then train the demo T5 on glue_mix.flan (one process, 200 steps) into
# out/demo, report its eval loss and end with the zero/one/multi-shot table (templates
# 0 and 1 of every dataset, 32 validation examples each; out/demo/results.md, shots.png).
# One torch thread: tf.data prepares batches on the other core; two threads contend.
demo: setup
	$(PY) -m caches.demo_assets --show super_glue/boolq:1.0.2
	$(PY) -m tasks show glue_mix.flan -n 2
	OMP_NUM_THREADS=1 $(PY) run.py --dataset_name glue_mix.flan --output_dir out/demo \
	  --overwrite_output_dir true --do_train --do_eval --max_steps 200 \
	  --per_device_train_batch_size 8 --per_device_eval_batch_size 32 \
	  --max_source_length 512 --max_target_length 16 --learning_rate 1e-3 \
	  --lr_scheduler_type constant --logging_steps 25 --save_strategy no \
	  --max_eval_samples 32 --report_to none --shots 0,1,multi --templates 0,1

# Demo assets first (one builder, not one per test worker), then 2 test workers; a free
# worker takes the next test, modules marked xdist_group run whole on one worker. The
# suite's ~50 Python processes reuse compiled project modules even where the shell
# sets PYTHONDONTWRITEBYTECODE (the __pycache__ folders are git-ignored).
PYTEST_WORKERS ?= 2
test: demo-assets
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup --durations=15 tests

# The suite without the tests marked slow (not what CI runs).
test-fast: demo-assets
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup -m "not slow" tests

clean-caches:
	rm -rf caches/built
