# cxlens — the two commands a newcomer needs are `make serve` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test lint typecheck importlint unit bench docs eval eval-text clean

## install: create .venv and install cxlens with its dev dependencies (idempotent)
install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## serve: migrate, load the demo data once, start the web app, API and a worker on http://$(HOST):$(PORT)
serve: install
	$(BIN)/cxlens db upgrade
	$(BIN)/cxlens demo --if-empty
	$(BIN)/cxlens serve --worker --host $(HOST) --port $(PORT)

## lint: ruff (lint + format check)
lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

## typecheck: mypy strict on src/
typecheck: install
	$(BIN)/mypy

## importlint: the layer rules of DESIGN.md
importlint: install
	$(BIN)/lint-imports

## test: lint, type-check, layer rules, then the whole suite on SQLite and PostgreSQL
test: lint typecheck importlint
	scripts/ensure-chromium.sh
	@set -euo pipefail; \
	if [ -n "$${CXLENS_TEST_POSTGRES_URL:-}" ]; then \
	  $(BIN)/pytest; \
	else \
	  pgdir=$$(mktemp -d /tmp/cxlens-pg.XXXXXX); \
	  trap 'scripts/test-postgres.sh stop "$$pgdir"' EXIT; \
	  url=$$(scripts/test-postgres.sh start "$$pgdir"); \
	  echo "PostgreSQL for the tests: $$url"; \
	  CXLENS_TEST_POSTGRES_URL="$$url" CXLENS_REQUIRE_POSTGRES=1 $(BIN)/pytest; \
	fi

## bench: benchmarks (not tests); figures go to docs/benchmarks.md
bench: install
	$(BIN)/python bench/run_all.py

## eval-text: score the text analyzers on ../shared/data (UMSAB, SemEval-2016); table into docs/text-analytics.md
eval-text: install
	$(BIN)/python -m cxlens.text.eval --data $${CXLENS_EVAL_DATA:-../shared/data} --write-docs docs/text-analytics.md

## docs: regenerate the CLI reference (docs/cli.md)
docs: install
	$(BIN)/python -m cxlens.cli.reference > docs/cli.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
