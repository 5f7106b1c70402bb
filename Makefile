# The README's two set-up commands are `make demo` and `make test`; both start from nothing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/conflictmap gazetteer lookup Alep --lang fr

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check geo gazetteer web tests benchmarks
	$(BIN)/ruff format --check geo gazetteer web tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_gazetteer.py
	$(BIN)/python benchmarks/bench_geoparse.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
