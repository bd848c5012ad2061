"""Synthetic news corpus for load tests: N articles of ~600 words about arms transfers.

    python -m tests.perf.generate --n 100000 --out /tmp/corpus            # .txt files
    python -m tests.perf.generate --n 100000 --out /tmp/corpus --format jsonl

Article i depends only on (seed, i), so a 10k corpus is the first tenth of a 100k
one and two runs with the same seed write byte-identical files. Styles: wire copy,
live blog, press statement, interview, fact-check; about a third carry the noise of
a scraped web page. Each article reports one to three transfers (alleges), often
answered by a denial, sometimes confirmed, between many states and groups, with
named systems, quantities, titled speakers and dates from 2019 to 2025.
It is a test tool, not a product command.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tests.perf.vocab import (
    ANALYST_TITLES, CATEGORIES, FIRST_NAMES, GROUPS, HEAD_PAIRS, LAST_NAMES, MONTHS, OUTLETS, PARTIES,
    QUANTITIES, STATES, THIRD_PARTY_VOICES, TITLES_ORG, TITLES_STATE, TITLES_USA, WEEKDAYS, Party,
)

DEFAULT_SEED = 20221210
FIRST_DAY = date(2019, 1, 1)
DAYS = (date(2025, 10, 31) - FIRST_DAY).days
STYLES = ("wire", "wire", "wire", "live", "press", "interview", "factcheck")
FILES_PER_DIR = 1000


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    index: int
    style: str
    title: str
    body: str  # the article text without the date header
    published: date | None
    outlet: str
    url: str
    transfers: tuple[tuple[str, str, str], ...] = ()  # (supplier, recipient, category) the article reports

    def as_txt(self) -> str:
        """The text file: the ` date YYYY-MM-DD` header (when dated) and the body on the same line."""
        return f" date {self.published.isoformat()} {self.body}" if self.published else self.body

    def as_record(self) -> dict:
        return {"title": self.title, "text": self.body, "url": self.url,
                "published": self.published.isoformat() if self.published else None}


@dataclass(frozen=True, slots=True)
class Official:
    name: str
    title: str  # "Iranian foreign ministry spokesperson", "White House spokesman"


def _officials(seed: int) -> dict[str, tuple[Official, ...]]:
    """A fixed cast of speakers per state, group and organisation (the same for every article)."""
    rnd = random.Random(f"{seed}-officials")
    cast: dict[str, tuple[Official, ...]] = {}
    for party in STATES + GROUPS:
        titles = TITLES_USA if party.code == "USA" else tuple(f"{party.demonym} {t}" for t in TITLES_STATE)
        if party in GROUPS:
            titles = (f"{party.demonym} spokesman", f"senior {party.demonym} commander", f"{party.demonym} political official")
        cast[party.code] = tuple(
            Official(f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}", rnd.choice(titles)) for _ in range(8)
        )
    for code, titles in TITLES_ORG.items():
        cast[code] = tuple(Official(f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}", rnd.choice(titles)) for _ in range(5))
    cast["analyst"] = tuple(
        Official(f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}", rnd.choice(ANALYST_TITLES)) for _ in range(60)
    )
    return cast


_HEAD_WEIGHTS = [w for *_, w in HEAD_PAIRS]
_TAIL_PARTIES = STATES + GROUPS
_CATEGORY_SLUGS = tuple(CATEGORIES)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


_PLURAL_SYSTEMS = {"combat_aircraft", "aircraft", "helicopter", "armoured_vehicle"}  # "Su-35s", "Leopard 2s"


def _weapon(rnd: random.Random, category: str, with_quantity: bool) -> tuple[str, str]:
    """(phrase with quantity, phrase without), e.g. ("hundreds of Shahed-136 drones", "Shahed-136 drones")."""
    generic, systems = CATEGORIES[category]
    if systems and rnd.random() < 0.5:
        name, noun = rnd.choice(systems)
        bare = f"{name}s" if category in _PLURAL_SYSTEMS and rnd.random() < 0.3 else f"{name} {noun}"
    else:
        bare = rnd.choice(generic)
    qty = rnd.choice(QUANTITIES) if with_quantity and category not in ("unspecified", "components") else ""
    return qty + bare, bare


@dataclass(slots=True)
class _Transfer:
    supplier: Party
    recipient: Party
    category: str
    weapon: str
    weapon_bare: str
    plausible: tuple[str, ...]  # categories this pair is reported for


def _transfer(rnd: random.Random, anchor: _Transfer | None) -> _Transfer:
    """A transfer: mostly from the well-reported pairs, a long tail of random ones; often the same pair again."""
    if anchor is not None and rnd.random() < 0.5:
        s, r, cats = anchor.supplier, anchor.recipient, anchor.plausible
        cat = rnd.choice([c for c in cats if c != anchor.category] or list(_CATEGORY_SLUGS))
    elif rnd.random() < 0.7:
        sc, rc, cats, _ = rnd.choices(HEAD_PAIRS, weights=_HEAD_WEIGHTS)[0]
        s, r, cat = PARTIES[sc], PARTIES[rc], rnd.choice(cats)
    else:
        s, r = rnd.sample(_TAIL_PARTIES, 2)
        cats = tuple(rnd.sample(_CATEGORY_SLUGS, 3))
        cat = cats[0]
    weapon, bare = _weapon(rnd, cat, with_quantity=rnd.random() < 0.6)
    return _Transfer(s, r, cat, weapon, bare, cats)


ALLEGES = (
    "{V} says {S} has delivered {W} to {R}, {T} {P} said.",
    "{S} has sent {W} to {R}, {Vm} said, adding that more shipments were expected.",
    "{S} has delivered {W} to {R}, {T} {P} said on {Day}.",
    "{T} {P} said {S} had supplied {R} with {W}.",
    "{V} says {S} has sent {W} to {R}.",
    "According to {Vadj} intelligence assessments, {S} is preparing to transfer {W} to {R}.",
    "{P} said {S} was considering the sale of {W} to {R}.",
    "{P}, the {T}, accused {S} of supplying {W} to {R}.",
    "{R} has received {W} from {S}, {O} reported, citing two officials familiar with the matter.",
    "{V} accused {S} of shipping {W} to {R} in violation of UN sanctions.",
    "“{S} continues to send {W} to {R},” {P} told reporters.",
    "{Sm} has shipped {W} to {R} since the summer, according to {O}.",
    "{V} said on {Day} that {R} had obtained {W} from {S}.",
    "{R} is seeking to buy {W} from {S}, {T} {P} said.",
    "{S} plans to deliver {W} to {R} by the end of the year, {Vm} said in a statement.",
    "{V} believes {S} sold {W} to {R} earlier this year.",
)
DENIES = (
    "{Sm} denied the claim.",
    "{S} has denied supplying {Wb} to {R}.",
    "“We have never supplied weapons to {R},” {ST} {SP} said.",
    "{Sm} rejected the accusations as baseless.",
    "{SP}, the {ST}, dismissed the reports as “lies and propaganda”.",
    "{R} denies receiving any {Wb} from {S}.",
    "{Sm} has repeatedly denied sending {Wb} to {R}.",
    "{ST} {SP} denied that {S} had provided {Wb} to {R}.",
)
CONFIRMS = (
    "{S} confirmed it had delivered {W} to {R}, {ST} {SP} said.",
    "{ST} {SP} acknowledged that {S} had sent {W} to {R} before the war.",
    "{S} announced a new package of military aid for {R} that includes {W}.",
    "{R} has taken delivery of {W} from {S}, the {Rd} defence ministry said.",
    "{ST} {SP} said {S} had signed a contract to supply {W} to {R}.",
)
FILLER = (
    "The war has entered its {nth} year, with no sign of a negotiated settlement.",
    "{Rm} has faced mounting pressure at home over the cost of the conflict.",
    "Officials in {City} declined to comment on the report.",
    "{Rx} launched {n} drones overnight, {m} of which were shot down, the air force said.",
    "Debris of {an} {Sd}-made missile was found near {Place}, investigators said.",
    "The talks in {City} ended on {Day} without a joint statement.",
    "Analysts say the relationship between {Sm} and {Rm} has deepened markedly since {Year}.",
    "“This is a dangerous escalation,” said {A}, {AT}.",
    "Trade between the two countries rose {n} per cent last year, according to customs data.",
    "Sanctions imposed in {Year} have made it harder for {S} to obtain Western components.",
    "The foreign ministers of both countries met on the sidelines of a regional summit on {Day}.",
    "{O} could not independently verify the claims.",
    "The statement did not say when any shipments would take place.",
    "Markets in {City} were little changed on the news, with the main index up {m} per cent.",
    "Energy prices have climbed sharply since the start of the year, squeezing household budgets across the region.",
    "Humanitarian groups warned that civilians were bearing the brunt of the fighting around {Place}.",
    "A spokesperson for the ministry said more details would be released in due course.",
    "The parliament in {City} is expected to vote on the defence budget next month.",
    "Officials said the exercise involved about {n}00 troops and lasted {m} days.",
    "It was not clear how the claims could be verified independently.",
    "{A}, {AT}, said the figures were consistent with earlier estimates but warned against drawing firm conclusions.",
    "The Security Council is due to discuss the matter again on {Day}.",
    "Air raid sirens sounded across {Place} for nearly {m} hours on {Day}.",
    "The government has promised to publish an annual report on arms export licences, but the last one appeared in {Year}.",
    "Shipping data reviewed by {O} showed a cargo vessel making repeated calls at a port near {Place}.",
    "Both governments have called for restraint and a return to talks.",
    "“We will respond to any threat with all the means at our disposal,” {A} said in a televised address.",
    "The ministry said {n} people had been injured and {m} killed in the strikes.",
    "Prices for grain exports fell for the third consecutive week.",
    "The opposition accused the government of secrecy over the deal and demanded a public inquiry.",
    "Satellite images published on {Day} showed new construction at an airbase outside {Place}.",
    "Military exports account for roughly {m} per cent of the country's manufacturing output.",
    "The embassy in {City} did not respond to a request for comment.",
    "The ceasefire agreed in {Year} collapsed within weeks.",
    "Defence spending across the region has risen by a third since {Year}, according to a think-tank's annual survey.",
    "Veterans' groups staged a protest outside the defence ministry on {Day}.",
)
PLACES = ("Kharkiv", "Odesa", "Zaporizhzhia", "Hodeidah", "Aden", "Bandar Abbas", "Kursk", "Belgorod", "Sevastopol",
          "Latakia", "Port Sudan", "Gao", "Rason", "Vladivostok", "Gdańsk", "Kaohsiung", "Karachi", "Ganja", "the border")
ORDINALS = ("second", "third", "fourth", "fifth")


class _Writer:
    """Fills the templates for one article with one random stream."""

    def __init__(self, rnd: random.Random, cast: dict[str, tuple[Official, ...]], published: date | None, outlet: str,
                 parties: tuple[str, str]) -> None:
        self.rnd = rnd
        self.cast = cast
        self.published = published
        self.outlet = outlet
        voices = [v for v in THIRD_PARTY_VOICES if v[0] not in parties]
        self.voice_code, self.voice, self.voice_adj = rnd.choice(voices)
        self.voice_official = rnd.choice(cast[self.voice_code])
        self.voice_mid = self.voice[0].lower() + self.voice[1:] if self.voice.startswith(("The ", "A ")) else self.voice
        self.deck: list[str] = []

    def _fields(self, t: _Transfer) -> dict[str, str]:
        rnd = self.rnd
        s_off = rnd.choice(self.cast[t.supplier.code])
        analyst = rnd.choice(self.cast["analyst"])
        year = (self.published or date(2023, 1, 1)).year
        return {
            "an": "an" if t.supplier.demonym[0] in "AEIOU" else "a",
            "S": t.supplier.name, "Sm": t.supplier.metonym, "Sd": t.supplier.demonym,
            "R": t.recipient.name, "Rm": t.recipient.metonym, "Rd": t.recipient.demonym, "Rx": t.recipient.name,
            "W": t.weapon, "Wb": t.weapon_bare,
            "V": self.voice, "Vm": self.voice_mid, "Vadj": self.voice_adj, "P": self.voice_official.name, "T": self.voice_official.title,
            "SP": s_off.name, "ST": s_off.title, "A": analyst.name, "AT": analyst.title,
            "O": self.outlet, "Day": rnd.choice(WEEKDAYS), "City": rnd.choice(STATES).metonym,
            "Place": rnd.choice(PLACES), "Year": str(rnd.randint(2014, max(2015, year - 1))),
            "n": str(rnd.randint(3, 90)), "m": str(rnd.randint(2, 30)), "nth": rnd.choice(ORDINALS),
        }

    def sentence(self, templates: tuple[str, ...], t: _Transfer) -> str:
        return _cap(self.rnd.choice(templates).format(**self._fields(t)))

    def filler(self, t: _Transfer, k: int) -> str:
        """k context sentences, none repeated within the article until all have been used."""
        out = []
        for _ in range(k):
            if not self.deck:
                self.deck = list(FILLER)
                self.rnd.shuffle(self.deck)
            out.append(_cap(self.deck.pop().format(**self._fields(t))))
        return " ".join(out)

    def claim_paragraph(self, t: _Transfer) -> list[str]:
        """An allegation, then (often) the denial that answers it or a confirmation, with some context."""
        rnd = self.rnd
        first = self.sentence(ALLEGES, t)
        roll = rnd.random()
        if roll < 0.45:
            answer = self.sentence(DENIES, t)
        elif roll < 0.6:
            answer = self.sentence(CONFIRMS, t)
        else:
            answer = self.filler(t, 1)
        paras = [f"{first} {answer}" if rnd.random() < 0.6 else first]
        if len(paras[0]) == len(first):
            paras.append(answer)
        return paras


def _date_long(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def make_article(i: int, seed: int = DEFAULT_SEED, cast: dict[str, tuple[Official, ...]] | None = None) -> GeneratedArticle:
    """Article number `i` of the corpus for `seed`."""
    rnd = random.Random(f"{seed}-{i}")
    cast = cast or _officials(seed)
    style = rnd.choice(STYLES)
    published = FIRST_DAY + timedelta(days=rnd.randrange(DAYS)) if rnd.random() < 0.92 else None
    outlet, domain = rnd.choice(OUTLETS)
    main = _transfer(rnd, None)
    w = _Writer(rnd, cast, published, outlet, (main.supplier.code, main.recipient.code))
    transfers = [main] + [_transfer(rnd, main) for _ in range(rnd.choice((0, 0, 1, 1, 2)))]
    target_words = rnd.randint(380, 700)

    paras: list[str] = []
    for t in transfers:
        paras += w.claim_paragraph(t)
        paras.append(w.filler(t, rnd.randint(1, 3)))
    while sum(len(p.split()) for p in paras) < target_words:
        t = rnd.choice(transfers)
        roll = rnd.random()
        if roll < 0.12:  # the claim restated further down, by another voice, as articles do
            paras.append(f"{w.sentence(ALLEGES, t)} {w.filler(t, rnd.randint(0, 2))}".rstrip())
        elif roll < 0.2:
            paras.append(f"{w.filler(t, 1)} {w.sentence(DENIES if rnd.random() < 0.75 else CONFIRMS, t)}")
        else:
            paras.insert(rnd.randint(1, len(paras)), w.filler(t, rnd.randint(1, 3)))

    s, r, wb = main.supplier, main.recipient, main.weapon_bare
    dated = published or date(2023, 6, 1)
    if style == "wire":
        title = rnd.choice((f"{_cap(s.name)} accused of sending {wb} to {r.name}",
                            f"{s.metonym} denies supplying {wb} to {r.name}",
                            f"{_cap(r.name)} received {wb} from {s.name}, officials say"))
        city = rnd.choice((s.city, r.city, "WASHINGTON", "LONDON", "KYIV", "BRUSSELS", "UNITED NATIONS"))
        paras[0] = f"{city} ({_cap(outlet)}) — {paras[0]}"
        paras.append(f"Reporting by {rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}; "
                     f"editing by {rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}")
        blocks = paras
        body = "\n\n".join(blocks)
    elif style == "live":
        title = f"{_cap(r.name) if r.code != 'UKR' else 'Russia-Ukraine war'} live: {s.metonym} under pressure over {wb}"
        minutes = sorted(rnd.sample(range(6 * 60, 23 * 60), len(paras)))
        entries = [f"{m // 60:02d}:{m % 60:02d}\n{p}" for m, p in zip(minutes, paras)]
        body = "\n\n".join([title, f"{_date_long(dated)} · all times local"] + entries)
    elif style == "press":
        title = f"Statement on {s.name}'s transfer of {wb} to {r.name}"
        org = w.voice if w.voice_code != "un" else "United Nations, Office of the Spokesperson"
        paras[0] = f"{_cap(w.voice_adj)} officials condemn the continued transfer of {main.weapon} from {s.name} to {r.name}. {paras[0]}"
        body = "\n\n".join(["PRESS STATEMENT", org, _date_long(dated), title] + paras
                           + ["###", f"For media enquiries: press@{domain}"])
    elif style == "interview":
        guest = w.voice_official
        title = f"Interview: {guest.name} on {s.name}, {r.name} and the arms pipeline"
        intro = (f"{guest.name} is {guest.title}. {_cap(outlet)} spoke to {guest.name.split()[-1]} "
                 f"about reports of weapons moving from {s.name} to {r.name}. The interview has been edited for length.")
        questions = ("What do you know about the shipments?", "How confident are you in that assessment?",
                     "What has the other side said?", "What happens next?", "Is there any sign of a slowdown?")
        qa = [f"Q: {rnd.choice(questions)}\nA: {p}" for p in paras]
        body = "\n\n".join([title, intro] + qa)
    else:  # factcheck
        title = f"FACT CHECK: Has {s.name} sent {wb} to {r.name}?"
        verdict = rnd.choice(("Partly true", "Unproven", "Mostly true", "Misleading"))
        body = "\n\n".join([title, "By the Verification Desk",
                            f"CLAIM: A post shared thousands of times says {s.name} “has shipped {main.weapon} to {r.name}”.",
                            f"OUR VERDICT: {verdict}.", "What was said"] + paras[: len(paras) // 2]
                           + [f"What {s.name} says"] + paras[len(paras) // 2:])

    if rnd.random() < 0.33:
        body = _scraped(rnd, body, title, outlet)
    slug = "-".join("".join(c for c in word if c.isascii() and (c.isalnum() or c == "-"))
                    for word in title.lower().split()[:8])
    url = f"https://{domain}/{dated.year}/{dated.month:02d}/{slug}-{i}"
    truth = tuple(dict.fromkeys((t.supplier.code, t.recipient.code, t.category) for t in transfers))
    return GeneratedArticle(i, style, title, body, published, _cap(outlet), url, truth)


def _scraped(rnd: random.Random, body: str, title: str, outlet: str) -> str:
    """The page furniture a scraper leaves behind: menus, bylines, captions, 'Related' links, a cut-off end."""
    blocks = body.split("\n\n")
    head = ["Skip to main content", "Menu", "Search", rnd.choice(("World | Europe | Middle East | Asia", "News · Defence · Security")),
            title, f"By {rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}, {rnd.choice(('Staff Writer', 'Defence Correspondent', 'Reuters'))}",
            f"Updated {rnd.randint(1, 11)} hours ago", "Share this article"]
    for _ in range(rnd.randint(1, 3)):
        at = rnd.randint(1, len(blocks))
        blocks.insert(at, rnd.choice((
            "Advertisement",
            f"Related: {rnd.choice(STATES).name} unveils new defence strategy",
            f"Photo: A convoy near {rnd.choice(PLACES)}. (Agency photo)",
            "Sign up for our daily briefing",
            "READ MORE",
        )))
    tail = ["Share", "Copy link", f"© {_cap(outlet)}. All rights reserved."]
    if rnd.random() < 0.3:
        last = blocks[-1]
        blocks[-1] = last[: max(20, len(last) * 2 // 3)]
        tail = []
    return "\n".join(head) + "\n\n" + "\n\n".join(blocks) + ("\n\n" + "\n".join(tail) if tail else "")


def iter_articles(n: int, seed: int = DEFAULT_SEED, start: int = 0):
    cast = _officials(seed)
    for i in range(start, start + n):
        yield make_article(i, seed, cast)


def write_corpus(out: Path, n: int, *, fmt: str = "txt", seed: int = DEFAULT_SEED, start: int = 0) -> int:
    """Write articles start..start+n-1 under `out`; returns the number of words written."""
    out.mkdir(parents=True, exist_ok=True)
    words = 0
    if fmt == "jsonl":
        with (out / f"corpus-{seed}-{start}-{n}.jsonl").open("w", encoding="utf-8") as fh:
            for a in iter_articles(n, seed, start):
                words += len(a.body.split())
                fh.write(json.dumps(a.as_record(), ensure_ascii=False) + "\n")
        return words
    for a in iter_articles(n, seed, start):
        folder = out / f"{a.index // FILES_PER_DIR:05d}"
        if a.index % FILES_PER_DIR == 0 or not folder.exists():
            folder.mkdir(exist_ok=True)
        words += len(a.body.split())
        (folder / f"article-{a.index:07d}.txt").write_text(a.as_txt(), encoding="utf-8")
    return words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--format", choices=("txt", "jsonl"), default="txt",
                        help="txt: one file per article in folders of 1000; jsonl: one file of {title,text,url,published}")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", type=int, default=0, help="index of the first article (to extend a corpus)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out}: exists and is not a folder")
    t0 = time.perf_counter()
    words = write_corpus(args.out, args.n, fmt=args.format, seed=args.seed, start=args.start)
    dt = time.perf_counter() - t0
    print(f"wrote {args.n} articles ({words:,} words, {words / args.n:.0f} per article) to {args.out} "
          f"as {args.format} in {dt:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
