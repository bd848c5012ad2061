"""Routes: pages parsed as HTML, the JSON API, CSV, htmx fragments, errors and security headers."""
from __future__ import annotations

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.factories import XSS, random_ledger, standard_ledger


@pytest.fixture
def lg(session):
    return standard_ledger(session)


@pytest.fixture
def client(db_url, lg):
    from app.web.main import app

    with TestClient(app) as c:
        yield c


def soup(response) -> BeautifulSoup:
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def txt(el) -> str:
    return " ".join(el.get_text().split())


def card_titles(page: BeautifulSoup) -> set[str]:
    return {txt(h) for h in page.select("ol.allegations h3")}


def test_list_shows_every_allegation_with_badges_and_counts(client):
    page = soup(client.get("/"))
    assert page.select_one("#results-heading").get_text(strip=True).startswith("8 allegations")
    cards = {txt(c.select_one("h3")): c for c in page.select("li.allegation-card")}
    drones = cards["Iran → to Russia: Drones (UAVs)"]
    assert {b.get_text(strip=True) for b in drones.select(".badges .badge")} == {"denied", "confirmed", "delivered"}
    counts = {d.select_one("dt").get_text(): d.select_one("dd").get_text() for d in drones.select(".counts div")}
    assert counts["Sources"] == "2" and counts["Denials"] == "1" and counts["First reported"] == "2022-12-10"
    assert "Shahed-136" in drones.select_one(".systems").get_text()
    artillery = cards["North Korea → to Russia: Artillery and rockets"]
    assert "denied" in {b.get_text(strip=True) for b in artillery.select(".badges .badge")}
    assert "any weapons between North Korea and Russia" in artillery.select_one(".note").get_text()


def test_filters_narrow_or_within_a_facet_and_describe_themselves(client):
    page = soup(client.get("/?supplier=PRK&supplier=BLR&recipient=RUS"))
    assert card_titles(page) == {
        "North Korea → to Russia: Artillery and rockets", "North Korea → to Russia: Weapons (unspecified)",
        "Belarus → to Russia: Armoured vehicles"}
    summary = page.select_one("#results-heading .summary").get_text()
    assert "supplied by North Korea or Belarus" in summary and "supplied to Russia" in summary
    assert page.select_one("title").get_text().startswith("supplied by North Korea or Belarus · supplied to Russia")
    checked = {(i["name"], i["value"]) for i in page.select("#filters input[type=checkbox][checked]")}
    assert checked == {("supplier", "PRK"), ("supplier", "BLR"), ("recipient", "RUS")}
    chips = [a["href"] for a in page.select(".chips a")]
    assert "/?supplier=BLR&recipient=RUS" in chips


def test_facet_counts_are_shown_beside_each_value(client):
    page = soup(client.get("/?country=IRN"))

    def counts(facet: str) -> dict[str, int]:
        return {li.select_one("input")["value"]: int(li.select_one(".count").get_text())
                for li in page.select(f"#facet-{facet} li")}

    assert counts("category") == {"uav": 2, "missile": 1, "ballistic_missile": 1, "combat_aircraft": 1}
    assert counts("country")["IRN"] == 5 and counts("country")["PRK"] == 2  # own facet not applied
    assert counts("stance") == {"denied": 1, "confirmed": 1, "undenied": 4}


def test_facet_values_are_escaped_and_keep_their_ids_and_hidden_counts(client, lg):
    lg.actor("evil", name='<img src=x onerror=alert(1)> "Group" & co', kind="group")
    art = lg.article(["Group X got rifles from Iran."], title="t", published=None)
    lg.statement(art, art.text, supplier="IRN", recipient="evil", category="small_arms")
    lg.commit()
    hostile = '<svg onload=alert(2)>&"x'
    r = client.get("/?supplier=IRN")
    assert "<img src=x" not in r.text
    page = soup(r)
    li = next(li for li in page.select("#facet-recipient li") if li.select_one("input")["value"] == "evil")
    label = li.select_one("label")
    assert label.contents[0] == '<img src=x onerror=alert(1)> "Group" & co '
    assert label.select_one(".count").get_text() == "1" and label.select_one(".visually-hidden").get_text() == "1 allegation"
    assert li.select_one("label")["for"] == li.select_one("input")["id"] == "f-recipient-evil"
    assert li.select_one("input")["name"] == "recipient" and not li.select_one("input").has_attr("checked")
    r = client.get("/", params={"supplier": "IRN", "system": hostile})
    assert "<svg onload" not in r.text
    chosen = soup(r).select_one("#facet-system li.selected.zero")  # selected, matching nothing: listed to switch off
    box = chosen.select_one("input")
    assert box["value"] == hostile and box.has_attr("checked") and box["id"].startswith("f-system-_svg_onload")
    assert chosen.select_one(".visually-hidden").get_text() == "0 allegations"
    assert chosen.select_one("label").contents[0] == hostile + " "


def test_stance_denied_includes_allegations_answered_by_a_pair_denial(client):
    page = soup(client.get("/?stance=denied"))
    assert card_titles(page) == {
        "Iran → to Russia: Drones (UAVs)", "North Korea → to Russia: Artillery and rockets",
        "North Korea → to Russia: Weapons (unspecified)"}


def test_search_highlights_hits_and_escapes_the_quote(client):
    page = soup(client.get("/?q=shipped"))
    assert card_titles(page) == {"Iran → to Houthis: Other missiles", "Iran → to Houthis: Drones (UAVs)"} or \
        len(card_titles(page)) == 2
    quote = page.select_one("blockquote.hit-quote")
    assert [m.get_text() for m in quote.select("mark.hit")] == ["shipped"]
    assert XSS in quote.get_text() and page.find("script", string=re.compile("xss")) is None
    assert "&lt;script&gt;alert" in client.get("/?q=shipped").text


def test_htmx_gets_the_fragment_with_oob_facets_and_vary(client):
    r = client.get("/?category=uav", headers={"HX-Request": "true"})
    assert "HX-Request" in r.headers["vary"]
    assert "<html" not in r.text and "<form" not in r.text
    frag = BeautifulSoup(r.text, "html.parser")
    assert frag.select_one("#results-heading").get_text(strip=True).startswith("2 allegations")
    oob = frag.select("[hx-swap-oob]")
    assert {e["id"] for e in oob} == {f"facet-{n}" for n in
                                       ("country", "supplier", "recipient", "category", "system", "stance", "claimant",
                                        "review")}
    assert frag.select_one("#facet-category input[value=uav]").has_attr("checked")
    full = client.get("/?category=uav")
    assert "<html" in full.text and "HX-Request" in full.headers["vary"]
    restore = client.get("/?category=uav", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_the_page_works_without_javascript(client):
    page = soup(client.get("/"))
    form = page.select_one("form#filters")
    assert form["method"] == "get" and form["action"] == "/"
    assert form.select_one("button[type=submit]")
    assert page.select_one("#results")["aria-live"] == "polite"
    for field in form.select("input:not([type=hidden]), select"):
        assert field.get("id") and page.select_one(f"label[for='{field['id']}']"), field
    nxt = client.get("/?size=3")
    link = soup(nxt).select_one(".pager a[rel=next]")
    assert link["href"] == "/?size=3&page=2"
    assert soup(client.get(link["href"])).select_one(".pager").get_text(" ", strip=True).startswith("← Previous Page 2 of 3")


def test_flow_picture_is_inline_svg_with_links_and_escaped_labels(client, lg):
    art = lg.article(["Group <b>X</b> got rifles from Iran."], title="t", published=None)
    lg.actor("evil", name="<img src=x onerror=alert(1)>", kind="group")
    lg.statement(art, art.text, supplier="IRN", recipient="evil", category="small_arms")
    lg.commit()
    r = client.get("/?supplier=IRN")
    assert "<img src=x" not in r.text
    svg = soup(r).select_one("svg.flow-matrix")
    assert svg["role"] == "group" and svg.select_one("title").get_text()  # a group: its pair links stay reachable
    hrefs = {a["href"] for a in svg.select("a")}
    assert "/?supplier=IRN&recipient=RUS" in hrefs
    assert "<img src=x onerror=alert(1)>" in {t.get_text() for t in svg.select("text.col-label")}


def test_allegation_page_groups_statements_and_links_quotes_to_the_article(client, lg):
    allegation = lg.allegation("IRN", "RUS", "uav")
    page = soup(client.get(f"/allegations/{allegation.id}"))
    assert txt(page.select_one("h1")) == "Iran → to Russia: Drones (UAVs)"
    sections = {s["id"]: s for s in page.select("section.stance-section")}
    assert len(sections["claims"].select("figure.statement")) == 1
    denial = sections["denials"].select_one("figure.statement")
    assert "Tehran denied" in denial.select_one("blockquote").get_text()
    assert denial.select_one("cite").get_text() == "Reuters: Iran admits some drone deliveries" and "Iran" in denial.select_one(".claimant").get_text()
    claim = sections["claims"].select_one("figure.statement")
    assert "John Kirby" in claim.select_one(".speaker").get_text() and claim.select_one("time")["datetime"] == "2022-12-10"
    href = claim.select_one("a.quote-link")["href"]
    assert re.fullmatch(r"/articles/\d+#statement-\d+", href)
    assert [t.get_text() for t in page.select(".timeline time")] == ["2022-12-10", "2023-01-05", "2023-01-05"]


def test_unspecified_denial_is_shown_with_each_allegation_of_the_pair(client, lg):
    page = soup(client.get(f"/allegations/{lg.allegation('PRK', 'RUS', 'artillery').id}"))
    denial = page.select_one("#denials figure.statement")
    assert "Pyongyang has never supplied weapons" in denial.get_text()
    assert denial.select_one(".badge-pair")
    data = client.get(f"/api/allegations/{lg.allegation('PRK', 'RUS', 'artillery').id}").json()
    assert sorted((s["stance"], s["pair_denial"]) for s in data["statements"]) == [("alleges", False), ("denies", True)]
    assert data["counts"] == {"alleges": 1, "denies": 1, "confirms": 0}


def test_article_page_highlights_statements_in_place_and_escapes_the_text(client, lg):
    statement = lg.allegation("IRN", "houthis", "missile")
    art_id = 4
    r = client.get(f"/articles/{art_id}")
    page = soup(r)
    assert page.find("script", src=None) is None  # the only scripts are external (htmx)
    assert "<script>alert" not in r.text and "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in r.text
    body = page.select_one(".article-text")
    marks = body.select("mark[id^=statement-]")
    assert len(marks) == 2
    data = client.get(f"/api/articles/{art_id}").json()
    assert body.get_text() == data["text"]
    for st in data["statements"]:
        assert page.select_one(f"#statement-{st['id']}").get_text() == st["quote"]
    side = page.select("aside.article-statements li")
    assert len(side) == 2 and side[0].select_one("a.jump-to")["href"].startswith("#statement-")
    assert statement.id in {st["allegation"]["id"] for st in data["statements"]}
    assert page.select_one("h1").get_text() == f"Houthi arsenal {XSS}"


def test_actor_and_weapon_pages(client):
    iran = soup(client.get("/actors/IRN"))
    assert iran.select_one("h1").get_text(" ", strip=True) == "Iran IRN"
    supplies = {txt(a) for a in iran.select("section:nth-of-type(1) tbody th a")}
    assert "Iran → to Russia: Ballistic missiles" in supplies
    assert "Tehran denied" in iran.select("section")[2].get_text()
    person = soup(client.get("/actors/person:kirby"))
    assert "speaking for" in person.select_one(".lede").get_text()
    uav = soup(client.get("/weapons/uav"))
    assert [a.get_text() for a in uav.select("tbody th a") if a["href"].startswith("/?system=")] == ["Shahed-136"]


@pytest.mark.parametrize("url", ["/allegations/999", "/articles/999", "/actors/NOPE", "/weapons/lasers", "/no/such/page"])
def test_unknown_ids_give_a_404_page(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert soup(r).select_one("h1").get_text(" ", strip=True).startswith("Not found")


@pytest.mark.parametrize("url", ["/api/allegations/999", "/api/articles/999", "/api/actors/NOPE"])
def test_unknown_ids_give_json_404_in_the_api(client, url):
    r = client.get(url)
    assert r.status_code == 404 and "not found" in r.json()["detail"]


@pytest.mark.parametrize(
    ("query", "param"),
    [("since=yesterday", "since"), ("category=lasers", "category"), ("country=%27%3B--", "country"),
     ("page=0", "page"), ("page=99999999999999999999999", "page"), ("stance=perhaps", "stance"),
     ("since=2023-02-01&until=2023-01-01", "until")],
)
def test_invalid_filters_give_422_naming_the_parameter(client, query, param):
    r = client.get(f"/?{query}")
    assert r.status_code == 422
    messages = " ".join(li.get_text() for li in soup(r).select(".error-messages li"))
    assert param in messages
    api = client.get(f"/api/allegations?{query}")
    assert api.status_code == 422 and api.headers["content-type"] == "application/json"
    assert client.get(f"/allegations.csv?{query}").status_code == 422


def test_huge_ids_are_refused_not_crashed(client):
    assert client.get("/allegations/99999999999999999999999").status_code == 422
    assert client.get("/api/articles/-1").status_code == 422
    assert client.get("/api/weapons/lasers").status_code == 422  # the category is an enum in the API


def test_api_list_takes_the_same_filters_and_pages(client, session, lg):
    random_ledger(session, n=30, lg=lg)
    data = client.get("/api/allegations?supplier=PRK&recipient=RUS&size=100").json()
    assert data["description"] == ["supplied by North Korea", "supplied to Russia"]
    cats = {a["category"]["slug"] for a in data["items"]}
    assert {"artillery", "unspecified"} <= cats
    one = client.get("/api/allegations?size=5&page=2&sort=latest").json()
    assert one["size"] == 5 and one["page"] == 2 and len(one["items"]) == 5 and one["total"] > 10
    facets = {f["name"]: f for f in client.get("/api/facets?category=uav").json()["facets"]}
    assert {v["value"] for v in facets["category"]["values"] if v["selected"]} == {"uav"}


def test_csv_export_has_the_columns_and_the_filtered_rows(client):
    r = client.get("/allegations.csv?stance=denied&sort=pair")
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0].keys()) == [
        "id", "supplier_code", "supplier", "recipient_code", "recipient", "category", "systems", "status",
        "n_articles", "n_sources", "n_statements", "n_alleges", "n_denies", "n_confirms", "first_reported", "last_reported",
        "url"]
    assert [(r["supplier_code"], r["recipient_code"], r["category"]) for r in rows] == [
        ("IRN", "RUS", "uav"), ("PRK", "RUS", "artillery"), ("PRK", "RUS", "unspecified")]
    assert rows[0]["systems"] == "Shahed-136" and rows[1]["n_denies"] == "1"
    assert rows[0]["url"].endswith(f"/allegations/{rows[0]['id']}")
    assert client.get("/api/allegations.csv?stance=denied&sort=pair").text == r.text
    link = soup(client.get("/?stance=denied")).select_one(".exports a[download]")["href"]
    assert link == "/allegations.csv?stance=denied"


@pytest.mark.parametrize("url", ["/", "/allegations/1", "/articles/4", "/actors/IRN", "/weapons/uav", "/nope", "/?since=x",
                                 "/api/allegations", "/static/css/app.css"])
def test_security_headers_and_no_inline_script_or_style(client, url):
    r = client.get(url)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "same-origin"
    if r.headers["content-type"].startswith("text/html"):
        page = soup(r)
        assert all(s.get("src", "").startswith("/static/") for s in page.find_all("script"))
        assert page.find("style") is None and page.find(style=True) is None
        assert not page.find(attrs={"hx-on": True}) and not re.search(r"\son[a-z]+=", r.text)


def test_docs_load_only_vendored_files(client):
    r = client.get("/docs")
    csp = r.headers["content-security-policy"]
    assert r.status_code == 200 and "http" not in csp and "script-src 'self';" in csp  # no CDN, no inline script
    scripts = [s["src"] for s in soup(r).find_all("script")]
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert all(client.get(src).status_code == 200 for src in scripts)
    assert client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/allegations"]["get"]["parameters"]}
    assert {"country", "supplier", "recipient", "category", "system", "stance", "claimant", "since", "until", "q",
            "sort", "page", "size"} <= params
    assert "AllegationRow" in schema["components"]["schemas"]


def test_repeat_requests_revalidate_with_etag(client):
    first = client.get("/?country=IRN")
    assert first.headers.get("etag")
    again = client.get("/?country=IRN", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_urls_stay_short_and_shareable(client):
    r = client.get("/?q=&sort=sources&country=IRN&since=&until=", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?country=IRN"
    swap = client.get("/?q=&country=IRN&since=", headers={"HX-Request": "true"})
    assert swap.status_code == 200 and swap.headers["HX-Push-Url"] == "/?country=IRN"
    assert client.get("/?q=&since=", headers={"HX-Request": "true"}).headers["HX-Push-Url"] == "/"


def test_a_busy_allegation_shows_the_newest_statements_and_pages_the_rest(client, lg, session):
    from datetime import date, timedelta

    for i in range(130):
        art = lg.article([f"Report {i}: Iran sent more drones to Russia."], title=f"r{i}",
                         published=None if i % 10 == 0 else date(2023, 1, 1) + timedelta(days=i))
        lg.statement(art, art.text, supplier="IRN", recipient="RUS", category="uav", claimant="media")
    lg.commit()
    aid = lg.allegation("IRN", "RUS", "uav").id
    page = soup(client.get(f"/allegations/{aid}"))
    claims = page.select("#claims figure.statement")
    assert len(claims) == 20 and "Report 129" in claims[0].get_text()
    more = page.select_one("#claims .more a")
    assert more["href"] == f"/allegations/{aid}?stance=alleges" and "131" in more.get_text()
    assert page.select_one(".timeline-chart svg[role=img]") and page.select("ol.timeline") == []
    assert "13 statements from undated articles" in page.select_one(".timeline-chart figcaption").get_text()
    full = soup(client.get(f"/allegations/{aid}?stance=alleges&page=2"))
    assert full.select("section.stance-section") == full.select("#claims")
    assert len(full.select("#claims figure.statement")) == 31
    assert full.select_one(".pager").get_text(" ", strip=True).startswith("← Newer Page 2 of 2")
    assert client.get(f"/allegations/{aid}?stance=maybe").status_code == 422
    api = client.get(f"/api/allegations/{aid}?stance=denies").json()
    assert api["stance"] == "denies" and [s["stance"] for s in api["statements"]] == ["denies"]
    assert sum(b["alleges"] + b["denies"] + b["confirms"] for b in api["timeline"]) + api["undated"] == 131 + 2


def test_each_card_shows_the_newest_claim_and_denial_including_the_pairs(client, lg):
    page = soup(client.get("/?category=artillery"))
    latest = page.select("li.allegation-card .latest li")
    assert [li["class"][0] for li in latest] == ["stance-alleges", "stance-denies"]
    assert "North Korea is secretly shipping" in latest[0].get_text()
    assert "Pyongyang has never supplied" in latest[1].get_text() and "North Korea" in latest[1].select_one(".who").get_text()
    assert latest[1].select_one("a")["href"].startswith("/articles/")
    data = client.get("/api/allegations?category=artillery").json()["items"][0]["latest"]
    assert [(q["stance"], q["pair_denial"]) for q in data] == [("alleges", False), ("denies", True)]


def test_index_pages_list_weapons_and_actors_with_counts(client):
    weapons = soup(client.get("/weapons"))
    rows = {txt(tr.select_one("th")): [txt(td) for td in tr.select("td")] for tr in weapons.select("tbody tr")}
    assert rows["Drones (UAVs)"][1:] == ["2", "1"]
    assert rows["Artillery and rockets"][1:] == ["1", "1"]  # denied through the pair's unspecified denial
    assert rows["Helicopters"][1:] == ["0", "0"]
    actors = soup(client.get("/actors"))
    table = [[txt(tr.select_one("th"))] + [txt(td) for td in tr.select("td")] for tr in actors.select("tbody tr")]
    assert table[:2] == [["Russia", "RUS", "1", "5"], ["Iran", "IRN", "4", "1"]]
    assert actors.select_one("a[href='/actors/houthis']")


@pytest.mark.parametrize("url", ["/?size={n}", "/?size={n}&q=drones&stance=denied&sort=denied",
                                 "/api/allegations?size={n}&country=IRN", "/allegations.csv?size={n}"])
def test_pages_run_a_fixed_number_of_queries_whatever_their_length(client, session, lg, url):
    from sqlalchemy import event

    from app.db import get_engine

    random_ledger(session, n=60, lg=lg)
    client.get(url.format(n=4))  # the process's facet index is built once per data version, not per page
    counts = []
    for n in (3, 50):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(get_engine(), "before_cursor_execute", listener)
        try:
            assert client.get(url.format(n=n)).status_code == 200
        finally:
            event.remove(get_engine(), "before_cursor_execute", listener)
        counts.append(len(seen))
    # the only difference allowed: no COUNT query when the whole result fits on page 1
    assert counts[0] - counts[1] in (0, 1) and 2 <= counts[0] <= 10, counts
