# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

## Install, ingest the bundled seeds and serve the dashboard on http://$(HOST):$(PORT)/
run: install
	$(BIN)/armswatch db upgrade
	$(BIN)/armswatch ingest seeds/
	$(BIN)/armswatch serve --host $(HOST) --port $(PORT)

## Debian packages the tests need: chromium (browser tests), postgresql (portability test).
## Installed with apt when missing and we are root; otherwise we say what to install.
DEBS_MISSING = $(strip $(if $(wildcard /usr/bin/chromium),,chromium) $(if $(wildcard /usr/lib/postgresql/*/bin/initdb),,postgresql))
system-deps:
	@if [ -n "$(DEBS_MISSING)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS_MISSING) >/dev/null; \
	  else echo "missing Debian packages for the tests: sudo apt-get install $(DEBS_MISSING)" >&2; exit 1; fi; fi

## Install everything and run the whole test suite, browser tests included
test: install-test system-deps
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) armswatch.db armswatch.db-wal armswatch.db-shm
