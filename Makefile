# OneThing — the two commands: `make run` (start everything) and `make test` (set up and test).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
# uv is used when on PATH; otherwise `make uv` installs it into .bootstrap/ (a venv of its own,
# so an "externally managed" system Python is never touched).
UV := $(shell command -v uv 2>/dev/null || echo "$(CURDIR)/.bootstrap/bin/uv")

.PHONY: help setup uv deps pwa clients browser run test check lint typecheck pytest bench openapi count-taps lighthouse clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

uv:
	@command -v uv >/dev/null 2>&1 || [ -x .bootstrap/bin/uv ] || \
		{ $(PYTHON) -m venv .bootstrap && .bootstrap/bin/pip install --quiet uv; }

deps: uv ## install Python dependencies exactly as locked
	$(UV) sync --frozen

pwa: ## build the PWA (npm ci + vite build)
	cd pwa && npm ci --no-audit --no-fund && npm run build

# The generated-clients test (tests/core/test_generated_clients.py) type-checks a usage of the
# TypeScript client with these locked tools.
clients: ## npm ci of clients/typescript (openapi-typescript, tsc)
	cd clients/typescript && npm ci --no-audit --no-fund

setup: deps pwa clients ## everything `run` and `test` need

# Browser tests drive Debian's chromium (Playwright's own browser download is not used).
browser: ## Debian's chromium and CJK fonts for the browser tests (apt-get when missing)
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends chromium fonts-noto-cjk; \
		else \
			echo "browser tests need: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; \
		fi; \
	fi

run: setup ## start PostgreSQL, S3, API, worker and PWA (Ctrl-C stops all)
	$(UV) run onething devstack

lint: ## ruff (lint + format check)
	$(UV) run ruff check backend tests bench examples
	$(UV) run ruff format --check backend tests bench examples

typecheck: ## mypy --strict on backend/, tsc --noEmit on pwa/
	$(UV) run mypy
	cd pwa && npm run typecheck
	cd examples/hospital-miniapp && $(UV) run --project ../.. mypy --strict hospital_miniapp

pytest: ## the test suite (real PostgreSQL, S3; Alembic drift check; OpenAPI freshness)
	$(UV) run pytest --durations=15

check: lint typecheck pytest

test: setup browser check ## set up everything, then every gate and the whole suite

bench: deps ## benchmarks (figures printed, never asserted in unit tests)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
		echo "wrk not installed: bench_api falls back to a slower Python client" >&2
	@for script in $$(ls bench/bench_*.py 2>/dev/null); do echo "== $$script"; $(UV) run python "$$script" || exit 1; done

openapi: deps ## regenerate openapi/openapi.json from the app
	$(UV) run onething openapi

count-taps: setup browser ## taps and typed fields of newborn-birth for a returning parent (printed)
	$(UV) run pytest tests/pwa/test_taps.py -q -s -p no:cacheprovider

lighthouse: setup browser ## Lighthouse scores (mobile) of home, bundle intro, a form page; fails below thresholds
	$(UV) run pytest tests/pwa/lighthouse_check.py -q -s -p no:cacheprovider

clean: ## remove local state (embedded database and S3 data, secrets, builds)
	rm -rf var pwa/dist
