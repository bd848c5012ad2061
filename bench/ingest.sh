#!/usr/bin/env bash
# Ingest benchmark from a fresh clone: installs the project's venv when missing, then
# python bench/bench_ingest.py with any options given (default: 10k and 100k articles, --workers 1 and 2).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/armswatch ] || make install
exec .venv/bin/python bench/bench_ingest.py "$@"
