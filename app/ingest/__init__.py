"""Ingest: read articles (files, directories, feeds, URLs), extract their statements, store them.

    sources.py  paths and URLs -> jobs (one job = one article to load)
    textfile.py reading a text file: bytes, size and file-type checks, UTF-8, newlines
    readers.py  text, HTML and JSON records -> RawArticle
    feeds.py    RSS/Atom feeds and HTTP fetching
    store.py    the one writer: reference data, articles, allegations, statements, counters
    runner.py   `armswatch ingest`: workers, progress, summary
"""
