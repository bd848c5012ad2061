"""Readers and bad inputs: every bad file is one `path: reason` line on stderr, the rest is stored."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.ingest.readers import html_to_article, parse_date, read_text_file, record_to_article
from app.ingest.types import ReadError

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CORPUS = FIXTURES / "corpus"
GOOD_TEXT = "Lanterns were hung along the quay for the festival, and the ferries ran late into the night.\n"


def ingest(*args: str | Path):
    result = CliRunner().invoke(cli, ["ingest", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def articles(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r.source: dict(r._mapping) for r in conn.execute(text("SELECT * FROM article"))}


# -- good inputs ----------------------------------------------------------------------------


def test_text_file_with_date_header(tmp_path: Path) -> None:
    path = tmp_path / "dated.txt"
    path.write_bytes(b"\xef\xbb\xbf date 2021-09-30 KYIV: first line\r\nsecond line\r\n")
    art = read_text_file(path, max_bytes=10_000)
    assert art.text == " date 2021-09-30 KYIV: first line\nsecond line\n"  # BOM dropped, newlines as Python reads them
    assert art.published == date(2021, 9, 30)
    assert read_text_file(CORPUS / "a2.txt", 10_000).published is None


def test_html_page_via_trafilatura(db_url: str, engine: Engine) -> None:
    result = ingest(CORPUS / "page.html")
    assert result.exit_code == 0, result.output
    art = articles(engine)[str(CORPUS / "page.html")]
    assert art["title"] == "Drone deliveries questioned"
    assert art["outlet"] == "The Harbour Times"
    assert art["published"] == "2023-04-11"
    assert "Tehran rejected the report as baseless." in art["text"]
    assert "Copyright" not in art["text"] and "<p>" not in art["text"]  # boilerplate and markup gone


def test_json_and_jsonl_records(db_url: str, engine: Engine) -> None:
    result = ingest(CORPUS / "records.json", CORPUS / "records.jsonl")
    assert result.exit_code == 0, result.output
    assert "4 new, 0 skipped, 0 failed" in result.stdout
    stored = articles(engine)
    jets = stored["https://news.example/jets"]  # a record's url is its source
    assert (jets["title"], jets["outlet"], jets["published"]) == ("Jets for Tehran", "Example News", "2023-02-14")
    assert jets["text"].startswith("Officials expect Moscow")
    crews = stored["https://news.example/crews"]
    assert (crews["outlet"], crews["published"]) == ("Wire", "2023-06-01")
    without_url = [a for s, a in stored.items() if not s.startswith("https://")]
    assert {a["source"] for a in without_url} == {str(CORPUS / "records.json"), str(CORPUS / "records.jsonl")}
    assert {a["published"] for a in without_url} == {"2023-02-15", "2023-06-02"}


def test_record_field_types_are_checked() -> None:
    ok = record_to_article({"text": "Words.", "published": "Tue, 07 Mar 2023 09:30:00 GMT"}, "f.json", 100)
    assert ok.published == date(2023, 3, 7) and ok.source == "f.json"
    for record, reason in [
        ({"title": "no text"}, "missing field 'text'"),
        ({"text": 42}, "field 'text' must be a string, got int"),
        ({"text": "ok", "title": ["a"]}, "field 'title' must be a string, got list"),
        ({"text": "ok", "published": "last week"}, "field 'published' not a date"),
        ({"text": "   "}, "field 'text' is empty"),
        ({"text": "x" * 200}, "field 'text' too large"),
        ({"text": "bad \ud800 surrogate"}, "not valid Unicode"),
        (["text"], "expected an object, got list"),
    ]:
        with pytest.raises(ValueError, match=reason.replace("(", r"\(")):
            record_to_article(record, "f.json", 100)


def test_parse_date_accepts_iso_and_rfc2822() -> None:
    assert parse_date("2023-02-14T10:00:00+02:00") == date(2023, 2, 14)
    assert parse_date("Wed, 08 Mar 2023 11:00:00 GMT") == date(2023, 3, 8)
    assert parse_date(None) is None
    with pytest.raises(ValueError):
        parse_date("2023-02-31")


def test_directories_are_walked_recursively_with_supported_extensions(db_url: str, engine: Engine, tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "a" / "skip.pdf").write_bytes(b"%PDF-1.4 \x00\x01")
    (tmp_path / "a" / "README").write_text("not picked up inside a directory", encoding="utf-8")
    result = ingest(tmp_path)
    assert result.exit_code == 0, result.output
    assert set(articles(engine)) == {str(deep / "deep.txt")}


def test_a_file_named_explicitly_is_read_as_text_whatever_its_extension(db_url: str, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ARTICLE"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    assert ingest(path).exit_code == 0
    assert articles(engine)[str(path)]["text"] == GOOD_TEXT


# -- bad inputs -------------------------------------------------------------------------------

BadMaker = Callable[[Path], Path]


def _write(name: str, data: bytes) -> BadMaker:
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(data)
        return p
    return make


def _dir_named_like_a_file(d: Path) -> Path:
    p = d / "folder.txt"
    p.mkdir()
    return p


BAD_CASES: list[tuple[str, BadMaker, str]] = [
    ("binary", _write("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), "binary file (contains NUL bytes)"),
    ("nul", _write("nul.txt", b"Iran sent\x00 drones"), "binary file (contains NUL bytes)"),
    ("latin1", _write("latin1.txt", "Caf\xe9 in T\xe9h\xe9ran".encode("latin-1")), "not valid UTF-8 (byte 3)"),
    ("empty", _write("empty.txt", b""), "empty (no text)"),
    ("whitespace", _write("blank.txt", b"  \n\t\r\n   "), "empty (no text)"),
    ("bom-only", _write("bom.txt", b"\xef\xbb\xbf\n"), "empty (no text)"),
    ("oversize", _write("huge.txt", b"word " * 400), "too large (2,000 bytes; the limit is 1,000)"),
    ("oversize-html", _write("huge.html", b"<p>word</p>" * 200), "too large"),
    ("html-no-text", _write("shell.html", b"<html><head><script>alert(1)</script></head><body></body></html>"),
     "no article text found in the HTML"),
    ("html-binary", _write("bin.html", b"<html>\x00\x01\x02</html>"), "binary file (contains NUL bytes)"),
    ("json-invalid", _write("broken.json", b'{"text": "unterminated'), "invalid JSON"),
    ("json-missing-text", _write("notext.json", b'{"title": "no body"}'), "missing field 'text'"),
    ("json-wrong-type", _write("wrongtype.json", json.dumps([{"text": ["a", "list"]}]).encode()),
     "record 1: field 'text' must be a string, got list"),
    ("json-scalar", _write("scalar.json", b"42"), "expected an object, got int"),
    ("json-empty-list", _write("nothing.json", b"[]"), "empty (no records)"),
    ("json-deep", _write("deep.json", b"[" * 100_000 + b"]" * 100_000), "too large"),
    ("jsonl-bad-line", _write("lines.jsonl", b'{"text": 5}\nnot json\n'), "line 1: field 'text' must be a string, got int"),
    ("jsonl-empty", _write("void.jsonl", b"\n\n"), "empty (no records)"),
    ("feed-malformed", _write("feed.xml", b"<rss><channel><item><title>unclosed"), "malformed feed"),
    ("feed-not-a-feed", _write("config.xml", b"<?xml version='1.0'?><settings><a>1</a></settings>"), "not an RSS or Atom feed"),
    ("feed-binary", _write("blob.rss", b"\x00\x01\x02\x03"), "feed"),
    ("directory-as-file", _dir_named_like_a_file, None),  # recursed into: an empty folder is no error
    ("missing", lambda d: d / "does-not-exist.txt", "no such file or directory"),
    ("fifo", lambda d: (os.mkfifo(d / "pipe.txt"), d / "pipe.txt")[1], "not a regular file"),
    ("fifo-jsonl", lambda d: (os.mkfifo(d / "pipe.jsonl"), d / "pipe.jsonl")[1], "not a regular file"),
    ("fifo-html", lambda d: (os.mkfifo(d / "pipe.html"), d / "pipe.html")[1], "not a regular file"),
    ("broken-symlink", lambda d: (os.symlink(d / "gone.txt", d / "link.txt"), d / "link.txt")[1], "no such file"),
]


@pytest.mark.parametrize("case, make, reason", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_reported_and_the_rest_stored(case: str, make: BadMaker, reason: str | None, db_url: str,
                                                   engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMSWATCH_MAX_FILE_BYTES", "1000")
    get_settings.cache_clear()
    before = tmp_path / "before.txt"
    after = tmp_path / "after.txt"
    before.write_text("First good article. " + GOOD_TEXT, encoding="utf-8")
    after.write_text("Second good article. " + GOOD_TEXT, encoding="utf-8")
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(bad_dir)

    result = ingest(before, bad, after)

    stored = articles(engine)
    assert {str(before), str(after)} <= set(stored)
    if reason is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(line.startswith(f"{bad}: ") and reason in line for line in lines), result.stderr
    assert all(line.startswith(str(bad)) for line in lines), result.stderr
    assert "failed" in result.stdout and "2 new" in result.stdout


def test_unreadable_file_is_reported(db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for anyone else
        real = pathlib.Path.read_bytes

        def deny(self: Path) -> bytes:
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(pathlib.Path, "read_bytes", deny)
    result = ingest(good, locked)
    locked.chmod(0o644)
    assert result.exit_code == 1
    assert f"{locked}: permission denied" in result.stderr
    assert str(good) in articles(engine)


def test_unlistable_directory_is_reported(db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "tree"
    (root / "open").mkdir(parents=True)
    (root / "closed").mkdir()
    (root / "open" / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = ingest(root)
    assert result.exit_code == 1
    assert f"{root / 'closed'}: permission denied" in result.stderr
    assert str(root / "open" / "a.txt") in articles(engine)


def test_many_bad_files_in_one_run_none_stops_the_rest(db_url: str, engine: Engine, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMSWATCH_MAX_FILE_BYTES", "1000")
    get_settings.cache_clear()
    shutil.copy(CORPUS / "a1.txt", tmp_path / "good1.txt")
    for case, make, reason in BAD_CASES:
        if reason is not None and case != "missing":
            make(tmp_path)
    shutil.copy(CORPUS / "a2.txt", tmp_path / "zz-good2.txt")
    result = ingest(tmp_path)
    assert result.exit_code == 1
    assert {str(tmp_path / "good1.txt"), str(tmp_path / "zz-good2.txt")} <= set(articles(engine))
    assert "2 new" in result.stdout
    assert len([line for line in result.stderr.splitlines() if line.strip()]) >= 18


def test_html_to_article_rejects_hostile_markup_without_raising() -> None:
    nested = b"<div>" * 50_000 + b"deep" + b"</div>" * 50_000
    for raw in (nested, b"<<<>>>", b"<html><body><p>\xff\xfe broken bytes</p></body></html>"):
        try:
            html_to_article(raw, source="x.html")
        except ReadError as exc:
            assert exc.source == "x.html" and exc.reason


def test_cli_in_a_real_process_prints_reasons_not_tracebacks(db_url: str, tmp_path: Path) -> None:
    """The installed command, as a user runs it: stderr holds exactly one line per bad input."""
    import subprocess
    import sys

    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "nul.txt").write_bytes(b"a\x00b")
    (tmp_path / "shell.html").write_bytes(b"<html><script>document.write('x')</script><iframe src=x></iframe></html>")
    (tmp_path / "bad.json").write_bytes(b'{"text": 1}')
    (tmp_path / "crlf.txt").write_bytes(b"\xef\xbb\xbfFerries ran late.\r\nThe quay was lit.\r\n")
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", str(tmp_path), "--workers", "2"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "ARMSWATCH_DATABASE_URL": db_url},
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert sorted(proc.stderr.splitlines()) == [
        f"{tmp_path / 'bad.json'}: field 'text' must be a string, got int",
        f"{tmp_path / 'nul.txt'}: binary file (contains NUL bytes)",
        f"{tmp_path / 'shell.html'}: no article text found in the HTML",
    ]
    assert "articles:    2 new, 0 skipped, 3 failed" in proc.stdout


def test_a_file_name_that_is_not_utf8_is_stored_with_a_replacement_character(db_url: str, engine: Engine,
                                                                          tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9-report.txt")  # a Latin-1 name: a lone surrogate in Python
    (tmp_path / name).write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / os.fsdecode(b"bad-\xff.txt")).write_bytes(b"\x00")
    result = ingest(tmp_path)
    assert result.exit_code == 1
    assert set(articles(engine)) == {f"{tmp_path}/caf\ufffd-report.txt"}
    assert f"{tmp_path}/bad-\ufffd.txt: binary file" in result.stderr
    assert f"new      {tmp_path}/caf\ufffd-report.txt" in result.stdout


def test_folder_walk_passes_over_json_that_holds_no_articles(db_url: str, engine: Engine, tmp_path: Path) -> None:
    # A corpus folder often keeps annotations or settings beside the articles.
    (tmp_path / "story.txt").write_text(GOOD_TEXT)
    (tmp_path / "story.gold.json").write_text(json.dumps({"published": "2022-01-01", "statements": []}))
    (tmp_path / "mixed.json").write_text(json.dumps([{"text": GOOD_TEXT + " More."}, {"title": "no text"}]))
    result = ingest(tmp_path)
    assert "2 new, 0 skipped, 1 failed" in result.stdout  # the annotation is no failure; a broken record is
    assert "record 2: missing field 'text'" in result.stderr
    assert "story.gold.json" not in result.stderr
    named = ingest(tmp_path / "story.gold.json")  # named on the command line, it must be articles
    assert named.exit_code == 1 and "missing field 'text'" in named.stderr
