# The README's two set-up commands are `make demo` and `make test`; both start from nothing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench stress install browser postgis clean

# Python packages into the virtual environment, and the one map plugin no PyPI package ships
# (leaflet.fullscreen, from the npm registry, into web/node_modules; the map works without it).
$(STAMP): pyproject.toml web/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@if command -v npm >/dev/null 2>&1; then \
		(cd web && npm ci --no-audit --no-fund --loglevel=error) || echo "warning: npm install failed; the map will have no fullscreen button"; \
	else echo "warning: npm not found; the map will have no fullscreen button"; fi
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium for the browser test of the map page (Debian's package).
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: chromium could not be installed; the browser test will be skipped"; \
	else echo "warning: chromium is missing (apt-get install chromium); the browser test will be skipped"; fi

# PostgreSQL and PostGIS (Debian's packages) for the tests of the PostGIS store, which start a
# throwaway cluster of their own; CONFLICTMAP_REQUIRE_POSTGIS makes `make test` fail, not skip,
# when they are missing.
postgis:
	@if ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis >/dev/null) \
		|| echo "warning: postgresql/postgis could not be installed; the PostGIS tests will be skipped"; \
	else echo "warning: PostgreSQL/PostGIS are missing (apt-get install postgresql postgis); the PostGIS tests will be skipped"; fi

demo: $(STAMP)
	$(BIN)/conflictmap demo

test: $(STAMP) browser postgis
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check geo gazetteer web tests benchmarks
	$(BIN)/ruff format --check geo gazetteer web tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_gazetteer.py
	$(BIN)/python benchmarks/bench_geoparse.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/eval_geoparse.py
	$(BIN)/python benchmarks/eval_statements.py

# Long reliability runs, not part of `make test`: the reliability tests at full size (50 MB and
# 2,000,000-character files, more kills), hypothesis with many more examples, then schemathesis
# and a bounded load (100 clients, 20,000 requests, 90 s at most) on a loopback waitress server.
stress: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,stress]'
	CONFLICTMAP_STRESS=1 CONFLICTMAP_FUZZ_PROFILE=stress $(BIN)/python -m pytest -q \
		tests/test_reliability.py tests/test_fuzz.py
	$(BIN)/python benchmarks/stress.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info web/node_modules
