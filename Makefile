# Two commands on a fresh machine (each installs what it needs, idempotently):
#   make graph   build the knowledge graph from seeds/ into output/
#   make test    run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: graph test lint bench sysdeps clean

graph: $(STAMP)
	$(BIN)/kg build seeds --out output

test: $(STAMP) sysdeps
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
	$(BIN)/pip install -q -e '.[dev,test]'
	touch $(STAMP)

# Tests also use Debian's Chromium + ChromeDriver (browser tests, no browser download), a CJK
# font for readable screenshots, and rapper from raptor2-utils (an independent RDF parser).
SYSDEPS := chromium chromium-driver raptor2-utils fonts-noto-cjk
sysdeps:
	@dpkg -s $(SYSDEPS) >/dev/null 2>&1 || \
	  { echo "installing $(SYSDEPS) from Debian"; \
	    SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(SYSDEPS) >/dev/null; }

clean:
	rm -rf $(VENV) output
