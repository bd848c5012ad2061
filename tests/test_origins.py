"""Independent origins: syndicated copies are grouped at ingest and counted once as sources."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app import migrate
from app.db import make_engine
from app.ingest import origins
from app.ingest.runner import run_ingest
from app.ingest.store import recompute_counters
from tests.conftest import REPO
from tests.perf.origins_eval import evaluate

DEMO = REPO / "seeds" / "demo"
WIRE = DEMO / "2024-02-12-meridian-iran-russia-drones.txt"
COPY = DEMO / "2024-02-12-baltic-ledger-iran-drones-copy.txt"  # other headline and boilerplate
TRIM = DEMO / "2024-02-13-gulf-morning-herald-iran-drones-trimmed.txt"  # half of it
OTHER = DEMO / "2024-02-14-kyiv-courier-drone-wreckage.txt"  # its own reporting on the same transfer


@pytest.fixture
def client(db_url):
    from app.web.main import app

    with TestClient(app) as c:
        yield c


def _ingest(tmp_path: Path, *files: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for i, f in enumerate(files):  # a folder is read in name order: the order given here
        shutil.copy(f, folder / f"{i:02d}-{f.name}")
    assert run_ingest([folder]) == 0


def _drones(engine: Engine) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text(
            "SELECT a.* FROM allegation a JOIN actor s ON s.id = a.supplier_id JOIN actor r ON r.id = a.recipient_id "
            "WHERE s.code = 'IRN' AND r.code = 'RUS' AND a.category = 'uav'")).mappings().one())


def test_grouping_precision_and_recall_on_the_labelled_pairs_stay_above_the_floor() -> None:
    scores = evaluate()
    assert scores.true_pos + scores.false_neg >= 20  # the set has enough copies to mean something
    assert scores.precision >= 0.95, scores.wrong
    assert scores.recall >= 0.75, scores.missed


def test_copies_join_the_first_articles_origin_and_count_once_as_a_source(db_url, engine, tmp_path) -> None:
    _ingest(tmp_path, WIRE, COPY, OTHER, TRIM)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, origin_id FROM article ORDER BY id")).all())
    assert rows == {1: None, 2: 1, 3: None, 4: 1}
    drones = _drones(engine)
    # wire, copy, trimmed copy and the wreckage story all state Iran -> Russia: drones
    assert (drones["n_articles"], drones["n_sources"]) == (4, 2)
    with engine.begin() as conn:  # the incremental counts are what a recount from scratch gives
        before = conn.execute(text("SELECT id, n_articles, n_sources FROM allegation ORDER BY id")).all()
        conn.execute(text("UPDATE allegation SET n_articles = 0, n_sources = 0"))
        recompute_counters(conn)
        assert conn.execute(text("SELECT id, n_articles, n_sources FROM allegation ORDER BY id")).all() == before


def test_a_trimmed_copy_stored_first_still_groups_the_full_story(engine, tmp_path) -> None:
    # The trimmed copy comes first here: the full story it was cut from joins its origin.
    _ingest(tmp_path, TRIM, WIRE)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT origin_id FROM article WHERE id = 2")).scalar_one() == 1
    assert (_drones(engine)["n_articles"], _drones(engine)["n_sources"]) == (2, 1)


def test_pages_json_and_csv_report_articles_and_independent_sources(client, engine, tmp_path) -> None:
    _ingest(tmp_path, WIRE, COPY, TRIM, OTHER, DEMO / "2024-03-05-continental-north-korea-shells.txt")
    drones = _drones(engine)
    listing = client.get("/api/allegations", params={"sort": "sources"}).json()
    first = listing["items"][0]
    assert (first["id"], first["n_articles"], first["n_sources"]) == (drones["id"], 4, 2)
    assert [i["n_sources"] for i in listing["items"]] == sorted((i["n_sources"] for i in listing["items"]), reverse=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/allegations.csv", params={"sort": "sources"}).text)))
    assert (rows[0]["n_articles"], rows[0]["n_sources"]) == ("4", "2")

    card = BeautifulSoup(client.get("/").text, "html.parser").select_one(f"#a{drones['id']}").find_parent("article")
    assert "Sources 2 Articles 4" in card.select_one("dl.counts").get_text(" ", strip=True)
    page = BeautifulSoup(client.get(f"/allegations/{drones['id']}").text, "html.parser")
    assert "Independent sources 2 Articles 4" in page.select_one("dl.facts").get_text(" ", strip=True)


def test_the_article_page_lists_the_other_copies_of_its_story(client, tmp_path) -> None:
    _ingest(tmp_path, WIRE, COPY, OTHER, TRIM)
    copy = BeautifulSoup(client.get("/articles/2").text, "html.parser")
    links = [a["href"] for a in copy.select("ul.copies a")]
    assert links == ["/articles/1", "/articles/4"]  # the origin first; not itself, not the other story
    assert "first stored" in copy.select_one("ul.copies li").get_text()
    other = BeautifulSoup(client.get("/articles/3").text, "html.parser")
    assert not other.select("ul.copies") and "independent source" in other.get_text()
    assert client.get("/api/articles/1").json()["n_copies"] == 2


def _store_text(conn, article_id: int, body: str, bands: tuple[int, ...] | None = None) -> origins.Sketch:
    """An article row and its sketch, as the writer leaves them (its band keys may be forced)."""
    conn.execute(text("INSERT INTO article (id, source, text, sha256, ingested_at) VALUES (:i, :s, :t, :h, '2024-01-01')"),
                 {"i": article_id, "s": f"a{article_id}.txt", "t": body, "h": str(article_id)})
    s = origins.sketch(body)
    origins.remember(conn, article_id, s if bands is None else origins.Sketch(s.n_shingles, s.signature, bands, s.hashes))
    return s


def _sentences(tag: str, n: int) -> list[str]:
    """n sentences of their own words, none shared with another tag's (no 5-word run in common)."""
    return [" ".join(f"{tag}w{i}x{j}" for j in range(12)) + "." for i in range(n)]


def test_shingle_hashes_count_exactly_what_five_word_runs_of_the_texts_share() -> None:
    # The hashes stand for the texts' 5-word runs: the share computed from them is the share of the
    # runs themselves (case-folded words), for every pair of the demo set.
    import re
    from itertools import combinations

    def runs(body: str) -> set[str]:
        words = re.findall(r"\w+", body.casefold())
        return {" ".join(words[i:i + 5]) for i in range(len(words) - 4)}

    texts = [p.read_text() for p in sorted(DEMO.glob("*.txt"))]
    for a, b in combinations(texts, 2):
        ra, rb = runs(a), runs(b)
        assert len(origins.shingle_hashes(a)) == len(ra)
        assert origins.exact_share(origins.shingle_hashes(a), origins.shingle_hashes(b)) == pytest.approx(
            len(ra & rb) / min(len(ra), len(rb)))


def test_texts_sharing_stock_sentences_with_many_articles_are_not_copies(engine) -> None:
    # Forty stored articles each share 45% of their text with the new one (the same stock sentences),
    # the case where the best of many estimates from signatures passed 0.5 by chance: an exact
    # check finds less than half in common, so the new article is an origin of its own.
    stock = _sentences("stock", 9)
    with engine.begin() as conn:
        for k in range(1, 41):
            _store_text(conn, k, " ".join(stock + _sentences(f"own{k}x", 11)))
        new = origins.sketch(" ".join(stock + _sentences("newest", 11)))
        estimates = origins.estimated_shares(
            new, np.array([new.n_shingles] * 40), np.frombuffer(b"".join(
                conn.execute(text("SELECT signature FROM article_sketch ORDER BY article_id")).scalars()), "<u4").reshape(40, -1))
        assert estimates.max() >= origins.SCREEN  # some estimates are high enough to be checked ...
        assert origins.find_origin(conn, new) is None  # ... and the exact share turns them down
        copy = origins.sketch(" ".join(stock + _sentences("own7x", 11)[:9] + _sentences("newest", 2)))
        assert origins.find_origin(conn, copy) == 7  # a real copy among them is still found


def test_a_band_key_shared_by_many_articles_brings_a_bounded_number_of_candidates(engine) -> None:
    # Boilerplate makes some band keys common to thousands of articles; each key brings at most
    # PER_KEY candidates (its earliest articles), and a copy still finds its original through the
    # keys they share alone.
    original = " ".join(_sentences("wire", 20))
    copy = origins.sketch(" ".join(_sentences("wire", 20)[:16]) + " Read more at the Courier.")
    common = copy.bands[0]
    n_junk = origins.PER_KEY * 3
    with engine.begin() as conn:
        for k in range(1, n_junk + 1):  # stored first, sharing one key with the copy
            _store_text(conn, k, " ".join(_sentences(f"junk{k}x", 20)), bands=(common,))
        _store_text(conn, n_junk + 1, original)
        rows = conn.execute(origins._candidates(len(copy.bands)), {f"k{i}": key for i, key in enumerate(copy.bands)}).all()
        assert n_junk + 1 in {r.article_id for r in rows}
        assert len(rows) == origins.PER_KEY + 1  # not every article holding the common key
        assert origins.find_origin(conn, copy) == n_junk + 1


def test_the_workers_sketch_each_article_for_the_writer(engine) -> None:
    from app.ingest.runner import Preparer
    from app.ingest.types import FileJob

    prepared = Preparer(engine, 10_000_000)(FileJob(WIRE, "text"))
    assert prepared.sketch == origins.sketch(prepared.article.text)


def test_short_texts_stay_their_own_origin() -> None:
    brief = "Iran denied it."
    assert origins.sketch(brief).bands == ()


def _old_ledger(tmp_path: Path, revision: str) -> tuple[str, Engine]:
    """A ledger at `revision` holding the wire story, its copy and another story, each stating
    Iran -> Russia: drones, as 3 articles and 3 sources."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, revision)
    engine = make_engine(url)
    texts = [WIRE.read_text(), COPY.read_text(), OTHER.read_text()]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO actor (id, code, kind, name, aliases) VALUES (1, 'IRN', 'state', 'Iran', '[]'), "
                          "(2, 'RUS', 'state', 'Russia', '[]')"))
        conn.execute(text("INSERT INTO weapon_category (slug, label, description) VALUES ('uav', 'Drones', '')"))
        conn.execute(text("INSERT INTO allegation (id, supplier_id, recipient_id, category, status, n_statements, "
                          "n_sources, n_alleges, n_denies, n_confirms, n_pair_denies) "
                          "VALUES (1, 1, 2, 'uav', 'unknown', 3, 3, 3, 0, 0, 0)"))
        for i, body in enumerate(texts, 1):
            conn.execute(text("INSERT INTO article (id, source, text, sha256, ingested_at) "
                              "VALUES (:i, :s, :t, :h, '2024-01-01')"), {"i": i, "s": f"a{i}.txt", "t": body, "h": str(i)})
            conn.execute(text("INSERT INTO statement (article_id, allegation_id, stance, status, quote, start, \"end\", "
                              "prefix, suffix) VALUES (:i, 1, 'alleges', 'unknown', :q, 0, 5, '', '')"),
                         {"i": i, "q": body[:5]})
    return url, engine


def test_migration_groups_a_ledger_stored_before_it(tmp_path) -> None:
    url, engine = _old_ledger(tmp_path, "0007")
    migrate.upgrade(url)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT id, origin_id FROM article")).all()) == {1: None, 2: 1, 3: None}
        assert conn.execute(text("SELECT n_articles, n_sources FROM allegation")).one() == (3, 2)
        assert conn.execute(text("SELECT count(*) FROM article_sketch")).scalar_one() == 3
    migrate.downgrade(url, "0007")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n_sources FROM allegation")).scalar_one() == 3


def test_migration_regroups_a_ledger_grouped_by_0008(tmp_path) -> None:
    # 0008 took the best of many estimates, so a different story could land in a group; 0011
    # sketches every article again, groups them as ingest now does and recounts the sources.
    url, engine = _old_ledger(tmp_path, "0008")
    with engine.begin() as conn:
        conn.execute(text("UPDATE article SET origin_id = 1 WHERE id IN (2, 3)"))
        conn.execute(text("UPDATE allegation SET n_articles = 3, n_sources = 1"))
        conn.execute(text("INSERT INTO article_sketch (article_id, n_shingles, signature) VALUES (1, 1, x'00')"))
        conn.execute(text("INSERT INTO article_band (band_key, article_id) VALUES (7, 1), (7, 3)"))
    migrate.upgrade(url)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT id, origin_id FROM article")).all()) == {1: None, 2: 1, 3: None}
        assert conn.execute(text("SELECT n_articles, n_sources FROM allegation")).one() == (3, 2)
        assert conn.execute(text("SELECT count(*) FROM article_band WHERE band_key = 7")).scalar_one() == 0
        stored = conn.execute(text("SELECT n_shingles, signature FROM article_sketch WHERE article_id = 1")).one()
    assert tuple(stored) == (origins.sketch(WIRE.read_text()).n_shingles, origins.sketch(WIRE.read_text()).signature)
