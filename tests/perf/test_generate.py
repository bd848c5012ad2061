"""The synthetic corpus generator: deterministic, realistic in shape, and readable by ingest."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from app.extract import parse_date_header
from tests.perf.generate import STYLES, iter_articles, main, make_article, write_corpus


def test_same_seed_same_articles_and_article_i_does_not_depend_on_n() -> None:
    first = [a.as_txt() for a in iter_articles(30)]
    again = [a.as_txt() for a in iter_articles(30)]
    assert first == again
    assert [a.as_txt() for a in iter_articles(10, start=20)] == first[20:]
    assert make_article(5, seed=1).as_txt() != make_article(5, seed=2).as_txt()


def test_articles_are_distinct_news_sized_and_varied() -> None:
    articles = list(iter_articles(300))
    assert len({a.body for a in articles}) == 300
    words = [len(a.body.split()) for a in articles]
    assert 450 <= sum(words) / len(words) <= 750
    assert min(words) >= 300
    assert set(Counter(a.style for a in articles)) == set(STYLES)
    assert sum("Skip to main content" in a.body for a in articles) > 50  # scraped-page noise in some
    years = {a.published.year for a in articles if a.published}
    assert len(years) >= 6
    assert 0 < sum(a.published is None for a in articles) < 60


def test_txt_files_carry_the_date_header_the_extractor_reads(tmp_path: Path) -> None:
    write_corpus(tmp_path, 40)
    files = sorted(tmp_path.rglob("*.txt"))
    assert len(files) == 40
    for path in files:
        i = int(path.stem.split("-")[1])
        article = make_article(i)
        text = path.read_text(encoding="utf-8")
        assert text == article.as_txt()
        assert parse_date_header(text) == article.published


def test_jsonl_records_have_text_title_url_published(tmp_path: Path) -> None:
    assert main(["--n", "25", "--out", str(tmp_path), "--format", "jsonl"]) == 0
    (path,) = tmp_path.glob("*.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 25
    assert {"title", "text", "url", "published"} <= set(records[0])
    assert len({r["url"] for r in records}) == 25
    assert all(not r["text"].startswith(" date ") for r in records)


def test_the_extractor_finds_the_reported_transfers_and_their_denials() -> None:
    from app.extract import extract

    articles = list(iter_articles(40))
    found_main = stances = 0
    seen_stances: set[str] = set()
    for a in articles:
        statements = extract(a.as_txt()).statements
        tuples = {(s.supplier, s.recipient, s.category) for s in statements}
        found_main += a.transfers[0] in tuples
        stances += len(statements)
        seen_stances |= {s.stance for s in statements}
    assert found_main >= 36  # the headline transfer of nearly every article
    assert stances / len(articles) >= 3  # several statements per article, as the load tests assume
    assert seen_stances == {"alleges", "denies", "confirms"}
