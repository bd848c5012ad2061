"""`armswatch sources import FILE`: the sample sources file, bad lines named by file and line."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import cli
from app.ingest.watched import SOURCE
from tests.conftest import REPO


def _run(*args: str):
    return CliRunner().invoke(cli, ["sources", "import", *args])


def test_the_sample_file_imports_once_and_again_adds_nothing(db_url, engine) -> None:
    first = _run(str(REPO / "seeds" / "sources.example.list"))
    assert first.exit_code == 0, first.output
    with engine.connect() as conn:
        rows = conn.execute(select(SOURCE.c.url, SOURCE.c.every_seconds, SOURCE.c.name).order_by(SOURCE.c.id)).all()
    assert rows[0] == ("https://www.example.org/world/rss.xml", 1800, "Example World (RSS)")
    assert rows[2][1:] == (6 * 3600, "A ministry's press-release page")
    assert rows[3] == ("https://wire.example.org/feed.xml", 1800, None)  # the default interval, no name
    again = _run(str(REPO / "seeds" / "sources.example.list"))
    assert again.exit_code == 0 and again.output.count("already watched") == 4
    with engine.connect() as conn:
        assert len(conn.execute(select(SOURCE.c.id)).all()) == 4


def test_a_bad_line_is_named_and_the_good_ones_are_still_added(db_url, engine, tmp_path: Path) -> None:
    listing = tmp_path / "mine.list"
    listing.write_text("# mine\nftp://files.example.org/a 5m\nhttps://ok.example.org/rss 2h  # good\n"
                       "https://late.example.org/rss 99y\n", encoding="utf-8")
    result = _run(str(listing))
    assert result.exit_code == 1
    assert f"{listing}:2: URL: 'ftp://files.example.org/a' is not an http(s) URL" in result.output
    assert f"{listing}:4: --every: '99y' is not an interval" in result.output
    assert "Traceback" not in result.output
    with engine.connect() as conn:
        assert conn.execute(select(SOURCE.c.url)).scalars().all() == ["https://ok.example.org/rss"]
    missing = _run(str(tmp_path / "nope.list"))
    assert missing.exit_code == 1 and "nope.list: cannot be read" in missing.output
