# The two README commands: `make run` and `make test`. Everything they need is
# installed here, into .venv, from the project's own pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/arangolite serve --host 127.0.0.1 --port 8529

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint pytest

bench: $(STAMP)
	$(BIN)/python bench/arangolite_store.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
