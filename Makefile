# Two commands: `make run` installs and starts Pact; `make test` installs the test tools and
# runs every test. Both create the virtual environment in $(VENV) when it is missing.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: run test lint bench playground screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

run: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/pact run

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/pytest -n auto

lint: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@db="sqlite:///$$(mktemp -d)/check.db"; \
	  DATABASE_URL="$$db" $(BIN)/pact db upgrade && DATABASE_URL="$$db" $(BIN)/alembic check

bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python bench/ack.py
	$(BIN)/python bench/tick.py

playground: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/pact playground

# PNGs of the playground's main moments into docs/ (needs chromium and chromium-driver).
screenshots: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m bot.playground.screenshots docs
