# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test browser e2e clean

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

## Debian's chromium for the browser tests (installed with apt when missing and we are root)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' for the browser tests" >&2; exit 1; fi; }

## Install everything and run the whole test suite, browser tests included
test: install-test browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) armswatch.db armswatch.db-wal armswatch.db-shm
