# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates its own virtualenv (.venv) and installs what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

## demo: run the whole revenue cycle on a fresh SQLite database with bundled demo data
demo: $(VENV)/.installed
	$(BIN)/openrcm demo

## test: lint, type-check, dependency contracts, then every test (SQLite and PostgreSQL)
test: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/openrcm
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist loadfile

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src/openrcm

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
