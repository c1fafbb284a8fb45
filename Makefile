# The README's commands. Each installs what it needs on a fresh machine (uv from PyPI, then the locked workspace).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
PYTHON ?= python3.11
UV := $(PYTHON) -m uv
PY := .venv/bin/python

.PHONY: run test bench lint install

install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	@$(UV) sync --all-packages --frozen --quiet

run: install
	$(PY) -m webdpro_local.platform

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports

test: lint
	$(PY) -m pytest

bench: install
	$(PY) tests/bench/run.py
	$(PY) tests/bench/location.py
	$(PY) tests/bench/capture_chain.py
	$(PY) tests/bench/edge.py
	$(PY) -m pytest services/payments/tests/integration/test_figures.py -q -s -p no:cacheprovider
