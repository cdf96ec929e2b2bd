# Quick start: `make devnet` runs a local devnet, `make test` runs the test suite.
# Both create .venv on first use (only Python >= 3.11 is needed).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export NUMBA_CACHE_DIR ?= $(CURDIR)/.numba_cache

.PHONY: devnet test test-all test-e2e bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tensornet needs Python >= 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,plot]'
	touch $(STAMP)

devnet: $(STAMP)
	$(BIN)/tnet devnet $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m ''

test-e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m e2e

clean:
	rm -rf $(VENV) .numba_cache .pytest_cache .hypothesis
