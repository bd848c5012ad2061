"""Stage 2, roles: which actor mention fills which role in a clause.

Subjects (not prepositional objects, not a weapon's origin), the actor after a preposition,
an origin adjective ("Iranian drones"), a relative clause's head, and pronoun subjects. Coordinated
actors and list items are in `lists`.
All offsets are relative to the sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache

from app.extract.lexicon import ActorMention
from app.extract.sentences import Sentence, rel_span, text_before
from app.extract.state import ArticleState


ROLE_KINDS = {"state", "group"}
_PREPS = "to|into|from|with|for|of|in|on|at|against|by|over|about|between|across|toward|towards|near|inside|within|than|via|through|under"
PREPS_BEFORE = re.compile(rf"\b(?:{_PREPS})\s+(?:the\s+|a\s+)?(?:neighbou?ring\s+)?$", re.I)
# PREPS_BEFORE read backwards: matched at the start of the reversed text, it finds whether PREPS_BEFORE
# matches at the end of the text (a search anchored at `$` tries every start; this tries one)
_PREPS_BEFORE_REVERSED = re.compile(rf"(?:\s+gniruobhgien|\s+gnirobhgien)?(?:\s+eht|\s+a)?\s+(?:{'|'.join(w[::-1] for w in _PREPS.split('|'))})\b", re.I)


def preps_before_text(before: str) -> bool:
    """`PREPS_BEFORE.search(before) is not None`, faster."""
    return _PREPS_BEFORE_REVERSED.match(before[::-1]) is not None
ACTOR_NOUN_AFTER = re.compile(
    r"^[-‑\s]*(?:\w+\s+)?(?:government|regime|officials?|authorities|military|army|forces|troops|leaders?|leadership|navy|"
    r"air force|state|side|ministry|president|counterparts?|allies|partners?|defen[cs]e ministry|soldiers|units|"
    r"operators|pilots|crews|personnel|companies|firms?|suppliers?|manufacturers?|industry|intelligence|diplomats?|"
    r"envoy|ambassador|mission|spokes\w+|sources?|generals?|commanders?|junta|rebels?|fighters|militants|militias?|"
    r"proxies|groups?|arsenals?|stocks|agents|middlemen|entities|authorities|administration|ministers?|secretary|chiefs?|embassy|lawmakers|makers?|exporters?|contractors?|shipyards?|buyers|customers)\b",
    re.I,
)
POSSESSIVE_AFTER = re.compile(r"^[’']s\b")
_CONTROLLED_AFTER = re.compile(r"[-‑](?:held|controlled|run|occupied|led|dominated)\b")
# "Kremlin-linked mercenaries", "Iran-backed militias": the actor qualifies the noun that follows, which is the party
_QUALIFIER_AFTER = re.compile(r"[-‑](?:held|controlled|run|occupied|led|dominated|linked|backed|allied|aligned|affiliated|"
                              r"funded|sponsored|friendly|leaning|connected|trained|armed)\b")
_DETERMINER = re.compile(r"(?:the\s+|a\s+|an\s+)?")
_WHICH_CLAUSE_BEFORE = re.compile(r",\s*(?:which|who)\b(?:[^,]|,(?=\d))*,\s*(?:[\w’'-]+\s+){0,3}$")
_PRONOUN_SUBJECT = re.compile(r"\b(?:it|they|we|(?:the|his|her|our|their|its) country|the state|the government|the regime|the group|the militia|the kingdom|the republic|"
                              r"the company|the firm|the manufacturer|the maker|the exporter|the contractor|the shipyard)\b\s*,?\s+(?:[\w,]+\s+){0,7}$", re.I)
_THAT_RE = re.compile(r"\bthat\b")

# What may precede a sentence's subject: a dateline ("CARACAS — ", "WASHINGTON: ") and "The".
DATELINE_OR_THE = re.compile(r"(?:[A-Z][A-Z .’'/-]+(?:,\s*[A-Za-z ]+)?\s*(?:[—–:-]|\(\w+\)\s*[—–-])\s*)?(?:The\s+)?")

# "to strike Ukrainian cities": a verb between "to" and the actor means the actor is not the recipient
_VERB_GAP = re.compile(r"\b(?:strike|attack|support|help|fight|defend|protect|counter|hit|target|be|use|prevent|stop|bolster|"
                       r"boost|strengthen|replace|deter|kill|bomb|shell|destroy|reach|sustain|arm|equip|supply|launch|fire)\b", re.I)


def speech_floor(st: "Sentence", lo: int, pos: int) -> int:
    """Subjects of a transfer verb are searched after the last speech verb or "that" before it."""
    floor = lo
    for m in st.said():
        if m.start() >= lo and m.end() <= pos:
            floor = max(floor, m.end())
    if st.text.find("that", lo, pos) >= 0:  # _THAT_RE is case-sensitive: no "that", no match
        for m in _THAT_RE.finditer(st.text, lo, pos):
            floor = max(floor, m.end())
    return floor


_ORIGIN_GAP = re.compile(r"(?:[-‑]?(?:made|built|designed|produced|manufactured|origin|type|style|standard|supplied|provided|era|vintage)\s*"
                         r"|\s*(?:\w+\s+){0,2}?)", re.I)
_MADE_AFTER = re.compile(r"[-‑](?:made|built|designed|produced|manufactured|supplied|era|vintage)", re.I)


def is_origin(st: Sentence, a: ActorMention) -> bool:
    """A demonym or name used as a weapon's origin ("Iranian drones", "North Korean-made shells")."""
    cache = st.origin_cache
    if a.start in cache:
        return cache[a.start]
    e = a.end - st.start
    result = False
    made_after = a.form == "demonym" or _MADE_AFTER.match(st.text, e) is not None
    for w in st.weapons:
        ws = w.start - st.start
        if ws < e or ws - e > 40:
            continue
        gap = st.text[e:ws]
        if made_after and _ORIGIN_GAP.fullmatch(gap):
            result = True
            break
        if gap == " " and a.form == "name" and a.kind == "state" and a.text.isupper():
            result = True
            break
    cache[a.start] = result
    return result


def _role_ok(a: ActorMention) -> bool:
    return a.kind in ROLE_KINDS and a.form != "institution" or (a.form == "institution" and a.kind in ROLE_KINDS and a.text[:1].isupper() and len(a.text) > 4 and a.text.isupper())


def actor_at(st: Sentence, pos: int, max_gap: int = 0) -> ActorMention | None:
    """The actor mention starting at `pos` (after an optional determiner), following possessive chains."""
    t = st.text
    p = _DETERMINER.match(t, pos).end() if pos <= len(t) else pos
    s0 = st.start
    for a in st.actors:
        s, e = a.start - s0, a.end - s0
        if _CONTROLLED_AFTER.match(t, e):
            continue
        if p <= s <= p + max_gap or s == pos:
            if POSSESSIVE_AFTER.match(t[e:]):
                nxt = actor_at(st, e + 3, 12)
                if nxt is not None and nxt.kind in ROLE_KINDS:
                    return nxt
            return a
        if s > p + max_gap:
            break
    return None


_PREP_OF_PERSON_BEFORE = re.compile(
    r"\b(?:representative|ambassador|envoy|government|minister|ministry|spokes\w+|delegate|delegation|president|leader|army|military|navy|"
    r"mercenaries|fighters|militants|members|units|forces|troops|militias?|rebels|commanders|officers|soldiers)\s+(?:of|for)\s+(?:the\s+)?$"
    r"|\b(?:entities|individuals|companies|firms|networks|smugglers|traders|brokers|elements|factions)\s+"
    r"(?:in|within|inside|from|based\s+in)\s+(?:the\s+)?$",  # "entities within Iran are sending"
    re.I)


def preps_before(st: Sentence, a: ActorMention) -> bool:
    """Whether a preposition stands right before the mention (PREPS_BEFORE; memoised per sentence)."""
    key = ("prep", a.start)
    found = st.origin_cache.get(key)
    if found is None:
        found = st.origin_cache[key] = preps_before_text(text_before(st.text, a.start - st.start))
    return found


def _may_be_subject(st: Sentence, a: ActorMention) -> bool:
    """What `subject_actor` asks of a mention whatever the span (memoised per sentence): a state or
    group, not qualifying a noun, not a prepositional object, not a weapon's origin or a bare demonym."""
    key = ("subject", a.start)
    ok = st.origin_cache.get(key)
    if ok is None:
        t, e = st.text, a.end - st.start
        before = text_before(t, a.start - st.start)
        ok = a.kind in ROLE_KINDS and not _QUALIFIER_AFTER.match(t, e) \
            and not (preps_before(st, a) and not _PREP_OF_PERSON_BEFORE.search(before)) \
            and not (is_origin(st, a) and not ACTOR_NOUN_AFTER.match(t[e:])) \
            and not (a.form == "demonym" and not ACTOR_NOUN_AFTER.match(t[e:]))
        st.origin_cache[key] = ok
    return ok


# a comparison set off by commas ("Serbia, unlike Hungary, has sent ...", "Belarus, as it did with Kyiv, ...")
# names no subject: the subject stands before it
ASIDE_OPENERS = r"like|unlike|as\s+(?:it|they|he|she|with|in)"  # also read by attribution's relative clauses
_ASIDE = re.compile(rf",\s+(?:{ASIDE_OPENERS})\b[^,.;]*,")


def _asides(st: Sentence) -> list[tuple[int, int]]:
    key = ("asides",)
    spans = st.origin_cache.get(key)
    if spans is None:
        t = st.text
        spans = [m.span() for m in _ASIDE.finditer(t)] if (" like " in t or " unlike " in t or ", as " in t) else []
        st.origin_cache[key] = spans
    return spans


def subject_actor(st: Sentence, lo: int, pos: int) -> ActorMention | None:
    """The nearest actor before `pos` in [lo, pos) that is not a prepositional object, a weapon's origin
    or inside a comparison aside; a clause that opens with such an aside has its subject before it."""
    asides = _asides(st)
    for a0, a1 in asides:
        if a0 <= lo <= a0 + 2 and a1 <= pos:
            lo = 0
    best = None
    s0 = st.start
    for a in st.actors:
        if a.start - s0 < lo or a.end - s0 > pos:
            continue
        if asides and any(a0 <= a.start - s0 < a1 for a0, a1 in asides):
            continue
        if _may_be_subject(st, a):
            best = a
    return best


@lru_cache(maxsize=64)
def _prep_re(preps: str) -> re.Pattern:
    return re.compile(rf"\b(?:{preps})\s+", re.I)


@lru_cache(maxsize=64)
def _prep_first_words(preps: str) -> frozenset[str]:
    return frozenset(p.split()[0].lower() for p in preps.split("|"))


@lru_cache(maxsize=1024)
def _prep_subset_re(preps: str, firsts: frozenset[str]) -> re.Pattern | None:
    kept = [p for p in preps.split("|") if p.split()[0].lower() in firsts]
    return re.compile(rf"\b(?:{'|'.join(kept)})\s+", re.I) if kept else None


def prep_re_for(st: Sentence, preps: str) -> re.Pattern | None:
    """`_prep_re(preps)` cut to the prepositions whose first word is one of the sentence's words (None:
    none is): the same matches, in the same order of alternatives, unless a letter folds to ASCII."""
    if st.folds:
        return _prep_re(preps)
    return _prep_subset_re(preps, st.words & _prep_first_words(preps))


def prep_actor(st: Sentence, lo: int, hi: int, preps: str) -> ActorMention | None:
    rx = prep_re_for(st, preps)
    if rx is None:
        return None
    for m in rx.finditer(st.text, lo, hi):
        a = actor_at(st, m.end(), 14)
        if a is not None and a.kind in ROLE_KINDS and not _VERB_GAP.search(st.text[m.end(): a.start - st.start]):
            return a
    return None


def origin_actor(st: Sentence, lo: int, hi: int) -> ActorMention | None:
    for a in st.actors:
        s, e = rel_span(st, a)
        if lo <= s and e <= hi and a.kind in ROLE_KINDS and is_origin(st, a):
            return a
    return None


def relative_head(st: Sentence, lo: int, pos: int) -> ActorMention | None:
    """ "India, which shares a border with Myanmar, transferred ...": the subject before the relative clause."""
    t = st.text
    m = _WHICH_CLAUSE_BEFORE.match(t[lo:pos])
    if not m:
        return None
    return next((a for a in st.actors if a.kind in ROLE_KINDS and a.end - st.start == lo), None)


_INSIDE_RELATIVE = re.compile(r",\s*(?:which|who)\s+(?!(?:the|a|an|he|she|they|we|I)\b)(?![A-Z])[^,;]*$")


_HEAD_NOUN_ONLY = re.compile(r"\s+(?:government|regime|authorities|military|army|navy|leadership|administration)\s*")


def relative_antecedent(st: Sentence, pos: int) -> ActorMention | None:
    """ "the United States, which ... has been stepping up arms deliveries to Ukraine": a trigger inside a
    subject relative clause has the clause's antecedent as its subject."""
    t = st.text
    if "which" not in st.words and "who" not in st.words:
        return None  # every match has one of them
    m = _INSIDE_RELATIVE.search(t, 0, pos)
    if m is None:
        return None
    return next((a for a in reversed(st.actors) if a.kind in ROLE_KINDS and a.end - st.start <= m.start()
                 and (not t[a.end - st.start:m.start()].strip()
                      or (a.form == "demonym" and _HEAD_NOUN_ONLY.fullmatch(t, a.end - st.start, m.start())))), None)


def pronoun_subject(st: Sentence, lo: int, pos: int) -> bool:
    return bool(_PRONOUN_SUBJECT.search(st.text[max(lo, pos - 80):pos]))


_AGENT_NOUNS = r"company|firm|manufacturer|maker|exporter|contractor|shipyard|group|government|ministry"
IT_THEY = re.compile(rf"(?:It|They|The (?:{_AGENT_NOUNS}))\b")


def first_actor(st: Sentence) -> ActorMention | None:
    """The sentence's first state or group that is not a weapon's origin."""
    return next((a for a in st.actors if a.kind in ROLE_KINDS and not is_origin(st, a)), None)


_FORCES_WORDS = r"(?:military|army|junta|regime|armed forces|air force)"
_FORCES_AFTER = re.compile(rf"(?:[’']s)?\s+(?:[\w-]+\s+)?{_FORCES_WORDS}\b", re.I)
_FORCES_IN = re.compile(rf"\b{_FORCES_WORDS}\b", re.I)


def remember_subject(st: Sentence, state: ArticleState) -> None:
    """A sentence's leading actor is what "It" / "They" opening the next sentences refer to; its last
    armed group is what "the group" refers to."""
    t = st.text
    for a in st.actors:
        if a.kind == "group":
            state.last_group = a.code
        elif a.kind == "state" and (_FORCES_AFTER.match(t, a.end - st.start) or _FORCES_IN.search(a.text)):
            state.last_forces = a.code  # "Myanmar's military government", "the Myanmar junta"
    lead = leading_actor(st)
    if lead is not None:
        state.last_subject = lead.code
    elif st.actors and not IT_THEY.match(st.text):
        state.last_subject = None  # a sentence about other actors; one that names none keeps the subject


def leading_actor(st: Sentence) -> ActorMention | None:
    """The party that opens the sentence (after a dateline or "The"), if one does."""
    lead = st.actors[0] if st.actors else None
    if lead is not None and lead.kind in ROLE_KINDS and DATELINE_OR_THE.fullmatch(st.text[: lead.start - st.start]):
        return lead
    return None


_ANNOUNCED = re.compile(r"\s*(?:,[^,]{1,40},\s*|(?:on|in|at|this|last|late|early)\s+\w+\s+|\w+ly\s+|also\s+|has\s+|have\s+|had\s+|"
                        r"made\s+a\s+determination\s+|(?:said|says)\s+(?:that\s+)?(?:it|they)\s+)*"
                        r"(?:(?:announc|unveil|approv|authori[sz]|pledg|promis|commit|clear|green-?l|okay|confirm|acknowledg|admit)\w*|"
                        r"sign\w*\s+off\s+on|notif\w*\s+(?:the\s+)?(?:Congress|lawmakers|legislators|parliament)"
                        r"(?:\s+(?:on|in|this|last)\s+\w+)?\s+(?:of|about))\s+"
                        r"(?:(?:a|an|the|its|their|his|her|another|further|additional|new|fresh|first|latest|second|third|"
                        r"\$?[\d.,]+(?:bn|m)?|(?:\w+-)?(?:million|billion)|dollar|euro|pound|worth|of|[\w-]+(?:st|nd|rd|th))\s+){0,6}"
                        r"(?:[\w-]+\s+){0,3}$", re.I)


_MADE_IN = re.compile(r"\b(?:made|built|produced|manufactured|designed)\s+in\s+(?:the\s+)?", re.I)


def goods_owner(st: Sentence, lo: int, hi: int) -> ActorMention | None:
    """The party whose possessive is right before goods between `lo` and `hi` ("South Korea's K9 howitzers")."""
    t = st.text
    for w in st.weapons:
        ws = w.start - st.start
        if lo <= ws < hi:
            owner = next((a for a in st.actors if a.kind in ROLE_KINDS and _OWNS.fullmatch(t, a.end - st.start, ws)), None)
            if owner is not None:
                return owner
    return None


_OWNS = re.compile(r"[’']s\s+(?:[A-Z][\w-]*\s+){0,2}")


def made_in_actor(st: Sentence, lo: int, hi: int) -> ActorMention | None:
    """The state in "made in X" between `lo` and `hi`, right after a weapon."""
    t = st.text
    for m in _MADE_IN.finditer(t, lo, hi):
        if any(0 <= m.start() - (w.end - st.start) <= 2 for w in st.weapons):
            return next((a for a in st.actors if a.start - st.start == m.end() and a.kind == "state"), None)
    return None


def announced_by(between: str) -> bool:
    """ "X [on Tuesday] announced a new $300 million security assistance [package]": the subject of the
    announcing verb owns the transfer noun that ends its object."""
    return len(between.split()) <= 14 and _ANNOUNCED.match(between) is not None
