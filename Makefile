# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-busy lint dev bench

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

# The benchmark smoke runs before pytest so pytest's summary is the last line CI reads. At the
# small scale it reports its ratios against their targets without failing on them: a busy
# machine may miss one (`make bench` enforces them). pytest's -ra lists every skip with its reason.
test: lint
	$(BIN)/mops bench --scale small --report-only
	$(BIN)/pytest -n 2 -q

# `make test` beside two CPU-bound processes (the acceptance of a machine-independent suite).
test-busy:
	.ci/busy-test

bench: $(STAMP)
	$(BIN)/mops bench --scale $(or $(SCALE),medium) --enforce

# The Dagster UI and daemon on http://127.0.0.1:3000 (DAGSTER_HOME=dagster_home/).
dev: $(STAMP)
	DAGSTER_HOME=$(CURDIR)/dagster_home $(BIN)/dagster dev -m pipeline.definitions -h 127.0.0.1 -p 3000
