"""`armswatch reextract`: the real extractor over the ingested seed, with editors' decisions in
place: verified and rejected statements keep their decision (and their ids), an edited field
survives, decisions of statements made anew are found again, and one the extractor no longer
makes is listed as orphaned."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from app.accounts import User
from app.cli import cli
from app.counters import recount
from app.db import write_session
from app.ingest.runner import run_ingest
from app.models import Allegation, AuditEvent, Decision, Statement
from app.queries.audit import orphaned_decisions
from app.review.changes import change_statement
from app.vocab import Role
from tests.conftest import SEEDS

ED = User(id=None, name="ed", role=Role.editor)
SEED = SEEDS / "seed-2022-12-10-russia-iran.txt"


def statements(session) -> dict[int, Statement]:
    session.expire_all()
    return {s.id: s for s in session.exec(select(Statement)).scalars()}


def counters(session) -> list[tuple]:
    session.expire_all()
    return sorted((a.id, a.n_statements, a.n_sources, a.n_denies, a.n_verified, a.n_rejected, a.status)
                  for a in session.exec(select(Allegation)).scalars())


@pytest.fixture
def reviewed(db_url, session):
    assert run_ingest([str(SEED)]) == 0
    found = sorted(statements(session))
    assert len(found) >= 4, "the seed gives several statements"
    verified, rejected, edited = found[:3]
    with write_session() as conn:
        change_statement(conn, verified, {"review": "verified"}, user=ED)
        change_statement(conn, rejected, {"review": "rejected"}, user=ED, reason="not about a transfer")
        change_statement(conn, edited, {"quantity": "exactly 12", "status": "planned"}, user=ED, reason="per the text")
    return verified, rejected, edited


def reextract(*args: str) -> str:
    result = CliRunner().invoke(cli, ["reextract", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_decisions_and_an_edited_field_survive_reextract(session, reviewed) -> None:
    verified, rejected, edited = reviewed
    before, kept = statements(session), counters(session)
    out = reextract()
    assert "articles extracted again" in out and "0 decisions orphaned" in out
    after = statements(session)
    assert set(after) == set(before)  # matched in place: same ids, links and history
    assert after[verified].review == "verified" and after[rejected].review == "rejected"
    assert after[edited].quantity == "exactly 12" and after[edited].status == "planned"
    assert counters(session) == kept
    recount(session.connection())
    assert counters(session) == kept  # the counters are exact
    session.rollback()
    run = session.exec(select(AuditEvent).where(AuditEvent.action == "reextract")).one()[0]
    assert run.account_id is None and run.changes["articles"] == [None, 1]


def test_statements_made_anew_find_their_decisions_again(session, reviewed) -> None:
    """As after an older extractor, or a re-ingest: the article's statements are gone and the
    decisions orphaned; the extractor makes the statements again and the decisions re-apply."""
    verified, rejected, edited = reviewed
    quotes = {sid: (s.quote, s.allegation_id, s.stance) for sid, s in statements(session).items()}
    with write_session() as conn:
        conn.execute(update(Decision.__table__).values(statement_id=None))
        conn.execute(delete(Statement.__table__))
        recount(conn)
    assert len(orphaned_decisions(session=session)) == 3
    reextract("--since", "2000-01-01")
    now = {(s.quote, s.allegation_id, s.stance): s for s in statements(session).values()}
    assert now[quotes[verified]].review == "verified" and now[quotes[rejected]].review == "rejected"
    assert now[quotes[edited]].quantity == "exactly 12"
    assert orphaned_decisions(session=session) == []
    assert session.exec(select(Allegation).where(Allegation.n_rejected == 1)).first() is not None


def test_a_decision_the_extractor_no_longer_makes_is_orphaned_not_dropped(session, reviewed, db_url) -> None:
    verified, rejected, edited = reviewed
    with write_session() as conn:  # as if the extractor had once read another sentence
        conn.execute(update(Decision.__table__).where(Decision.statement_id == rejected)
                     .values(quote="A sentence the extractor no longer reads."))
    reextract()
    orphans = orphaned_decisions(session=session)
    assert [(o.review, o.reason) for o in orphans] == [("rejected", "not about a transfer")]
    assert statements(session)[verified].review == "verified"
    from fastapi.testclient import TestClient

    from app.web.main import app
    from tests.test_auth import add_user, log_in

    add_user("ed")
    with TestClient(app, follow_redirects=False) as client:
        log_in(client)
        assert "A sentence the extractor no longer reads." in client.get("/audit").text


def test_since_a_future_date_touches_nothing_and_a_bad_date_is_named(session, reviewed) -> None:
    assert "0 articles extracted again" in reextract("--since", "2999-01-01")
    result = CliRunner().invoke(cli, ["reextract", "--since", "yesterday"])
    assert result.exit_code == 2 and "--since: 'yesterday' is not a date" in result.output
