# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run demo test lint bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

run: $(STAMP)
	bash scripts/system-deps.sh window
	$(BIN)/deskapp

demo: $(STAMP)
	bash scripts/system-deps.sh window
	$(BIN)/deskapp --demo

test: $(TEST_STAMP)
	bash scripts/system-deps.sh
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/ruff check deskapp tests bench scripts
	$(BIN)/mypy

bench: $(TEST_STAMP)
	bash scripts/system-deps.sh
	$(BIN)/python bench/run.py

screenshots: $(TEST_STAMP)
	bash scripts/system-deps.sh
	xvfb-run -a -s "-screen 0 1440x900x24" $(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
