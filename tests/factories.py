"""Test data for the dashboard: ledger rows inserted directly, counters recomputed as ingest does.

`Ledger` builds articles from sentences and attaches statements to sentences by their text, so
offsets are right by construction. `standard_ledger` is the small, hand-written world the route
tests assert on; `random_ledger` adds many generated allegations (fixed seed) for pagination.
"""
from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlmodel import Session

from app.ingest.store import recompute_counters
from app.models import Actor, Allegation, Article, Statement, WeaponCategory, WeaponSystem
from app.taxonomy import load_taxonomy

XSS = "<script>alert('xss')</script>"


class Ledger:
    def __init__(self, session: Session, seed: int = 7) -> None:
        self.session = session
        self.rng = random.Random(seed)
        self.tax = load_taxonomy()
        self._actors: dict[str, Actor] = {}
        self._systems: dict[str, WeaponSystem] = {}
        self._allegations: dict[tuple[int, int, str], Allegation] = {}
        if session.exec(select(func.count()).select_from(WeaponCategory)).one()[0] == 0:
            for c in self.tax.categories:
                session.add(WeaponCategory(slug=c.slug, label=c.label, description=c.description))
            session.flush()

    def actor(self, code: str, name: str | None = None, kind: str | None = None, role: str | None = None,
              affiliation: str | None = None) -> Actor:
        if code in self._actors:
            return self._actors[code]
        entry = self.tax.actor(code)
        actor = Actor(
            code=code,
            name=name or (entry.name if entry else code),
            kind=kind or (entry.kind if entry else "person" if code.startswith("person:") else "state"),
            role=role,
            affiliation_id=self.actor(affiliation).id if affiliation else None,
        )
        self.session.add(actor)
        self.session.flush()
        self._actors[code] = actor
        return actor

    def system(self, name: str) -> WeaponSystem:
        if name not in self._systems:
            known = self.tax.system(name)
            ws = WeaponSystem(name=name, category=known.category if known else "missile",
                              aliases=list(known.aliases) if known else [])
            self.session.add(ws)
            self.session.flush()
            self._systems[name] = ws
        return self._systems[name]

    def article(self, sentences: list[str], *, title: str, outlet: str = "Test Wire",
                published: date | None = None) -> Article:
        text = " ".join(sentences)
        art = Article(source=f"test://{hashlib.sha1(text.encode()).hexdigest()[:10]}", outlet=outlet, title=title,
                      published=published, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                      ingested_at=datetime.now(timezone.utc))
        self.session.add(art)
        self.session.flush()
        return art

    def statement(self, article: Article, quote: str, *, supplier: str, recipient: str, category: str,
                  stance: str = "alleges", status: str = "unknown", system: str | None = None,
                  claimant: str | None = None, speaker: str | None = None, quantity: str | None = None) -> Statement:
        start = article.text.index(quote)
        end = start + len(quote)
        sup, rec = self.actor(supplier), self.actor(recipient)
        key = (sup.id, rec.id, category)
        if key not in self._allegations:
            allegation = Allegation(supplier_id=sup.id, recipient_id=rec.id, category=category)
            self.session.add(allegation)
            self.session.flush()
            self._allegations[key] = allegation
        st = Statement(
            article_id=article.id, allegation_id=self._allegations[key].id, stance=stance, status=status,
            system_id=self.system(system).id if system else None,
            claimant_id=self.actor(claimant).id if claimant else None,
            speaker_id=self.actor(speaker).id if speaker else None,
            quantity=quantity, quote=quote, start=start, end=end, published=article.published,
            prefix=article.text[max(0, start - 32):start], suffix=article.text[end:end + 32],
        )
        self.session.add(st)
        self.session.flush()
        return st

    def allegation(self, supplier: str, recipient: str, category: str) -> Allegation:
        return self._allegations[(self.actor(supplier).id, self.actor(recipient).id, category)]

    def commit(self) -> None:
        """Recompute every allegation's counters and tallies from its statements, as ingest keeps them."""
        self.session.flush()
        recompute_counters(self.session.connection())
        self.session.commit()
        for allegation in self._allegations.values():
            self.session.refresh(allegation)


def standard_ledger(session: Session) -> Ledger:
    """Eight allegations over five articles (see the comments for what each test relies on)."""
    lg = Ledger(session)
    lg.actor("person:kirby", "John Kirby", kind="person", role="NSC spokesman", affiliation="USA")
    a1 = lg.article([
        "Iran sold hundreds of Shahed-136 attack drones to Russia over the summer, the White House said.",
        "Russia is training Iranian pilots on the Su-35 fighter, Kirby added.",
        "North Korea is secretly shipping artillery shells to Russia.",
    ], title="White House: Iran sold drones to Russia", outlet="Washington Post", published=date(2022, 12, 10))
    lg.statement(a1, a1.text.split(" the White House")[0] + " the White House said.", supplier="IRN",
                 recipient="RUS", category="uav", system="Shahed-136", status="delivered", claimant="USA",
                 speaker="person:kirby", quantity="hundreds")
    lg.statement(a1, "Russia is training Iranian pilots on the Su-35 fighter, Kirby added.", supplier="RUS",
                 recipient="IRN", category="combat_aircraft", system="Su-35", status="planned", claimant="USA",
                 speaker="person:kirby")
    lg.statement(a1, "North Korea is secretly shipping artillery shells to Russia.", supplier="PRK",
                 recipient="RUS", category="artillery", status="delivered", claimant="USA")
    # A weapon-unspecified denial: it answers PRK -> RUS artillery too.
    a2 = lg.article(["Pyongyang has never supplied weapons to Russia and never will, the foreign ministry said."],
                    title="North Korea rejects US claims", outlet="KCNA", published=date(2022, 12, 12))
    lg.statement(a2, a2.text, supplier="PRK", recipient="RUS", category="unspecified", stance="denies", claimant="PRK")
    a3 = lg.article([
        "Tehran denied sending any drones to Moscow for the war.",
        "Days later Iran admitted it had sent a small number of drones to Russia before the invasion.",
        "British officials said Iran also supplied Fath-360 ballistic missiles to Russia.",
    ], title="Iran admits some drone deliveries", outlet="Reuters", published=date(2023, 1, 5))
    lg.statement(a3, "Tehran denied sending any drones to Moscow for the war.", supplier="IRN", recipient="RUS",
                 category="uav", stance="denies", claimant="IRN")
    lg.statement(a3, "Days later Iran admitted it had sent a small number of drones to Russia before the invasion.",
                 supplier="IRN", recipient="RUS", category="uav", stance="confirms", status="delivered", claimant="IRN")
    lg.statement(a3, "British officials said Iran also supplied Fath-360 ballistic missiles to Russia.", supplier="IRN",
                 recipient="RUS", category="ballistic_missile", system="Fath-360", status="delivered", claimant="GBR")
    # Hostile text: the article and a quote carry markup that must render inert.
    a4 = lg.article([
        f"A UN panel said the Houthis received drones from Iran. {XSS}",
        f"Iran shipped {XSS} missiles to the Houthis, the outlet found.",
    ], title=f"Houthi arsenal {XSS}", outlet="Al Jazeera", published=date(2023, 3, 1))
    lg.statement(a4, "A UN panel said the Houthis received drones from Iran.", supplier="IRN", recipient="houthis",
                 category="uav", status="delivered", claimant="un")
    lg.statement(a4, f"Iran shipped {XSS} missiles to the Houthis, the outlet found.", supplier="IRN",
                 recipient="houthis", category="missile", claimant="media")
    a5 = lg.article(["Belarus sent armoured vehicles to Russia, the BBC reported."], title="Belarus armour",
                    outlet="BBC", published=date(2023, 6, 1))
    lg.statement(a5, a5.text, supplier="BLR", recipient="RUS", category="armoured_vehicle", status="delivered",
                 claimant="media")
    lg.commit()
    return lg


def random_ledger(session: Session, n: int = 60, seed: int = 11, lg: Ledger | None = None) -> Ledger:
    """`n` generated statements over many pairs and categories (fixed seed), one article each."""
    lg = lg or Ledger(session, seed=seed)
    rng = random.Random(seed)
    states = ["IRN", "RUS", "PRK", "CHN", "BLR", "SYR", "TUR", "UKR", "USA", "GBR", "FRA", "DEU"]
    cats = ["uav", "artillery", "ammunition", "air_defence", "ballistic_missile", "armoured_vehicle", "naval"]
    day0 = date(2021, 1, 1)
    for i in range(n):
        sup, rec = rng.sample(states, 2)
        cat = rng.choice(cats)
        stance = rng.choices(["alleges", "denies", "confirms"], weights=[6, 2, 1])[0]
        sentence = f"Report {i}: {lg.actor(sup).name} and {lg.actor(rec).name} are linked to {cat.replace('_', ' ')} transfers."
        art = lg.article([sentence], title=f"Generated report {i}", outlet=rng.choice(["Wire A", "Wire B", "Wire C"]),
                         published=day0 + timedelta(days=rng.randrange(900)))
        lg.statement(art, sentence, supplier=sup, recipient=rec, category=cat, stance=stance,
                     status=rng.choice(["delivered", "planned", "unknown"]),
                     claimant=sup if stance != "alleges" else rng.choice(["USA", "GBR", "media", "un"]))
    lg.commit()
    return lg
