# The README's commands. Each installs what it needs on a fresh machine (uv from PyPI, then the locked workspace).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
PYTHON ?= python3.11
UV := $(PYTHON) -m uv
PY := .venv/bin/python

.PHONY: run test e2e bench lint install browser jsdom
# The browser test drives Debian's Chromium through Playwright; Playwright never downloads a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
CHROMIUM := /usr/bin/chromium

install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	@$(UV) sync --all-packages --frozen --quiet

# Debian's Chromium for tests/browser (installed from apt where it is missing; root or sudo).
browser:
	@test -x $(CHROMIUM) || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# jsdom for the generated store's script test (services/sitegen/tests/unit/test_app_js.py), from its lock file.
JSDIR := services/sitegen/tests/unit/js
jsdom:
	@test -d $(JSDIR)/node_modules/jsdom || npm ci --prefix $(JSDIR) --no-audit --no-fund --silent

run: install
	$(PY) -m webdpro_local.platform

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports

test: lint browser jsdom
	$(PY) -m pytest

# The reference flow of PRODUCT.md §2 alone (all 14 steps, across the service processes); `make test` includes it.
e2e: install
	$(PY) -m pytest -q tests/e2e/test_reference_flow.py

bench: install
	$(PY) tests/bench/run.py
	$(PY) tests/bench/location.py
	$(PY) tests/bench/capture_chain.py
	$(PY) tests/bench/audit_latency.py
	$(PY) tests/bench/edge.py
	$(PY) tests/bench/publish_live.py
	$(PY) tests/bench/reference_flow.py
	$(PY) -m pytest services/payments/tests/integration/test_figures.py -q -s -p no:cacheprovider
