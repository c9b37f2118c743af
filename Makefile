# `make run` installs and starts Pact; `make doctor` checks the setup; `make test` installs
# the test tools and runs every test. The virtual environment in $(VENV) is created when
# missing, and packages are installed again only when pyproject.toml changed.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: run doctor test lint bench playground screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: installed once, again only when the dependencies (pyproject.toml) change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/pact run

doctor: $(VENV)/.installed
	$(BIN)/pact doctor

test: $(VENV)/.installed-test
	$(BIN)/pytest -n auto

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@db="sqlite:///$$(mktemp -d)/check.db"; \
	  DATABASE_URL="$$db" $(BIN)/pact db upgrade && DATABASE_URL="$$db" $(BIN)/alembic check

bench: $(VENV)/.installed-test
	$(BIN)/python bench/ack.py
	$(BIN)/python bench/tick.py

playground: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/pact playground

# PNGs of the playground's main moments into docs/ (needs chromium and chromium-driver).
screenshots: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m bot.playground.screenshots docs
