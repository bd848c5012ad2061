"""Hostile files: one generated corpus of bad inputs, run end to end through `armswatch ingest`.

Every bad input is reported on stderr as `path: reason`, the good inputs of the same run
are stored (BOM and CRLF included, with valid offsets), the exit code is 1 and nothing
prints a traceback. The per-case unit tests live in tests/test_readers.py; this run adds
what only a real process shows: the default size limit with a 50 MB file, named pipes and
devices (which block or never end when read), symlinks that lead nowhere, HTML that is
mostly attack, thousands of nesting levels, and odd file names — all in one invocation.
"""
from __future__ import annotations

import json
import os
import random
import resource
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.reliability.helpers import armswatch, connect_ro, env_for, ledger_problems

GOOD = ("Iran has delivered {n} Shahed-136 drones to Russia, US officials said on Monday. "
        "Tehran denied sending any drones to Russia.")


def good(n: int) -> str:
    return GOOD.format(n=n)


def build_corpus(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Writes the corpus; returns ({source: reason fragment} of bad inputs, {source: text stored} of good ones)."""
    rnd = random.Random(6)
    root.mkdir()
    bad: dict[str, str] = {}
    ok: dict[str, str] = {}

    def put(name: str, data: bytes | str) -> Path:
        p = root / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    # -- good inputs, stored whatever their encoding quirks ------------------------------------------
    ok[str(put("good-plain.txt", good(1)))] = good(1)
    crlf = good(2).replace(". ", ".\r\n") + "\r\nMoscow confirmed it had received drones from Iran.\r\n"
    ok[str(put("good-crlf.txt", crlf))] = crlf.replace("\r\n", "\n")
    ok[str(put("good-bom.txt", "\ufeff" + good(3)))] = good(3)
    bom_crlf = "\ufeff" + good(4).replace(". ", ".\r\n")
    ok[str(put("good-bom-crlf.txt", bom_crlf))] = bom_crlf[1:].replace("\r\n", "\n")
    ok[str(put("good-unicode-\u00e9\u0627\u6f22.txt", good(5) + " \u00ab\u0422\u0435\u0433\u0435\u0440\u0430\u043d\u00bb \U0001f680"))] = (
        good(5) + " \u00ab\u0422\u0435\u0433\u0435\u0440\u0430\u043d\u00bb \U0001f680")
    put("good-bom.json", "\ufeff" + json.dumps({"text": good(6), "url": "https://example.test/bom-json"}))
    ok["https://example.test/bom-json"] = good(6)  # a record's source is its url
    # Kept apart by the suffix (the HTML reader's text is trafilatura's, compared loosely below).
    hostile_html = (
        "<!doctype html><html><head><title>Drones</title><script>window.__pwned=1</script>"
        "<meta http-equiv=refresh content='0;url=javascript:alert(1)'></head>"
        "<body onload=\"window.__pwned=2\"><iframe src=\"javascript:alert(3)\"></iframe>"
        "<article><h1>Drone deliveries</h1>"
        f"<p onclick=\"window.__pwned=4\">{good(7)}</p>"
        "<p><img src=x onerror=\"window.__pwned=5\">Officials in Kyiv said the drones struck power plants.</p>"
        "<svg onload=\"window.__pwned=6\"></svg><style>body{display:none}</style>"
        "<p>Analysts said the deliveries had continued for months and showed no sign of slowing down.</p>"
        "</article><script src=\"https://evil.example/x.js\"></script></body></html>"
    )
    ok[str(put("hostile-markup.html", hostile_html))] = "<html>"

    # -- bad inputs, each reported as `path: reason` -------------------------------------------------
    bad[str(put("binary.txt", bytes(rnd.randrange(256) for _ in range(4096)) + b"\x00"))] = "binary file (contains NUL bytes)"
    bad[str(put("nul-in-text.txt", good(20).encode() + b"\x00" + good(21).encode()))] = "contains NUL bytes"
    bad[str(put("invalid-utf8.txt", good(22).encode() + b" caf\xe9 \xff\xfe"))] = "not valid UTF-8"
    # UTF-16 is read when a byte order mark says so (issue 15); without one it is NUL-ridden binary.
    ok[str(put("good-utf16-bom.txt", good(23).encode("utf-16")))] = good(23)
    bad[str(put("utf16-no-bom.txt", good(23).encode("utf-16-le")))] = "NUL bytes"
    huge = root / "huge-50mb.txt"
    with huge.open("wb") as fh:
        line = (good(24) + "\n").encode()
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    bad[str(huge)] = "too large"
    bad[str(put("empty.txt", b""))] = "empty"
    bad[str(put("whitespace.txt", " \t\n\r\n\u00a0\u2003\n".encode()))] = "empty"
    bad[str(put("bom-only-crlf.txt", b"\xef\xbb\xbf\r\n\r\n"))] = "empty"
    bad[str(put("script-only.html", "<html><head><script>alert(1)</script></head>"
                                    "<body><iframe src=javascript:alert(2)></iframe><img src=x onerror=alert(3)></body></html>"))] = (
        "no article text")
    bad[str(put("nul.html", b"<html><body><p>" + good(25).encode() + b"\x00</p></body></html>"))] = "NUL bytes"
    bad[str(put("deep-10k.html", "<div>" * 10_000 + good(26) + "</div>" * 10_000))] = ""  # stored or refused: no crash
    bad[str(put("deep-20k-unclosed.html", "<span><b><i>" * 7_000 + "x"))] = ""
    bad[str(put("deep.json", "[" * 20_000 + "]" * 20_000))] = "invalid JSON"
    bad[str(put("deep-object.json", '{"text":' * 5_000 + '"x"' + "}" * 5_000))] = ""
    bad[str(put("not-json.json", "text: Iran sent drones"))] = "invalid JSON"
    bad[str(put("truncated.json", '[{"text": "' + good(27)))] = "invalid JSON"

    records = [
        {"text": good(30), "url": "https://example.test/good-record", "published": "2024-02-03"},
        {"text": 123},
        {"text": good(31), "title": ["not", "a", "string"]},
        {"text": good(32), "published": 20240101},
        {"text": good(33), "published": "2024-13-45"},
        {"text": good(34), "published": "99999-01-01"},
        {"title": "no text"},
        {"text": None},
        {"text": "   \n  "},
        "a bare string",
        None,
        [good(35)],
    ]
    bad[str(put("records-wrong-types.json", json.dumps(records)))] = "record 2: field 'text' must be a string"
    ok["https://example.test/good-record"] = good(30)
    lines = [
        json.dumps({"text": good(40), "url": "https://example.test/good-line"}).encode(),
        b'{"text": 5}',
        b'{"text": "' + good(41).encode() + b' \xff"}',
        b"not json at all",
        b'{"text": "lone surrogate \\ud800 here"}',
        b'{"text": "nul \\u0000 inside"}',
        b'{"text": "' + good(42).encode() + b'"' + b"\x00}",
        b"[1, 2, 3]",
        b'{"text": "' + good(43).encode() + b'", "published": {"$date": 1}}',
    ]
    bad[str(put("lines.jsonl", b"\n".join(lines) + b"\n"))] = "line 2: field 'text' must be a string"
    ok["https://example.test/good-line"] = good(40)

    # -- not files: a pipe that would block a reader forever, links to nowhere, a folder named like a file
    os.mkfifo(root / "named-pipe.txt")
    bad[str(root / "named-pipe.txt")] = "not a regular file"
    os.mkfifo(root / "named-pipe.jsonl")
    bad[str(root / "named-pipe.jsonl")] = "not a regular file"
    (root / "dangling.txt").symlink_to(root / "does-not-exist.txt")
    bad[str(root / "dangling.txt")] = "no such file"
    (root / "loop.html").symlink_to(root / "loop.html")
    bad[str(root / "loop.html")] = "cannot be read"
    folder = root / "folder.html"  # walked into like any directory; its good file is stored
    folder.mkdir()
    ok[str(put("folder.html/inner-good.txt", good(50)))] = good(50)
    ok[str(put("name with\nnewline.txt", good(52)))] = good(52)
    return bad, ok


def _limit_memory() -> None:
    # A reader that trusts st_size on a device (/dev/zero) would eat all memory; fail fast instead.
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


@pytest.mark.slow
def test_one_run_over_a_hostile_corpus(tmp_path: Path) -> None:
    root = tmp_path / "hostile"
    bad, ok = build_corpus(root)
    db = tmp_path / "ledger.db"
    # Devices named on the command line: endless (/dev/zero) or empty (/dev/null), neither an article.
    extra = ["/dev/zero", "/dev/null"]
    proc = subprocess.run(
        [*armswatch(), "ingest", str(root), *extra], env=env_for(db), capture_output=True, timeout=120,
        preexec_fn=_limit_memory,
    )
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, err[-3000:]
    assert proc.returncode == 1, (proc.returncode, err[-3000:])

    reported = err
    for source, reason in {**bad, "/dev/zero": "not a regular file", "/dev/null": "not a regular file"}.items():
        shown = source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if source.endswith(("deep-10k.html", "deep-20k-unclosed.html", "deep-object.json")):
            continue  # either outcome is fine; checked below
        lines = [line for line in reported.splitlines() if line.startswith(f"{shown}: ")]
        assert any(reason in line for line in lines), f"{shown!r} not reported with {reason!r}:\n{err[-3000:]}"
    # Every stderr line names a file of the run (no stray warnings, no library noise).
    known = [s.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for s in [*bad, *ok, *extra]]
    for line in err.splitlines():
        if line.strip():
            assert any(line.startswith(k + ": ") for k in known) or line.startswith("newline.txt: "), line

    conn = connect_ro(db)
    stored = {src: text for src, text in conn.execute("SELECT source, text FROM article")}
    conn.close()
    for source, text in ok.items():
        assert source in stored, f"good input {source!r} not stored; stderr:\n{err[-2000:]}"
        if text == "<html>":
            assert good(7) in stored[source]
            assert "__pwned" not in stored[source] and "<script" not in stored[source]
        else:
            assert stored[source] == text, source
    for source in ("deep-10k.html", "deep-20k-unclosed.html", "deep-object.json"):
        path = str(root / source)
        assert path in stored or f"{path}: " in err, f"{source} neither stored nor reported"
    assert not any("\r" in t or t.startswith("\ufeff") for t in stored.values())
    assert ledger_problems(db) == []
    print(f"\nhostile corpus: {len(bad) + len(extra)} bad inputs reported as path: reason, "
          f"{len(ok)} good inputs stored, exit {proc.returncode}, no traceback")
    summary = [line for line in out.splitlines() if line.startswith("articles:")]
    assert summary and " failed" in summary[-1] and not summary[-1].endswith(" 0 failed"), out[-500:]


def test_a_file_name_that_is_not_utf8_does_not_lose_the_article(tmp_path: Path) -> None:
    """POSIX file names are bytes; one that is not UTF-8 must not cost the article it names."""
    root = tmp_path / "names"
    root.mkdir()
    name = os.fsdecode(b"name-\xff\xfe-latin1.txt")
    (root / name).write_text(good(51), encoding="utf-8")
    db = tmp_path / "ledger.db"
    proc = subprocess.run([*armswatch(), "ingest", str(root)], env=env_for(db), capture_output=True, timeout=120)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    conn = connect_ro(db)
    texts = [t for (t,) in conn.execute("SELECT text FROM article")]
    conn.close()
    assert texts == [good(51)], err
    assert proc.returncode == 0, err
