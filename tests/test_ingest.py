"""`armswatch ingest`: storage, idempotency, anchoring, counters, rollback and workers."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app import migrate
from app.cli import cli
from app.config import get_settings
from app.db import get_engine, make_engine
from app.extract import extract
from app.ingest import runner
from app.ingest.progress import BarProgress, PlainProgress, make_progress
from app.ingest.sources import as_source
from app.ingest.store import CONTEXT_CHARS, Ledger, recompute_counters
from app.extract.types import ExtractedStatement, ExtractionResult
from tests.conftest import SEEDS
from tests.fixtures.ingest.fakes import RULES, fake_extract

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CORPUS = FIXTURES / "corpus"
COUNTED = ("article", "actor", "weapon_system", "allegation", "statement")


def ingest(*args: str | Path):
    result = CliRunner().invoke(cli, ["ingest", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED}


def allegation(engine: Engine, supplier: str, recipient: str, category: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT al.* FROM allegation al JOIN actor s ON s.id = al.supplier_id JOIN actor r ON r.id = al.recipient_id "
            "WHERE s.code = :s AND r.code = :r AND al.category = :c"
        ), {"s": supplier, "r": recipient, "c": category}).mappings().first()
    return dict(row) if row else None


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "extract", fake_extract)


def test_seed_ingest_twice_changes_nothing(db_url: str, engine: Engine) -> None:
    n = len(list(SEEDS.rglob("*.txt")))  # the 2022 seed article and the demo set in seeds/demo/
    assert n >= 31
    first = ingest(SEEDS)
    assert first.exit_code == 0, first.output
    assert f"{n} new, 0 skipped, 0 failed" in first.stdout
    before = counts(engine)
    assert before["article"] == n
    seed = next(SEEDS.glob("*.txt"))
    with engine.connect() as conn:
        art = conn.execute(text("SELECT source, published, text FROM article WHERE source = :s"), {"s": str(seed)}).one()
    assert art.text == seed.read_text(encoding="utf-8")
    assert art.published == "2022-12-10"
    assert art.source == str(seed)

    second = ingest(SEEDS)
    assert second.exit_code == 0, second.output
    assert f"0 new, {n} skipped, 0 failed" in second.stdout
    assert "skipped" in second.stdout and str(seed) in second.stdout
    assert counts(engine) == before


def test_corpus_with_fake_extractor_is_idempotent(db_url: str, engine: Engine, fake: None) -> None:
    first = ingest(CORPUS)
    assert first.exit_code == 0, first.output
    # a1, a2, nested/a3, page.html, two JSON records, two JSONL records; notes.md is not picked up
    assert "8 new, 0 skipped, 0 failed" in first.stdout
    assert "notes.md" not in first.output
    before = counts(engine)
    second = ingest(CORPUS)
    assert "0 new, 8 skipped, 0 failed" in second.stdout
    assert "0 new" in second.stdout.splitlines()[-1]  # allegations: N in the ledger, 0 new
    assert counts(engine) == before


def test_statements_allegations_and_actors(db_url: str, engine: Engine, fake: None) -> None:
    result = ingest(CORPUS / "a1.txt", CORPUS / "a2.txt", CORPUS / "nested")
    assert result.exit_code == 0, result.output
    assert "statements:  6 new" in result.stdout

    uav = allegation(engine, "IRN", "RUS", "uav")
    assert uav is not None
    assert (uav["n_statements"], uav["n_sources"], uav["n_alleges"], uav["n_denies"], uav["n_confirms"]) == (3, 2, 2, 1, 0)
    assert uav["status"] == "delivered"
    assert (uav["first_reported"], uav["last_reported"]) == ("2023-03-01", "2023-05-20")

    jets = allegation(engine, "RUS", "IRN", "combat_aircraft")
    assert jets["status"] == "planned" and jets["n_statements"] == 1

    # a denial naming no weapon is kept on the pair's `unspecified` allegation; a2 has no date
    unspecified = allegation(engine, "PRK", "RUS", "unspecified")
    assert unspecified["n_denies"] == 1 and unspecified["first_reported"] is None

    with engine.connect() as conn:
        actors = {r.code: r for r in conn.execute(text("SELECT * FROM actor"))}
        kirby = actors["person:ned-price"]
        assert kirby.kind == "person" and kirby.name == "Ned Price"
        assert kirby.role == "State Department spokesman"
        assert kirby.affiliation_id == actors["USA"].id
        assert actors["RRR"].kind == "state"  # unknown to the taxonomy: guessed from its shape
        assert actors["zeta-brigade"].kind == "group" and actors["zeta-brigade"].name == "Zeta Brigade"
        assert actors["person:ana-lopes"].affiliation_id == actors["un"].id
        systems = {r.name: r.category for r in conn.execute(text("SELECT name, category FROM weapon_system"))}
        assert systems["ZB-7"] == "small_arms"  # not in the taxonomy: created with the statement's category
        stmt = conn.execute(text(
            "SELECT st.*, ws.name AS system FROM statement st LEFT JOIN weapon_system ws ON ws.id = st.system_id "
            "WHERE st.stance = 'alleges' AND st.quote LIKE 'The State Department%'"
        )).one()
        assert stmt.system == "Shahed-136"  # the alias Geran-2 resolved through the taxonomy
        assert stmt.status == "delivered" and stmt.speaker_id == kirby.id and stmt.claimant_id == actors["USA"].id
        qty = conn.execute(text("SELECT quantity FROM statement WHERE quote LIKE 'Officials expect%'")).scalar_one()
        assert qty == "two dozen"


def test_quotes_are_anchored_with_prefix_and_suffix(db_url: str, engine: Engine, fake: None) -> None:
    assert ingest(CORPUS).exit_code == 0
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT a.text, s.quote, s.start, s.\"end\", s.prefix, s.suffix FROM statement s JOIN article a ON a.id = s.article_id"
        )).all()
    assert len(rows) >= 8
    for doc, quote, start, end, prefix, suffix in rows:
        assert doc[start:end] == quote
        assert prefix == doc[max(0, start - CONTEXT_CHARS):start]
        assert suffix == doc[end:end + CONTEXT_CHARS]
        assert quote in RULES
    middle = next(r for r in rows if r.quote.startswith("Tehran rejected") and r.start > CONTEXT_CHARS)
    assert len(middle.prefix) == CONTEXT_CHARS and middle.prefix.endswith("in August. ")


def test_duplicate_statements_in_one_article_are_collapsed(db_url: str, engine: Engine, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sentence = "The State Department said Iran had delivered Shahed drones to Russia in August."
    doc = tmp_path / "dup.txt"
    doc.write_text(f"Intro line. {sentence}\n", encoding="utf-8")
    start = len("Intro line. ")
    base = dict(stance="alleges", supplier="IRN", recipient="RUS", category="uav", status="unknown",
                claimant="USA", speaker=None, quote=sentence, start=start, end=start + len(sentence))
    statements = [
        ExtractedStatement(system=None, **base),
        ExtractedStatement(system="Shahed-136", **{**base, "status": "delivered"}),
        ExtractedStatement(system=None, **{**base, "stance": "denies"}),  # another stance: kept
    ]
    monkeypatch.setattr(runner, "extract", lambda t: ExtractionResult(published=None, statements=statements))
    assert ingest(doc).exit_code == 0
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.stance, s.status, ws.name FROM statement s LEFT JOIN weapon_system ws ON ws.id = s.system_id ORDER BY s.stance"
        )).all()
    assert [tuple(r) for r in rows] == [("alleges", "delivered", "Shahed-136"), ("denies", "unknown", None)]
    al = allegation(engine, "IRN", "RUS", "uav")
    assert (al["n_statements"], al["n_alleges"], al["n_denies"], al["n_sources"]) == (2, 1, 1, 1)


def test_statements_with_bad_offsets_or_category_are_refused(db_url: str, engine: Engine, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "bad-offsets.txt"
    doc.write_text("Iran sent drones to Russia. Nothing else happened.", encoding="utf-8")
    good = ExtractedStatement("alleges", "IRN", "RUS", "uav", None, "unknown", None, None, "Iran sent drones to Russia.", 0, 27)
    wrong_span = ExtractedStatement("alleges", "IRN", "RUS", "uav", None, "unknown", None, None, "Iran sent drones", 5, 21)
    wrong_category = ExtractedStatement("alleges", "IRN", "RUS", "lasers", None, "unknown", None, None, "Iran sent drones to Russia.", 0, 27)
    monkeypatch.setattr(runner, "extract", lambda t: ExtractionResult(None, [good, wrong_span, wrong_category]))
    result = ingest(doc)
    assert result.exit_code == 0
    assert f"{doc}: 2 extracted statement(s) refused" in result.stderr
    assert counts(engine)["statement"] == 1


def test_incremental_counters_equal_a_full_recount(db_url: str, engine: Engine, fake: None, tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(CORPUS, corpus)
    # the same sentences again in new articles with other dates: counters must add up across runs
    (corpus / "later.txt").write_text(
        " date 2024-01-09 The State Department said Iran had delivered Shahed drones to Russia in August.\n", encoding="utf-8")
    (corpus / "earlier.txt").write_text(
        " date 2021-07-04 Tehran rejected the report as baseless. Pyongyang said it had never sent weapons to Russia.\n",
        encoding="utf-8")
    assert ingest(corpus / "a1.txt").exit_code == 0
    assert ingest(corpus).exit_code == 0
    columns = ("id, status, n_statements, n_articles, n_sources, n_alleges, n_denies, n_confirms, first_reported, last_reported, "
               "n_pair_denies")
    derived = {
        "allegation": f"SELECT {columns} FROM allegation ORDER BY id",
        "allegation_system": "SELECT * FROM allegation_system ORDER BY allegation_id, system_id",
        "allegation_claimant": "SELECT * FROM allegation_claimant ORDER BY allegation_id, claimant_id",
        "allegation_article": "SELECT allegation_id, article_id FROM allegation_article ORDER BY allegation_id, article_id",
    }
    with engine.connect() as conn:
        incremental = {name: conn.execute(text(sql)).all() for name, sql in derived.items()}
    with engine.begin() as conn:
        conn.execute(text("UPDATE allegation SET n_statements = 0, n_sources = 0, n_alleges = 0, n_denies = 0, "
                          "n_confirms = 0, status = 'unknown', first_reported = NULL, last_reported = NULL, "
                          "n_pair_denies = 0"))
        conn.execute(text("DELETE FROM allegation_system"))
        conn.execute(text("DELETE FROM allegation_claimant"))
        conn.execute(text("DELETE FROM allegation_article"))
        recompute_counters(conn)
    with engine.connect() as conn:
        recounted = {name: conn.execute(text(sql)).all() for name, sql in derived.items()}
    assert incremental == recounted
    assert incremental["allegation_system"] and incremental["allegation_claimant"] and incremental["allegation_article"]
    uav = allegation(engine, "IRN", "RUS", "uav")
    assert (uav["first_reported"], uav["last_reported"]) == ("2021-07-04", "2024-01-09")
    assert uav["n_articles"] == 6  # a1, a3, page.html, the "Kiev says" JSONL record, later, earlier
    # later.txt is a1's first sentence word for word: a copy of a1; a3 repeats the first sentence of
    # the "Kiev says" record word for word, 7 of that short record's 13 shingles: a copy of it too
    # (counted exactly since the estimates alone, noisy on short texts, missed it)
    assert uav["n_sources"] == 4


def test_a_pairs_unspecified_denials_count_for_its_allegations_old_and_new(
        db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A denial naming no weapon answers the pair's allegations made before it and after it."""
    said = "Pyongyang said it had never sent weapons to Russia."
    for name, body in (("1.txt", "Russia sent tanks to North Korea."), ("2.txt", said),
                       ("3.txt", "Shells from North Korea reached Russia."), ("4.txt", f"Again: {said}")):
        (tmp_path / name).write_text(body, encoding="utf-8")
    rules = {
        "Russia sent tanks to North Korea.": ("alleges", "RUS", "PRK", "armoured_vehicle"),
        said: ("denies", "PRK", "RUS", "unspecified"),
        "Shells from North Korea reached Russia.": ("alleges", "PRK", "RUS", "artillery"),
    }

    def extract(text: str) -> ExtractionResult:
        out = []
        for quote, (stance, sup, rec, cat) in rules.items():
            if quote in text:
                start = text.index(quote)
                out.append(ExtractedStatement(stance, sup, rec, cat, None, "unknown", None, None, quote, start,
                                              start + len(quote)))
        return ExtractionResult(None, out)

    monkeypatch.setattr(runner, "extract", extract)
    for name in ("1.txt", "2.txt", "3.txt", "4.txt"):  # one run each: the artillery allegation comes after a denial
        assert ingest(tmp_path / name).exit_code == 0
    artillery = allegation(engine, "PRK", "RUS", "artillery")
    unspecified = allegation(engine, "PRK", "RUS", "unspecified")
    tanks = allegation(engine, "RUS", "PRK", "armoured_vehicle")
    assert (unspecified["n_denies"], unspecified["n_pair_denies"]) == (2, 0)
    assert (artillery["n_denies"], artillery["n_pair_denies"]) == (0, 2)  # 1 when created, +1 from 4.txt
    assert tanks["n_pair_denies"] == 0  # the other direction is another pair


def test_a_failing_article_rolls_back_alone(db_url: str, engine: Engine, fake: None, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a1.txt", "a2.txt"):
        shutil.copy(CORPUS / name, tmp_path / name)
    shutil.copy(CORPUS / "nested" / "a3.txt", tmp_path / "a3.txt")
    original = Ledger._bump_counters

    def explode_on_a2(self, conn, rows, *args):
        rows = list(rows)
        if any(r["quote"].startswith("Pyongyang") for r in rows):
            raise RuntimeError("disk on fire")
        return original(self, conn, rows, *args)

    monkeypatch.setattr(Ledger, "_bump_counters", explode_on_a2)
    result = ingest(tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'a2.txt'}: could not be stored (RuntimeError: disk on fire)" in result.stderr
    assert "2 new, 0 skipped, 1 failed" in result.stdout
    with engine.connect() as conn:
        sources = set(conn.execute(text("SELECT source FROM article")).scalars())
        orphans = conn.execute(text("SELECT count(*) FROM statement WHERE quote LIKE 'Pyongyang%'")).scalar_one()
        pair = conn.execute(text(
            "SELECT count(*) FROM allegation al JOIN actor s ON s.id = al.supplier_id WHERE s.code = 'PRK'")).scalar_one()
    assert sources == {str(tmp_path / "a1.txt"), str(tmp_path / "a3.txt")}
    assert orphans == 0 and pair == 0  # the allegation created inside the failed transaction went with it
    monkeypatch.setattr(Ledger, "_bump_counters", original)
    again = ingest(tmp_path)  # the id caches must not remember rows that were rolled back
    assert "1 new, 2 skipped, 0 failed" in again.stdout
    assert allegation(engine, "PRK", "RUS", "unspecified")["n_denies"] == 1


def _dump(url: str) -> dict[str, list]:
    engine = make_engine(url)
    queries = {
        "article": "SELECT id, source, outlet, title, published, text, sha256 FROM article ORDER BY id",
        "actor": "SELECT id, code, kind, name, role, affiliation_id FROM actor ORDER BY id",
        "weapon_system": "SELECT id, name, category FROM weapon_system ORDER BY id",
        "allegation": "SELECT * FROM allegation ORDER BY id",
        "statement": "SELECT * FROM statement ORDER BY id",
    }
    with engine.connect() as conn:
        dump = {name: [tuple(r) for r in conn.execute(text(q))] for name, q in queries.items()}
    engine.dispose()
    return dump


def _point_at(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMSWATCH_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()


def test_two_workers_store_the_same_ledger_as_one(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    sentences = list(RULES)
    for i in range(40):  # enough articles for several chunks in flight
        picked = [sentences[(i + k) % len(sentences)] for k in range(1 + i % 3)]
        (corpus / f"gen-{i:02d}.txt").write_text(
            f" date 2023-{1 + i % 12:02d}-{1 + i % 27:02d} Report {i}. " + " ".join(picked) + "\n", encoding="utf-8")
    dumps = []
    for workers in (1, 2):
        url = f"sqlite:///{tmp_path / f'w{workers}.db'}"
        _point_at(url, monkeypatch)
        result = CliRunner().invoke(cli, ["ingest", str(corpus), "--workers", str(workers)])
        assert result.exit_code == 0, result.output
        assert "48 new, 0 skipped, 0 failed" in result.stdout
        get_engine().dispose()
        dumps.append(_dump(url))
    get_settings.cache_clear()
    get_engine.cache_clear()
    assert dumps[0]["statement"], "the fake extractor should have produced statements"
    assert dumps[0] == dumps[1]


def test_workers_report_bad_files_too(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _point_at(f"sqlite:///{tmp_path / 'w.db'}", monkeypatch)
    shutil.copy(CORPUS / "a1.txt", tmp_path / "good.txt")
    (tmp_path / "bad.txt").write_bytes(b"binary\x00\xff\xfe")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "good.txt"), str(tmp_path / "bad.txt"), "--workers", "2"])
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.txt'}: binary file" in result.stderr
    assert "1 new, 0 skipped, 1 failed" in result.stdout


def test_plain_progress_lines_when_not_a_terminal(db_url: str, fake: None) -> None:
    result = ingest(CORPUS / "a1.txt", CORPUS / "a2.txt")
    lines = result.stdout.splitlines()
    assert f"new      {CORPUS / 'a1.txt'} (3 statements)" in lines
    assert f"new      {CORPUS / 'a2.txt'} (1 statement)" in lines
    assert lines[-3:] == [
        "articles:    2 new, 0 skipped, 0 failed",
        "statements:  4 new",
        "allegations: 3 in the ledger, 3 new",
    ]


def test_extractor_crash_costs_one_article(db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def picky(doc: str) -> ExtractionResult:
        if "Pyongyang" in doc:
            raise ValueError("regex went wild")
        return fake_extract(doc)

    monkeypatch.setattr(runner, "extract", picky)
    result = ingest(CORPUS / "a1.txt", CORPUS / "a2.txt")
    assert result.exit_code == 1
    assert f"{CORPUS / 'a2.txt'}: extraction failed (ValueError: regex went wild)" in result.stderr
    assert counts(engine)["article"] == 1


def test_urls_survive_the_cli_path_type() -> None:
    assert as_source(Path("https://example.org/feed.xml")) == "https://example.org/feed.xml"
    assert as_source("http://127.0.0.1:8000/a") == "http://127.0.0.1:8000/a"
    assert as_source(Path("some/dir")) == "some/dir"


def test_ingest_upgrades_an_empty_database_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _point_at(url, monkeypatch)
    assert migrate.current(url) is None
    result = CliRunner().invoke(cli, ["ingest", str(CORPUS / "a2.txt")])
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()
    assert result.exit_code == 0, result.output
    assert migrate.current(url) is not None
    engine = make_engine(url)
    with engine.connect() as conn:
        n_categories = conn.execute(text("SELECT count(*) FROM weapon_category")).scalar_one()
        assert conn.execute(text("SELECT kind FROM actor WHERE code = 'IRN'")).scalar_one() == "state"
        assert conn.execute(text("SELECT category FROM weapon_system WHERE name = 'Su-35'")).scalar_one() == "combat_aircraft"
    engine.dispose()
    assert n_categories == 15


SEED_EXPECTED = [
    ("RUS", "IRN", "combat_aircraft"), ("RUS", "IRN", "air_defence"), ("RUS", "IRN", "helicopter"),
    ("IRN", "RUS", "uav"), ("IRN", "RUS", "ballistic_missile"), ("PRK", "RUS", "artillery"),
]


def test_seed_article_gives_its_allegations_and_the_linked_denial(db_url: str, engine: Engine) -> None:
    """Integration with the real extractor (issue #2's acceptance list for the seed)."""
    seed = next(SEEDS.glob("*.txt"))
    assert extract(seed.read_text(encoding="utf-8")).statements, "the real extractor finds statements in the seed"
    assert ingest(seed).exit_code == 0  # alone: the demo set in seeds/demo/ reports some of these transfers too
    for key in SEED_EXPECTED:
        found = allegation(engine, *key)
        assert found is not None, key
        assert found["n_sources"] == 1 and found["first_reported"] == "2022-12-10"
    with engine.connect() as conn:
        systems = set(conn.execute(text(
            "SELECT ws.name FROM statement s JOIN weapon_system ws ON ws.id = s.system_id "
            "JOIN allegation al ON al.id = s.allegation_id WHERE al.category = 'combat_aircraft'")).scalars())
        assert "Su-35" in systems
        denial = conn.execute(text(
            "SELECT c.code FROM statement s JOIN allegation al ON al.id = s.allegation_id "
            "JOIN actor sup ON sup.id = al.supplier_id JOIN actor rec ON rec.id = al.recipient_id "
            "LEFT JOIN actor c ON c.id = s.claimant_id "
            "WHERE s.stance = 'denies' AND sup.code = 'PRK' AND rec.code = 'RUS' AND al.category = 'artillery'")).scalars().all()
    assert denial and "PRK" in denial
    assert allegation(engine, "PRK", "RUS", "artillery")["n_denies"] >= 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal() -> None:
    stream = _Terminal()
    with make_progress(stream) as progress:
        assert isinstance(progress, BarProgress)
        progress.advance("new", "a.txt", 3)
        progress.advance("skipped", "b.txt")
        progress.advance("failed", "c.txt")
    shown = stream.getvalue()
    assert "1 new · 1 skipped · 1 failed · 3 statements" in shown
    assert "3/?" in shown  # articles processed, no total known in advance
    plain = io.StringIO()
    with make_progress(plain) as progress:
        assert isinstance(progress, PlainProgress)
        progress.advance("new", "a.txt", 1)
    assert plain.getvalue() == "new      a.txt (1 statement)\n"


def test_an_unexpected_reader_error_costs_one_input(db_url: str, engine: Engine, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ingest import sources

    shutil.copy(CORPUS / "a2.txt", tmp_path / "a2.txt")
    shutil.copy(CORPUS / "records.json", tmp_path / "records.json")
    shutil.copy(CORPUS / "page.html", tmp_path / "page.html")

    def broken_json(path, max_bytes, explicit=True):
        raise RuntimeError("parser bug")
        yield  # pragma: no cover

    real_load = sources.load

    def broken_html(job, max_bytes):
        if str(job.source).endswith(".html"):
            raise MemoryError("pathological page")
        return real_load(job, max_bytes)

    monkeypatch.setattr(sources, "iter_json_file", broken_json)
    monkeypatch.setattr(sources, "load", broken_html)
    result = ingest(tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'records.json'}: could not be read (RuntimeError: parser bug)" in result.stderr
    # A MemoryError in a worker is its memory limit at work (ARMSWATCH_WORKER_MEMORY_MB).
    assert f"{tmp_path / 'page.html'}: needs more than the 1024 MB a worker may use" in result.stderr
    assert "1 new, 0 skipped, 2 failed" in result.stdout


def test_ingest_leaves_planner_statistics_for_the_ledger_but_not_fts5(db_url: str, engine: Engine, fake: None) -> None:
    """Statistics on FTS5's shadow tables taken while they were small made every later insert
    scan them (ingest slowed linearly with the ledger); the ledger tables do need them."""
    assert ingest(CORPUS).exit_code == 0
    with engine.connect() as conn:
        analysed = set(conn.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars())
    assert {"allegation", "statement", "allegation_system", "allegation_claimant"} <= analysed
    assert not {t for t in analysed if "_fts" in t}
