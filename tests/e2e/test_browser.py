"""The dashboard in a real browser: htmx swaps, history, quote links, :target, inert hostile text."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _ready(page: Page) -> None:
    page.wait_for_function("() => window.htmx !== undefined")


def _no_problems(page: Page) -> None:
    csp = [p for p in page.problems if "Content Security Policy" in p or "Refused" in p]
    assert csp == [] and not [p for p in page.problems if "Uncaught" in p], page.problems


def test_filter_by_country_then_weapon_swaps_results_and_pushes_the_url(page: Page):
    page.goto("/")
    _ready(page)
    page.evaluate("window.__marker = 'still here'")
    page.check("#f-country-IRN")
    page.wait_for_url(re.compile(r"[?&]country=IRN"))
    heading = page.locator("#results-heading")
    expect(heading).to_contain_text("involving Iran")
    # the category facet counts were swapped out of band under the country filter
    page.check("#f-category-uav")
    page.wait_for_url(re.compile(r"country=IRN.*category=uav|category=uav.*country=IRN"))
    expect(heading).to_contain_text("Drones (UAVs)")
    titles = page.locator("ol.allegations h3").all_inner_texts()
    assert titles and all("Iran" in t and "Drones" in t for t in titles)
    assert page.evaluate("window.__marker") == "still here"  # no full reload happened
    expect(page.locator("#f-category-uav")).to_be_checked()
    assert page.title().startswith("involving Iran · Drones (UAVs)")
    _no_problems(page)


def test_typing_a_search_updates_the_results_and_marks_the_hits(page: Page):
    page.goto("/")
    _ready(page)
    page.locator("#q").press_sequentially("Pyongyang", delay=20)
    page.wait_for_url(re.compile(r"q=Pyongyang"))
    expect(page.locator("#results-heading")).to_contain_text("1 allegation")
    expect(page.locator("mark.hit").first).to_have_text("Pyongyang")
    _no_problems(page)


def test_open_an_allegation_then_click_a_quote_to_land_on_the_highlighted_sentence(page: Page):
    page.goto("/?supplier=IRN&recipient=RUS&category=uav")
    page.locator("ol.allegations h3 a").first.click()
    page.wait_for_url(re.compile(r"/allegations/\d+$"))
    expect(page.locator("h1")).to_contain_text("Drones (UAVs)")
    quote = page.locator("#claims a.quote-link").first
    quote_text = quote.inner_text().strip("“”")
    quote.click()
    page.wait_for_url(re.compile(r"/articles/\d+#statement-\d+$"))
    target_id = page.url.rsplit("#", 1)[1]
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == target_id
    target = page.locator(f"#{target_id}")
    assert target.inner_text() == quote_text
    assert page.evaluate(f"getComputedStyle(document.getElementById('{target_id}')).outlineStyle") == "solid"
    expect(target).to_be_in_viewport()
    _no_problems(page)


def test_open_a_denial_including_the_pairs_weapon_unspecified_denial(page: Page):
    page.goto("/")
    _ready(page)
    page.check("#f-stance-denied")
    page.wait_for_url(re.compile(r"stance=denied"))
    page.locator("ol.allegations h3 a", has_text="Artillery").first.click()
    denial = page.locator("#denials figure.statement").first
    expect(denial).to_contain_text("Pyongyang has never supplied weapons")
    expect(denial.locator(".badge-pair")).to_be_visible()
    denial.locator("a.quote-link").click()
    page.wait_for_url(re.compile(r"#statement-\d+$"))
    expect(page.locator(":target")).to_have_class(re.compile(r"stance-denies"))
    _no_problems(page)


def test_back_button_restores_the_filtered_list(page: Page):
    page.goto("/")
    _ready(page)
    page.check("#f-country-PRK")
    page.wait_for_url(re.compile(r"country=PRK"))
    expect(page.locator("#results-heading")).to_contain_text("involving North Korea")
    filtered_url = page.url
    page.locator("ol.allegations h3 a").first.click()
    page.wait_for_url(re.compile(r"/allegations/\d+$"))
    page.go_back()
    page.wait_for_url(filtered_url)
    expect(page.locator("#results-heading")).to_contain_text("involving North Korea")
    expect(page.locator("#f-country-PRK")).to_be_checked()
    expect(page.locator("form#filters")).to_have_count(1)
    _no_problems(page)


def test_hostile_article_text_stays_inert(page: Page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/?q=shipped")
    page.goto("/articles/4")
    expect(page.locator("h1")).to_contain_text("<script>")
    page.goto("/actors/IRN")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0


def test_keyboard_reaches_the_filters_and_the_results(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") in {"q", "sort"}


def test_a_checkbox_keeps_keyboard_focus_across_the_swap(page: Page):
    page.goto("/")
    _ready(page)
    page.focus("#f-category-uav")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"category=uav"))
    expect(page.locator("#results-heading")).to_contain_text("Drones")
    page.wait_for_timeout(200)
    assert page.evaluate("document.activeElement.id") == "f-category-uav"
    expect(page.locator("#f-category-uav")).to_be_checked()


# The contrast ratio of WCAG 2.x between an element's text colour and the first opaque background behind it.
CONTRAST = """el => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.length < 4 || c[3] === 1) { if (c.length < 4 || c[3] > 0) bg = c; } }
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_sources_page_is_accessible_and_inert(page: Page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Sources").click()
    page.wait_for_url(re.compile(r"/sources$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Watched sources")
    for role in ("banner", "navigation", "main", "contentinfo"):
        expect(page.get_by_role(role).first).to_be_visible()
    table = page.get_by_role("table", name=re.compile("last poll"))
    expect(table.get_by_role("columnheader")).to_have_count(7)
    expect(table.get_by_role("rowheader")).to_have_count(2)
    failed = table.get_by_role("row").filter(has_text="failed (2 in a row)")
    expect(failed).to_contain_text("HTTP 500 <script>alert('xss')</script>")  # hostile text shown, not run
    for cell in page.locator(".source-status, .source-error, th a, td").all():
        assert cell.evaluate(CONTRAST) >= 4.5, cell.inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    _no_problems(page)
