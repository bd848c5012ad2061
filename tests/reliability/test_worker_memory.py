"""An ingest worker's memory stays near its extraction's, however long and dense the article (issue 15, point 1).

Measured, not timed: the peak resident set (the kernel's high-water mark) of real processes.
- `armswatch ingest` of a 2 MB article dense with names, one worker: its peak is at most 42 MB above
  that of a worker given a one-line article (27 MB measured; 53 MB when the origin sketch listed
  every word of the text and the result was pickled from 13 column lists built first).
- the origin sketch of a text of 300k distinct words adds at most 40 MB (17 MB measured; 322 MB
  when it listed every word and handed datasketch every shingle hash at once: 128 values each).
The bounds leave room for allocator noise; a return to holding a copy of the text's words, or the
statements, or a NUM_PERM x n matrix, crosses them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_INGEST_CHILD = """
import json, os, resource, sys
from pathlib import Path
from bench.dense_article import dense_text
path, db, size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
path.write_text(dense_text(size, seed=15) if size else " date 2024-05-01\\nIran sent drones to Russia, officials said.\\n",
                encoding="utf-8")
os.environ["ARMSWATCH_DATABASE_URL"] = f"sqlite:///{db}"
os.environ["ARMSWATCH_ARTICLE_SECONDS"] = "900"  # memory is measured here, not time
from app.ingest.runner import run_ingest
with open(os.devnull, "w") as devnull:
    out, sys.stdout = sys.stdout, devnull
    code = run_ingest([str(path)], workers=1)
    sys.stdout = out
# the worker has been joined: the largest child's peak is the worker's
print(json.dumps({"exit": code, "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

_SKETCH_CHILD = """
import json, random
from app.ingest import origins
origins.warm()
rnd = random.Random(7)
text = " ".join(f"w{rnd.getrandbits(40):x}" for _ in range(300_000))  # ~3.6 MB, every shingle distinct
origins.sketch("warm up numpy and datasketch with a short text of a few words")
with open("/proc/self/clear_refs", "w") as fh:  # reset the high-water mark
    fh.write("5")
def hwm():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
base = hwm()
s = origins.sketch(text)
print(json.dumps({"n_shingles": s.n_shingles, "added_mb": (hwm() - base) / 1024}))
"""


def _child(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the resident set")


@linux_only
@pytest.mark.slow
def test_an_ingest_worker_peak_grows_little_with_a_dense_article(tmp_path: Path) -> None:
    tiny = _child(_INGEST_CHILD, str(tmp_path / "tiny.txt"), str(tmp_path / "tiny.db"), "0")
    dense = _child(_INGEST_CHILD, str(tmp_path / "dense.txt"), str(tmp_path / "dense.db"), "2000000")
    print(f"\nworker peak: one-line article {tiny['peak_mb']:.0f} MB, 2 MB dense article {dense['peak_mb']:.0f} MB")
    assert tiny["exit"] == 0 and dense["exit"] == 0
    assert dense["peak_mb"] - tiny["peak_mb"] <= 42, dense["peak_mb"] - tiny["peak_mb"]


@linux_only
def test_the_origin_sketch_of_a_long_text_of_distinct_words_takes_little_memory() -> None:
    r = _child(_SKETCH_CHILD)
    print(f"\nsketch of {r['n_shingles']:,} distinct shingles: +{r['added_mb']:.0f} MB")
    assert r["n_shingles"] > 299_000
    assert r["added_mb"] <= 40, r["added_mb"]
