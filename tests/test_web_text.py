"""Statement highlighting and search-hit marking: escaped text, well-formed nesting, bad offsets."""
from __future__ import annotations

from bs4 import BeautifulSoup

from app.web.text import Span, highlight_statements, highlight_terms, segments


def _marks(html: str):
    return BeautifulSoup(html, "html.parser").find_all("mark")


def test_disjoint_statements_are_one_mark_each_and_the_text_is_unchanged():
    text = "One. Two three. Four."
    html = str(highlight_statements(text, [Span(1, 0, 4, "alleges"), Span(2, 5, 15, "denies")]))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.get_text() == text
    assert soup.find(id="statement-1").get_text() == "One."
    assert soup.find(id="statement-2").get_text() == "Two three."
    assert "stance-denies" in soup.find(id="statement-2")["class"]


def test_a_statement_inside_another_nests_and_both_keep_their_whole_text():
    text = "Iran sold drones to Russia, officials said."
    outer, inner = Span(1, 0, len(text), "alleges"), Span(2, 0, 26, "alleges")
    soup = BeautifulSoup(str(highlight_statements(text, [inner, outer])), "html.parser")
    assert soup.find(id="statement-1").get_text() == text
    assert soup.find(id="statement-2").get_text() == text[:26]
    assert soup.find(id="statement-2").find_parent("mark")["id"] == "statement-1"


def test_crossing_statements_are_split_where_they_cross_and_the_html_stays_well_formed():
    text = "aaaa bbbb cccc"
    html = str(highlight_statements(text, [Span(1, 0, 9, "alleges"), Span(2, 5, 14, "denies")]))
    assert html.count("<mark") == html.count("</mark>")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.get_text() == text
    assert soup.find(id="statement-1").get_text() == "aaaa bbbb"
    assert soup.find(id="statement-2").get_text() == "bbbb"
    cont = soup.select("mark.cont")
    assert [m.get_text() for m in cont] == [" cccc"] and cont[0]["data-statement"] == "2"
    assert len(soup.select("[id^=statement-]")) == 2


def test_offsets_outside_the_text_are_ignored():
    text = "short"
    html = str(highlight_statements(text, [Span(1, 3, 99, "alleges"), Span(2, 4, 2, "alleges"), Span(3, 0, 5, "denies")]))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.get_text() == text and soup.find(id="statement-1") is None and soup.find(id="statement-3")


def test_markup_in_the_text_is_escaped_inside_and_outside_statements():
    text = "<script>alert(1)</script> Iran sent <b>drones</b>."
    html = str(highlight_statements(text, [Span(1, 26, len(text), "alleges")]))
    assert "<script>" not in html and "<b>" not in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.get_text() == text


def test_segments_cover_the_text_exactly():
    text = "abcdefghij"
    segs = segments(text, [Span(1, 2, 6, "alleges"), Span(2, 4, 8, "denies")])
    assert "".join(p for p, _ in segs) == text
    assert [[s.id for s in cov] for _, cov in segs] == [[], [1], [1, 2], [2], []]


def test_search_terms_are_marked_after_escaping():
    html = str(highlight_terms("<i>Drones</i> and drone parts; endrones", ["drone"]))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("i") is None
    assert [m.get_text() for m in soup.find_all("mark")] == ["Drones", "drone"]
    assert soup.get_text() == "<i>Drones</i> and drone parts; endrones"
    assert str(highlight_terms("a <b>", [])) == "a &lt;b&gt;"
