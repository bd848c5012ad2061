"""Stage 3a, triggers: the words that name a transfer in a sentence (verbs, nouns, "X-supplied", ...).

`find_triggers(st)` returns the sentence's `Trigger`s in order, each with its kind (supply /
acquire) and form (verb, passive, noun, adj, turned, train, contract, arrive, dealings,
supplier, buyer, possess, thank, carry). Every regex scan here is skipped by an exact word guard.
"""
from __future__ import annotations

import re

from app.extract import patterns as P
from app.extract.sentences import Sentence, has_any
from app.extract.state import Trigger


_HYPHEN_END = re.compile(r"[-‑]$")
_ADVERB_GAP = re.compile(r",\s+(?:first|initially|later|originally|also|previously|mostly)\s+")
_TO_AFTER = re.compile(r"^\s+to\b")
_PASSIVE_AFTER = re.compile(r"^\s+(?:by|to|from|in|last|this|over|under|during)\b")
_COMMA_SEMI = re.compile(r"[,;]")
_DEALINGS_RE = re.compile(r"\b(?:arms|weapons|military)\s+(?:dealings|deals|trade|cooperation)\s+with\b", re.I)
_SUPPLIER_RE = re.compile(r"\b(?:arms\s+|weapons\s+)?suppliers?\b", re.I)
# "the S-400's customers include China, India and Turkey", "customers for the TB2 have included ..."
_CUSTOMERS_RE = re.compile(r"\b(?:customers|buyers|clients|operators|importers)\b(?=(?:\s+[\w’'-]+){0,6}?\s+"
                           r"(?:have\s+|has\s+)?(?:include[ds]?|included|are|were|such as|among them)\b)", re.I)
# "India is the largest buyer of Russian arms", "Egypt, a major customer for French jets"
_BUYER_RE = re.compile(r"\b(?:buyers?|customers?|importers?|clients?|purchasers?)\s+(?:of|for)\b", re.I)
_POSSESSION_RE = re.compile(r"\b(?:in|into)\s+(?:the\s+)?(?:hands\s+of\s+(?:the\s+)?)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?(?:[’']s?)?\s+"
                            r"(?:arsenals?|inventor(?:y|ies)|stockpiles?|stocks|possession|service|units)\b")
_POSSESSION_NOUNS = ("arsenal", "inventor", "stockpile", "stocks", "possession", "service", "units")  # guard for the above


# verbs that name a transfer only with a party as their object ("armed the rebels", "signed up the air force for")
_ARM_VERBS = frozenset({"arm", "armed", "arms", "signed up", "signs up", "signing up"})
# a word every ORIGIN_RE match contains (the sentence's ASCII words; a guard before the scan)
_ORIGIN_WORDS = frozenset({"came", "come", "comes", "coming", "originate", "originates", "originated", "originating",
                           "made", "manufactured", "produced", "traced"})
_BE_WORDS = frozenset({"are", "is", "was", "were"})  # "most weapons on X's streets are from Y" (with "from")
_THE = re.compile(r"\s+(?:the\s+)?")


def _object_is_actor(st: Sentence, pos: int) -> bool:
    m = _THE.match(st.text, pos)
    return m is not None and any(a.start - st.start == m.end() for a in st.actors)


_SUBJECT_WORD_BEFORE = re.compile(r"\b(?:it|they|which|who|that)\s+(?:\w+ly\s+|also\s+|still\s+)?$", re.I)


def _subject_right_before(st: Sentence, pos: int) -> bool:
    """A state or group by name, or a subject pronoun, right before `pos` (adverbs allowed)."""
    if _SUBJECT_WORD_BEFORE.search(st.text, max(0, pos - 30), pos):
        return True
    gap = re.compile(r"\s+(?:\w+ly\s+|also\s+|still\s+)?")
    return any(a.form != "demonym" and gap.fullmatch(st.text, a.end - st.start, pos) for a in st.actors)


_REDUCED_RELATIVE = {"bought", "ordered", "acquired", "purchased", "imported", "procured"}
_BY_AFTER = re.compile(r"\s+(?:\w+ly\s+)?by\s")


# ADJ_SUPPLIED_RE matches a hyphen and one of these participles, or has "by" as a word of its own
_ADJ_HYPHENED = tuple(h + v for h in "-‑" for v in ("supplied", "provided", "donated", "delivered", "sold", "furnished"))
# every PASSIVE_AUX_RE match holds one of these (lower-cased), unless a letter folds to ASCII
_PASSIVE_AUX_HINTS = ("be", "is", "are", "was", "were", "get", "got")


def _may_be_passive(st: Sentence, before: str) -> bool:
    """False only when PASSIVE_AUX_RE cannot match `before[-60:]` (a cheap guard before the scan)."""
    return st.folds or has_any(before[-60:].lower(), *_PASSIVE_AUX_HINTS)


# supply verbs that are also nouns: a noun after "the", "arms", "X's" ("arms smuggling from Iran") or before "of/from"
_NOUN_TOO = frozenset({"supply", "supplies", "transfer", "export", "exports", "offer", "offers", "pledge", "pledges",
                       "smuggling", "trafficking"})
_ACQ_NOUN_FORMS = frozenset({"purchase", "imports", "order"})
_THIRD_PERSON_VERBS = frozenset({"imports", "purchases"})  # nouns that are also a verb after a subject
_POSSESSIVE_BEFORE = re.compile(r"[’']s\s+(?:[\w-]+\s+)?$")
_INSTITUTION_AFTER = re.compile(r"\s+(?:agency|agencies|office|authority|administration|bureau|directorate|department|"
                                r"committee|commission|official|officials|chief|director|regime|regulations?|rules|law|laws)\b", re.I)
_OF_GOODS = re.compile(r"\s+of\s+(?:[\w-]+\s+){0,3}")

def _gerund_with_goods(st: Sentence, word: str, end: int) -> bool:
    """ "accused Iran of smuggling weapons to Hezbollah": the -ing word takes the goods as its object (a verb),
    unlike "arms smuggling from Iran" or "the smuggling of weapons"."""
    if not word.endswith("ing"):
        return False
    return any(_OBJECT_GAP.fullmatch(st.text, end, w.start - st.start) for w in st.weapons if w.start - st.start >= end)


_OBJECT_GAP = re.compile(r"\s+(?:(?:more|some|large|small|huge|advanced|heavy|light|sophisticated|[\d,]+|hundreds of|thousands of|"
                         r"dozens of|tons of|tonnes of)\s+){0,2}")


def find_triggers(st: Sentence) -> list[Trigger]:
    """The transfer triggers of a sentence in order; a noun right after a verb trigger joins its frame."""
    t = st.text
    hits = st.words & P.TRIGGER_WORDS  # what TRIGGER_WORD_RE.finditer would find, without the scan
    if not hits and not (has_any(st.low, *_POSSESSION_NOUNS) and _POSSESSION_RE.search(t)):
        return []
    if st.folds:
        hits = None  # the word gates below do not hold: run every family's regex

    def may_have(first_words: frozenset[str]) -> bool:
        return hits is None or not hits.isdisjoint(first_words)

    found: list[Trigger] = []
    for m in (P.family_re(P.SUPPLY_VERBS, hits).finditer(t) if may_have(P.VERB_FIRST_WORDS) else ()):
        before = t[: m.start()]
        word = m.group(0).lower()
        after = t[m.end():]
        if word in _ARM_VERBS and not _object_is_actor(st, m.end()):
            continue
        if word == "arms" and not _subject_right_before(st, m.start()):
            continue  # the noun ("Iranian arms the Houthis used"), not "Iran arms the Houthis"  # "armed groups", "signed up for": a transfer only with a party as its object
        if word in _NOUN_TOO and P.NOMINAL_PREV.search(before[-40:]) and not _gerund_with_goods(st, word, m.end()):
            found.append(Trigger(m.start(), m.end(), "supply", "noun"))
            continue
        if word in _NOUN_TOO and word not in {"pledge", "pledges"} and P.NONVERB_AFTER.search(after) and not _TO_AFTER.match(after):
            found.append(Trigger(m.start(), m.end(), "supply", "noun"))
            continue
        if word.endswith(("ed", "en", "sent", "sold", "lent", "shipped", "given", "handed over")) and _may_be_passive(st, before) \
                and P.PASSIVE_AUX_RE.search(before[-60:]):
            found.append(Trigger(m.start(), m.end(), "supply", "passive"))
            continue
        if _HYPHEN_END.search(before):
            if any(w.start - st.start < m.start() and m.end() <= w.end - st.start for w in st.weapons):
                continue  # a weapon's own name ("anti-ship missiles"), not "X-supplied"
            found.append(Trigger(m.start(), m.end(), "supply", "adj"))
            continue
        if word.endswith(("ed", "sold", "sent", "given", "lent", "handed over")) and any(
                0 <= m.start() - (w.end - st.start) <= 3
                or _ADVERB_GAP.fullmatch(t[w.end - st.start:m.start()])
                for w in st.weapons) and _PASSIVE_AFTER.match(after):
            found.append(Trigger(m.start(), m.end(), "supply", "passive"))
            continue
        found.append(Trigger(m.start(), m.end(), "supply", "verb"))
    low = st.low

    for m in (P.ADJ_SUPPLIED_RE.finditer(t) if has_any(low, "supplied", "provided", "donated", "delivered", "sold", "sent", "shipped",
                                                    "smuggled", "transferred", "furnished")
              and ("by" in st.words or st.folds or has_any(low, *_ADJ_HYPHENED)) else ()):
        if not any(f.start <= m.start() + 1 < f.end + 1 for f in found):
            found.append(Trigger(m.start(), m.end(), "supply", "adj"))
    for m in (P.family_re(P.ACQUIRE_VERBS, hits).finditer(t) if may_have(P.ACQ_FIRST_WORDS) else ()):
        word = m.group(0).lower()
        before = t[: m.start()]
        if word in {"bought", "ordered", "acquired", "purchased", "imported", "procured", "sourced"} and re.match(r"\s+from\b", t[m.end():]) \
                and any(re.fullmatch(r",?\s+(?:(?:first|originally|later|all|also|mostly)\s+)?", t[w.end - st.start:m.start()]) for w in st.weapons if w.end - st.start <= m.start()):
            found.append(Trigger(m.start(), m.end(), "supply", "passive"))
            continue
        if word in _ACQ_NOUN_FORMS and _POSSESSIVE_BEFORE.search(before[-40:]):
            continue  # "Nairobi's purchase of Iranian drones": the noun, taken below
        if word.endswith("ed") and _may_be_passive(st, before) and P.PASSIVE_AUX_RE.search(before[-60:]) and word not in {"received"}:
            found.append(Trigger(m.start(), m.end(), "acquire", "passive"))
        elif word in _REDUCED_RELATIVE and _BY_AFTER.match(t, m.end()) \
                and any(0 <= m.start() - (w.end - st.start) <= 3 for w in st.weapons):
            found.append(Trigger(m.start(), m.end(), "acquire", "passive"))  # "drones bought by Romania from Turkey"
        else:
            found.append(Trigger(m.start(), m.end(), "acquire", "verb"))
    for m in (P.family_re(P.SUPPLY_NOUNS, hits).finditer(t) if may_have(P.SNOUN_FIRST_WORDS) else ()):
        if any(f.start <= m.start() < f.end for f in found) or _INSTITUTION_AFTER.match(t, m.end()):
            continue  # "the Defense Security Cooperation Agency", "the export control office"
        found.append(Trigger(m.start(), m.end(), "supply", "noun"))
    for m in (P.family_re(P.ACQUIRE_NOUNS, hits).finditer(t) if may_have(P.ANOUN_FIRST_WORDS) else ()):
        if any(f.start <= m.start() < f.end for f in found) or _INSTITUTION_AFTER.match(t, m.end()):
            continue  # "Seoul's arms procurement agency" names an office, not a purchase
        if m.group(0).lower() in _THIRD_PERSON_VERBS and _subject_right_before(st, m.start()) \
                and not _POSSESSIVE_BEFORE.search(t, max(0, m.start() - 40), m.start()):
            found.append(Trigger(m.start(), m.end(), "acquire", "verb"))  # "Serbia imports most of its weapons from Russia"
            continue
        found.append(Trigger(m.start(), m.end(), "acquire", "noun"))
    for m in (P.TURNED_TO_RE.finditer(t) if has_any(low, "turn", "look", "reli", "rely", "depend", "ask") else ()):
        if re.match(r"(?:the\s+)?[A-Z]", t[m.end():]) and re.search(r"\bfor\b", t[m.end(): m.end() + 120]):
            found.append(Trigger(m.start(), m.end(), "acquire", "turned"))
    for m in (P.TRAIN_RE.finditer(t) if "train" in low else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "train"))
    for m in (P.CONTRACT_RE.finditer(t) if has_any(low, "contract", "deal", "agreement", "order") else ()):
        if any(f.start <= m.end() and m.start() <= f.end for f in found):
            continue
        kind = "supply" if re.search(r"\bexport", m.group(0), re.I) else "acquire"
        found.append(Trigger(m.start(), m.end(), kind, "contract"))
    for m in (P.ARRIVE_RE.finditer(t) if has_any(low, "arriv", "reached", "landed", "expected", "ended up", "ends up", "end up", " way ") else ()):
        found.append(Trigger(m.start(), m.end(), "acquire", "arrive"))
    for m in (P.ORIGIN_RE.finditer(t) if not st.words.isdisjoint(_ORIGIN_WORDS)
              or ("from" in st.words and not st.words.isdisjoint(_BE_WORDS)) else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "origin"))
    for m in (P.EMBARGO_RE.finditer(t) if "embargo" in st.words else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "embargo"))
    for m in (_DEALINGS_RE.finditer(t) if has_any(low, "dealings", "deals", "trade", "cooperation") else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "dealings"))
    for m in (_SUPPLIER_RE.finditer(t) if "supplier" in low else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "supplier"))
    for m in (_CUSTOMERS_RE.finditer(t) if has_any(low, "customers", "buyers", "clients", "operators", "importers") else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "customers"))
    for m in (_BUYER_RE.finditer(t) if has_any(low, "buyer", "customer", "importer", "client", "purchaser") else ()):
        found.append(Trigger(m.start(), m.end(), "acquire", "buyer"))
    for m in (_POSSESSION_RE.finditer(t) if has_any(low, *_POSSESSION_NOUNS) else ()):
        found.append(Trigger(m.start(), m.end(), "acquire", "possess"))
    for m in (P.THANK_RE.finditer(t) if "thank" in low else ()):
        found.append(Trigger(m.start(), m.end(), "acquire", "thank"))
    for m in (P.CARRY_RE.finditer(t) if has_any(low, "carr", "transport", "ferr", "bound", "destined", "route", "head") else ()):
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(Trigger(m.start(), m.end(), "supply", "carry"))
    found.sort(key=lambda f: f.start)
    # a noun right after a verb trigger ("received shipments of") belongs to that verb's frame
    kept: list[Trigger] = []
    for f in found:
        if kept and f.form == "noun" and kept[-1].form in {"verb", "passive", "thank"} and f.start - kept[-1].end < 45 \
                and not _COMMA_SEMI.search(t[kept[-1].end: f.start]):
            continue
        if kept and f.form == "noun" and kept[-1].form == "noun" and _OF_GOODS.fullmatch(t, kept[-1].end, f.start):
            continue  # "shipment of lethal aid": the aid is the shipment's goods, not a transfer of its own
        if kept and f.form == "noun" and kept[-1].form == "noun" and t[kept[-1].end: f.start].isspace():
            kept[-1] = Trigger(kept[-1].start, f.end, f.kind, "noun")  # one compound: "assistance package", "arms sale"
            continue
        kept.append(f)
    return kept
