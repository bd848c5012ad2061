"""An editor's review in a real browser: log in, reject a statement with a reason, see the
allegation's counts and the facet counts change, find the entry in /audit, undo it, log out.

Its own server and ledger (the shared live_server must not change)."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ledger_with_users, log_in, serve

pytestmark = pytest.mark.e2e
TEHRAN_DENIES = 5  # tests.factories.standard_ledger: Iran's denial of the drones to Russia (allegation 1)


@pytest.fixture(scope="module")
def review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'ledger.db'}"
    ledger_with_users(url)
    with serve(url) as base:
        yield base


@pytest.fixture
def editor_page(browser: Browser, review_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=review_server, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
    # No CSP violation and no script error (the browser's own favicon request may 404: not ours to judge).
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p or "Uncaught" in p
                or "Error" in p], problems


def denied_facet(page: Page) -> int:
    page.goto("/")
    return int(page.locator("label[for='f-stance-denied'] .count").inner_text())


def test_reject_see_counts_change_audit_undo_and_log_out(editor_page: Page):
    page = editor_page
    log_in(page)
    expect(page.locator(".site-header .account-name")).to_have_text("editor (editor)")
    denied = denied_facet(page)

    page.goto("/allegations/1")
    expect(page.locator("#denials-h .count")).to_have_text("1")
    controls = page.locator(".review-controls[aria-label='Review statement 5']")
    controls.locator("summary").click()
    controls.get_by_label("Why is statement 5 wrong?").fill("The minister denied a different shipment")
    controls.locator("[data-action=reject]").click()
    # htmx posts the form and swaps the page in; the statement stays, struck through, for editors only.
    expect(page.locator("#denials-h .count")).to_have_text("0")
    struck = page.locator(f"figure.review-rejected:has(a[href$='#statement-{TEHRAN_DENIES}'])")
    expect(struck).to_be_visible()
    assert "line-through" in struck.locator("blockquote").evaluate("e => getComputedStyle(e).textDecorationLine")
    assert denied_facet(page) == denied - 1

    page.goto("/audit")
    row = page.locator("table.audit tbody tr").first
    expect(row).to_contain_text("reject")
    expect(row).to_contain_text("The minister denied a different shipment")
    expect(row).to_contain_text("editor")
    row.locator("[data-action=undo]").click()
    expect(page.locator("table.audit tbody tr").first).to_contain_text("undo of #")
    assert denied_facet(page) == denied
    page.goto("/allegations/1")
    expect(page.locator("#denials-h .count")).to_have_text("1")
    expect(page.locator("figure.review-rejected")).to_have_count(0)

    page.locator("form[action='/logout'] button").click()
    expect(page.locator(".site-header a[href^='/login']")).to_be_visible()
    page.goto("/audit")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faudit$"))


def test_the_forms_work_without_javascript(browser: Browser, review_server: str):
    context = browser.new_context(base_url=review_server, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page)
        statements = lambda: page.request.get("/api/allegations/3").json()["allegation"]["n_statements"]  # noqa: E731
        before = statements()
        page.goto("/allegations/3")
        controls = page.locator(".review-controls[aria-label='Review statement 3']")
        controls.locator("summary").click()
        controls.get_by_label("Why is statement 3 wrong?").fill("no source for this")
        controls.locator("[data-action=reject]").click()
        page.wait_for_url("**/allegations/3")
        expect(page.locator("figure.review-rejected")).to_have_count(1)
        assert statements() == before - 1
        page.goto("/audit")
        page.locator("[data-action=undo]").first.click()
        page.wait_for_url("**/audit")
        assert statements() == before
    finally:
        context.close()
