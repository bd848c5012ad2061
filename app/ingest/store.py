"""The writer: reference data from the taxonomy, then articles in small atomic batches.

Rows are written with SQLAlchemy Core (no ORM identity map) because ingest is the hot path at
100k articles. A batch of articles is one transaction (a commit, with its FTS5 flush, costs more
than storing an article); when any article of a batch fails, the batch is rolled back and its
articles are stored again one transaction each, so the failure costs that article alone.
Get-or-create goes through the unique constraints (INSERT ... ON CONFLICT DO NOTHING, then
SELECT), so two ingest processes racing on one allegation both end up with the same row. Ids of
actors, systems and allegations are cached; entries made inside a transaction are kept only
when it commits.

Several ingest processes, on several machines, may write to one PostgreSQL server at once.
Their write transactions take turns (`_one_writer`: an advisory lock held until commit), as
SQLite's single writer lock makes them on one file. Row locks alone would keep each counter
increment exact but not the rest: a new allegation starts with its pair's unspecified denials
read at that moment, which a concurrent transaction may be adding to; two batches bumping the
same allegations in another order deadlock; and the data version (the largest ids, see
app/queries/request.py) must grow in commit order. Extraction, most of ingest's work, still
runs in parallel.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import pycountry
from sqlalchemy import Date, Integer, String, bindparam, case, func, select, update
from sqlalchemy.engine import Connection, Engine

from app import alerts
from app.counters import recount
from app.db import one_writer
from app.extract.types import ExtractedStatement
from app.ingest import origins
from app.ingest.types import Prepared, printable
from app.models import (
    STANCES, STATUSES, Actor, Allegation, AllegationArticle, AllegationClaimant, AllegationSystem, Article, Statement,
    WeaponCategory, WeaponSystem,
)
from app.taxonomy import Taxonomy, load_taxonomy
from app.vocab import Status

ARTICLE = Article.__table__
ACTOR = Actor.__table__
CATEGORY = WeaponCategory.__table__
SYSTEM = WeaponSystem.__table__
ALLEGATION = Allegation.__table__
STATEMENT = Statement.__table__
ALLEGATION_SYSTEM = AllegationSystem.__table__
ALLEGATION_ARTICLE = AllegationArticle.__table__
ALLEGATION_CLAIMANT = AllegationClaimant.__table__
UNSPECIFIED = "unspecified"
# Statistics for the tables the dashboard queries; see Ledger.optimize.
ANALYZE = tuple(f"ANALYZE {table}" for table in (
    "article", "actor", "weapon_category", "weapon_system", "allegation", "statement", "allegation_system",
    "allegation_claimant", "article_sketch", "article_band", "allegation_article",
))

CONTEXT_CHARS = 32  # prefix/suffix length of the W3C TextQuoteSelector
_STATUS_RANK = {s.value: s.rank for s in Status}
_STATE_CODE = re.compile(r"\A[A-Z]{3}\Z")


_one_writer = one_writer  # see the module's docstring


def _insert(conn: Connection, table):
    """INSERT with ON CONFLICT support for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def slugify(name: str) -> str:
    """Lower-case words joined by hyphens; accents dropped, other scripts kept."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "-", plain.lower()).strip("-")


def guess_actor(code: str) -> tuple[str, str]:
    """(kind, name) for an actor code the taxonomy does not know."""
    if code == "media":
        return "media", "Media"
    if _STATE_CODE.match(code):
        country = pycountry.countries.get(alpha_3=code)
        name = (getattr(country, "common_name", None) or country.name) if country else code
        return "state", name
    return "group", code.replace("-", " ").replace("_", " ").title()


def upsert_reference_data(conn: Connection, taxonomy: Taxonomy) -> None:
    """Categories, systems and actors of the taxonomy: inserted, or updated to match the data files."""
    if taxonomy.categories:
        stmt = _insert(conn, CATEGORY)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["slug"], set_={"label": stmt.excluded.label, "description": stmt.excluded.description}
            ),
            [{"slug": c.slug, "label": c.label, "description": c.description or ""} for c in taxonomy.categories],
        )
    if taxonomy.systems:
        stmt = _insert(conn, SYSTEM)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"], set_={"category": stmt.excluded.category, "aliases": stmt.excluded.aliases}
            ),
            [{"name": s.name, "category": s.category, "aliases": list(s.aliases)} for s in taxonomy.systems],
        )
    if taxonomy.actors:
        stmt = _insert(conn, ACTOR)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["code"],
                set_={"kind": stmt.excluded.kind, "name": stmt.excluded.name, "aliases": stmt.excluded.aliases},
            ),
            [{"code": a.code, "kind": a.kind, "name": a.name, "aliases": list(a.aliases)} for a in taxonomy.actors],
        )


@dataclass(slots=True)
class Stored:
    """What storing one article did."""

    new: bool
    statements: int = 0
    new_allegations: int = 0
    dropped: int = 0  # statements refused (offsets that do not match the text, unknown category)
    implausible_date: date | None = None  # a publication date not stored (see `plausible_date`)


EARLIEST = date(1900, 1, 1)


def plausible_date(published: date | None) -> tuple[date | None, date | None]:
    """(the date to store, the date refused): news is not published after tomorrow (today
    anywhere on Earth, whatever the server's zone) nor before 1900. An implausible date is a
    typo or an attack on the "latest reported" order, so the article is stored undated."""
    if published is None:
        return None, None
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    if published > tomorrow or published < EARLIEST:
        return None, published
    return published, None


@dataclass(slots=True)
class _Delta:
    """One article's contribution to an allegation's counters."""

    n: int = 0
    alleges: int = 0
    denies: int = 0
    confirms: int = 0
    status: str = "unknown"


@dataclass(slots=True)
class _Pending:
    actors: dict[str, int] = field(default_factory=dict)
    systems: dict[str, int] = field(default_factory=dict)
    allegations: dict[tuple[int, int, str], int] = field(default_factory=dict)
    people: dict[int, tuple[bool, bool]] = field(default_factory=dict)  # id -> (has role, has affiliation)
    unspecified: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (supplier, recipient)


class _Statements:
    """The writer's statements, built once per dialect so the hot loop only binds parameters."""

    def __init__(self, conn: Connection) -> None:
        self.article = (
            _insert(conn, ARTICLE).on_conflict_do_nothing(index_elements=["sha256"]).returning(ARTICLE.c.id)
        )
        # Their ids, in the order given: the changes the feeds report name the statement causing each.
        self.statement = STATEMENT.insert().returning(STATEMENT.c.id, sort_by_parameter_order=True)
        self.insert_new: dict[str, object] = {}
        self.select_id: dict[str, object] = {}
        for table, keys in ((ACTOR, ["code"]), (SYSTEM, ["name"]),
                            (ALLEGATION, ["supplier_id", "recipient_id", "category"])):
            self.insert_new[table.name] = (
                _insert(conn, table).on_conflict_do_nothing(index_elements=keys).returning(table.c.id)
            )
            self.select_id[table.name] = select(table.c.id).where(*[table.c[k] == bindparam(k) for k in keys])
        self.tallies = {
            table.name: (lambda stmt: stmt.on_conflict_do_update(
                index_elements=["allegation_id", column],
                set_={"n_statements": table.c.n_statements + stmt.excluded.n_statements},
            ))(_insert(conn, table))
            for table, column in ((ALLEGATION_SYSTEM, "system_id"), (ALLEGATION_CLAIMANT, "claimant_id"))
        }
        self.pair_denies = select(ALLEGATION.c.n_denies).where(
            ALLEGATION.c.supplier_id == bindparam("supplier_id"), ALLEGATION.c.recipient_id == bindparam("recipient_id"),
            ALLEGATION.c.category == UNSPECIFIED,
        )
        # Whether an earlier copy of the story (same origin) already states the allegation.
        self.origin_states = select(STATEMENT.c.id).where(
            STATEMENT.c.allegation_id == bindparam("allegation_id"),
            STATEMENT.c.article_id.in_(select(ARTICLE.c.id).where(
                (ARTICLE.c.origin_id == bindparam("origin")) | (ARTICLE.c.id == bindparam("origin")),
                ARTICLE.c.id != bindparam("article_id"),
            )),
        ).limit(1)
        self.fill_person = update(ACTOR).where(ACTOR.c.id == bindparam("b_id")).values(
            role=func.coalesce(ACTOR.c.role, bindparam("b_role")),
            affiliation_id=func.coalesce(ACTOR.c.affiliation_id, bindparam("b_affiliation")),
        )


class Ledger:
    """The single writer of an ingest run."""

    def __init__(self, engine: Engine, taxonomy: Taxonomy | None = None) -> None:
        self.engine = engine
        self.taxonomy = taxonomy or load_taxonomy()
        self.actors: dict[str, int] = {}
        self.systems: dict[str, int] = {}
        self.allegations: dict[tuple[int, int, str], int] = {}
        self.people: dict[int, tuple[bool, bool]] = {}
        self.unspecified: dict[int, tuple[int, int]] = {}  # the pairs' weapon-unspecified allegations
        self.categories: set[str] = set()
        self.sql: _Statements | None = None

    def prepare(self) -> None:
        """Upsert the taxonomy and load the id caches (one short transaction)."""
        with self.engine.begin() as conn:
            _one_writer(conn)
            upsert_reference_data(conn, self.taxonomy)
            self.categories = set(conn.execute(select(CATEGORY.c.slug)).scalars())
            self.actors = {code: id_ for id_, code in conn.execute(select(ACTOR.c.id, ACTOR.c.code))}
            self.systems = {name: id_ for id_, name in conn.execute(select(SYSTEM.c.id, SYSTEM.c.name))}
            self.allegations = {
                (s, r, c): id_
                for id_, s, r, c in conn.execute(
                    select(ALLEGATION.c.id, ALLEGATION.c.supplier_id, ALLEGATION.c.recipient_id, ALLEGATION.c.category)
                )
            }
            self.unspecified = {
                id_: (s, r) for (s, r, c), id_ in self.allegations.items() if c == UNSPECIFIED
            }
            self.people = {
                id_: (role is not None, affiliation is not None)
                for id_, role, affiliation in conn.execute(
                    select(ACTOR.c.id, ACTOR.c.role, ACTOR.c.affiliation_id).where(ACTOR.c.kind == "person")
                )
            }
            self.sql = _Statements(conn)

    def optimize(self) -> None:
        """Refresh SQLite's statistics of the ledger tables (ANALYZE) after a run.

        Without statistics the planner walks an index for a facet's GROUP BY and looks up every
        row; with them it picks the narrow covering index (5x faster facets at 100k articles).
        analysis_limit samples each index, so this takes ~0.1 s on a 1 GB ledger. The FTS5
        shadow tables are left out on purpose: FTS5 plans its own queries, and statistics taken
        while its tables were small made every later insert scan them (ingest slowed linearly)."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            for statement in ANALYZE:
                conn.exec_driver_sql(statement)
            conn.commit()

    def count_allegations(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(ALLEGATION)).scalar_one()

    def store(self, item: Prepared) -> Stored:
        """Store one article and its statements atomically; an article already stored is a no-op."""
        outcome = self.store_batch([item])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def store_batch(self, items: list[Prepared]) -> list[Stored | Exception]:
        """Store articles in one transaction; if one fails, each is stored in its own instead.

        Each article stays atomic either way; the result for an article that could not be stored
        is the exception that stopped it.
        """
        if not items:
            return []
        pending = _Pending()
        try:
            with self.engine.begin() as conn:
                _one_writer(conn)
                outcomes: list[Stored | Exception] = [self._store(conn, item, pending) for item in items]
        except Exception as exc:
            if len(items) == 1:
                return [exc]
            return [self.store_batch([item])[0] for item in items]
        self._keep(pending)
        return outcomes

    def _keep(self, pending: _Pending) -> None:
        self.actors.update(pending.actors)
        self.systems.update(pending.systems)
        self.allegations.update(pending.allegations)
        self.people.update(pending.people)
        self.unspecified.update(pending.unspecified)

    # -- inside the article's transaction -------------------------------------------------

    def _store(self, conn: Connection, item: Prepared, pending: _Pending) -> Stored:
        assert self.sql is not None, "call prepare() first"
        art = item.article
        published, implausible = plausible_date(art.published or item.result.published)
        sketch = item.sketch or origins.sketch(art.text)
        origin = origins.find_origin(conn, sketch)
        article_id = conn.execute(self.sql.article, {
            "source": printable(art.source), "outlet": art.outlet and printable(art.outlet),
            "title": (title := art.title or item.result.title) and printable(title), "published": published,
            "text": art.text, "sha256": item.sha256, "ingested_at": (stored_at := datetime.now(timezone.utc)),
            "origin_id": origin,
        }).scalar()
        if article_id is None:
            return Stored(new=False)
        origins.remember(conn, article_id, sketch)

        outcome = Stored(new=True, implausible_date=implausible)
        rows: dict[tuple[int, str, int, int], dict] = {}
        pairs: dict[int, tuple[int, int]] = {}  # allegation -> (supplier, recipient)
        for s in item.result.statements:
            if not self._valid(s, art.text):
                outcome.dropped += 1
                continue
            supplier = self._actor(conn, s.supplier, pending)
            recipient = self._actor(conn, s.recipient, pending)
            allegation, created = self._allegation(conn, supplier, recipient, s.category, pending)
            pairs[allegation] = (supplier, recipient)
            outcome.new_allegations += created
            key = (allegation, s.stance, s.start, s.end)
            row = rows.get(key)
            if row is None:
                claimant = self._actor(conn, s.claimant, pending) if s.claimant else None
                rows[key] = {
                    "article_id": article_id, "allegation_id": allegation, "stance": s.stance,
                    "status": s.status if s.status in STATUSES else "unknown",
                    "system_id": self._system(conn, s.system, s.category, pending) if s.system else None,
                    "claimant_id": claimant,
                    "speaker_id": self._speaker(conn, s.speaker, s.speaker_role, claimant, pending) if s.speaker else None,
                    "quantity": s.quantity, "quote": s.quote, "start": s.start, "end": s.end, "published": published,
                    "prefix": art.text[max(0, s.start - CONTEXT_CHARS):s.start],
                    "suffix": art.text[s.end:s.end + CONTEXT_CHARS],
                }
            else:  # the same span said twice: keep one, filling what the first lacked
                self._merge_duplicate(conn, row, s, pending)
        if rows:
            ids = conn.execute(self.sql.statement, list(rows.values())).scalars().all()
            alerts.record(conn, ({**row, "id": sid} for row, sid in zip(rows.values(), ids)), pairs, stored_at)
            self._bump_counters(conn, rows.values(), published, pending, (article_id, origin))
        outcome.statements = len(rows)
        return outcome

    def _valid(self, s: ExtractedStatement, text: str) -> bool:
        return (
            s.stance in STANCES
            and s.category in self.categories
            and bool(s.supplier) and bool(s.recipient)
            and 0 <= s.start < s.end <= len(text)
            and text[s.start:s.end] == s.quote
        )

    def _merge_duplicate(self, conn: Connection, row: dict, s: ExtractedStatement, pending: _Pending) -> None:
        if _STATUS_RANK.get(s.status, 0) > _STATUS_RANK[row["status"]]:
            row["status"] = s.status
        if row["system_id"] is None and s.system:
            row["system_id"] = self._system(conn, s.system, s.category, pending)
        if row["claimant_id"] is None and s.claimant:
            row["claimant_id"] = self._actor(conn, s.claimant, pending)
        if row["speaker_id"] is None and s.speaker:
            row["speaker_id"] = self._speaker(conn, s.speaker, s.speaker_role, row["claimant_id"], pending)
        if row["quantity"] is None and s.quantity:
            row["quantity"] = s.quantity

    def _get_or_create(self, conn: Connection, table, key: dict, values: dict) -> tuple[int, bool]:
        assert self.sql is not None
        inserted = conn.execute(self.sql.insert_new[table.name], {**key, **values}).scalar()
        if inserted is not None:
            return inserted, True
        return conn.execute(self.sql.select_id[table.name], key).scalar_one(), False

    def _actor(self, conn: Connection, code: str, pending: _Pending) -> int:
        known = self.taxonomy.actor(code)
        if known is not None:
            code = known.code
        found = self.actors.get(code) or pending.actors.get(code)
        if found:
            return found
        if known is not None:
            kind, name, aliases = known.kind, known.name, list(known.aliases)
        else:
            (kind, name), aliases = guess_actor(code), []
        actor_id, _ = self._get_or_create(conn, ACTOR, {"code": code}, {"kind": kind, "name": name, "aliases": aliases})
        pending.actors[code] = actor_id
        return actor_id

    def _speaker(self, conn: Connection, name: str, role: str | None, affiliation: int | None, pending: _Pending) -> int:
        assert self.sql is not None
        code = f"person:{slugify(name) or 'unnamed'}"
        person = self.actors.get(code) or pending.actors.get(code)
        if person is None:
            person, created = self._get_or_create(
                conn, ACTOR, {"code": code},
                {"kind": "person", "name": name.strip(), "aliases": [], "role": role, "affiliation_id": affiliation},
            )
            pending.actors[code] = person
            if created:
                pending.people[person] = (role is not None, affiliation is not None)
        has_role, has_affiliation = pending.people.get(person) or self.people.get(person) or (False, False)
        if (role and not has_role) or (affiliation and not has_affiliation):
            # A role or affiliation learnt later fills the gap; one already recorded is kept.
            conn.execute(self.sql.fill_person, {"b_id": person, "b_role": role, "b_affiliation": affiliation})
            pending.people[person] = (has_role or role is not None, has_affiliation or affiliation is not None)
        return person

    def _system(self, conn: Connection, name: str, category: str, pending: _Pending) -> int:
        known = self.taxonomy.system(name)
        if known is not None:
            name, category = known.name, known.category
        found = self.systems.get(name) or pending.systems.get(name)
        if found:
            return found
        system_id, _ = self._get_or_create(conn, SYSTEM, {"name": name}, {"category": category, "aliases": []})
        pending.systems[name] = system_id
        return system_id

    def _allegation(self, conn: Connection, supplier: int, recipient: int, category: str, pending: _Pending) -> tuple[int, bool]:
        key = (supplier, recipient, category)
        found = self.allegations.get(key) or pending.allegations.get(key)
        if found:
            return found, False
        assert self.sql is not None
        pair = {"supplier_id": supplier, "recipient_id": recipient}
        # A new allegation starts with the denials its pair's unspecified allegation already has.
        pair_denies = 0 if category == UNSPECIFIED else conn.execute(self.sql.pair_denies, pair).scalar() or 0
        allegation_id, created = self._get_or_create(
            conn, ALLEGATION, {**pair, "category": category},
            {"status": "unknown", "n_statements": 0, "n_articles": 0, "n_sources": 0, "n_alleges": 0, "n_denies": 0, "n_confirms": 0,
             "n_pair_denies": pair_denies},
        )
        pending.allegations[key] = allegation_id
        if category == UNSPECIFIED:
            pending.unspecified[allegation_id] = (supplier, recipient)
        return allegation_id, created

    def _bump_counters(self, conn: Connection, rows: Iterable[dict], published: date | None,
                       pending: _Pending, copy_of: tuple[int, int | None]) -> None:
        """Add one new article's statements to its allegations' counters.

        `copy_of` is (the article, its origin or None): a copy adds an independent source to an
        allegation only when no earlier copy of its story states it.

        Incremental rather than recomputed: an article is only ever added whole, once (sha256),
        so adding its counts is exact and costs the same at 100k articles as at 10, where a
        recount reads every statement of a popular allegation again for each new article.
        `recompute_counters` gives the same numbers from scratch (the tests hold them equal).
        """
        assert self.sql is not None
        deltas: dict[int, _Delta] = {}
        tallies: dict[str, dict[tuple[int, int], int]] = {"system_id": {}, "claimant_id": {}}
        for row in rows:
            for column, tally in tallies.items():
                if row[column] is not None:
                    key = (row["allegation_id"], row[column])
                    tally[key] = tally.get(key, 0) + 1
            d = deltas.setdefault(row["allegation_id"], _Delta())
            d.n += 1
            setattr(d, row["stance"], getattr(d, row["stance"]) + 1)
            if _STATUS_RANK[row["status"]] > _STATUS_RANK[d.status]:
                d.status = row["status"]
        article_id, origin = copy_of
        conn.execute(_BUMP, [
            {"b_id": aid, "b_n": d.n, "b_alleges": d.alleges, "b_denies": d.denies, "b_confirms": d.confirms,
             "b_status": d.status, "b_published": published,
             "b_new_origin": int(origin is None or conn.execute(self.sql.origin_states, {
                 "allegation_id": aid, "origin": origin, "article_id": article_id}).first() is None)}
            for aid, d in deltas.items()
        ])
        for (table, column), tally in zip(((ALLEGATION_SYSTEM, "system_id"), (ALLEGATION_CLAIMANT, "claimant_id")),
                                          tallies.values()):
            if tally:
                conn.execute(self.sql.tallies[table.name], [
                    {"allegation_id": aid, column: vid, "n_statements": n} for (aid, vid), n in tally.items()
                ])
        pair_denials = [
            {"b_supplier": pair[0], "b_recipient": pair[1], "b_denies": d.denies}
            for aid, d in deltas.items()
            if d.denies and (pair := self.unspecified.get(aid) or pending.unspecified.get(aid))
        ]
        if pair_denials:
            conn.execute(_BUMP_PAIR, pair_denials)
        # The article is new, so each of its allegations is a new pair (a new statement is public).
        conn.execute(ALLEGATION_ARTICLE.insert(), [{"article_id": article_id, "allegation_id": aid} for aid in deltas])


_b_status = bindparam("b_status", type_=String)
_b_published = bindparam("b_published", type_=Date)
_BUMP = (
    update(ALLEGATION)
    .where(ALLEGATION.c.id == bindparam("b_id", type_=Integer))
    .values(
        n_statements=ALLEGATION.c.n_statements + bindparam("b_n", type_=Integer),
        n_articles=ALLEGATION.c.n_articles + 1,
        n_sources=ALLEGATION.c.n_sources + bindparam("b_new_origin", type_=Integer),
        n_alleges=ALLEGATION.c.n_alleges + bindparam("b_alleges", type_=Integer),
        n_denies=ALLEGATION.c.n_denies + bindparam("b_denies", type_=Integer),
        n_confirms=ALLEGATION.c.n_confirms + bindparam("b_confirms", type_=Integer),
        status=case(
            ((ALLEGATION.c.status == "delivered") | (_b_status == "delivered"), "delivered"),
            ((ALLEGATION.c.status == "planned") | (_b_status == "planned"), "planned"),
            else_="unknown",
        ),
        first_reported=case(
            (_b_published.is_(None), ALLEGATION.c.first_reported),
            ((ALLEGATION.c.first_reported.is_(None)) | (_b_published < ALLEGATION.c.first_reported), _b_published),
            else_=ALLEGATION.c.first_reported,
        ),
        last_reported=case(
            (_b_published.is_(None), ALLEGATION.c.last_reported),
            ((ALLEGATION.c.last_reported.is_(None)) | (_b_published > ALLEGATION.c.last_reported), _b_published),
            else_=ALLEGATION.c.last_reported,
        ),
    )
)


_BUMP_PAIR = (
    update(ALLEGATION)
    .where(
        ALLEGATION.c.supplier_id == bindparam("b_supplier", type_=Integer),
        ALLEGATION.c.recipient_id == bindparam("b_recipient", type_=Integer),
        ALLEGATION.c.category != UNSPECIFIED,
    )
    .values(n_pair_denies=ALLEGATION.c.n_pair_denies + bindparam("b_denies", type_=Integer))
)


def recompute_counters(conn: Connection) -> None:
    """Recount every allegation's counters, tallies and pair denials from the statements.

    Ingest keeps all of these incrementally; this is the from-scratch definition the tests hold
    equal to it (and a repair tool). Reviews recount the allegations they touch the same way."""
    recount(conn)
