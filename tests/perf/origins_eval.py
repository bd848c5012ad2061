"""How well ingest groups copies of one story: precision and recall over a labelled set of pairs.

    python -m tests.perf.origins_eval [--labels tests/fixtures/origins/stories.tsv] [--generated 3000]

The labelled set (`stories.tsv`) names each file's story; every pair of its files is a labelled
pair (same story = one origin). The files are stored in the listed order by the real ingest path
(reader, extraction, `Ledger.store`) into a fresh SQLite file, and a pair counts as grouped when
both articles end up under the same origin. Precision = grouped pairs that are one story /
grouped pairs; recall = pairs of one story that were grouped / pairs of one story.

`--generated N` then stores the first N articles of tests/perf/generate.py's corpus (the one the
benchmarks ingest) the same way, extraction left out: each is a story of its own, but they are
written from a small stock of sentences, so many overlap by a quarter to a half, the hard case
for an estimate of containment. Every article grouped there is a false grouping; each is listed
with the share of its shingles its group's first article really holds.
"""
from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from sqlalchemy import text

from app import migrate
from app.db import make_engine
from app.extract.types import ExtractionResult
from app.ingest import origins
from app.ingest.runner import Preparer, sha256
from app.ingest.store import Ledger
from app.ingest.types import FileJob, Prepared, RawArticle

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "tests" / "fixtures" / "origins" / "stories.tsv"


@dataclass(frozen=True, slots=True)
class Labelled:
    path: str
    story: str
    event: str
    version: str


@dataclass
class Scores:
    pairs: int = 0
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (a, b, b's version)
    wrong: list[tuple[str, str]] = field(default_factory=list)
    by_version: Counter = field(default_factory=Counter)  # version -> pairs of one story grouped
    of_version: Counter = field(default_factory=Counter)  # version -> pairs of one story

    @property
    def precision(self) -> float:
        grouped = self.true_pos + self.false_pos
        return self.true_pos / grouped if grouped else 1.0

    @property
    def recall(self) -> float:
        same = self.true_pos + self.false_neg
        return self.true_pos / same if same else 1.0


def read_labels(path: Path = LABELS) -> list[Labelled]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(Labelled(*line.split("\t")))
    return rows


def group(labelled: list[Labelled], workdir: Path) -> dict[str, int]:
    """Store the files in order through the ingest path; each file's origin (its group's first article)."""
    url = f"sqlite:///{workdir / 'origins.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    prepare = Preparer(engine, max_bytes=10_000_000)
    ledger = Ledger(engine)
    ledger.prepare()
    for item in labelled:
        prepared = prepare(FileJob(REPO / item.path, "text"))
        assert isinstance(prepared, Prepared), f"{item.path}: {prepared}"
        ledger.store(prepared)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT source, coalesce(origin_id, id) FROM article")).all()
    engine.dispose()
    by_path = {str(Path(source).resolve().relative_to(REPO)): origin for source, origin in rows}
    return {item.path: by_path[item.path] for item in labelled}


def score(labelled: list[Labelled], origin: dict[str, int]) -> Scores:
    s = Scores()
    for a, b in combinations(labelled, 2):
        s.pairs += 1
        same, grouped = a.story == b.story, origin[a.path] == origin[b.path]
        if same:
            later = b if b.version != "original" else a
            kind = later.version.split(":")[0]
            s.of_version[kind] += 1
            s.by_version[kind] += grouped
        if same and grouped:
            s.true_pos += 1
        elif grouped:
            s.false_pos += 1
            s.wrong.append((a.path, b.path))
        elif same:
            s.false_neg += 1
            s.missed.append((a.path, b.path, b.version))
    return s


def evaluate(labels: Path = LABELS) -> Scores:
    labelled = read_labels(labels)
    with tempfile.TemporaryDirectory(prefix="armswatch-origins-") as tmp:
        return score(labelled, group(labelled, Path(tmp)))


def group_generated(n: int, workdir: Path) -> list[tuple[int, int, float]]:
    """Store generated articles 0..n-1 in order through `Ledger.store` (no statements); for each
    article that joined a group: (its index, its origin's index, the exact share they have)."""
    from tests.perf.generate import iter_articles

    url = f"sqlite:///{workdir / 'generated.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    ledger = Ledger(engine)
    ledger.prepare()
    for a in iter_articles(n):
        body = a.as_txt()
        ledger.store(Prepared(RawArticle(a.url, body, a.title, a.outlet, a.published), sha256(body),
                              ExtractionResult(a.published), origins.sketch(body)))
    with engine.connect() as conn:
        texts = dict(conn.execute(text("SELECT id, text FROM article")).all())
        grouped = conn.execute(text("SELECT id, origin_id FROM article WHERE origin_id IS NOT NULL ORDER BY id")).all()
    engine.dispose()

    def share(a: int, b: int) -> float:
        return origins.exact_share(origins.shingle_hashes(texts[a]), origins.shingle_hashes(texts[b]))

    return [(i - 1, o - 1, share(i, o)) for i, o in grouped]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--generated", type=int, default=0, metavar="N",
                        help="also store N generated articles, each its own story, and count those grouped")
    args = parser.parse_args()
    s = evaluate(args.labels)
    same = s.true_pos + s.false_neg
    print(f"{s.pairs} labelled pairs, {same} of one story; grouped {s.true_pos + s.false_pos}")
    print(f"precision {s.precision:.3f} ({s.true_pos}/{s.true_pos + s.false_pos})  "
          f"recall {s.recall:.3f} ({s.true_pos}/{same})")
    for kind in sorted(s.of_version):
        print(f"  {kind}: {s.by_version[kind]}/{s.of_version[kind]} pairs grouped")
    for a, b, version in s.missed:
        print(f"  missed: {a} ~ {b} ({version})")
    for a, b in s.wrong:
        print(f"  wrongly grouped: {a} ~ {b}")
    if args.generated:
        with tempfile.TemporaryDirectory(prefix="armswatch-origins-") as tmp:
            wrong = group_generated(args.generated, Path(tmp))
        print(f"generated corpus: {args.generated} articles, each its own story; {len(wrong)} wrongly grouped")
        for i, o, share in wrong[:10]:
            print(f"  article {i} grouped under article {o}: {share:.3f} of the shorter text's shingles in common")
        if len(wrong) > 10:
            print(f"  ... and {len(wrong) - 10} more")


if __name__ == "__main__":
    main()
