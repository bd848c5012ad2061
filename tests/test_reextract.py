"""`armswatch reextract`: the real extractor over the ingested seed, with editors' decisions in
place: verified and rejected statements keep their decision (and their ids), an edited field
survives, decisions of statements made anew are found again, and one the extractor no longer
makes is listed as orphaned."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from bs4 import BeautifulSoup
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


def test_a_running_server_shows_what_reextract_changed(session, db_url) -> None:
    """A server that built its bitmap index before a reextract shows, after it, what a freshly
    started one shows: reextract updates statements in place and deletes others (no new ids for
    them) under one audit event naming no allegation, so reading again only the allegations
    with a new statement or event would keep the ones that lost theirs as they were."""
    from fastapi.testclient import TestClient

    from app import facet_index
    from app.models import Article
    from app.web.main import create_app

    assert run_ingest([str(SEED)]) == 0
    urls = ("/api/allegations?sort=sources", "/api/allegations?sort=latest&country=PRK", "/api/facets",
            "/api/facets?supplier=PRK", "/api/flows", "/?supplier=PRK", "/?sort=denied")

    def seen(client) -> dict[str, object]:
        out = {}
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.text)
            if url.startswith("/api"):
                out[url] = response.json()
            else:
                page = BeautifulSoup(response.text, "html.parser")
                out[url] = (" ".join(page.select_one("#results-heading").get_text().split()),
                            [" ".join(h.get_text().split()) for h in page.select("ol.allegations h3")])
        return out

    with TestClient(create_app()) as running:
        before = seen(running)
        assert any(a["supplier"]["code"] == "PRK" for a in before["/api/allegations?sort=sources"]["items"])
        # As if the extractor now read this article without its North Korea paragraph (its
        # statements go; those after it move and are updated in place or made anew).
        with write_session() as conn:
            art = Article.__table__
            text = conn.execute(select(art.c.text)).scalar_one()
            cut = text.index("The White House says Russia has also turned to North Korea")
            end = text.index("North Korea has denied the claim.") + len("North Korea has denied the claim.")
            conn.execute(update(art).values(text=text[:cut] + text[end:]))
        reextract()
        after = seen(running)
    facet_index.reset()
    with TestClient(create_app()) as fresh:
        expected = seen(fresh)
    assert not any(a["supplier"]["code"] == "PRK" for a in expected["/api/allegations?sort=sources"]["items"])
    assert expected != before  # the reextract changed what a reader sees
    for url in urls:
        assert after[url] == expected[url], url
