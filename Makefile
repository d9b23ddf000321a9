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
	@echo "MCP server (streamable HTTP) on the embedded arangolite:"
	@echo "  URL:    http://127.0.0.1:8000/mcp   (health: http://127.0.0.1:8000/health)"
	@echo "  Claude Code:  claude mcp add --transport http arangodb http://127.0.0.1:8000/mcp"
	@echo "  stdio clients: command $(CURDIR)/$(BIN)/mcp-arangodb-async, args [\"server\"]"
	@echo "  (set ARANGO_URL or write config/databases.yaml to use ArangoDB; Ctrl-C stops)"
	$(BIN)/mcp-arangodb-async server --transport http --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint pytest

bench: $(STAMP)
	$(BIN)/python bench/arangolite_store.py
	$(BIN)/python bench/mcp_overhead.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
