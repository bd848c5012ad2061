"""The `armswatch` command: db, ingest, extract, serve."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from app.terminal import shown

cli = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="armswatch: a source-linked ledger of arms-transfer allegations and denials.",
)
db_cli = typer.Typer(no_args_is_help=True, help="Create or upgrade the database schema (Alembic migrations).")
cli.add_typer(db_cli, name="db")
sources_cli = typer.Typer(no_args_is_help=True, help="The RSS/Atom feeds and pages `armswatch watch` polls.")
cli.add_typer(sources_cli, name="sources")
users_cli = typer.Typer(no_args_is_help=True, help="The accounts that log in to review (editor, admin) or read (viewer).")
cli.add_typer(users_cli, name="users")


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"armswatch: {shown(message)}", err=True)
    raise typer.Exit(code)


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply the migrations up to REVISION (default: the latest)."""
    from app import migrate

    from app.db import describe_error

    if revision == "head" and migrate.is_current():  # nothing to write: works on read-only storage too
        typer.echo(f"database at revision {migrate.current()}")
        return
    try:
        migrate.upgrade(revision=revision)
    except Exception as exc:  # a bad URL or an unreadable file: say which, no traceback
        _fail(f"database upgrade failed: {describe_error(exc)}")
    typer.echo(f"database at revision {migrate.current()}")


@db_cli.command("current")
def db_current() -> None:
    """Print the database's current revision."""
    from app import migrate

    typer.echo(migrate.current() or "empty (run `armswatch db upgrade`)")


@db_cli.command("copy")
def db_copy(
    source_url: Annotated[str, typer.Argument(help="Database to copy from, e.g. sqlite:///armswatch.db")],
    target_url: Annotated[str, typer.Argument(help="Empty database to copy into, e.g. postgresql+psycopg://user@host/db")],
) -> None:
    """Copy a whole ledger into an empty database (upgraded first), every row with its id; the
    rows of every table are counted on both sides."""
    from app.dbcopy import CopyError, copy_ledger

    try:
        copied = copy_ledger(source_url, target_url, report=lambda name, n: typer.echo(f"{name:<20} {n:>9} rows"))
    except CopyError as exc:
        _fail(f"db copy: {exc}")
    except Exception as exc:  # a bad URL, an unreachable server: say which, no traceback
        _fail(f"db copy failed: {type(exc).__name__}: {exc}")
    typer.echo(f"copied {sum(copied.values())} rows; every table's count matches")


@cli.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files, directories or http(s) URLs of pages and RSS/Atom feeds")
    ],
    workers: Annotated[int, typer.Option(min=1, help="Extraction processes (one writer stores their results)")] = 1,
) -> None:
    """Read articles, extract their statements and store them in the ledger."""
    from app.ingest.runner import run_ingest

    raise typer.Exit(run_ingest(paths, workers=workers))


@cli.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Article text files")],
    format: Annotated[OutputFormat, typer.Option("--format", help="json: the SCHEMA.md contract; table: for reading")] = OutputFormat.table,
) -> None:
    """Print the statements found in FILES, without touching the database."""
    from app.extract.render import render_json, render_table
    from app.ingest.textfile import TextFileError, read_article_text

    results, failed = [], 0
    for path in files:
        try:
            text = read_article_text(path)
        except TextFileError as exc:
            typer.echo(f"armswatch: {shown(exc)}", err=True)
            failed += 1
            continue
        results.append((str(path), text))
    if format is OutputFormat.json:
        json.dump(render_json(results), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from rich.markup import escape

        # The table's title is the path: escaped for the terminal and for rich's markup.
        render_table([(escape(shown(path)), text) for path, text in results])
    raise typer.Exit(1 if failed else 0)


@sources_cli.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="http(s) URL of an RSS/Atom feed or of a page")],
    every: Annotated[str, typer.Option(help="Poll interval: 90s, 30m, 2h, 1d (1m to 30d)")] = "30m",
    name: Annotated[str | None, typer.Option(help="A name to show instead of the URL")] = None,
) -> None:
    """Watch a feed or page: `armswatch watch` polls it every EVERY, starting at once."""
    from app.intervals import format_interval
    from app.ingest.watched import SourceError, add_source, parse_interval

    engine = _upgraded_engine()
    try:
        source_id = add_source(engine, url, every, name)
    except SourceError as exc:
        _fail(str(exc))
    typer.echo(f"source {source_id}: {url.strip()} every {format_interval(parse_interval(every))}")


@sources_cli.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(help="A text file: one `URL [EVERY] [NAME]` a line, # for comments")],
) -> None:
    """Watch every source a file lists (seeds/sources.example.list shows the format); again adds nothing."""
    from app.ingest.watched import import_sources

    done, problems = import_sources(_upgraded_engine(), file)
    for line in done:
        typer.echo(shown(line))
    for problem in problems:
        typer.echo(f"armswatch: {shown(problem)}", err=True)
    raise typer.Exit(1 if problems else 0)


@sources_cli.command("list")
def sources_list() -> None:
    """The watched sources: last poll, status, articles stored, new per day, last error."""
    from sqlmodel import Session

    from app.intervals import format_interval
    from app.queries.sources import list_sources

    with Session(_upgraded_engine()) as session:
        rows = list_sources(session=session)
    if not rows:
        typer.echo("no sources (add one with `armswatch sources add URL`)")
    for r in rows:
        polled = r.last_poll_at.strftime("%Y-%m-%d %H:%M UTC") if r.last_poll_at else "never"
        fields = [str(r.id), r.name or "-", r.url, f"every {format_interval(r.every_seconds)}", r.status,
                  f"last poll {polled}", f"{r.articles_stored} stored", f"{r.per_day:g}/day"]
        if r.last_error:
            fields.append(f"last error: {r.last_error}")
        typer.echo("  ".join(shown(f) for f in fields))


@sources_cli.command("remove")
def sources_remove(which: Annotated[str, typer.Argument(metavar="SOURCE", help="The source's id or URL")]) -> None:
    """Stop watching a source (the articles it stored stay in the ledger)."""
    from app.ingest.watched import SourceError, remove_source

    try:
        url = remove_source(_upgraded_engine(), which)
    except SourceError as exc:
        _fail(str(exc))
    typer.echo(f"removed {url}")


@users_cli.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -)")],
    role: Annotated[str, typer.Option(help="viewer (reads what editors see), editor (reviews) or admin")] = "editor",
) -> None:
    """Create an account; the password is read from ARMSWATCH_PASSWORD, or asked for twice."""
    import os

    from app.accounts import AccountError, add_account
    from app.db import write_session

    password = os.environ.get("ARMSWATCH_PASSWORD") or typer.prompt("Password", hide_input=True,
                                                                     confirmation_prompt=True)
    try:
        with write_session(_upgraded_engine()) as conn:
            add_account(conn, name, role, password)
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"user {name} added ({role}); log in at /login")


@users_cli.command("token")
def users_token(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Print a new API token for NAME (Authorization: Bearer TOKEN); the previous one stops working."""
    from app.accounts import AccountError, new_token
    from app.db import write_session

    try:
        with write_session(_upgraded_engine()) as conn:
            token = new_token(conn, name)
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(token)


@users_cli.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Stop NAME logging in: its sessions and token end now; what it did stays in the audit trail."""
    from app.accounts import AccountError, disable
    from app.db import write_session

    try:
        with write_session(_upgraded_engine()) as conn:
            disable(conn, name)
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"user {name} disabled")


def _upgraded_engine():
    from app import migrate
    from app.db import get_engine

    if problem := migrate.ensure_current():
        _fail(f"database upgrade failed: {problem}")
    return get_engine()


@cli.command()
def watch(
    once: Annotated[bool, typer.Option("--once", help="Poll every source due now, then exit (for cron)")] = False,
) -> None:
    """Poll the watched sources when each is due and store their new articles (SIGTERM stops cleanly)."""
    from app.ingest.watch import run_watch

    raise typer.Exit(run_watch(once=once))


@cli.command()
def reextract(
    since: Annotated[str | None, typer.Option(help="Only articles stored on or after this date (YYYY-MM-DD)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Extraction processes")] = 1,
) -> None:
    """Run the current extractor again over stored articles, keeping the editors' decisions."""
    from datetime import date

    from app.ingest.reextract import run_reextract

    day = None
    if since is not None:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            _fail(f"--since: {since[:40]!r} is not a date (YYYY-MM-DD)")
    raise typer.Exit(run_reextract(day, workers=workers, say=typer.echo))


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (production: one per core)")] = 1,
) -> None:
    """Serve the dashboard and the JSON API (the schema is upgraded first)."""
    import subprocess

    import uvicorn

    # The upgrade runs in a short-lived child: with --workers N this process stays alive as
    # uvicorn's supervisor, and would otherwise keep Alembic and the models in memory (~55 MB).
    upgrade = subprocess.run([sys.executable, "-m", "app.cli", "db", "upgrade"], capture_output=True, text=True)
    if upgrade.returncode != 0:
        sys.stderr.write(upgrade.stderr)
        raise typer.Exit(upgrade.returncode)
    from app.config import get_settings

    # X-Forwarded-* only from the proxies named in ARMSWATCH_TRUSTED_PROXIES (uvicorn's own default
    # believes 127.0.0.1, i.e. any local process, and FORWARDED_ALLOW_IPS from the environment).
    proxies = [p.strip() for p in get_settings().trusted_proxies.split(",") if p.strip()]
    uvicorn.run("app.web.main:app", host=host, port=port, workers=workers, log_level="warning", access_log=False,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


def main() -> None:
    from pydantic import ValidationError

    from app.taxonomy import TaxonomyError

    try:
        cli()
    except TaxonomyError as exc:  # a taxonomy file of $ARMSWATCH_TAXONOMY_DIR: its path and the reason
        typer.echo(f"armswatch: {shown(str(exc))}", err=True)
        raise SystemExit(2) from None
    except ValidationError as exc:  # a setting from the environment: name it, no traceback
        if exc.title != "Settings":
            raise
        for err in exc.errors():
            name = "ARMSWATCH_" + "_".join(str(p) for p in err["loc"]).upper()
            typer.echo(f"armswatch: {name}={shown(err.get('input'))}: {err['msg']}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
