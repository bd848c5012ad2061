"""axe-core on every page type the dashboard serves: no WCAG 2.0/2.1 A and AA violation, no best-practice one.

axe-core is vendored as test data in tests/e2e/vendor (see its README); it is never served by the app.
/docs is left out: it is Swagger UI's own markup (static/vendor/swagger-ui-*), third-party code we do not
change. The JSON API and the CSV are not pages.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import EDITOR, PASSWORD, ledger_with_users, log_in, serve

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# One URL per page type (and per state of a page that renders differently: filtered, searched, errors).
# Ids and codes are those of tests.factories.standard_ledger (article 4 carries the hostile markup).
PAGES = {
    "allegations": "/",
    "allegations-filtered": "/?country=IRN&category=uav&stance=denied",
    "search-results": "/?q=Pyongyang",
    "search-no-results": "/?q=zzzznothing",
    "allegation": "/allegations/1",
    "article": "/articles/1",
    "article-hostile": "/articles/4",
    "actors": "/actors",
    "actor": "/actors/IRN",
    "weapons": "/weapons",
    "weapon": "/weapons/uav",
    "sources": "/sources",
    "login": "/login",
    "error-404": "/no-such-page",
    "error-422": "/?since=not-a-date",
}


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=VIEWPORTS.values(), ids=VIEWPORTS.keys())
def axe_page(request: pytest.FixtureRequest, browser: Browser, live_server: str):
    """A page whose context bypasses the app's strict CSP, for the axe tests only, so that axe can be
    injected with add_script_tag (the CSP allows scripts from 'self' only). Every other browser test
    keeps the CSP. On a desktop and a phone width (the layout folds below 800px)."""
    context = browser.new_context(base_url=live_server, viewport=request.param, bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def _violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async rules => (await axe.run(document, {runOnly: {type: 'tag', values: rules}})).violations",
        RULES,
    )


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_axe_violations(axe_page: Page, path: str):
    response = axe_page.goto(path)
    assert response is not None
    if path.startswith("/no-such"):
        assert response.status == 404
    elif "not-a-date" in path:
        assert response.status == 422
    else:
        assert response.status == 200
    _assert_no_violations(axe_page, path)


def _assert_no_violations(page: Page, where: str) -> None:
    violations = _violations(page)
    if violations:  # pytest.fail, not assert: the report, not a diff of the raw result objects
        pytest.fail(f"axe-core found on {where}:\n{_report(violations)}", pytrace=False)


def test_list_after_an_htmx_swap_has_no_axe_violations(axe_page: Page):
    """The results and the facets (out of band) swapped in by htmx, not only as first served."""
    axe_page.goto("/")
    axe_page.wait_for_function("() => window.htmx !== undefined")
    axe_page.check("#f-country-IRN")
    axe_page.wait_for_url(re.compile(r"[?&]country=IRN"))
    expect(axe_page.locator("#results-heading")).to_contain_text("involving Iran")
    expect(axe_page.locator("#f-country-IRN")).to_be_checked()
    _assert_no_violations(axe_page, "/ after ticking country=IRN (htmx swap)")


# The editors' page types, logged in, on a ledger with reviews in it (its own server: the shared one
# must not change): the audit trail with rows and an orphan-free list, a statement's review page with
# its history, and the allegation and article pages with a rejected and a verified statement.
EDITOR_PAGES = {
    "audit": "/audit",
    "audit-filtered": "/audit?user=editor&allegation=1",
    "statement": "/statements/2",
    "allegation-as-editor": "/allegations/1",
    "article-as-editor": "/articles/3",
}


@pytest.fixture(scope="module")
def reviewed_server(tmp_path_factory: pytest.TempPathFactory):
    from app import accounts
    from app.db import make_engine, write_session
    from app.review.changes import change_statement

    url = f"sqlite:///{tmp_path_factory.mktemp('axe-review') / 'ledger.db'}"
    ledger_with_users(url)
    engine = make_engine(url)
    with write_session(engine) as conn:
        ed = accounts.authenticate(conn, EDITOR, PASSWORD)
        change_statement(conn, 5, {"review": "rejected"}, user=ed, reason="a different shipment")
        change_statement(conn, 1, {"review": "verified"}, user=ed)
        change_statement(conn, 2, {"claimant": "GBR", "status": "delivered"}, user=ed, reason="misread")
    engine.dispose()
    with serve(url) as base:
        yield base


@pytest.mark.parametrize("path", EDITOR_PAGES.values(), ids=EDITOR_PAGES.keys())
def test_editor_page_has_no_axe_violations(browser: Browser, reviewed_server: str, path: str):
    for viewport in VIEWPORTS.values():
        context = browser.new_context(base_url=reviewed_server, viewport=viewport, bypass_csp=True)
        try:
            page = context.new_page()
            page.set_default_timeout(10_000)
            log_in(page)
            response = page.goto(path)
            assert response is not None and response.status == 200
            page.locator("details").evaluate_all("els => els.forEach(e => e.open = true)")  # the reject forms too
            _assert_no_violations(page, f"{path} (logged in, {viewport['width']}px)")
        finally:
            context.close()


def test_the_axe_check_is_not_vacuous(axe_page: Page):
    """The same injection and rules report a field without a label and a low-contrast text."""
    axe_page.goto("/sources")
    axe_page.evaluate("""() => {
      document.querySelector('main').insertAdjacentHTML('beforeend',
        '<input type="text" id="axe-probe"><p id="axe-grey">faint</p>');
      document.getElementById('axe-grey').style.color = '#ccc';
    }""")
    found = {v["id"]: [n["target"] for n in v["nodes"]] for v in _violations(axe_page)}
    assert found.get("label") == [["#axe-probe"]] and found.get("color-contrast") == [["#axe-grey"]], found
