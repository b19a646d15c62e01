# Two commands on a fresh machine (each installs what it needs, idempotently):
#   make graph   build the knowledge graph from seeds/ into output/
#   make test    run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: graph test lint bench browser clean

graph: $(STAMP)
	$(BIN)/kg build seeds --out output

test: $(STAMP) browser
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests scripts

bench: $(STAMP)
	$(BIN)/python scripts/bench_extract.py

# pkuseg 0.0.25 ships its model but only builds against an installed numpy + cython
# without build isolation; everything else comes from pyproject.toml.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip==26.3
	$(BIN)/pip install -q numpy==2.4.6 cython==3.3.1 setuptools==84.2.1 wheel==0.48.0
	$(BIN)/pip install -q --no-build-isolation pkuseg==0.0.25
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Browser tests use Debian's Chromium and ChromeDriver (no browser download).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { echo "installing chromium + chromium-driver from Debian"; \
	    SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

clean:
	rm -rf $(VENV) output
