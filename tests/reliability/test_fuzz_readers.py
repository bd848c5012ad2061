"""Property tests for the readers: any bytes in, an article or the documented error out.

`ReadError` (files), `ValueError` (records, dates) and `Failed` items (JSON, JSONL, feeds)
are the documented outcomes; anything else escaping is a bug. When a text file is
accepted, the text handed to the extractor is what offsets index into: statements
extracted from it are anchored exactly (`text[start:end] == quote`). The extractor alone
is fuzzed in tests/test_extract_contract.py.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.extract import extract
from app.ingest.feeds import parse_feed
from app.ingest.readers import (html_to_article, iter_json_file, iter_jsonl_file, parse_date, read_text_file,
                                record_to_article)
from app.ingest.types import Failed, RawArticle, ReadError, RecordJob

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX = 20_000

SENTENCES = (
    "Iran has delivered Shahed-136 drones to Russia, US officials said.",
    "Tehran denied sending any drones to Russia.",
    "North Korea shipped artillery shells to Russia, according to Seoul.",
    "Pyongyang denied that it had ever supplied weapons to Russia.",
    "Russia confirmed it had received ballistic missiles from Iran.",
)
noise = st.sampled_from(["\r\n", "\r", "\n", "\ufeff", "\u00a0", "\u2028", "\u200b", "  ", "\t", "é", "ü",
                         "\U0001f680", "<b>", "&amp;", "\x0b", "\x0c", "\x1c", "\u0301", "Ⅻ", "ß", "İ"])
article_like = st.lists(st.one_of(st.sampled_from(SENTENCES), noise, st.text(max_size=30)), max_size=12).map("".join)
raw_bytes = st.one_of(
    st.binary(max_size=2_000),
    article_like.map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf", b" date 2024-02-30 ", b" date 2023-05-06 ", b"\xff\xfe"]),
              article_like.map(lambda s: s.encode("utf-8", "surrogatepass"))).map(b"".join),
)


def _file(data: bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix, dir=_tmp())
    with open(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


_TMP: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> None:
    yield
    while _TMP:
        shutil.rmtree(_TMP.pop(), ignore_errors=True)


def _tmp() -> str:
    if not _TMP:
        _TMP.append(tempfile.mkdtemp(prefix="armswatch-fuzz-"))
    return _TMP[0]


def _check_article(article: RawArticle, source: str) -> None:
    assert isinstance(article.text, str) and article.text.strip()
    assert article.source == source
    assert "\x00" not in article.text
    assert article.published is None or isinstance(article.published, date)


@FAST
@given(raw_bytes)
@example(b"\xef\xbb\xbf\xef\xbb\xbf")  # two BOMs: blank (found by hypothesis)
@example(b"\xef\xbb\xbf\xef\xbb\xbfIran")
def test_text_reader_returns_an_article_or_read_error(data: bytes) -> None:
    path = _file(data, ".txt")
    try:
        article = read_text_file(path, MAX)
    except ReadError as exc:
        assert exc.source == str(path) and exc.reason
        return
    finally:
        path.unlink()
    _check_article(article, str(path))
    boms = (("utf-32", (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")), ("utf-16", (b"\xff\xfe", b"\xfe\xff")))
    encoding = next((enc for enc, marks in boms if data.startswith(marks)), "utf-8")  # a UTF-16/32 BOM is obeyed
    decoded = data.decode(encoding).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    assert article.text == decoded  # exactly what was read: offsets into it are offsets into the file's text
    assert not article.text.startswith("\ufeff") and "\r" not in article.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_like.filter(lambda s: s.strip()))
def test_offsets_index_the_text_the_reader_returns(body: str) -> None:
    path = _file(("\ufeff" + body).encode("utf-8", "surrogatepass"), ".txt")
    try:
        article = read_text_file(path, MAX)
    except ReadError:
        return
    finally:
        path.unlink()
    for s in extract(article.text).statements:
        assert 0 <= s.start < s.end <= len(article.text)
        assert article.text[s.start:s.end] == s.quote


html_bytes = st.one_of(
    raw_bytes,
    st.lists(st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<script>alert(1)</script>", "<!--", "-->",
                              "<![CDATA[", "]]>", "<html>", "<body onload=x>", "<iframe src=javascript:x>",
                              "<meta charset=utf-16>", "<?xml version='1.0'?>", "<!DOCTYPE x [<!ENTITY a 'b'>]>",
                              "&a;", "&#0;", "&#xD800;", "<p>" + SENTENCES[0] + "</p>", "<title>t</title>", "\x00"]),
             max_size=40).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
)


@FAST
@given(html_bytes)
def test_html_reader_returns_an_article_or_read_error(data: bytes) -> None:
    try:
        article = html_to_article(data, source="page.html")
    except ReadError as exc:
        assert exc.source == "page.html" and exc.reason
        return
    _check_article(article, "page.html")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
              st.sampled_from(SENTENCES), st.sampled_from(["2024-01-01", "2024-13-01", "Tue, 10 Dec 2024 10:00:00 GMT",
                                                           "0000-00-00", "99999-01-01", "", "  "])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(["text", "title", "url", "published", "outlet", "x"]),
                                               children, max_size=6)),
    max_leaves=12,
)


@FAST
@given(json_values)
def test_record_reader_returns_an_article_or_value_error(record: object) -> None:
    try:
        article = record_to_article(record, "records.json", MAX)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(record, dict)
    _check_article(article, record.get("url") or "records.json")
    assert article.text == record["text"]


@FAST
@given(st.one_of(json_values, st.text(max_size=40), st.integers(), st.floats()))
def test_parse_date_returns_a_date_or_value_error(value: object) -> None:
    try:
        parsed = parse_date(value)
    except ValueError:
        return
    assert parsed is None or isinstance(parsed, date)


def _jobs_only(items: list, source: str) -> None:
    for item in items:
        assert isinstance(item, (RecordJob, Failed)), item
        if isinstance(item, Failed):
            assert item.source == source and item.reason
        else:
            _check_article(item.article, item.article.source)


@FAST
@given(st.one_of(raw_bytes, json_values.map(lambda v: json.dumps(v).encode())))
def test_json_file_yields_jobs_or_failures_never_raises(data: bytes) -> None:
    path = _file(data, ".json")
    try:
        _jobs_only(list(iter_json_file(path, MAX)), str(path))
    finally:
        path.unlink()


@FAST
@given(st.lists(st.one_of(raw_bytes, json_values.map(lambda v: json.dumps(v).encode())), max_size=6))
def test_jsonl_file_yields_jobs_or_failures_never_raises(lines: list[bytes]) -> None:
    path = _file(b"\n".join(lines), ".jsonl")
    try:
        items = list(iter_jsonl_file(path, MAX))
    finally:
        path.unlink()
    _jobs_only(items, str(path))


feed_bytes = st.one_of(
    raw_bytes,
    st.lists(st.sampled_from(["<rss version='2.0'>", "<channel>", "<item>", "<title>", "</title>", "<link>",
                              "https://example.test/a", "javascript:alert(1)", "</link>", "<description>",
                              "&lt;script&gt;", SENTENCES[0], "</description>", "</item>", "</channel>", "</rss>",
                              "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "<content type='html'>",
                              "</content>", "</entry>", "</feed>", "<!ENTITY x SYSTEM 'file:///etc/passwd'>", "&x;"]),
             max_size=30).map(lambda parts: "".join(parts).encode()),
)


@FAST
@given(feed_bytes)
def test_feed_parser_yields_jobs_or_failures_never_raises(data: bytes) -> None:
    items = list(parse_feed(data, "feed.xml"))
    for item in items:
        if isinstance(item, Failed):
            assert item.source == "feed.xml" and item.reason
        elif isinstance(item, RecordJob):
            _check_article(item.article, item.article.source)
            assert "root:x:0:0" not in item.article.text  # no external entity was resolved
        else:  # a PageJob: only web pages are fetched, never javascript: or file: links
            assert item.url.startswith(("http://", "https://")), item.url
