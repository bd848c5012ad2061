"""The writer: reference data from the taxonomy, then one transaction per article.

Rows are written with SQLAlchemy Core (no ORM identity map) because ingest is the hot path at
100k articles. Get-or-create goes through the unique constraints (INSERT ... ON CONFLICT DO
NOTHING, then SELECT), so two ingest processes racing on one allegation both end up with the
same row. Ids of actors, systems and allegations are cached; entries made inside a transaction
are kept only when it commits.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pycountry
from sqlalchemy import Date, Integer, String, bindparam, case, func, select, update
from sqlalchemy.engine import Connection, Engine

from app.extract.types import ExtractedStatement
from app.ingest.types import Prepared
from app.models import STANCES, STATUSES, Actor, Allegation, Article, Statement, WeaponCategory, WeaponSystem
from app.taxonomy import Taxonomy, load_taxonomy

ARTICLE = Article.__table__
ACTOR = Actor.__table__
CATEGORY = WeaponCategory.__table__
SYSTEM = WeaponSystem.__table__
ALLEGATION = Allegation.__table__
STATEMENT = Statement.__table__

CONTEXT_CHARS = 32  # prefix/suffix length of the W3C TextQuoteSelector
_STATUS_RANK = {"unknown": 0, "planned": 1, "delivered": 2}
_STATE_CODE = re.compile(r"\A[A-Z]{3}\Z")


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
    complete_people: set[int] = field(default_factory=set)


class Ledger:
    """The single writer of an ingest run."""

    def __init__(self, engine: Engine, taxonomy: Taxonomy | None = None) -> None:
        self.engine = engine
        self.taxonomy = taxonomy or load_taxonomy()
        self.actors: dict[str, int] = {}
        self.systems: dict[str, int] = {}
        self.allegations: dict[tuple[int, int, str], int] = {}
        self.complete_people: set[int] = set()
        self.categories: set[str] = set()

    def prepare(self) -> None:
        """Upsert the taxonomy and load the id caches (one short transaction)."""
        with self.engine.begin() as conn:
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

    def count_allegations(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(ALLEGATION)).scalar_one()

    def store(self, item: Prepared) -> Stored:
        """Store one article and its statements atomically; an article already stored is a no-op."""
        pending = _Pending()
        with self.engine.begin() as conn:
            outcome = self._store(conn, item, pending)
        self.actors.update(pending.actors)
        self.systems.update(pending.systems)
        self.allegations.update(pending.allegations)
        self.complete_people |= pending.complete_people
        return outcome

    # -- inside the article's transaction -------------------------------------------------

    def _store(self, conn: Connection, item: Prepared, pending: _Pending) -> Stored:
        art = item.article
        published = art.published or item.result.published
        stmt = _insert(conn, ARTICLE).values(
            source=art.source, outlet=art.outlet, title=art.title, published=published,
            text=art.text, sha256=item.sha256, ingested_at=datetime.now(timezone.utc),
        )
        article_id = conn.execute(
            stmt.on_conflict_do_nothing(index_elements=["sha256"]).returning(ARTICLE.c.id)
        ).scalar()
        if article_id is None:
            return Stored(new=False)

        outcome = Stored(new=True)
        rows: dict[tuple[int, str, int, int], dict] = {}
        for s in item.result.statements:
            if not self._valid(s, art.text):
                outcome.dropped += 1
                continue
            supplier = self._actor(conn, s.supplier, pending)
            recipient = self._actor(conn, s.recipient, pending)
            allegation, created = self._allegation(conn, supplier, recipient, s.category, pending)
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
                    "quantity": s.quantity, "quote": s.quote, "start": s.start, "end": s.end,
                    "prefix": art.text[max(0, s.start - CONTEXT_CHARS):s.start],
                    "suffix": art.text[s.end:s.end + CONTEXT_CHARS],
                }
            else:  # the same span said twice: keep one, filling what the first lacked
                self._merge_duplicate(conn, row, s, pending)
        if rows:
            conn.execute(STATEMENT.insert(), list(rows.values()))
            self._bump_counters(conn, rows.values(), published)
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
        inserted = conn.execute(
            _insert(conn, table).values(**key, **values)
            .on_conflict_do_nothing(index_elements=list(key))
            .returning(table.c.id)
        ).scalar()
        if inserted is not None:
            return inserted, True
        where = [table.c[k] == v for k, v in key.items()]
        return conn.execute(select(table.c.id).where(*where)).scalar_one(), False

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
        code = f"person:{slugify(name) or 'unnamed'}"
        person = self.actors.get(code) or pending.actors.get(code)
        if person is None:
            person, _ = self._get_or_create(
                conn, ACTOR, {"code": code},
                {"kind": "person", "name": name.strip(), "aliases": [], "role": role, "affiliation_id": affiliation},
            )
            pending.actors[code] = person
        if (role or affiliation) and person not in self.complete_people and person not in pending.complete_people:
            # Fill a role or affiliation learnt later; never overwrite one already recorded.
            conn.execute(
                update(ACTOR).where(ACTOR.c.id == person).values(
                    role=func.coalesce(ACTOR.c.role, role), affiliation_id=func.coalesce(ACTOR.c.affiliation_id, affiliation)
                )
            )
            if role and affiliation:
                pending.complete_people.add(person)
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
        allegation_id, created = self._get_or_create(
            conn, ALLEGATION, {"supplier_id": supplier, "recipient_id": recipient, "category": category},
            {"status": "unknown", "n_statements": 0, "n_sources": 0, "n_alleges": 0, "n_denies": 0, "n_confirms": 0},
        )
        pending.allegations[key] = allegation_id
        return allegation_id, created

    def _bump_counters(self, conn: Connection, rows: Iterable[dict], published: date | None) -> None:
        """Add one new article's statements to its allegations' counters.

        Incremental rather than recomputed: an article is only ever added whole, once (sha256),
        so adding its counts is exact and costs the same at 100k articles as at 10, where a
        recount reads every statement of a popular allegation again for each new article.
        `recompute_counters` gives the same numbers from scratch (the tests hold them equal).
        """
        deltas: dict[int, _Delta] = {}
        for row in rows:
            d = deltas.setdefault(row["allegation_id"], _Delta())
            d.n += 1
            setattr(d, row["stance"], getattr(d, row["stance"]) + 1)
            if _STATUS_RANK[row["status"]] > _STATUS_RANK[d.status]:
                d.status = row["status"]
        conn.execute(_BUMP, [
            {"b_id": aid, "b_n": d.n, "b_alleges": d.alleges, "b_denies": d.denies, "b_confirms": d.confirms,
             "b_status": d.status, "b_published": published}
            for aid, d in deltas.items()
        ])


_b_status = bindparam("b_status", type_=String)
_b_published = bindparam("b_published", type_=Date)
_BUMP = (
    update(ALLEGATION)
    .where(ALLEGATION.c.id == bindparam("b_id", type_=Integer))
    .values(
        n_statements=ALLEGATION.c.n_statements + bindparam("b_n", type_=Integer),
        n_sources=ALLEGATION.c.n_sources + 1,
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


def recompute_counters(conn: Connection, allegation_ids: Iterable[int] | None = None) -> None:
    """Recount allegations from their statements in one grouped query (all of them when ids is None)."""
    s, a = STATEMENT, ARTICLE
    query = (
        select(
            s.c.allegation_id,
            func.count(),
            func.count(func.distinct(s.c.article_id)),
            func.sum(case((s.c.stance == "alleges", 1), else_=0)),
            func.sum(case((s.c.stance == "denies", 1), else_=0)),
            func.sum(case((s.c.stance == "confirms", 1), else_=0)),
            func.max(case((s.c.status == "delivered", 2), (s.c.status == "planned", 1), else_=0)),
            func.min(a.c.published),
            func.max(a.c.published),
        )
        .join(a, a.c.id == s.c.article_id)
        .group_by(s.c.allegation_id)
    )
    targets = select(ALLEGATION.c.id)
    if allegation_ids is not None:
        ids = list(allegation_ids)
        query = query.where(s.c.allegation_id.in_(ids))
        targets = targets.where(ALLEGATION.c.id.in_(ids))
    found = {row[0]: row[1:] for row in conn.execute(query)}
    status_of = {2: "delivered", 1: "planned", 0: "unknown"}
    params = []
    for (aid,) in conn.execute(targets):
        n, sources, alleges, denies, confirms, rank, first, last = found.get(aid, (0, 0, 0, 0, 0, 0, None, None))
        params.append({
            "b_id": aid, "b_n": n, "b_sources": sources, "b_alleges": alleges, "b_denies": denies,
            "b_confirms": confirms, "b_status": status_of[rank or 0], "b_first": first, "b_last": last,
        })
    if params:
        conn.execute(
            update(ALLEGATION).where(ALLEGATION.c.id == bindparam("b_id")).values(
                n_statements=bindparam("b_n"), n_sources=bindparam("b_sources"), n_alleges=bindparam("b_alleges"),
                n_denies=bindparam("b_denies"), n_confirms=bindparam("b_confirms"), status=bindparam("b_status"),
                first_reported=bindparam("b_first", type_=Date), last_reported=bindparam("b_last", type_=Date),
            ),
            params,
        )
