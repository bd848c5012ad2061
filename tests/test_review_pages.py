"""The editors' pages over HTTP: forms refused without login, CSRF token or editor role; what
editors see (rejected statements struck through, review forms) and the public does not; edit,
move, merge, /audit and undo through the forms alone (no JavaScript)."""
from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.test_auth import _fresh_limits, add_user, client, log_in  # noqa: F401 - the fixtures

TEHRAN_DENIES, IRN_RUS_UAV = 5, 1


def soup(r) -> BeautifulSoup:
    return BeautifulSoup(r.text, "html.parser")


def csrf(client, path="/") -> str:
    return soup(client.get(path)).select_one("input[name=csrf_token]")["value"]


def reject(client, sid=TEHRAN_DENIES, reason="misread", token=None, back="/allegations/1"):
    data = {"review": "rejected", "reason": reason, "next": back}
    if token is not False:
        data["csrf_token"] = token or csrf(client)
    return client.post(f"/statements/{sid}/review", data=data)


def test_the_editors_pages_send_anonymous_visitors_to_log_in(client) -> None:
    for path in ("/audit", "/statements/5"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=" + path.replace("/", "%2F")


def test_form_posts_need_a_login_the_csrf_token_and_the_editor_role(client, session) -> None:
    assert reject(client, token=False).status_code == 401
    log_in(client)
    assert reject(client, token=False).status_code == 403  # no CSRF token
    assert reject(client, token="stale-or-forged").status_code == 403
    client.cookies.clear()
    log_in(client, name="vic")
    r = reject(client)
    assert r.status_code == 403 and "vic may read but not change" in r.text
    assert "Reject" not in soup(client.get("/allegations/1")).select_one("main").get_text()
    from app.models import AuditEvent
    from sqlalchemy import select

    assert session.exec(select(AuditEvent)).all() == []


def test_a_rejection_is_struck_through_for_editors_and_gone_for_the_public(client) -> None:
    log_in(client)
    r = reject(client, reason="the minister denied something else")
    assert r.status_code == 303 and r.headers["location"] == "/allegations/1"
    page = soup(client.get("/allegations/1"))
    struck = page.select_one(f"figure.review-rejected a[href$='#statement-{TEHRAN_DENIES}']")
    assert struck is not None and page.select_one("figure.review-rejected .rejected-label")
    assert page.select_one("#denials-h .count").get_text() == "0"
    assert page.select_one(f"form[action='/statements/{TEHRAN_DENIES}/review'] input[name=review][value=unreviewed]")
    article = soup(client.get("/articles/3"))
    assert article.select_one(f"mark.stmt.rejected#statement-{TEHRAN_DENIES}")
    with TestClient(client.app) as anonymous:
        public = soup(anonymous.get("/allegations/1"))
        assert public.select_one(f"a[href$='#statement-{TEHRAN_DENIES}']") is None
        assert public.select_one(".review-controls") is None
        assert soup(anonymous.get("/articles/3")).select_one(f"#statement-{TEHRAN_DENIES}") is None


def test_verify_shows_a_badge_to_everyone(client) -> None:
    log_in(client)
    client.post("/statements/1/review", data={"review": "verified", "csrf_token": csrf(client), "next": "/"})
    with TestClient(client.app) as anonymous:
        page = soup(anonymous.get("/allegations/1"))
        assert page.select_one("figure.review-verified .badge-verified").get_text() == "verified"
        assert "1 allegation" in soup(anonymous.get("/?review=verified")).select_one("#results-heading").get_text()


def test_edit_picks_another_sentence_and_fields_then_undo_from_the_audit_page(client) -> None:
    log_in(client)
    page = soup(client.get("/statements/2"))
    options = {o.get_text(): o["value"] for o in page.select("#e-span option")}
    assert options and page.select_one("#e-span option[selected]").get_text().startswith("Russia is training")
    form = {i["name"]: i.get("value", "") for i in page.select("form.edit-form input")}
    form.update(span=options["North Korea is secretly shipping artillery shells to Russia."], stance="alleges",
                status="planned", category="combat_aircraft", claimant="GBR", reason="wrong sentence")
    r = client.post("/statements/2/edit", data=form)
    assert r.status_code == 303 and r.headers["location"] == "/statements/2"
    after = soup(client.get("/statements/2"))
    assert "North Korea is secretly shipping" in after.select_one("figure.statement blockquote").get_text()
    changes = after.select_one("table.audit .audit-edit").get_text(" ", strip=True)
    assert "claimant : USA → GBR" in changes.replace("  ", " ") and "wrong sentence" in changes
    audit = soup(client.get("/audit?user=ed"))
    undo = audit.select_one("form[action^='/audit/'][action$='/undo']")
    fields = {i["name"]: i.get("value", "") for i in undo.select("input")}
    assert client.post(undo["action"], data=fields).status_code == 303
    back = soup(client.get("/statements/2"))
    assert "Russia is training" in back.select_one("figure.statement blockquote").get_text()
    assert [r.select_one("td:nth-of-type(3)").get_text() for r in back.select("table.audit tbody tr")][0].startswith("undo")


def test_move_and_merge_through_the_forms(client) -> None:
    log_in(client)
    token = csrf(client)
    r = client.post("/statements/7/edit", data={"csrf_token": token, "allegation": "6", "reason": "same cargo"})
    assert r.status_code == 303
    assert "Houthis" in soup(client.get("/statements/7")).select_one(".crumbs").get_text()
    bad = client.post("/statements/7/edit", data={"csrf_token": token, "allegation": "999"})
    assert bad.status_code == 422 and "allegation: there is no allegation 999" in bad.text
    r = client.post("/allegations/7/merge", data={"csrf_token": token, "target": "6", "reason": "one shipment"})
    assert r.status_code == 303 and r.headers["location"] == "/allegations/6"
    trail = soup(client.get("/audit?allegation=7")).select("table.audit tbody tr")
    assert [t.select_one("td:nth-of-type(3)").get_text() for t in trail] == ["merge"]
    with TestClient(client.app) as anonymous:
        assert 7 not in [a["id"] for a in anonymous.get("/api/allegations?size=100").json()["items"]]


def test_the_audit_page_filters_by_user_and_allegation(client) -> None:
    add_user("amy")
    log_in(client)
    reject(client)
    client.cookies.clear()
    log_in(client, name="amy")
    client.post("/statements/10/review", data={"review": "verified", "csrf_token": csrf(client)})
    all_rows = soup(client.get("/audit")).select("table.audit tbody tr")
    assert [r.select_one("td:nth-of-type(2)").get_text() for r in all_rows] == ["amy", "ed"]
    assert len(soup(client.get("/audit?user=ed")).select("table.audit tbody tr")) == 1
    only = soup(client.get(f"/audit?allegation={IRN_RUS_UAV}")).select("table.audit tbody tr")
    assert len(only) == 1 and "misread" in only[0].get_text()
    assert client.get("/audit?allegation=abc").status_code == 422
