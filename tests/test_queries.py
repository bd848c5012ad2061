"""The dashboard's queries over a small hand-made ledger (tests/factories.py)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from app import queries
from app.facet_index import FacetIndex
from app.filters import SORTS, A, AllegationFilters as F
from app.queries import REC, SUP, request
from app.queries.engines import BitmapCounts, SqlCounts
from app.queries.listing import LIST_FROM, ORDER
from tests.factories import random_ledger, standard_ledger


@pytest.fixture
def lg(session):
    return standard_ledger(session)


def _pairs(session, **filters) -> set[tuple[str, str, str]]:
    page = queries.list_allegations(session=session, filters=F(**filters), page_size=100)
    return {(a.supplier.code, a.recipient.code, a.category.slug) for a in page.items}


def test_the_list_holds_every_allegation_with_its_counters(session, lg):
    page = queries.list_allegations(session=session, filters=F(), page_size=25)
    assert page.total == 8 and len(page.items) == 8 and page.pages == 1
    drones = next(a for a in page.items if (a.supplier.code, a.recipient.code, a.category.slug) == ("IRN", "RUS", "uav"))
    assert (drones.n_sources, drones.n_alleges, drones.n_denies, drones.n_confirms) == (2, 1, 1, 1)
    assert drones.denied and drones.confirmed and drones.systems == ["Shahed-136"]
    assert drones.first_reported == date(2022, 12, 10) and drones.last_reported == date(2023, 1, 5)
    # sorted by most sources first
    assert page.items[0].id == drones.id


def test_or_within_a_facet_and_across_facets(session, lg):
    assert _pairs(session, supplier=["PRK"]) == {("PRK", "RUS", "artillery"), ("PRK", "RUS", "unspecified")}
    assert _pairs(session, supplier=["PRK", "BLR"]) == {
        ("PRK", "RUS", "artillery"), ("PRK", "RUS", "unspecified"), ("BLR", "RUS", "armoured_vehicle")}
    assert _pairs(session, supplier=["PRK", "BLR"], category=["artillery", "armoured_vehicle"]) == {
        ("PRK", "RUS", "artillery"), ("BLR", "RUS", "armoured_vehicle")}
    assert _pairs(session, country=["IRN"]) == {
        ("IRN", "RUS", "uav"), ("IRN", "RUS", "ballistic_missile"), ("RUS", "IRN", "combat_aircraft"),
        ("IRN", "houthis", "uav"), ("IRN", "houthis", "missile")}
    assert _pairs(session, recipient=["houthis"], category=["uav"]) == {("IRN", "houthis", "uav")}


def test_a_denial_naming_no_weapon_answers_every_allegation_of_the_pair(session, lg):
    denied = _pairs(session, stance=["denied"])
    assert denied == {("IRN", "RUS", "uav"), ("PRK", "RUS", "artillery"), ("PRK", "RUS", "unspecified")}
    assert ("PRK", "RUS", "artillery") not in _pairs(session, stance=["undenied"])
    artillery = queries.list_allegations(session=session, filters=F(category=["artillery"]), page_size=10).items[0]
    assert (artillery.n_denies, artillery.n_pair_denies, artillery.denied) == (1, 1, True)
    detail = queries.get_allegation(session=session, allegation_id=artillery.id)
    denial = [s for s in detail.statements if s.stance == "denies"]
    assert len(denial) == 1 and denial[0].pair_denial and denial[0].quote.startswith("Pyongyang has never")
    assert denial[0].claimant.code == "PRK"


def test_stance_values_are_or_ed(session, lg):
    assert _pairs(session, stance=["confirmed"]) == {("IRN", "RUS", "uav")}
    assert len(_pairs(session, stance=["denied", "undenied"])) == 8


def test_system_claimant_and_date_filters(session, lg):
    assert _pairs(session, system=["Su-35", "Fath-360"]) == {("RUS", "IRN", "combat_aircraft"), ("IRN", "RUS", "ballistic_missile")}
    assert _pairs(session, claimant=["media"]) == {("IRN", "houthis", "missile"), ("BLR", "RUS", "armoured_vehicle")}
    assert _pairs(session, since=date(2023, 2, 1)) == {
        ("IRN", "houthis", "uav"), ("IRN", "houthis", "missile"), ("BLR", "RUS", "armoured_vehicle")}
    assert _pairs(session, until=date(2022, 12, 10)) == {
        ("IRN", "RUS", "uav"), ("RUS", "IRN", "combat_aircraft"), ("PRK", "RUS", "artillery")}
    assert _pairs(session, country=["ZZZ"]) == set()


def test_full_text_search_matches_quotes_and_articles_and_returns_the_matching_quotes(session, lg):
    # A match in an article's text brings every allegation of that article.
    assert _pairs(session, q="admitted") == {("IRN", "RUS", "uav"), ("IRN", "RUS", "ballistic_missile")}
    assert _pairs(session, q="admitted small") == _pairs(session, q="admitted")
    assert _pairs(session, q="admitted Houthis") == set()
    page = queries.list_allegations(session=session, filters=F(q="Pyongyang"), page_size=10)
    assert {(a.category.slug) for a in page.items} == {"unspecified"}
    hits = queries.list_allegations(session=session, filters=F(q="drone"), page_size=10)
    uav = next(a for a in hits.items if a.category.slug == "uav" and a.recipient.code == "RUS")
    assert {h.stance for h in uav.hits} == {"alleges", "denies", "confirms"}
    # the word is in the article text (article 1) but not in the artillery quote: matched, no quote hit
    art = next(a for a in hits.items if a.category.slug == "artillery")
    assert art.hits == []
    assert _pairs(session, q='"OR NEAR(') == set()


def test_facet_counts_are_disjunctive(session, lg):
    facets = {f.name: {v.value: (v.count, v.selected) for v in f.values}
              for f in queries.facet_counts(session=session, filters=F(supplier=["IRN"], category=["uav"]))}
    # supplier counts ignore the supplier filter but keep the category one
    assert facets["supplier"] == {"IRN": (2, True)}
    # category counts ignore the category filter but keep supplier=IRN
    assert facets["category"]["uav"] == (2, True)
    assert facets["category"]["missile"] == (1, False) and facets["category"]["ballistic_missile"] == (1, False)
    assert facets["country"]["RUS"] == (1, False) and facets["country"]["houthis"] == (1, False)
    assert facets["stance"] == {"denied": (1, False), "confirmed": (1, False), "undenied": (1, False)}
    assert facets["system"] == {"Shahed-136": (1, False)}
    assert facets["claimant"] == {"USA": (1, False), "IRN": (1, False), "un": (1, False)}


def test_a_selected_value_with_no_rows_is_still_listed(session, lg):
    facets = {f.name: f for f in queries.facet_counts(session=session, filters=F(supplier=["BLR"], recipient=["houthis"]))}
    assert [(v.value, v.count, v.selected, v.label) for v in facets["recipient"].values if v.value == "houthis"] == [
        ("houthis", 0, True, "Houthis")]


def test_a_page_is_a_fixed_number_of_queries(session, engine, lg):
    random_ledger(session, n=40, lg=lg)
    queries.facet_counts(session=session, filters=F())  # the process's facet index, when it is built, is built once
    session.commit()  # a new transaction, as a new request would be
    count = {"n": 0, "search": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, *_args):
        count["n"] += 1
        count["search"] += "article_fts MATCH" in statement

    filters = F(q="drones", country=["IRN", "RUS"])
    queries.list_allegations(session=session, filters=filters, page_size=25)
    queries.facet_counts(session=session, filters=filters)
    queries.flows(session=session, filters=filters)
    # search once, list, its systems, its matching quotes, data version, facets (SQL, or the
    # search's ids for the bitmap index), facet labels, flows
    assert count["n"] <= 8
    # the full-text search runs once (after one LIMITed count of its articles, which bounds its
    # cost: queries.check_search); later queries read its ids
    assert count["search"] == 2


def test_pagination_and_sorting(session, lg):
    random_ledger(session, n=80, lg=lg)
    total = queries.count_allegations(session=session, filters=F())
    pages = [queries.list_allegations(session=session, filters=F(page=p, sort="latest"), page_size=10) for p in (1, 2, 3)]
    assert all(p.total == total for p in pages) and pages[0].pages == -(-total // 10)
    ids = [a.id for p in pages for a in p.items]
    assert len(ids) == len(set(ids)) == 30
    dates = [a.last_reported for p in pages for a in p.items]
    assert dates == sorted(dates, reverse=True)
    beyond = queries.list_allegations(session=session, filters=F(page=pages[0].pages + 1), page_size=10)
    assert beyond.items == [] and beyond.total == total
    denied = queries.list_allegations(session=session, filters=F(sort="denied"), page_size=200).items
    assert [a.n_denies for a in denied] == sorted((a.n_denies for a in denied), reverse=True)
    assert len(list(queries.iter_allegations(session=session, filters=F(), batch=7))) == total


def test_article_actor_weapon_and_flows(session, lg):
    art = queries.get_article(session=session, article_id=3)
    assert [s.stance for s in art.statements] == ["denies", "confirms", "alleges"]
    assert all(art.text[s.start:s.end] == s.quote for s in art.statements)
    iran = queries.get_actor(session=session, code="IRN")
    assert {a.category.slug for a in iran.supplies} == {"uav", "ballistic_missile", "missile"}
    assert {a.category.slug for a in iran.receives} == {"combat_aircraft"}
    assert [d.quote for d in iran.denials] == ["Tehran denied sending any drones to Moscow for the war."]
    kirby = queries.get_actor(session=session, code="person:kirby")
    assert kirby.affiliation.code == "USA" and len(kirby.claims) == 2
    uav = queries.get_weapon(session=session, slug="uav")
    assert [s.name for s in uav.systems if s.n_statements] == ["Shahed-136"] and len(uav.allegations) == 2
    flows = queries.flows(session=session, filters=F(recipient=["RUS"]))
    assert [(f.supplier.code, f.count) for f in flows] == [("IRN", 2), ("PRK", 2), ("BLR", 1)]
    assert queries.get_allegation(session=session, allegation_id=999) is None
    assert queries.get_article(session=session, article_id=999) is None
    assert queries.get_actor(session=session, code="nobody") is None
    assert queries.get_weapon(session=session, slug="lasers") is None


def test_facets_list_the_commonest_values_and_keep_selected_ones(session, lg):
    random_ledger(session, n=60, lg=lg)
    facets = {f.name: f for f in queries.facet_counts(session=session, filters=F(supplier=["BLR"]), limit=3)}
    country = facets["country"]
    assert country.truncated and len(country.values) == 3
    assert [v.count for v in country.values] == sorted((v.count for v in country.values), reverse=True)
    supplier = facets["supplier"]
    assert "BLR" in {v.value for v in supplier.values if v.selected}
    assert not facets["stance"].truncated


ENGINE_CASES = [
    F(), F(supplier=["IRN"]), F(country=["RUS", "PRK"], category=["uav", "artillery"]), F(stance=["denied"]),
    F(stance=["undenied", "confirmed"], claimant=["USA"]), F(system=["Shahed-136"]), F(q="drones"),
    F(q="linked", since="2022-01-01", country=["RUS"]), F(until="2021-06-30"), F(supplier=["XXX"]),
    F(recipient=["houthis"], stance=["denied"]), F(since="2023-03-01", until="2024-01-31", stance=["undenied"]),
]


def assert_engines_agree(session) -> None:
    """The bitmap index and SQL give the same facet counts, totals and flows, filter by filter
    (also run on PostgreSQL by tests/test_postgres_deploy.py)."""
    index = FacetIndex.build(session, queries.data_version(session=session))
    for filters in ENGINE_CASES:
        sql, bitmap = SqlCounts(session), BitmapCounts(session, index)
        assert sorted(bitmap.facet_rows(filters)) == sorted(sql.facet_rows(filters)), filters
        assert bitmap.total(filters) == sql.total(filters), filters
        assert bitmap.flows(filters, 400) == sql.flows(filters, 400), filters
        assert bitmap.categories() == sql.categories()
        flows = sorted(index.flows(filters, request.restriction(session, filters, index)))
        sql_flows = sorted(session.execute(
            select(SUP.c.code, REC.c.code, func.count())
            .select_from(A.join(SUP, SUP.c.id == A.c.supplier_id).join(REC, REC.c.id == A.c.recipient_id))
            .where(*request.where(session, filters)).group_by(SUP.c.code, REC.c.code)
        ).all())
        assert flows == sorted(tuple(r) for r in sql_flows), filters
        assert any(n for _, _, _, n in bitmap.facet_rows(filters)) or filters.supplier == ["XXX"]
        for sort in SORTS:  # the pages the index cuts are the ones SQL's ORDER BY cuts
            ordered = filters.model_copy(update={"sort": sort})
            for offset, size in ((0, 5), (5, 7), (0, 1000)):
                cut = bitmap.page_ids(ordered, offset, size)
                if cut is None:
                    assert sort == "pair"
                    continue
                assert cut == session.execute(
                    select(A.c.id).select_from(LIST_FROM).where(*request.where(session, ordered))
                    .order_by(*ORDER[sort]).limit(size).offset(offset)).scalars().all(), (ordered, offset)


def test_bitmap_facet_counts_equal_the_sql_ones(session, lg):
    """The in-memory index and the SQL facets are two ways to one answer, filter by filter."""
    random_ledger(session, n=150, lg=lg)
    assert_engines_agree(session)


def test_weapon_index_from_the_bitmaps_equals_the_sql_counts(session, lg):
    random_ledger(session, n=80, lg=lg)
    from_index = [(c.category.slug, c.n_allegations, c.n_denied) for c in queries.weapon_index(session=session)]
    assert isinstance(queries.engines.counting(session), BitmapCounts)
    from_sql = SqlCounts(session).categories()
    assert {slug: (n, d) for slug, n, d in from_index if n} == from_sql
    assert [n for _, n, _ in from_index] == sorted((n for _, n, _ in from_index), reverse=True)
    assert dict((slug, denied) for slug, _, denied in from_index)["artillery"] >= 1  # PRK's unspecified denial counts


def test_a_rows_matching_quotes_are_the_same_walked_from_the_row_or_from_the_quotes(session, engine, lg, monkeypatch):
    """A common word's quotes are found from each row's statements (the first three by id), a rare
    word's from its matching quotes: the same quotes either way, a rejected one in neither."""
    from app.queries import listing
    from app.filters import S
    random_ledger(session, n=200, lg=lg)
    walked: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, st, *_a: walked.append(st) if " AS t" in st else None)

    def hits(q: str, many_articles: int) -> dict[int, list[int]]:
        monkeypatch.setattr(listing, "MANY_ARTICLES", many_articles)
        session.commit()  # a new request: the search is counted again
        found = {}
        for page in (1, 2):
            items = queries.list_allegations(session=session, filters=F(q=q, page=page), page_size=20).items
            found.update({a.id: [h.statement_id for h in a.hits] for a in items})
        return found

    for q in ("linked", "transfers Iran", "drones", "Report 1"):
        walked.clear()
        from_quotes = hits(q, 10**9)
        assert walked == []
        from_rows = hits(q, 0)
        assert walked, "the rows' statements were not walked"
        assert from_rows == from_quotes and any(from_rows.values()), q
        assert all(v == sorted(v) and len(v) <= 3 for v in from_rows.values())
    crowded = hits("linked", 0)
    allegation_id, first3 = next((a, v) for a, v in crowded.items() if len(v) == 3)
    session.execute(S.update().where(S.c.id == first3[0]).values(review="rejected"))
    session.commit()
    after_rows, after_quotes = hits("linked", 0), hits("linked", 10**9)
    assert after_rows == after_quotes
    assert first3[0] not in after_rows[allegation_id] and after_rows[allegation_id][:2] == first3[1:]


def test_the_page_reads_newest_quotes_only_for_rows_without_matching_quotes(session, lg):
    both = queries.list_allegations(session=session, filters=F(q="drone"), page_size=25, with_quotes=True)
    page = queries.list_allegations(session=session, filters=F(q="drone"), page_size=25, with_quotes=True,
                                    latest_beside_hits=False)
    assert [a.id for a in both.items] == [a.id for a in page.items]
    for a, b in zip(both.items, page.items):
        assert b.hits == a.hits and b.latest == ([] if a.hits else a.latest)
    assert any(a.hits for a in page.items) and any(a.latest and not a.hits for a in page.items)
