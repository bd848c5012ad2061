"""Issue 15, points 3, 4, 6 and 9: what ingest follows, reads on past, prints and refuses.

- a symbolic link in a walked folder that leads outside it is reported as skipped, not read;
- one bad JSON Lines record (an integer of 5,000 digits) is reported by line and the rest read;
- control characters in file names and URLs are escaped on every line ingest prints;
- dates after tomorrow or before 1900 are not stored (and so never sort first in "latest"),
  a text file holding only a date header is reported, UTF-16/32 with a byte order mark is read.
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import queries
from app.filters import AllegationFilters
from app.ingest import runner
from app.terminal import shown
from tests.fixtures.ingest.fakes import fake_extract
from tests.reliability.helpers import ingest_in_process as ingest

ALLEGES = "The State Department said Iran had delivered Shahed drones to Russia in August."
SU35 = "Officials expect Moscow to hand over two dozen Su-35 jets to Tehran next year."
PRK = "Pyongyang said it had never sent weapons to Russia."


@pytest.fixture(autouse=True)
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "extract", fake_extract)



def sources(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r.source: dict(r._mapping) for r in conn.execute(text("SELECT * FROM article"))}


# -- 3. symbolic links ---------------------------------------------------------------------------


def test_links_that_leave_the_folder_are_skipped_with_the_reason(db_url: str, engine: Engine, tmp_path: Path) -> None:
    secret_dir = tmp_path / "elsewhere"
    secret_dir.mkdir()
    secret = secret_dir / "passwd"
    secret.write_text(f"root:x:0:0 {ALLEGES}\n")
    (secret_dir / "more.txt").write_text(SU35)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "real.txt").write_text(PRK)
    (folder / "notes.txt").symlink_to(secret)  # the attack: a system file dressed as an article
    (folder / "alias.txt").symlink_to(folder / "real.txt")  # inside the folder: fine to follow
    (folder / "linked-dir").symlink_to(secret_dir, target_is_directory=True)

    result = ingest(folder)

    stored = sources(engine)
    assert str(folder / "notes.txt") not in stored
    assert not any("root:x" in a["text"] for a in stored.values())
    assert not any(a["text"] == SU35 for a in stored.values())  # the linked folder was not entered
    assert [a["text"] for a in stored.values()] == [PRK]  # alias.txt (read first) and real.txt: one text
    assert f"{folder / 'notes.txt'}: skipped: a symbolic link to {secret}, outside {folder}" in result.stderr
    assert f"{folder / 'linked-dir'}: skipped: a symbolic link to {secret_dir}, outside {folder}" in result.stderr
    assert "0 failed" in result.stdout and result.exit_code == 0


# -- 4. JSON Lines ---------------------------------------------------------------------------------


def test_a_bad_jsonl_record_is_reported_by_line_and_the_rest_is_read(db_url: str, engine: Engine, tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": ALLEGES, "url": "https://example.test/1"}),
        '{"text": "x", "n": ' + "9" * 5000 + "}",  # more digits than Python converts to int
        "{not json",
        json.dumps({"text": SU35, "url": "https://example.test/4"}),
        json.dumps({"text": PRK, "url": "https://example.test/5", "published": "1e999999"}),
        json.dumps({"text": PRK, "url": "https://example.test/6"}),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = ingest(path)
    assert f"{path}: line 2: invalid JSON (" in result.stderr
    assert f"{path}: line 3: invalid JSON (" in result.stderr
    assert f"{path}: line 5: field 'published' not a date" in result.stderr
    assert set(sources(engine)) == {"https://example.test/1", "https://example.test/4", "https://example.test/6"}
    assert "3 new, 0 skipped, 3 failed" in result.stdout


def test_a_json_file_with_a_huge_integer_is_one_clear_error(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text('{"text": "Iran", "n": ' + "1" * 5000 + "}")
    result = ingest(path)
    assert f"{path}: invalid JSON (Exceeds the limit" in result.stderr
    assert result.exit_code == 1


# -- 6. terminal safety ----------------------------------------------------------------------------


def test_control_characters_are_escaped_on_every_printed_line(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    evil = "x\x1b]0;owned\x07\rnew      forged.txt (9 statements)\n\u202eevil.txt"
    (folder / evil).write_text(ALLEGES)
    (folder / ("bad\x1b[2J" + ".txt")).write_bytes(b"\x00binary")
    url = "http://127.0.0.1:9/\x1b]0;retitled\x07"
    result = ingest(folder, url)
    for stream in (result.stdout, result.stderr):
        assert not any(c in stream for c in "\x1b\x07\r\u202e"), repr(stream)
    assert "new      forged.txt" not in result.stdout.splitlines()  # no forged progress line
    assert shown(str(folder / evil)) in result.stdout
    assert "\\x1b]0;owned\\x07\\x0dnew" in result.stdout
    assert "bad\\x1b[2J.txt: binary file" in result.stderr
    assert "http://127.0.0.1:9/\\x1b]0;retitled\\x07: invalid URL" in result.stderr


def test_shown_escapes_controls_and_keeps_text() -> None:
    assert shown("a\tb\nc\x7f\x9b\u2028\u202e d") == "a\\x09b\\x0ac\\x7f\\x9b\\u2028\\u202e d"
    assert shown("Тегеран «ok» 漢 🚀") == "Тегеран «ok» 漢 🚀"
    assert shown("bad\udcff") == "bad\ufffd"


# -- 9. implausible input --------------------------------------------------------------------------


def test_implausible_dates_are_not_stored_and_never_sort_first(db_url: str, engine: Engine, tmp_path: Path) -> None:
    future = date.today() + timedelta(days=30)
    tomorrow = date.today() + timedelta(days=1)
    (tmp_path / "future.txt").write_text(f" date {future}\n{ALLEGES}")
    (tmp_path / "ancient.jsonl").write_text(json.dumps({"text": SU35, "url": "https://e.test/old", "published": "1850-01-01"}) + "\n")
    (tmp_path / "tomorrow.txt").write_text(f" date {tomorrow}\n{PRK}")  # a zone ahead of ours: plausible
    (tmp_path / "normal.txt").write_text(f" date 2024-05-01\n{ALLEGES} Again.")

    result = ingest(tmp_path)

    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'future.txt'}: publication date {future} is implausible" in result.stderr
    assert "https://e.test/old: publication date 1850-01-01 is implausible" in result.stderr
    stored = sources(engine)
    assert stored[str(tmp_path / "future.txt")]["published"] is None
    assert stored["https://e.test/old"]["published"] is None
    assert stored[str(tmp_path / "tomorrow.txt")]["published"] == str(tomorrow)
    with Session(engine) as session:
        page = queries.list_allegations(session=session, filters=AllegationFilters(sort="latest"), page_size=10)
    reported = [r.last_reported for r in page.items if r.last_reported]
    assert reported and max(reported) <= tomorrow
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM statement WHERE published > :t OR published < '1900-01-01'"),
                            {"t": str(tomorrow)}).scalar_one() == 0


def test_a_text_file_of_only_a_date_header_is_reported(db_url: str, engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "header.txt").write_text(" date 2024-05-01\n\n  \n")
    result = ingest(tmp_path / "header.txt")
    assert f"{tmp_path / 'header.txt'}: empty (only a date header, no text)" in result.stderr
    assert result.exit_code == 1 and sources(engine) == {}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(db_url: str, engine: Engine, tmp_path: Path, encoding: str) -> None:
    body = f" date 2024-05-01\r\n{ALLEGES}\r\nТегеран {PRK}"
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")  # the -be codec writes no BOM by itself
    path = tmp_path / "wide.txt"
    path.write_bytes((bom + body).encode(encoding))
    result = ingest(path)
    assert result.exit_code == 0, result.output
    article = sources(engine)[str(path)]
    assert article["text"] == body.replace("\r\n", "\n")
    assert article["published"] == "2024-05-01"
    with engine.connect() as conn:
        quotes = conn.execute(text("SELECT quote, start, \"end\" FROM statement")).all()
    assert quotes and all(article["text"][s:e] == q for q, s, e in quotes)


def test_utf16_without_a_byte_order_mark_says_why(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(ALLEGES.encode("utf-16-le"))
    result = ingest(path)
    assert f"{path}: binary file (contains NUL bytes)" in result.stderr


def test_extract_prints_file_names_escaped(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import cli

    path = tmp_path / "x\x1b]0;pwn\x07[bold]y.txt"
    path.write_text(ALLEGES)
    missing = tmp_path / "gone\x1b[2J.txt"
    result = CliRunner().invoke(cli, ["extract", str(path), str(missing)])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "x\\x1b]0;pwn\\x07[bold]y.txt" in "".join(result.stdout.split())  # shown, not obeyed (rich wraps it)
    assert "gone\\x1b[2J.txt: no such file" in result.stderr


def test_server_log_lines_are_escaped(db_url: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    """A crash's log record (its path and its exception's message) cannot carry a control character."""
    from fastapi.testclient import TestClient

    import app.queries as queries
    from app.web.main import create_app

    def boom(**_: object) -> None:
        raise RuntimeError("bad\x1b]0;retitled\x07 value")

    monkeypatch.setattr(queries, "list_allegations", boom)
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        assert client.get("/api/allegations").status_code == 500
    err = capfd.readouterr().err
    assert "unhandled error on /api/allegations" in err and "Traceback" in err
    assert "RuntimeError: bad\\x1b]0;retitled\\x07 value" in err and "\x1b" not in err and "\x07" not in err


def test_a_bad_setting_is_named_without_a_traceback(tmp_path: Path) -> None:
    import subprocess

    from tests.reliability.helpers import armswatch, env_for

    env = env_for(tmp_path / "x.db", ARMSWATCH_BASE_URL="ftp://x\x1b", ARMSWATCH_ARTICLE_SECONDS="-1")
    run = subprocess.run([*armswatch(), "ingest", str(tmp_path)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "\x1b" not in run.stderr
    assert "armswatch: ARMSWATCH_BASE_URL=ftp://x\\x1b: String should match pattern" in run.stderr
    assert "armswatch: ARMSWATCH_ARTICLE_SECONDS=-1: Input should be greater than 0" in run.stderr
