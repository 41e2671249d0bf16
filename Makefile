# Two commands do all setup on a fresh machine:
#   make run    install, make demo data (or use DATA=path/to/extracts), load, build, serve the app
#   make test   install, then the whole test suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?=
PORT ?= 8501

.PHONY: install run test lint bench bench-app clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/journey-sla run $(DATA) --port $(PORT)

test: install
	scripts/install_browser.sh
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check journey_sla app tests scripts
	$(BIN)/ruff format --check journey_sla app tests scripts

bench: install
	$(BIN)/journey-sla bench

bench-app: install
	$(BIN)/python scripts/bench_app.py --db $(or $(DB),data/warehouse.duckdb)

clean:
	rm -rf target logs data test-artifacts .pytest_cache
