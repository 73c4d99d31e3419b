# Everything a newcomer needs: `make run` serves the demo, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ACCOUNTS ?= 300

.PHONY: run test migrate seed schema bench clean

# The virtualenv is rebuilt whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/crmgraph migrate
	$(BIN)/crmgraph seed --if-empty --accounts $(DEMO_ACCOUNTS) --seed 1
	$(BIN)/crmgraph token demo
	CRMGRAPH_LOG_FORMAT=text $(BIN)/crmgraph serve

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

migrate: $(VENV)/.installed
	$(BIN)/crmgraph migrate

seed: $(VENV)/.installed
	$(BIN)/crmgraph seed --accounts $(DEMO_ACCOUNTS) --seed 1

# Rewrite schema.graphql after a change to models/, the registry or schema/.
schema: $(VENV)/.installed
	$(BIN)/crmgraph schema > schema.graphql

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --database both

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
