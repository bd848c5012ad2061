"""Take the README's screenshots from a running dashboard.

    .venv/bin/python tests/e2e/screenshots.py http://127.0.0.1:8011 docs/

Run it against a server over real ingested data (`armswatch ingest seeds/ ../shared/eval/dev`).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(base: str, out: Path, width: int = 1280) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/?country=RUS&sort=sources")
        page.screenshot(path=str(out / "list.png"), full_page=False)
        # The allegation with the most denials: open it from the "most denied" list.
        page.goto(f"{base}/?stance=denied&sort=denied")
        page.locator("ol.allegations h3 a").first.click()
        page.wait_for_load_state()
        page.screenshot(path=str(out / "allegation.png"), full_page=False)
        # Its first quote, highlighted in its article.
        quotes = page.locator("#denials a.quote-link")
        (quotes if quotes.count() else page.locator("#claims a.quote-link")).first.click()
        page.wait_for_load_state()
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / "article.png"), full_page=False)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        phone.goto(f"{base}/?country=IRN")
        phone.screenshot(path=str(out / "list-phone.png"), full_page=False)
        browser.close()
    for name in ("list", "allegation", "article", "list-phone"):
        print(out / f"{name}.png")


if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8011"
    main(re.sub("/$", "", base), Path(sys.argv[2] if len(sys.argv) > 2 else "docs"))
