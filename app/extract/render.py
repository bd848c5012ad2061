"""Output of `armswatch extract`: the SCHEMA.md JSON contract, or a table for reading."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from app.extract.pipeline import extract


def render_json(items: list[tuple[str, str]]) -> dict:
    articles = []
    for path, text in items:
        result = extract(text)
        articles.append(
            {
                "path": path,
                "published": result.published.isoformat() if result.published else None,
                "statements": [s.to_json() for s in result.statements],
            }
        )
    return {"articles": articles}


def render_table(items: list[tuple[str, str]], console: Console | None = None) -> None:
    console = console or Console()
    for path, text in items:
        result = extract(text)
        table = Table(title=f"{path} ({result.published or 'no date'})", show_lines=False)
        for col in ("stance", "supplier → recipient", "category", "system", "status", "claimant", "speaker", "quote"):
            table.add_column(col, overflow="fold")
        for s in result.statements:
            quote = s.quote if len(s.quote) <= 120 else s.quote[:117] + "…"
            table.add_row(
                s.stance, f"{s.supplier} → {s.recipient}", s.category, s.system or "", s.status,
                s.claimant or "", s.speaker or "", quote,
            )
        console.print(table)
