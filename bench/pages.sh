#!/usr/bin/env bash
# Pages-under-load benchmark from a fresh clone: installs the project's venv when missing, builds
# the 100k-article database with `armswatch ingest --workers 2` when bench/out has none, installs
# wrk (apt) and Datasette (bench/.venv-datasette) when missing, then python bench/bench_pages.py.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/armswatch ] || make install
DB=bench/out/armswatch-100k.db
[ -f "$DB" ] || .venv/bin/python bench/bench_ingest.py --n 100000 --workers 2 --keep "$DB"
exec .venv/bin/python bench/bench_pages.py --db "$DB" "$@"
