"""The facet table (app/facets.py): each entry's where-clause, SQL group-by and bitmap members
are three readings of one description, and must give the same allegations for every value."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from app.counters import S, recount

from app import facets
from app.facet_index import FacetIndex
from app.facets import FACETS, A
from app.filters import AllegationFilters as F
from app.queries import data_version
from app.web.templating import FACET_LABELS
from tests.factories import random_ledger, standard_ledger


@pytest.fixture
def ledger(session):
    lg = standard_ledger(session)
    random_ledger(session, n=120, lg=lg)
    # Reviews, so the review facet has every value: statements verified, one allegation wholly
    # rejected (it leaves every facet), one rejected beside others.
    session.execute(update(S).where(S.c.id.in_([1, 4, 20])).values(review="verified"))
    session.execute(update(S).where(S.c.id.in_([3, 30])).values(review="rejected"))
    recount(session.connection())
    session.commit()
    return lg


def _by_clause(session, facet, value) -> set[int]:
    return set(session.execute(select(A.c.id).where(facet.clause([value]), facets.VISIBLE)).scalars())


@pytest.mark.parametrize("facet", FACETS, ids=lambda f: f.name)
def test_clause_members_and_group_by_agree_for_every_value(session, ledger, facet):
    index = FacetIndex.build(session, data_version(session=session))
    bit_of = dict(enumerate(index.ids.tolist()))
    members: dict[object, set[int]] = {}
    visible = set(session.execute(select(A.c.id).where(facets.VISIBLE)).scalars())
    assert len(visible) < session.execute(select(func.count()).select_from(A)).scalar(), "one allegation is hidden"
    for allegation_id, key in session.execute(facet.members()):
        if allegation_id in visible:
            members.setdefault(key, set()).add(allegation_id)
    keyed = facet.keyed([facets.VISIBLE]).subquery()
    grouped = dict(session.execute(select(keyed.c.vid, func.count()).group_by(keyed.c.vid)).all())
    if facet.vocabulary is None:
        names = {key: key for key in members}
    else:
        names = {key: value for key, value, _ in session.execute(facet.vocabulary.names())}
    assert len(members) >= 2, "the ledger must exercise the facet"
    for key, ids in members.items():
        value = names[key]
        assert _by_clause(session, facet, value) == ids, (facet.name, value)  # the where-clause
        assert grouped[key] == len(ids), (facet.name, value)  # the SQL group-by counts each once
        bitmap = index.values[facet.name][value][1] & index.all  # the bitmap index (of the allegations shown)
        assert {bit_of[b] for b in range(index.n) if bitmap >> b & 1} == ids, (facet.name, value)
    assert set(grouped) == set(members)


def test_a_country_is_either_side_and_an_allegation_counts_once(session, ledger):
    country = facets.BY_NAME["country"]
    for code in ("IRN", "RUS"):
        either = set(session.execute(select(A.c.id).where(
            facets.BY_NAME["supplier"].clause([code]) | facets.BY_NAME["recipient"].clause([code]), facets.VISIBLE)).scalars())
        assert _by_clause(session, country, code) == either and either


def test_the_table_names_every_filter_parameter_once(session):
    names = [f.name for f in FACETS]
    assert len(names) == len(set(names)) == 8
    assert set(names) <= set(F.model_fields)
    assert FACET_LABELS == {f.name: f.label for f in FACETS}
    for facet in FACETS:
        assert facet.describe.count("{}") == 1
    assert facets.BY_NAME["stance"].fixed == ("denied", "confirmed", "undenied")


def test_filters_combine_the_table_clauses(session, ledger):
    """AllegationFilters.where is the AND of the selected facets' clauses (OR within one)."""
    f = F(supplier=["IRN", "PRK"], stance=["denied"])
    got = set(session.execute(select(A.c.id).where(*f.where())).scalars())
    sup = _by_clause(session, facets.BY_NAME["supplier"], "IRN") | _by_clause(session, facets.BY_NAME["supplier"], "PRK")
    assert got == sup & _by_clause(session, facets.BY_NAME["stance"], "denied") and got
    assert F(supplier=["IRN"]).describe({("supplier", "IRN"): "Iran"}) == ["supplied by Iran"]


def _version(session) -> tuple:
    return (str(session.get_bind().url), *data_version(session=session))


def test_an_index_brought_up_to_date_equals_one_built_afresh(session, ledger):
    """After an ingest the index reads again only what changed; the result is the index a whole
    build gives: new allegations, statements on known ones, a weapon-unspecified denial that
    reaches every allegation of its pair, a new named system and claimant."""
    from app import facet_index

    facet_index.reset()
    old = facet_index.for_version(session, data_version(session=session))
    random_ledger(session, n=50, seed=12, lg=ledger)
    text = "Pyongyang never sent Moscow any weapons, the Korean envoy said of the Zala-9 drones."
    art = ledger.article([text], title="A denial", published=date(2024, 5, 1))
    ledger.statement(art, text, supplier="PRK", recipient="RUS", category="unspecified", stance="denies",
                     claimant="PRK")
    ledger.statement(art, text, supplier="IRN", recipient="RUS", category="uav", system="Zala-9", claimant="un")
    ledger.commit()
    new_version = _version(session)
    assert facet_index.changed(old.version, new_version) is not None
    updated = facet_index.for_version(session, data_version(session=session))  # no 5 s wait: an update
    fresh = FacetIndex.build(session, new_version)
    assert updated is not old and updated.version == fresh.version
    assert updated.ids.tolist() == fresh.ids.tolist() and updated.n > old.n
    assert updated.values == fresh.values
    for name in ("first_day", "last_day", "sources", "denies", "confirms"):
        assert getattr(updated, name).tolist() == getattr(fresh, name).tolist(), name
    assert {k: None if v is None else v.tolist() for k, v in updated.order.items()} == \
        {k: None if v is None else v.tolist() for k, v in fresh.order.items()}
    assert [updated.pairs[k] for k in updated.pair_of] == [fresh.pairs[k] for k in fresh.pair_of]
    for filters in (F(), F(country=["RUS"]), F(system=["Zala-9"]), F(stance=["denied"], since="2022-01-01")):
        assert updated.top_flows(filters, None, 400) == fresh.top_flows(filters, None, 400)
        assert sorted(updated.counts(filters, None)) == sorted(fresh.counts(filters, None))
    facet_index.reset()


def test_an_update_reads_again_a_whole_pair_only_for_a_denial_naming_no_weapon(session, ledger):
    """A statement naming a weapon changes its own allegation, not the others of its pair; a
    weapon-unspecified denial counts on every allegation of the pair, so all are read again."""
    from app.facet_index import changed

    def pair_ids(sup: str, rec: str) -> dict[str, int]:
        act = facets.ACT
        s, r = act.alias("s"), act.alias("r")
        return dict(session.execute(select(A.c.category, A.c.id).join(s, s.c.id == A.c.supplier_id)
                                    .join(r, r.c.id == A.c.recipient_id).where(s.c.code == sup, r.c.code == rec)).all())

    text = "Iran shipped Shahed drones and Krasnopol shells to Russia, officials said."
    art = ledger.article([text], title="Two shipments", published=date(2024, 6, 1))
    ledger.statement(art, text, supplier="IRN", recipient="RUS", category="uav", system="Shahed-136")
    ledger.statement(art, text, supplier="IRN", recipient="RUS", category="artillery")
    ledger.commit()
    before = _version(session)
    art = ledger.article(["Iran sent Russia more drones."], title="Drones", published=date(2024, 7, 1))
    ledger.statement(art, "Iran sent Russia more drones.", supplier="IRN", recipient="RUS", category="uav")
    ledger.commit()
    ids = pair_ids("IRN", "RUS")
    scope = set(session.execute(changed(before, _version(session))).scalars())
    assert ids["uav"] in scope and ids["artillery"] not in scope

    before = _version(session)
    text = "Tehran never sent Moscow any weapons, the Iranian envoy said."
    art = ledger.article([text], title="A denial", published=date(2024, 8, 1))
    ledger.statement(art, text, supplier="IRN", recipient="RUS", category="unspecified", stance="denies")
    ledger.commit()
    scope = set(session.execute(changed(before, _version(session))).scalars())
    assert set(pair_ids("IRN", "RUS").values()) <= scope


def test_only_an_appended_ledger_is_updated_in_place_of_a_build():
    from app.facet_index import changed

    old = ("sqlite:///a.db", 10, 100, 20, 3)
    assert changed(old, ("sqlite:///a.db", 11, 120, 20, 3)) is not None
    assert changed(old, ("sqlite:///a.db", 10, 100, 20, 4)) is not None  # a review
    assert changed(old, ("sqlite:///b.db", 11, 120, 20, 3)) is None  # another database
    assert changed(old, ("sqlite:///a.db", 11, 90, 20, 3)) is None  # rows went away
    assert changed((*old, 5), ("sqlite:///a.db", 11, 120, 20, 3, 6)) is None  # something else changed


def test_a_review_brings_the_index_up_to_date_as_a_build_would(session, ledger):
    """A rejection that hides an allegation, a move to a new one and an undo: each read again in
    place (no REBUILD_SECONDS wait), each equal to a whole build."""
    from app import facet_index
    from app.accounts import User
    from app.review.changes import change_statement, undo
    from app.vocab import Role

    ed = User(id=None, name="ed", role=Role.editor)
    facet_index.reset()
    facet_index.for_version(session, data_version(session=session))
    facet_index.REBUILD_SECONDS = 3600.0  # a whole build now would not be due: only an update can follow
    conn = session.connection()
    steps = [lambda: change_statement(conn, 10, {"review": "rejected"}, user=ed, reason="wrong"),
             lambda: change_statement(conn, 2, {"category": "uav", "supplier": "BLR"}, user=ed),
             lambda: undo(conn, 1, user=ed)]
    for step in steps:
        step()
        session.commit()
        conn = session.connection()
        updated = facet_index.for_version(session, data_version(session=session))
        fresh = FacetIndex.build(session, updated.version)
        assert updated.all == fresh.all and updated.shown.tolist() == fresh.shown.tolist()
        for filters in (F(), F(country=["BLR"]), F(category=["armoured_vehicle"]), F(review=["rejected"]),
                        F(since="2023-01-01")):
            assert sorted(updated.counts(filters, None)) == sorted(fresh.counts(filters, None))
            assert updated.top_flows(filters, None, 400) == fresh.top_flows(filters, None, 400)
            restrict = updated.reported(filters.since, None) if filters.since else None
            assert updated.page(updated.matching(filters, restrict), "sources", 0, 50) == \
                fresh.page(fresh.matching(filters, restrict), "sources", 0, 50)
    facet_index.reset()
