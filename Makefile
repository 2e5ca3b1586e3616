# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint dev bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/mops build

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The benchmark smoke runs before pytest so pytest's summary is the last line CI reads.
test: lint
	$(BIN)/mops bench --scale small
	$(BIN)/pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/mops bench --scale $(or $(SCALE),medium)

# The Dagster UI and daemon on http://127.0.0.1:3000 (DAGSTER_HOME=dagster_home/).
dev: $(STAMP)
	DAGSTER_HOME=$(CURDIR)/dagster_home $(BIN)/dagster dev -m pipeline.definitions -h 127.0.0.1 -p 3000
