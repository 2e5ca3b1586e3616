# The two commands of the README: `make demo` and `make test`. Both set up .venv first: `demo`
# and `dev` install the runtime dependencies only, `test`, `lint` and `bench` the dev extra too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
SPARK := $(VENV)/.installed-spark
PORT ?= 3000

.PHONY: setup demo test test-busy lint dev bench sample test-spark spark-up spark-down

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

# The tests' DuckDB 1.x client (BI drivers ship 1.x) lives beside the 2.x one, in its own folder.
$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-warn-conflicts --upgrade --target $(VENV)/duckdb1 'duckdb<2'
	touch $(DEV) $(RUNTIME)

setup: $(DEV)

demo: $(RUNTIME)
	$(BIN)/mops build

lint: $(DEV)
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

bench: $(DEV)
	$(BIN)/mops bench --scale $(or $(SCALE),medium) --enforce

# Rewrite seeds/landing/ from the generator (pipeline/generate/sample.py holds its parameters).
sample: $(RUNTIME)
	$(BIN)/python -m pipeline.generate.sample

# The Dagster UI and daemon on http://127.0.0.1:$(PORT) (DAGSTER_HOME=dagster_home/).
dev: $(RUNTIME)
	DAGSTER_HOME=$(CURDIR)/dagster_home $(BIN)/dagster dev -m pipeline.definitions -h 127.0.0.1 -p $(PORT)

# The Spark engine (docs/spark.md): the spark extra (pyspark with the Spark Connect client; Java
# 17 to run Spark here), its parity tests, and a Spark Connect server on 127.0.0.1:15002.
$(SPARK): pyproject.toml | $(DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(SPARK)

test-spark: $(SPARK)
	$(BIN)/pytest -m spark -q

spark-up: $(SPARK)
	scripts/spark-connect up

spark-down:
	scripts/spark-connect down
