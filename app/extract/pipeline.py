"""Rule-based extraction of arms-transfer statements (SCHEMA.md conventions).

Per article: sentence spans and actor/weapon mentions (lexicon.py), then per sentence the
transfer frames (trigger + supplier + recipient + weapons), who claims them (speech verbs,
quote paragraphs, the outlet's own voice) and their stance (alleges / denies / confirms).
Implied denials ("North Korea has denied the claim") answer the nearest preceding claim
about a pair the denier is party to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date

from app.extract import patterns as P
from app.extract.lexicon import ActorMention, Lexicon, WeaponMention, get_lexicon
from app.extract.types import ExtractedStatement, ExtractionResult

_DATE_HEADER = re.compile(r"\A ?date (\d{4}-\d{2}-\d{2})\b")
_ROLE_KINDS = {"state", "group"}
_PREPS_BEFORE = re.compile(r"\b(?:to|into|from|with|for|of|in|on|at|against|by|over|about|between|across|toward|towards|near|inside|within|than|via|through|under)\s+(?:the\s+|a\s+)?$", re.I)
_ACTOR_NOUN_AFTER = re.compile(
    r"^[-‑\s]*(?:\w+\s+)?(?:government|regime|officials?|authorities|military|army|forces|troops|leaders?|leadership|navy|"
    r"air force|state|side|ministry|president|counterparts?|allies|partners?|defen[cs]e ministry|soldiers|units|"
    r"operators|pilots|crews|personnel|companies|firms?|suppliers?|manufacturers?|industry|intelligence|diplomats?|"
    r"envoy|ambassador|mission|spokes\w+|sources?|generals?|commanders?|junta|rebels?|fighters|militants|militias?|"
    r"proxies|groups?|arsenals?|stocks|agents|middlemen|entities|authorities|administration)\b",
    re.I,
)
_FAMILY = {
    "missile": {"ballistic_missile", "cruise_missile", "missile", "air_defence"},
    "aircraft": {"combat_aircraft", "aircraft", "uav", "helicopter"},
    "combat_aircraft": {"combat_aircraft"},
    "uav": {"uav"},
    "artillery": {"artillery"},
}
_ANAPHOR_BEFORE = re.compile(r"\b(?:the|these|those|such|this|that|its|their)\s+(?:\w+\s+)?$", re.I)
_INCLUDING_RE = re.compile(r"\b(?:including|includ\w+|such as|like|notably|in particular|namely|among them|among which|ranging from|from)\b|:", re.I)
_POSSESSIVE_AFTER = re.compile(r"^[’']s\b")
_TO = r"to|into|toward|towards|bound for|destined for|intended for|headed for|headed to|en route to|on their way to|on its way to"
_EXCHANGE_RE = re.compile(r"\bin (?:exchange|return) for\b", re.I)
_LAST_WORD = re.compile(r"([\w’'”\"]+)\W*$")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w.’'-]*\s+$")
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being)\s+$")
_SENTENCE_END = re.compile(r"[.!?”\"’;:,]$")
# Patterns of the rules below, compiled once (re's own cache lookup cost ~1 us a call).
_IT_THEY = re.compile(r"(?:It|They)\b")
_LEADING_ADVERBIAL = re.compile(r"^\s*(?:In|At|On|After|Before|During|Speaking|Presenting|Earlier|Later|Last|Asked|Writing|Addressing|Following|Separately|Meanwhile|However|Since|Today)\b[^,]*,\s*")
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose|speaking|briefing)\b[^,]*,")
_SAID_SAYS_TOLD = re.compile(r"\b(?:said|says|told)\b")
_COUNTRY_POSSESSIVE = re.compile(r"\b(?:the country|the nation)[’']s\b", re.I)
_WESTERN = re.compile(r"\b(?:Western|western)\b")
_ITS_BODY = re.compile(r"\s*(?:(?:its|their)\s+(?:\w+\s+)?(?:ministry|government|foreign ministry|defen[cs]e ministry|embassy|spokes\w+|officials?|president|leader|mission|army|military)\b|the (?:military|army|navy|government|ministry|air force)[’']s\b)", re.I)
_HE_SHE_START = re.compile(r"^\s*(?:he|she)\b", re.I)
_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she|they|we)\b", re.I)
_CONTROLLED_AFTER = re.compile(r"[-‑](?:held|controlled|run|occupied|led|dominated)\b")
_DETERMINER = re.compile(r"(?:the\s+|a\s+|an\s+)?")
_REPORT_NOUN_END = re.compile(r"\b(?:reports?|claims?|accusations?|allegations?)\s*$", re.I)
_POSSESSIVE_BEFORE = re.compile(r"(\S+?)[’'](?:s\b)?\s+(?:own\s+)?(?:[\w\"“”’'-]+\s+){0,2}$")
_ITS_THEIR_BEFORE = re.compile(r"\b(?:its|their)\s+(?:own\s+)?(?:\w+\s+){0,1}$", re.I)
_THE_OPTIONAL = re.compile(r"\s*(?:the\s+)?", re.I)
_WHICH_CLAUSE_BEFORE = re.compile(r",\s*(?:which|who)\b(?:[^,]|,(?=\d))*,\s*(?:[\w’'-]+\s+){0,3}$")
_QUESTION_WORD = re.compile(r"\b(?:how|what|whether|which|when|where|why)\b", re.I)
_PRONOUN_SUBJECT = re.compile(r"\b(?:it|they|we|(?:the|his|her|our|their|its) country|the state|the government|the regime|the group|the militia|the kingdom|the republic)\b\s*,?\s+(?:[\w,]+\s+){0,7}$", re.I)
_SENTENCE_STOP = re.compile(r"[.;]|$")
_HYPHEN_END = re.compile(r"[-‑]$")
_ADVERB_GAP = re.compile(r",\s+(?:first|initially|later|originally|also|previously|mostly)\s+")
_BY_END = re.compile(r"\b(?:by|[Bb]y)\s+$")
_WHOM_WHICH_BEFORE = re.compile(r",\s*(?:whom|which)\s+(?:it|they|\w+)\s+(?:\w+\s+)?$")
_LIST_JOINER = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:(?:to|from)\s+)?(?:the\s+)?")
_PLEDGE_VERB = re.compile(r"(?:committed|commits|pledg\w+|offer\w*)", re.I)
_DONE_VERB = re.compile(r"\b(?:has|have|had|was|were|\w+ed|sent|sold|gave|bought|got)\b", re.I)
_ARMING = re.compile(r"arming", re.I)
_AID_NOUN = re.compile(r"\b(?:package|packages|aid|assistance)\b", re.I)
_FOR_AFTER = re.compile(r"^\s+(?:of\s+)?(?:\w+\s+){0,3}?for\s+")
_PHRASE_STOP = re.compile(r"[,;.]")
_BARE_SUBJECT = re.compile(r"\s*(?:(?:the|a|an)\s+[\w’'-]+(?:\s+[\w’'-]+){0,3}|[a-z]+(?:\s+[a-z]+){0,2}|(?!On\b|In\b|At\b|Last\b|Earlier\b)[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,4})\s*")
_TO_AFTER = re.compile(r"^\s+to\b")
_PASSIVE_AFTER = re.compile(r"^\s+(?:by|to|from|in|last|this|over|under|during)\b")
_COMMA_SEMI = re.compile(r"[,;]")
_QUESTION = re.compile(r"\s*Q\s*:")
_ANSWER = re.compile(r"\s*A\s*:")



def _cat_order(cat_system: tuple[str, str | None]) -> tuple[str, bool, str]:
    """A stable order for (category, system) pairs: named systems before None, so runs agree."""
    cat, system = cat_system
    return (cat, system is None, system or "")


def _most_common(items: list[str]) -> str:
    """The most frequent item; ties go to the first seen (a set would make it hash-seed dependent)."""
    return max(dict.fromkeys(items), key=items.count)

def _noun_use(t: str, pos: int) -> bool:
    """ "the claims", "baseless reports", "US reports": a noun, unless a name or pronoun precedes it."""
    prev = _LAST_WORD.search(t[max(0, pos - 30):pos])
    if prev is None:
        return True
    w = prev.group(1)
    if w.lower() in {"he", "she", "it", "they", "we", "officials", "ministry", "government", "agency", "spokesman",
                     "spokeswoman", "spokesperson", "minister", "also", "now", "later", "still"}:
        return False
    return not (w[:1].isupper() and w.lower() not in {"the", "a", "an", "us", "u.s", "un"})


def _tail(t: str, pos: int, width: int = 48) -> str:
    """The text just before `pos`, for patterns anchored at its end (bounded, so searches stay linear)."""
    return t[max(0, pos - width): pos]


def _in_name(t: str, m: re.Match) -> bool:
    """A speech word that is part of a name ("United States", "Human Rights Watch reports" is still speech)."""
    return m.group(0)[:1].isupper() and m.start() > 0 and bool(_CAPITALISED_BEFORE.search(_tail(t, m.start(), 30)))


_THAT_RE = re.compile(r"\bthat\b")
_DEALINGS_RE = re.compile(r"\b(?:arms|weapons|military)\s+(?:dealings|deals|trade|cooperation)\s+with\b", re.I)
_SUPPLIER_RE = re.compile(r"\b(?:arms\s+|weapons\s+)?suppliers?\b", re.I)
# Words that may stand between a supplier and its transfer noun ("Iranian arms shipments", "U.S. military aid").
_NOUN_MODIFIERS = {"arms", "weapons", "weapon", "military", "defence", "defense", "security", "drone", "missile", "ammunition",
                   "covert", "illegal", "illicit", "secret", "additional", "new", "recent", "continued", "ongoing", "further",
                   "lethal", "direct", "latest", "first", "planned", "-", "‑"}
_POSSESSION_RE = re.compile(r"\b(?:in|into)\s+(?:the\s+)?(?:hands\s+of\s+(?:the\s+)?)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?(?:[’']s?)?\s+"
                            r"(?:arsenals?|inventor(?:y|ies)|stockpiles?|stocks|possession|service|units)\b")
_POSSESSION_NOUNS = ("arsenal", "inventor", "stockpile", "stocks", "possession", "service", "units")  # guard for the above
# What may precede a sentence's subject: a dateline ("CARACAS — ", "WASHINGTON: ") and "The".
_DATELINE_OR_THE = re.compile(r"(?:[A-Z][A-Z .’'/-]+(?:,\s*[A-Za-z ]+)?\s*(?:[—–:-]|\(\w+\)\s*[—–-])\s*)?(?:The\s+)?")
_SELF_ACT = re.compile(r"commissioned|inducted|took delivery|takes delivery|taken delivery|taking delivery", re.I)
# "to strike Ukrainian cities": a verb between "to" and the actor means the actor is not the recipient
_VERB_GAP = re.compile(r"\b(?:strike|attack|support|help|fight|defend|protect|counter|hit|target|be|use|prevent|stop|bolster|"
                       r"boost|strengthen|replace|deter|kill|bomb|shell|destroy|reach|sustain|arm|equip|supply|launch|fire)\b", re.I)
_PARTS_FOR = re.compile(r"\b(?:parts|components|spares|engines|upgrades?|maintenance|repairs?)\s+(?:for|of)\s+"
                        r"(?:the\s+|its\s+|their\s+)?(?:[\w’'-]+\s+){0,2}$", re.I)
_PARTS_AFTER = re.compile(r"[\s-]*(?:spare\s+)?(?:parts|components|engines|electronics|kits|guidance)\b", re.I)


def _speech_floor(st: "Sentence", lo: int, pos: int) -> int:
    """Subjects of a transfer verb are searched after the last speech verb or "that" before it."""
    floor = lo
    for m in st.said():
        if m.start() >= lo and m.end() <= pos:
            floor = max(floor, m.end())
    if st.text.find("that", lo, pos) >= 0:  # _THAT_RE is case-sensitive: no "that", no match
        for m in _THAT_RE.finditer(st.text, lo, pos):
            floor = max(floor, m.end())
    return floor


def parse_date_header(text: str) -> date | None:
    """The date of the optional ` date YYYY-MM-DD` first-line header, else None."""
    m = _DATE_HEADER.match(text)
    if not m:
        return None
    try:
        return date.fromisoformat(m.group(1))
    except ValueError:
        return None


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    text: str
    para: int
    headline: bool
    in_quote: bool
    actors: list[ActorMention]
    weapons: list[WeaponMention]
    folds: bool = False  # has a letter IGNORECASE matches to an ASCII one (P.CASE_FOLDS_TO_ASCII_RE)
    article_letters: str | None = None  # P.ascii_letters of the whole article, shared by its sentences
    _speech: list | None = None
    _bounds: list[int] | None = None
    _low: str | None = None
    _words: frozenset[str] | None = None
    _said: list | None = None
    _goods: list[WeaponMention] | None = None
    origin_cache: dict = field(default_factory=dict)  # per-sentence memo (origin tests, subject phrases)

    def speech(self) -> list:
        """Speech and attribution words of the sentence (not those inside a name: "United States")."""
        if self._speech is None:
            t = self.text
            found = [m for m in (P.SPEECH_WORD_RE.finditer(t) if not self.words.isdisjoint(P.SPEECH_WORDS) else ())
                     if not _in_name(t, m)
                     and not (m.group(0).lower() in P.AMBIGUOUS_SPEECH and _noun_use(t, m.start()))
                     and not (m.group(0).lower() in ("accused", "alleged", "suspected", "reported", "believed")
                              and (t.startswith(" of", m.end()) or t.startswith(" to ", m.end())
                                   or _BE_BEFORE.search(t[max(0, m.start() - 12):m.start()])))]
            if "ccording to" in t or "statement" in t:
                found += list(P.SPEECH_PHRASES.finditer(t))
                found.sort(key=lambda m: m.start())
            self._speech = found
        return self._speech

    def said(self) -> list:
        """The speech words proper: speech() without "according to"."""
        if self._said is None:
            self._said = [m for m in self.speech() if not P.ACCORDING_RE.match(m.group(0))]
        return self._said

    def goods(self) -> list[WeaponMention]:
        """Weapon mentions that name goods, not an industry ("weapons programme") or parts of other goods."""
        if self._goods is None:
            t, s0 = self.text, self.start
            self._goods = [w for w in self.weapons
                           if not P.NOT_GOODS_AFTER.match(t[w.end - s0:])
                           and not (w.category != "components" and _PARTS_AFTER.match(t[w.end - s0:]))
                           and not (w.category != "components" and _PARTS_FOR.search(_tail(t, w.start - s0, 50)))]
        return self._goods

    @property
    def low(self) -> str:
        """The lower-cased text, for the cheap substring guards before rarer regexes."""
        if self._low is None:
            self._low = self.text.lower()
        return self._low

    @property
    def words(self) -> frozenset[str]:
        """Its runs of ASCII letters, lower-cased (P.ascii_words)."""
        if self._words is None:
            if self.article_letters is None:
                self._words = P.ascii_words(self.text)
            else:  # the same words, from one translation of the whole article
                self._words = frozenset(self.article_letters[self.start:self.end].split())
        return self._words

    def bounds(self) -> list[int]:
        if self._bounds is None:
            self._bounds = _boundaries(self.text)
        return self._bounds


@dataclass(slots=True)
class Trigger:
    start: int  # offsets relative to the sentence
    end: int
    kind: str  # supply | acquire
    form: str  # verb | passive | noun | adj | turned | train


@dataclass(slots=True)
class Frame:
    trigger: Trigger
    supplier: str | None
    recipient: str | None
    weapons: list[tuple[str, str | None, int]]  # (category, system, position)
    negated: bool
    status: str
    quantity: str | None
    clause: tuple[int, int]
    supplier_from_subject_pronoun: bool = False
    more_suppliers: list[str] = field(default_factory=list)
    more_recipients: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Speaker:
    code: str | None
    name: str | None = None
    role: str | None = None


@dataclass
class ArticleState:
    names: dict[str, Speaker] = field(default_factory=dict)
    last_speaker: Speaker | None = None
    last_person: Speaker | None = None
    last_subject: str | None = None
    last_speaker_idx: int = -99
    doc_voice: str | None = None
    interviewee: str | None = None
    answer_paras: set = field(default_factory=set)
    open_recipients: list[str] = field(default_factory=list)  # recipients named without a supplier
    para_speaker: dict[int, Speaker] = field(default_factory=dict)
    claims: list[tuple[int, ExtractedStatement]] = field(default_factory=list)  # (sentence index, statement)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    last_weapon: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # family -> (category, system)


# ------------------------------------------------------------------ sentences


def _sentences(lex: Lexicon, text: str) -> list[Sentence]:
    doc = lex.parse(text)
    spans = lex.sentences(doc)
    actors = lex.actors(doc)
    weapons = lex.weapons(doc)
    header = _DATE_HEADER.match(text)
    article_folds = P.CASE_FOLDS_TO_ASCII_RE.search(text) is not None
    letters = P.ascii_letters(text)
    sents: list[Sentence] = []
    para = 0
    prev_end = 0
    ai = wi = 0
    body_started = False
    quote_open = False
    for s, e in spans:
        if header and s < header.end():
            s = header.end()
            while s < e and text[s].isspace():
                s += 1
            if s >= e:
                continue
        gap = text[prev_end:s]
        if "\n" in gap:
            para += 1
            quote_open = False
        prev_end = e
        stext = text[s:e]
        n_words = len(stext.split())
        # _SENTENCE_END is anchored at the end: only the last characters can match
        headline = not _SENTENCE_END.search(stext, max(0, len(stext) - 2)) and (not body_started or n_words <= 12)
        if not headline and n_words > 6:
            body_started = True
        in_quote = quote_open or stext.lstrip().startswith(("“", '"'))
        opens, closes = stext.count("“"), stext.count("”")
        if opens > closes:
            quote_open = True
        elif closes > opens:
            quote_open = False
        while ai < len(actors) and actors[ai].start < s:
            ai += 1
        aj = ai
        while aj < len(actors) and actors[aj].end <= e:
            aj += 1
        while wi < len(weapons) and weapons[wi].start < s:
            wi += 1
        wj = wi
        while wj < len(weapons) and weapons[wj].end <= e:
            wj += 1
        sents.append(Sentence(s, e, stext, para, headline, in_quote, actors[ai:aj], weapons[wi:wj],
                              folds=article_folds and P.CASE_FOLDS_TO_ASCII_RE.search(stext) is not None,
                              article_letters=letters))
    return sents


# ------------------------------------------------------------------ triggers


def _triggers(st: Sentence) -> list[Trigger]:
    t = st.text
    hits = st.words & P.TRIGGER_WORDS  # what TRIGGER_WORD_RE.finditer would find, without the scan
    if not hits and not (_has(st.low, *_POSSESSION_NOUNS) and _POSSESSION_RE.search(t)):
        return []
    if st.folds:
        hits = None  # the word gates below do not hold: run every family's regex

    def may_have(first_words: frozenset[str]) -> bool:
        return hits is None or not hits.isdisjoint(first_words)

    found: list[Trigger] = []
    for m in (P._VERB_RE.finditer(t) if may_have(P.VERB_FIRST_WORDS) else ()):
        before = t[: m.start()]
        word = m.group(0).lower()
        after = t[m.end():]
        if P.NOMINAL_PREV.search(before[-40:]) and word in {"supply", "supplies", "transfer", "export", "exports", "offer", "offers", "pledge", "pledges"}:
            found.append(Trigger(m.start(), m.end(), "supply", "noun"))
            continue
        if word in {"supply", "supplies", "transfer", "export", "exports", "offer", "offers"} and P.NONVERB_AFTER.search(after) and not _TO_AFTER.match(after):
            found.append(Trigger(m.start(), m.end(), "supply", "noun"))
            continue
        if word.endswith(("ed", "en", "sent", "sold", "lent", "shipped", "given", "handed over")) and P.PASSIVE_AUX_RE.search(before[-60:]):
            found.append(Trigger(m.start(), m.end(), "supply", "passive"))
            continue
        if _HYPHEN_END.search(before):
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

    for m in (P.ADJ_SUPPLIED_RE.finditer(t) if _has(low, "supplied", "provided", "donated", "delivered", "sold", "sent", "shipped",
                                                    "smuggled", "transferred", "furnished") else ()):
        if not any(f.start <= m.start() + 1 < f.end + 1 for f in found):
            found.append(Trigger(m.start(), m.end(), "supply", "adj"))
    for m in (P._ACQ_RE.finditer(t) if may_have(P.ACQ_FIRST_WORDS) else ()):
        word = m.group(0).lower()
        before = t[: m.start()]
        if word in {"bought", "ordered", "acquired", "purchased", "imported", "procured", "sourced"} and re.match(r"\s+from\b", t[m.end():]) \
                and any(re.fullmatch(r",?\s+(?:(?:first|originally|later|all|also|mostly)\s+)?", t[w.end - st.start:m.start()]) for w in st.weapons if w.end - st.start <= m.start()):
            found.append(Trigger(m.start(), m.end(), "supply", "passive"))
            continue
        if word.endswith("ed") and P.PASSIVE_AUX_RE.search(before[-60:]) and word not in {"received"}:
            found.append(Trigger(m.start(), m.end(), "acquire", "passive"))
        else:
            found.append(Trigger(m.start(), m.end(), "acquire", "verb"))
    for m in (P._SNOUN_RE.finditer(t) if may_have(P.SNOUN_FIRST_WORDS) else ()):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(Trigger(m.start(), m.end(), "supply", "noun"))
    for m in (P._ANOUN_RE.finditer(t) if may_have(P.ANOUN_FIRST_WORDS) else ()):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(Trigger(m.start(), m.end(), "acquire", "noun"))
    for m in (P.TURNED_TO_RE.finditer(t) if _has(low, "turn", "look", "reli", "rely", "depend", "ask") else ()):
        if re.match(r"(?:the\s+)?[A-Z]", t[m.end():]) and re.search(r"\bfor\b", t[m.end(): m.end() + 120]):
            found.append(Trigger(m.start(), m.end(), "acquire", "turned"))
    for m in (P.TRAIN_RE.finditer(t) if "train" in low else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "train"))
    for m in (P.CONTRACT_RE.finditer(t) if _has(low, "contract", "deal", "agreement", "order") else ()):
        if any(f.start <= m.end() and m.start() <= f.end for f in found):
            continue
        kind = "supply" if re.search(r"\bexport", m.group(0), re.I) else "acquire"
        found.append(Trigger(m.start(), m.end(), kind, "contract"))
    for m in (P.ARRIVE_RE.finditer(t) if _has(low, "arriv", "reached", "landed", "expected") else ()):
        found.append(Trigger(m.start(), m.end(), "acquire", "arrive"))
    for m in (_DEALINGS_RE.finditer(t) if _has(low, "dealings", "deals", "trade", "cooperation") else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "dealings"))
    for m in (_SUPPLIER_RE.finditer(t) if "supplier" in low else ()):
        found.append(Trigger(m.start(), m.end(), "supply", "supplier"))
    for m in (_POSSESSION_RE.finditer(t) if _has(low, *_POSSESSION_NOUNS) else ()):
        found.append(Trigger(m.start(), m.end(), "acquire", "possess"))
    for m in (P.THANK_RE.finditer(t) if "thank" in low else ()):
        found.append(Trigger(m.start(), m.end(), "acquire", "thank"))
    for m in (P.CARRY_RE.finditer(t) if _has(low, "carr", "transport", "ferr", "bound", "destined", "route", "head") else ()):
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(Trigger(m.start(), m.end(), "supply", "carry"))
    found.sort(key=lambda f: f.start)
    # a noun right after a verb trigger ("received shipments of") belongs to that verb's frame
    kept: list[Trigger] = []
    for f in found:
        if kept and f.form == "noun" and kept[-1].form in {"verb", "passive"} and f.start - kept[-1].end < 30 \
                and not _COMMA_SEMI.search(t[kept[-1].end: f.start]):
            continue
        kept.append(f)
    return kept


def _has(low: str, *keys: str) -> bool:
    """Any of `keys` in the lower-cased sentence: a cheap guard before a rarer trigger regex."""
    for k in keys:  # a plain loop: faster than any() over a generator or map for a handful of keys
        if k in low:
            return True
    return False


def _boundaries(text: str) -> list[int]:
    return [m.start() for m in P.CLAUSE_BOUNDARY_RE.finditer(text)]


def _clause(bounds: list[int], pos: int, n: int) -> tuple[int, int]:
    lo, hi = 0, n
    for b in bounds:
        if b <= pos:
            lo = b
        elif b > pos:
            hi = b
            break
    return lo, hi


# ------------------------------------------------------------------ roles


def _rel(st: Sentence, m) -> tuple[int, int]:
    return m.start - st.start, m.end - st.start


_ORIGIN_GAP = re.compile(r"(?:[-‑]?(?:made|built|designed|produced|manufactured|origin|type|style|standard|supplied|provided)\s*"
                         r"|\s*(?:\w+\s+){0,2}?)", re.I)
_MADE_AFTER = re.compile(r"[-‑](?:made|built|designed|produced|manufactured|supplied)", re.I)


def _is_origin(st: Sentence, a: ActorMention) -> bool:
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
    return a.kind in _ROLE_KINDS and a.form != "institution" or (a.form == "institution" and a.kind in _ROLE_KINDS and a.text[:1].isupper() and len(a.text) > 4 and a.text.isupper())


def _actor_at(st: Sentence, pos: int, max_gap: int = 0) -> ActorMention | None:
    """The actor mention starting at `pos` (after an optional determiner), following possessive chains."""
    t = st.text
    m = _DETERMINER.match(t[pos:])
    p = pos + (m.end() if m else 0)
    for a in st.actors:
        s, e = _rel(st, a)
        if _CONTROLLED_AFTER.match(t[e:e + 12]):
            continue
        if p <= s <= p + max_gap or s == pos:
            if _POSSESSIVE_AFTER.match(t[e:]):
                nxt = _actor_at(st, e + 3, 12)
                if nxt is not None and nxt.kind in _ROLE_KINDS:
                    return nxt
            return a
        if s > p + max_gap:
            break
    return None


def _subject(st: Sentence, lo: int, pos: int) -> ActorMention | None:
    """The nearest actor before `pos` in [lo, pos) that is not a prepositional object or a weapon's origin."""
    best = None
    for a in st.actors:
        s, e = _rel(st, a)
        if s < lo or e > pos:
            continue
        if not (a.kind in _ROLE_KINDS):
            continue
        if _PREPS_BEFORE.search(_tail(st.text, s)) and not re.search(
                r"\b(?:representative|ambassador|envoy|government|minister|ministry|spokes\w+|delegate|delegation|president|leader|army|military|navy)\s+(?:of|for)\s+(?:the\s+)?$",
                _tail(st.text, s), re.I):
            continue
        if _is_origin(st, a) and not _ACTOR_NOUN_AFTER.match(st.text[e:]):
            continue
        if a.form == "demonym" and not _ACTOR_NOUN_AFTER.match(st.text[e:]):
            continue
        best = a
    return best


@lru_cache(maxsize=64)
def _prep_re(preps: str) -> re.Pattern:
    return re.compile(rf"\b(?:{preps})\s+", re.I)


def _prep_actor(st: Sentence, lo: int, hi: int, preps: str) -> ActorMention | None:
    for m in _prep_re(preps).finditer(st.text, lo, hi):
        a = _actor_at(st, m.end(), 14)
        if a is not None and a.kind in _ROLE_KINDS and not _VERB_GAP.search(st.text[m.end(): a.start - st.start]):
            return a
    return None


def _origin_actor(st: Sentence, lo: int, hi: int) -> ActorMention | None:
    for a in st.actors:
        s, e = _rel(st, a)
        if lo <= s and e <= hi and a.kind in _ROLE_KINDS and _is_origin(st, a):
            return a
    return None


def _relative_head(st: Sentence, lo: int, pos: int) -> ActorMention | None:
    """ "India, which shares a border with Myanmar, transferred ...": the subject before the relative clause."""
    t = st.text
    m = _WHICH_CLAUSE_BEFORE.match(t[lo:pos])
    if not m:
        return None
    return next((a for a in st.actors if a.kind in _ROLE_KINDS and a.end - st.start == lo), None)


def _coordinated(st: Sentence, a: ActorMention | None) -> list[str]:
    """Actors joined to `a` by "and"/"or"/commas ("from Poland and the Czech Republic")."""
    out: list[str] = []
    while a is not None:
        e = a.end - st.start
        m = _LIST_JOINER.match(st.text[e:])
        if not m:
            break
        starts = {e + m.end()}
        if m.group(0).endswith(("the ", "The ")):
            starts.add(e + m.end() - 4)  # an alias that includes its article ("the Netherlands")
        nxt = next((b for b in st.actors if b.start - st.start in starts and b.kind in _ROLE_KINDS), None)
        if nxt is None or _is_origin(st, nxt) or nxt.form == "demonym":
            break
        if re.match(r"\s+(?:has|have|had|is|are|was|were|will|would|could|also|says|said|\w+ed)\b", st.text[nxt.end - st.start:]):
            break  # the subject of a new clause, not another item of the list
        if not re.search(r"\b(?:and|or)\b", m.group(0)) and not re.match(r"\s*,|\s+(?:and|or)\b", st.text[nxt.end - st.start:]):
            break
        out.append(nxt.code)
        a = nxt
    return out


def _bullet_actor(st: Sentence) -> ActorMention | None:
    """The actor heading a list item ("• Russia: Su-30 fighters, Mi-35 helicopters")."""
    m = re.match(r"\s*(?:[•\-–*·▪●]|\d+[.)])\s*(?:the\s+)?", st.text, re.I)
    if not m:
        return None
    a = next((x for x in st.actors if x.start - st.start == m.end()), None)
    if a is None or a.kind not in _ROLE_KINDS:
        return None
    if not re.match(r"(?:[-‑]based(?:\s+\w+){0,2})?\s*:", st.text[a.end - st.start:]):
        return None
    return a


def _pronoun_subject(st: Sentence, lo: int, pos: int) -> bool:
    return bool(_PRONOUN_SUBJECT.search(st.text[max(lo, pos - 80):pos]))


# ------------------------------------------------------------------ weapons


def _weapons_in(st: Sentence, lo: int, hi: int, state: ArticleState) -> list[tuple[str, str | None, int]]:
    stop = P.WEAPON_STOP_RE.search(st.text, lo, hi) if hi > lo else None
    if stop:
        hi = stop.start()
    ms = [w for w in st.goods() if lo <= w.start - st.start and w.end - st.start <= hi]
    if not ms:
        return []
    specific = [w for w in ms if not w.generic]
    out: list[tuple[str, str | None, int]] = []
    for w in ms:
        ws = w.start - st.start
        cat, system = w.category, w.system
        if w.generic:
            later_specific = [x for x in specific if x.start > w.start]
            if later_specific and _INCLUDING_RE.search(st.text[ws: later_specific[0].start - st.start]):
                continue
            if cat == "missile" and any(x.category in _FAMILY["missile"] and abs(x.start - w.start) < 40 for x in specific):
                continue
            if cat in {"missile", "aircraft"} and (_ANAPHOR_BEFORE.search(_tail(st.text, ws))
                                                   or re.search(r"\b\d+\s+(?:\w+\s+)?$", _tail(st.text, ws, 20))):
                prev = state.last_weapon.get("missile" if cat == "missile" else "aircraft")
                if prev:
                    cat, system = prev
        elif system is None and _ANAPHOR_BEFORE.search(_tail(st.text, ws)):
            prev = state.last_weapon.get(cat)
            if prev and prev[0] == cat:
                system = prev[1]
        out.append((cat, system, ws))
    return out


def _remember_weapons(st: Sentence, state: ArticleState) -> None:
    for w in st.weapons:
        if w.generic and w.category in {"missile", "aircraft", "unspecified"}:
            continue
        for fam, cats in _FAMILY.items():
            if w.category in cats:
                state.last_weapon[fam] = (w.category, w.system)


def _quantity(st: Sentence, pos: int) -> str | None:
    window = st.text[max(0, pos - 60): pos]
    if not (st.folds or P.DIGIT_RE.search(window) or not P.ascii_words(window).isdisjoint(P.QUANTITY_WORDS)):
        return None  # QUANTITY_RE needs a digit or one of its words
    m = P.QUANTITY_RE.search(window)
    if m:
        q = m.group(0).strip()
        q = re.sub(r"\s+(?:of|the|these|its|more|new|additional|advanced|modern|used|further)$", "", q)
        q = re.sub(r"\s+(?:of|the|these|its|more|new|additional|advanced|modern|used|further)$", "", q)
        return q or None
    return None


# ------------------------------------------------------------------ frames


def _frames(st: Sentence, state: ArticleState) -> list[Frame]:
    trigs = _triggers(st)
    if not trigs:
        return []
    bounds = st.bounds()
    n = len(st.text)
    frames: list[Frame] = []
    prev_subject: ActorMention | None = None
    for i, tg in enumerate(trigs):
        lo, hi = _clause(bounds, tg.start, n)
        nxt = trigs[i + 1].start if i + 1 < len(trigs) else n
        prv = trigs[i - 1].end if i > 0 else 0
        t = st.text
        supplier = recipient = None
        from_pronoun = False
        win_hi = min(hi, nxt) if nxt > tg.end else hi
        if tg.form == "turned":
            recipient = _subject(st, lo, tg.start)
            supplier = _actor_at(st, tg.end, 4)
        elif tg.form == "contract":
            subj = _subject(st, _speech_floor(st, lo, tg.start), tg.start)
            other = _prep_actor(st, tg.end, win_hi, "with|from|to") or _origin_actor(st, tg.end, win_hi)
            if other is None:
                for a in st.actors:
                    s_, e_ = _rel(st, a)
                    if tg.end <= s_ < win_hi and a.form == "demonym" and a.kind in _ROLE_KINDS and _ACTOR_NOUN_AFTER.match(t[e_:]):
                        other = a
                        break
            if tg.kind == "acquire":
                recipient, supplier = subj, other
            else:
                supplier, recipient = subj, other
        elif tg.form == "dealings":
            supplier = _subject(st, _speech_floor(st, lo, tg.start), tg.start)
            recipient = _actor_at(st, tg.end + 1, 4)
            recipient = recipient if recipient is not None and recipient.kind in _ROLE_KINDS else None
            if supplier is None and _pronoun_subject(st, lo, tg.start):
                from_pronoun = True
        elif tg.form == "supplier":
            subj = _subject(st, _speech_floor(st, lo, tg.start), tg.start)
            if subj is None or not re.search(r"\b(?:is|was|are|were|has been|have been|remains|remained|became|become|as)\b", t[subj.end - st.start:tg.start]):
                continue
            supplier = subj
            pm = re.search(r"(\S+?)[’']s\s+(?:[\w-]+\s+){0,3}$|\b(our|their|its)\s+(?:[\w-]+\s+){0,3}$", _tail(t, tg.start, 60))
            if pm and pm.group(1):
                base = tg.start - len(_tail(t, tg.start, 60))
                recipient = next((a for a in st.actors if a.end - st.start == base + pm.end(1) and a.kind in _ROLE_KINDS), None)
            elif pm and pm.group(2) == "our":
                from_pronoun = True
            if recipient is None:
                recipient = _prep_actor(st, tg.end, win_hi, "to|for")
        elif tg.form == "possess":
            # "Iranian-made weapons in Houthi arsenals": goods of a stated origin that reached the holder
            recipient = next((a for a in st.actors if tg.start <= a.start - st.start < tg.end and a.kind in _ROLE_KINDS), None)
            supplier = _origin_actor(st, lo, tg.start)
            if supplier is None or recipient is None:
                continue
        elif tg.form == "thank":
            supplier = None
            for a in st.actors:
                s_, e_ = _rel(st, a)
                if tg.end <= s_ <= tg.end + 20 and a.kind in _ROLE_KINDS and re.fullmatch(r"\s+(?:(?:the|his|her|their|its)\s+)?", t[tg.end:s_]):
                    supplier = a
                    break
            if supplier is None or not re.search(r"\bfor\b", t[supplier.end - st.start: win_hi]):
                continue
            recipient = _subject(st, lo, tg.start)
        elif tg.form == "carry":
            low = t[tg.start:tg.end].lower()
            if low.startswith(("bound", "destined", "en route", "headed", "heading")):
                recipient = _actor_at(st, tg.end + 1, 4)
                recipient = recipient if recipient is not None and recipient.kind in _ROLE_KINDS else None
            else:
                recipient = _prep_actor(st, tg.end, win_hi, _TO)
            supplier = _prep_actor(st, tg.start, win_hi, "from") or _origin_actor(st, lo, win_hi)
        elif tg.form == "arrive":
            supplier = _origin_actor(st, max(lo, prv), tg.start) or _prep_actor(st, tg.end, win_hi, "from")
            recipient = _prep_actor(st, tg.end, win_hi, "in|to|at")
        elif tg.kind == "supply":
            possessive = None
            tail = max(0, tg.start - 60)
            m = _POSSESSIVE_BEFORE.search(t[tail:tg.start])
            if m:
                for a in st.actors:
                    s, e = _rel(st, a)
                    if e == tail + m.start(1) + len(m.group(1)) and a.kind in _ROLE_KINDS:
                        possessive = a
            elif _ITS_THEIR_BEFORE.search(t[tail:tg.start]):
                for a in st.actors:
                    s_, e_ = _rel(st, a)
                    if e_ <= tg.start and a.kind in _ROLE_KINDS and not _is_origin(st, a) \
                            and not (re.search(r"\bthe\s+$", _tail(t, s_, 8)) and _ACTOR_NOUN_AFTER.match(t[e_:])) \
                            and not _POSSESSIVE_AFTER.match(t[e_:]):
                        possessive = a
            recipient = _prep_actor(st, tg.end, win_hi, _TO)
            by_actor = _prep_actor(st, tg.end, win_hi, "by")
            from_actor = _prep_actor(st, tg.end, win_hi, "from")
            if tg.form == "noun":
                supplier = possessive or from_actor or by_actor or _origin_actor(st, tg.end, win_hi)
                if supplier is None:
                    dm = None
                    for a in st.actors:
                        s, e = _rel(st, a)
                        if e <= tg.start and tg.start - e < 25 and a.kind in _ROLE_KINDS and re.fullmatch(r"[\s\w-]*", t[e:tg.start]) \
                                and not re.search(r"\b(?:to|from|for|of|with|by|in|on|over|against|and|or)\b", t[e:tg.start], re.I) \
                                and (a.form == "demonym" or not _PREPS_BEFORE.search(_tail(t, s)))\
                                and all(w[:1].isupper() or w.lower() in _NOUN_MODIFIERS for w in t[e:tg.start].split()):
                            dm = a
                    supplier = dm
                subj = _subject(st, _speech_floor(st, lo, tg.start), tg.start)
                if subj is None and P.COMMIT_RE.search(t, lo, tg.start):
                    subj = _subject(st, lo, P.COMMIT_RE.search(t, lo, tg.start).start())
                    if subj is not None and len(t[subj.end - st.start: tg.start].split()) > 6:
                        subj = None
                if supplier is None and subj is None and _pronoun_subject(st, lo, tg.start):
                    from_pronoun = True
                if supplier is None and subj is not None:
                    between = t[subj.end - st.start: tg.start]
                    if len(between.split()) <= 7 and not re.search(r"[,;]|\b(?:over|on|about|against|into|with|for|after|amid|despite|of|in|to|from|by|said|says|told|accused|urged|warned|according|sanction\w*|condemn\w*|impos\w*|seek\w*|sought|want\w*|request\w*|receiv\w*|await\w*|need\w*|monitor\w*|watch\w*|track\w*|investigat\w*|concern\w*|counter\w*|expos\w*|disrupt\w*|oppos\w*|criticis\w*|criticiz\w*|protest\w*|welcom\w*|block\w*|stop\w*|halt\w*|prevent\w*|ban\w*|den\w*|reject\w*)\b", between, re.I):
                        supplier = subj
                if recipient is None and supplier is not None and supplier is from_actor and subj is not None and subj.code != supplier.code:
                    recipient = subj
                if recipient is None and _AID_NOUN.search(t[tg.start:tg.end]):
                    recipient = _prep_actor(st, tg.end, win_hi, "for")
                if recipient is None:
                    m2 = _FOR_AFTER.match(t[tg.end:win_hi])
                    if m2 and re.search(r"\b(?:package|aid|assistance)\b", t[max(0, tg.start - 40):tg.end], re.I):
                        a = _actor_at(st, tg.end + m2.end(), 4)
                        recipient = a if a is not None and a.kind in _ROLE_KINDS else None
            elif tg.form == "passive":
                supplier = by_actor or from_actor
                if supplier is None:
                    for w in st.weapons:
                        ws_ = w.start - st.start
                        if max(lo, prv) <= ws_ < tg.start:
                            owner = next((a for a in st.actors if a.kind in _ROLE_KINDS and
                                          re.fullmatch(r"[’']s\s+", t[a.end - st.start:ws_])), None)
                            if owner is not None:
                                supplier = owner
                                break
                subj = _subject(st, lo, tg.start)
                if recipient is None and subj is not None and re.match(r"^\s+with\b", t[tg.end:]):
                    recipient = subj
            elif tg.form == "adj":
                if t[tg.start] in "-‑" or (tg.start > 0 and t[tg.start - 1] in "-‑"):
                    hyphen = tg.start if t[tg.start] in "-‑" else tg.start - 1
                    for a in st.actors:
                        s, e = _rel(st, a)
                        if e == hyphen and a.kind in _ROLE_KINDS:
                            supplier = a
                else:
                    supplier = _actor_at(st, tg.end, 4)
                    recipient = _prep_actor(st, tg.start, tg.end, "to")
                if recipient is None:
                    floor = _speech_floor(st, 0, tg.start)
                    others = [a for a in st.actors if a.kind in _ROLE_KINDS and supplier is not None and a.code != supplier.code
                              and a.start - st.start >= floor
                              and not _PREPS_BEFORE.search(_tail(t, a.start - st.start)) and not _is_origin(st, a)]
                    if len({a.code for a in others}) == 1:
                        recipient = others[-1]
            else:  # verb / train
                subj = _subject(st, _speech_floor(st, max(lo, prv if i and trigs[i - 1].kind != tg.kind else lo), tg.start), tg.start)
                head = _relative_head(st, lo, tg.start)
                if head is not None:
                    subj = head
                if subj is None and i > 0 and prev_subject is not None and re.search(r"\b(?:and|or)\s+(?:\w+\s+){0,2}$", t[max(prv, tg.start - 40):tg.start]):
                    subj = prev_subject
                supplier = subj
                if _BY_END.search(_tail(t, tg.start, 6)):
                    # "by supplying F-16s Denmark has become a party": the gerund's subject follows it
                    supplier = next((a for a in st.actors if a.start - st.start > tg.end and a.kind in _ROLE_KINDS
                                     and re.match(r"\s+(?:has|have|had|is|are|was|were|will|would|\w+ed)\b", t[a.end - st.start:])), None)
                if supplier is None and _pronoun_subject(st, lo, tg.start):
                    from_pronoun = True
                rel = _WHOM_WHICH_BEFORE.search(_tail(t, tg.start, 40))
                if rel:
                    base = tg.start - len(_tail(t, tg.start, 40)) + rel.start()
                    antecedent = next((a for a in st.actors if a.end - st.start == base and a.kind in _ROLE_KINDS), None)
                    if antecedent is not None:
                        recipient = antecedent
                        if supplier is None and re.search(r"\b(?:it|they)\s+(?:\w+\s+)?$", _tail(t, tg.start, 20)):
                            lead = next((a for a in st.actors if a.kind in _ROLE_KINDS), None)
                            if lead is not None and lead.code != antecedent.code and re.fullmatch(r"(?:The\s+)?", t[: lead.start - st.start]):
                                supplier = lead
                direct = _actor_at(st, tg.end + 1, 2) if tg.end < n else None
                if direct is not None and direct.kind in _ROLE_KINDS and not _is_origin(st, direct) and not rel:
                    recipient = direct
                    if re.match(r"\s+(?:(?:an?|the|its|their|new|firm|written|fresh)\s+)?(?:assurances?|guarantees?|support|help|access|"
                                r"permission|credits?|loans?|money|funds|intelligence|training|time|warnings?|details|information|"
                                r"boost|edge|cover|backing|advice|approval|a say)\b", t[direct.end - st.start:], re.I):
                        continue  # "gave London assurances": not goods
                if tg.form == "train":
                    for a in st.actors:
                        s, e = _rel(st, a)
                        if tg.end <= s < tg.end + 20 and a.kind in _ROLE_KINDS:
                            recipient = a
                            break
                if recipient is None:
                    recipient = _prep_actor(st, tg.end, win_hi, _TO)
                if recipient is None:
                    # "supplied most of Armenia's weapons": the owner of the goods is the recipient
                    for w in st.weapons:
                        ws_ = w.start - st.start
                        if tg.end <= ws_ < win_hi:
                            owner = next((a for a in st.actors if a.kind in _ROLE_KINDS and a.start - st.start >= tg.end
                                          and re.fullmatch(r"[’']s\s+(?!own\b)(?:[\w-]+\s+){0,2}", t[a.end - st.start:ws_])), None)
                            if owner is not None and (supplier is None or owner.code != supplier.code):
                                recipient = owner
                            break
                if tg.form == "verb" and t[tg.start:tg.end].lower() in P.WEAK_SUPPLY and recipient is None:
                    continue
                prev_subject = subj
        else:  # acquire
            if tg.form == "passive":
                recipient = _prep_actor(st, tg.end, win_hi, "by")
                supplier = _prep_actor(st, tg.end, win_hi, "from")
            elif tg.form == "noun":
                tail = max(0, tg.start - 60)
                m = re.search(r"(\S+)[’']s\s+(?:\w+\s+){0,2}$", t[tail:tg.start])
                if m:
                    for a in st.actors:
                        s, e = _rel(st, a)
                        if e == tail + m.start(1) + len(m.group(1)) and a.kind in _ROLE_KINDS:
                            recipient = a
                if recipient is None:
                    for a in st.actors:
                        s, e = _rel(st, a)
                        if e <= tg.start and tg.start - e < 3 and a.form == "demonym":
                            recipient = a
                if recipient is None:
                    recipient = _prep_actor(st, tg.end, win_hi, "by")
                supplier = _prep_actor(st, tg.end, win_hi, "from")
            else:
                subj = _subject(st, _speech_floor(st, lo, tg.start), tg.start)
                head = _relative_head(st, lo, tg.start)
                if head is not None:
                    subj = head
                if subj is None and i > 0 and prev_subject is not None and re.search(r"\b(?:and|or)\s+(?:\w+\s+){0,2}$", t[max(prv, tg.start - 40):tg.start]):
                    subj = prev_subject
                recipient = subj
                if recipient is None and _pronoun_subject(st, lo, tg.start):
                    from_pronoun = True
                supplier = _prep_actor(st, tg.end, win_hi, "from")
                prev_subject = subj
            if supplier is None:
                supplier = _origin_actor(st, tg.end, win_hi)
        # weapons: after the trigger within the clause, else before it
        weapons = _weapons_in(st, tg.end, win_hi, state)
        if tg.form == "turned":
            weapons = _weapons_in(st, tg.end, hi, state)
        if tg.form == "arrive":
            weapons = _weapons_in(st, max(lo, prv), tg.start, state)
        if tg.form == "dealings":
            weapons = [("unspecified", None, tg.start)]
        if tg.form == "possess":
            weapons = [w for w in _weapons_in(st, lo, tg.start, state)]
        if tg.form == "thank" and not weapons:
            weapons = [("unspecified", None, tg.start)]
        if tg.form == "carry":
            weapons = [w for w in weapons if not (w[0] == "naval" and w[1] is None)]
        if tg.form == "carry" and (not weapons or re.match(r"\s+(?:them|it|the (?:weapons|arms|cargo|shipment))\b", t[tg.end:], re.I)):
            weapons = _weapons_in(st, 0, tg.start, state)
        if not weapons and tg.form == "noun":
            weapons = [(w.category, w.system, w.start - st.start) for w in st.weapons
                       if w.start - st.start <= tg.start < w.end - st.start]
        if not weapons and tg.form in {"passive", "noun", "adj", "verb", "contract"}:
            weapons = _weapons_in(st, lo if tg.form == "passive" else max(lo, prv), tg.start, state)
            if tg.form == "verb":
                reach = 160 if re.search(r"\b(?:that|which)\s+(?:[\w’'-]+\s+){1,3}$", t[max(lo, prv):tg.start]) else 60
                weapons = [w for w in weapons if w[2] > tg.start - reach]
        if not weapons and tg.form == "adj" and (t[tg.start] in "-‑" or t[tg.start - 1: tg.start] in ("-", "‑")):
            weapons = _weapons_in(st, tg.end, min(n, tg.end + 60), state)
        if not weapons and tg.kind == "supply" and _ARMING.match(t[tg.start:tg.end]):
            weapons = [("unspecified", None, tg.start)]
        if not weapons:
            continue
        if tg.form == "verb" and tg.kind == "supply" and _PLEDGE_VERB.match(t[tg.start:tg.end]) \
                and not any(c != "unspecified" for c, _, _ in weapons) and recipient is None:
            continue
        neg_lo = max(lo, (supplier.end - st.start) if supplier and supplier.end - st.start <= tg.start else lo, _speech_floor(st, lo, tg.start))
        for wm in _QUESTION_WORD.finditer(t[neg_lo:tg.start]):
            neg_lo = max(neg_lo, neg_lo + wm.end())
        neg_zone = t[neg_lo: tg.start] if tg.form != "noun" else t[max(lo, tg.start - 30): tg.start]
        negated = bool(P.NEGATION_RE.search(neg_zone)) or bool(P.NO_OBJECT_RE.match(t[tg.end:].lstrip()))
        if tg.form in {"noun", "contract"} and re.search(r"\b(?:no|any|never a)\s+(?:\w+\s+)?$", _tail(t, tg.start, 24), re.I):
            if re.search(r"\bany\s+(?:\w+\s+)?$", _tail(t, tg.start, 24), re.I) and not P.NEGATION_RE.search(t, lo, tg.start):
                continue
            negated = True
        planned = bool(P.PLANNED_RE.search(t[lo:tg.end])) or tg.form == "train"
        status = "planned" if planned else ("delivered" if _DONE_VERB.search(t[lo:tg.end]) else "unknown")
        frames.append(Frame(
            trigger=tg,
            supplier=supplier.code if supplier else None,
            recipient=recipient.code if recipient else None,
            weapons=weapons,
            negated=negated,
            status=status,
            quantity=_quantity(st, weapons[0][2]),
            clause=(lo, hi),
            supplier_from_subject_pronoun=from_pronoun,
            more_suppliers=_coordinated(st, supplier) if supplier is not None and supplier.start - st.start > tg.start else [],
            more_recipients=_coordinated(st, recipient) if recipient is not None and recipient.start - st.start > tg.start else [],
        ))
    return frames


# ------------------------------------------------------------------ claimants


def _name_in(segment: str) -> tuple[str | None, str | None]:
    """A person's name in a subject phrase and the title words before it."""
    best = None
    for m in P.PERSON_RE.finditer(segment):
        words = m.group(0).split()
        while words and (words[0].rstrip(".,") in P.TITLE_WORDS):
            words = words[1:]
        while words and words[-1].rstrip(".,") in P.TITLE_WORDS:
            words = words[:-1]
        if len(words) >= 2 and not any(w in {"United", "States", "North", "South", "Korea", "Iran", "Russia", "China"} for w in words):
            best = (" ".join(words), m)
    if best is None:
        return None, None
    name, m = best
    pre = segment[: m.start() + m.group(0).find(name.split()[0])]
    role_m = re.search(r"((?:[A-Z][\w’'.-]*\s+|of\s+|for\s+|and\s+)*(?:[Ss]pokes(?:man|woman|person)|[Mm]inister|[Ss]ecretary|[Aa]mbassador|[Ee]nvoy|[Pp]resident|[Cc]ommander|[Cc]hief|[Dd]irector|[Gg]eneral|[Gg]en\.|[Aa]dviser|[Aa]dvisor|[Oo]fficial|[Hh]ead|[Ss]enator|[Cc]hancellor|[Ll]eader|[Aa]nalyst|[Rr]esearcher)\w*)\s*,?\s*$", pre)
    return name, (role_m.group(1).strip() if role_m else None)


def _resolve_segment(st: Sentence, lo: int, hi: int, state: ArticleState, sents_first_actor: ActorMention | None) -> Speaker | None:
    """Who a subject phrase [lo, hi) of the sentence speaks for (memoised per sentence)."""
    key = ("seg", lo, hi)
    if key not in st.origin_cache:
        st.origin_cache[key] = _resolve_segment_uncached(st, lo, hi, state, sents_first_actor)
    return st.origin_cache[key]


def _resolve_segment_uncached(st: Sentence, lo: int, hi: int, state: ArticleState, sents_first_actor: ActorMention | None) -> Speaker | None:
    seg = st.text[lo:hi]
    if not seg.strip():
        return None
    # drop a leading adverbial ("In a statement carried by X, ...") and relative clauses (", which ...,")
    m = _LEADING_ADVERBIAL.match(seg)
    if m and m.end() < len(seg.rstrip()):
        lo += m.end()
        seg = st.text[lo:hi]
    relative = [(lo + rm.start(), lo + rm.end()) for rm in _RELATIVE_CLAUSE.finditer(seg)] \
        if seg.count(",") >= 2 else []  # a relative clause sits between two commas
    if P.may_match_outlet(seg, st.folds) and P.OUTLET_RE.search(seg) and not _SAID_SAYS_TOLD.search(seg):
        return Speaker("media")
    acts = [a for a in st.actors if lo <= a.start - st.start and a.end - st.start <= hi
            and not any(r0 <= a.start - st.start < r1 for r0, r1 in relative)]
    if acts:
        a0 = acts[0]
        if _THE_OPTIONAL.fullmatch(st.text[lo: a0.start - st.start]) and not _is_origin(st, a0) \
                and not _POSSESSIVE_AFTER.match(st.text[a0.end - st.start:]):
            name, role = _name_in(seg)
            code = "media" if a0.kind == "media" else a0.code
            if code == "media":
                name, role = None, None
            sp = Speaker(code, name, role)
            if name:
                state.names[name] = sp
                state.names[name.split()[-1]] = sp
            return sp
    name, role = _name_in(seg)
    chosen = None
    for a in acts:
        s, e = _rel(st, a)
        if _POSSESSIVE_AFTER.match(st.text[e:]) and not _PREPS_BEFORE.search(_tail(st.text, s)):
            chosen = a
            break
    if chosen is None:
        for a in reversed(acts):
            s, e = _rel(st, a)
            tail = _tail(st.text, s)
            if _PREPS_BEFORE.search(tail) and not re.search(r"\bof\s+(?:the\s+)?$|\b(?:officials?|sources?|diplomats?|authorities|analysts|intelligence|officers?|government|ministry)\s+(?:in|from)\s+$", tail, re.I):
                continue
            if a.form == "demonym" and _is_origin(st, a):
                continue
            chosen = a
            break
    if chosen is None and _COUNTRY_POSSESSIVE.search(seg) and sents_first_actor is not None:
        chosen = sents_first_actor
    if chosen is not None:
        code = "media" if chosen.kind == "media" else chosen.code
        if code == "media":
            name, role = None, None
        sp = Speaker(code, name, role)
        if name:
            state.names[name] = sp
            state.names[name.split()[-1]] = sp
        return sp
    if name:
        for key in (name, name.split()[-1]):
            if key in state.names:
                known = state.names[key]
                return Speaker(known.code, known.name, known.role or role)
        if role and re.search(r"\b(?:Minister|President|Prime|Premier|Chancellor|Spokes\w+|spokes\w+|minister|Defen[cs]e|Foreign)\b", role) \
                and sents_first_actor is not None and sents_first_actor.kind == "state" \
                and _DATELINE_OR_THE.fullmatch(st.text[: sents_first_actor.start - st.start]):
            sp = Speaker(sents_first_actor.code, name, role)
            state.names[name] = sp
            state.names[name.split()[-1]] = sp
            return sp
        return Speaker(None, name, role)
    if _WESTERN.search(seg):
        return Speaker(None)
    if _ITS_BODY.match(seg):
        lead = next((a for a in st.actors if a.kind in _ROLE_KINDS), None)
        if lead is not None and re.fullmatch(r"(?:The\s+)?", st.text[: lead.start - st.start]):
            return Speaker(lead.code)
        if state.last_subject:
            return Speaker(state.last_subject)
    if state.interviewee and st.para in state.answer_paras and re.fullmatch(r"\s*(?:A\s*:\s*)?(?:we|I)\s*", seg, re.I):
        return Speaker(state.interviewee)
    if state.doc_voice and re.search(r"\b(?:we|our)\b", seg, re.I):
        return Speaker(state.doc_voice)
    if _HE_SHE_START.search(seg):
        return state.para_speaker.get(st.para) or state.last_person or state.last_speaker or Speaker(None)
    if P.PRONOUN_SPEAKER_RE.search(seg) or P.SPEAKER_NOUN_RE.search(seg) or _PERSONAL_PRONOUN.search(seg):
        return state.para_speaker.get(st.para) or state.last_speaker
    return None


def _claimant(st: Sentence, pos: int, end: int, state: ArticleState, first_actor: ActorMention | None) -> tuple[Speaker | None, bool]:
    """Who claims what sentence `st` says at [pos, end): (speaker, explicit attribution found)."""
    t = st.text
    speech = st.speech()
    said = st.said()
    before = [m for m in said if m.end() <= pos]
    for m in reversed(before):
        seg_lo = 0
        for other in speech:
            if other.end() <= m.start() and other is not m:
                seg_lo = other.end()
        seg = t[seg_lo:m.start()]
        q = seg.rfind("”")
        if q >= 0:
            seg_lo = seg_lo + q + 1
        short = max(t.rfind(",", seg_lo, m.start()), t.rfind("—", seg_lo, m.start()))
        sp = None
        if short > seg_lo:
            sp = _resolve_segment(st, short + 1, m.start(), state, first_actor)
            if sp is not None and sp.code is None and sp.name is None and not re.fullmatch(r"\s*(?:he|she|they|we|I)\s*", t[short + 1:m.start()]):
                sp = None
            if sp is None and _BARE_SUBJECT.fullmatch(t[short + 1:m.start()]) \
                    and not re.search(r"\b(?:has|have|had|is|are|was|were|will|would)\b", t[short + 1:m.start()]):
                sp = Speaker(None)
        if sp is None:
            sp = _resolve_segment(st, seg_lo, m.start(), state, first_actor)
        if (sp is None or (sp.code is None and sp.name is None)) and seg_lo > 0 and "”" not in t[:m.start()]:
            # an earlier speech word sat in a relative clause ("X, which tracked ..., reported")
            whole = _resolve_segment(st, 0, m.start(), state, first_actor)
            if whole is not None and whole.code:
                sp = whole
        if sp is not None:
            return sp, True
        if _REPORT_NOUN_END.search(t[seg_lo:m.start()]):
            return Speaker(None), True
    after = [m for m in said if m.start() >= end]
    for m in after:
        lo = max(t.rfind(",", 0, m.start()), t.rfind("”", 0, m.start()), end)
        sp = _resolve_segment(st, lo + 1 if lo >= 0 else 0, m.start(), state, first_actor)
        if sp is None:
            nb = _SENTENCE_STOP.search(t[m.end():])
            sp = _resolve_segment(st, m.end(), m.end() + nb.start(), state, first_actor)
        if sp is not None:
            return sp, True
    # "according to X" when nothing closer attributes the claim
    for m in speech:
        if P.ACCORDING_RE.match(m.group(0)):
            seg_end = len(t)
            nb = _PHRASE_STOP.search(t[m.end():])
            if nb:
                seg_end = m.end() + nb.start()
            sp = _resolve_segment(st, m.end(), seg_end, state, first_actor)
            if sp is not None and (m.start() > end or m.end() < pos) and not [s for s in said if s.start() < pos and s.start() > 0]:
                return sp, True
    return None, False


# ------------------------------------------------------------------ main


_DENIAL_HINTS = ("deni", "deny", "reject", "dismiss", "refut", "rebuff", "repudiat", "baseless", "groundless", "unfounded",
                 "untrue", "fabricat", "nonsense", "absurd", "slander", "propaganda", "false", "fake", "wrong", "lie",
                 "not true", "fiction", "fantasy", "smear")


def _denial_spans(st: Sentence) -> list[tuple[int, int]]:
    t = st.text
    low = st.low
    if not _has(low, *_DENIAL_HINTS):  # what a regex alternation of the hints would say, faster
        return []
    if P.NOT_DENIAL_RE.search(t):
        cleaned = P.NOT_DENIAL_RE.sub(lambda m: "x" * len(m.group(0)), t)
    else:
        cleaned = t
    spans = [(m.start(), m.end(), "verb") for m in P.DENY_VERB_RE.finditer(cleaned)]
    for m in P.CALL_PRED_RE.finditer(cleaned):
        spans.append((m.start(), m.end(), "verb"))
    for m in P.DESCRIBE_AS_RE.finditer(cleaned):
        if P.DENY_PRED_RE.search(cleaned[m.end(): m.end() + 40]):
            spans.append((m.start(), m.end(), "verb"))
    for m in re.finditer(r"\b(?:call\w*|brand\w*|label\w*)\s+(?:the\s+|these\s+|such\s+)?(?:\w+\s+)?(?:claims?|reports?|accusations?|allegations?|charges?)\b", cleaned, re.I):
        if P.DENY_PRED_RE.search(cleaned[m.end(): m.end() + 160]):
            spans.append((m.start(), m.end(), "verb"))
    for m in re.finditer(r"\bwhat (?:he|she|it|they) (?:called|described as)\s+(?=(?:“|\")?(?:baseless|groundless|unfounded|false|fake|fabricated))", cleaned, re.I):
        spans.append((m.start(), m.end(), "verb"))
    for m in re.finditer(r"\b(?:was|were|is|are|been)\s+(?:“|\")?(?:\w+\s+)?(?=(?:baseless|groundless|unfounded|untrue|fabricat|lies|nonsense|absurd|completely wrong|totally wrong|false|fake|not true|a lie))", cleaned, re.I):
        if re.search(r"\b(?:reports?|claims?|accusations?|allegations?|charges?|suggestions?)\b", cleaned[: m.start()], re.I):
            spans.append((m.start(), m.end(), "pred"))
    return sorted(spans)


def _make(stance: str, supplier: str, recipient: str, cat: str, system: str | None, status: str,
          speaker: Speaker | None, claimant: str | None, st: Sentence, quantity: str | None) -> ExtractedStatement:
    return ExtractedStatement(
        stance=stance, supplier=supplier, recipient=recipient, category=cat, system=system, status=status,
        claimant=claimant, speaker=speaker.name if speaker else None, quote=st.text, start=st.start, end=st.end,
        speaker_role=speaker.role if speaker else None, quantity=quantity,
    )


def _dominant(state: ArticleState, code: str, least: int = 3) -> str | None:
    """The article's usual counterpart of `code`: paired with it in at least three claims."""
    counts: dict[str, int] = {}
    for a, b in state.pairs:
        if code in (a, b):
            other = b if a == code else a
            counts[other] = counts.get(other, 0) + 1
    if not counts:
        return None
    best = max(counts, key=counts.get)
    return best if counts[best] >= least else None


_APPOSITIVE_RE = re.compile(
    r"(?:[’']s\s+)?(?:[\w-]+\s+){0,4}?(?:counterpart|minister|ambassador|envoy|spokes(?:man|woman|person)|president|"
    r"secretary|adviser|advisor|chief|commander|official|representative|leader|premier|chancellor)\w*(?:\s+(?:in|to|at|for)\s+[A-Z]\w+)?,\s+"
    r"((?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+)")


def _remember_appositives(st: Sentence, state: ArticleState) -> None:
    """ "Russia's ambassador, Igor Petrov" / "his Russian counterpart, Andrei Belousov": the person speaks for the actor."""
    for a in st.actors:
        if a.kind not in ("state", "group", "org") or a.form == "institution":
            continue
        m = _APPOSITIVE_RE.match(st.text, a.end - st.start)
        if m and m.start() - (a.end - st.start) <= 1:
            name = m.group(1)
            if name not in state.names:
                sp = Speaker(a.code, name, None)
                state.names[name] = sp
                state.names.setdefault(name.split()[-1], sp)


_RELEASE_RE = re.compile(r"PRESS (?:STATEMENT|RELEASE)|IMMEDIATE RELEASE|NEWS RELEASE|Office of the Spokesperson|"
                         r"\bMinistry of (?:Foreign Affairs|Defen[cs]e)\b.*\bstatement\b", re.I)


def _document_voice(sents: list[Sentence]) -> str | None:
    """A press release speaks for its issuer: the first state named in its opening lines."""
    head = sents[:4]
    if not any(_RELEASE_RE.search(s.text) for s in head):
        return None
    for s in head:
        for a in s.actors:
            if a.kind in ("state", "org"):
                return a.code
    return None


def _interviewee(sents: list[Sentence]) -> str | None:
    """In a Q&A interview, the state of the person introduced before the first question."""
    first_q = next((i for i, s in enumerate(sents) if _QUESTION.match(s.text)), None)
    if first_q is None or not any(_ANSWER.match(s.text) for s in sents[first_q:]):
        return None
    for s in reversed(sents[:first_q]):
        if re.search(r"\b(?:head|minister|secretary|officer|official|director|chief|commander|spokes\w+|adviser|advisor|"
                     r"ambassador|general|envoy)\b", s.text, re.I):
            for a in s.actors:
                if a.kind == "state":
                    return a.code
    return None


def _partner(state: ArticleState, code: str) -> str | None:
    for a, b in reversed(state.pairs):
        if a == code:
            return b
        if b == code:
            return a
    return None


def extract(text: str) -> ExtractionResult:
    lex = get_lexicon()
    result = ExtractionResult(published=parse_date_header(text), statements=[])
    if not text or not text.strip():
        return result
    state = ArticleState()
    sents = _sentences(lex, text)
    seen: set[tuple] = set()
    out: list[ExtractedStatement] = []

    def emit(stmt: ExtractedStatement, idx: int) -> None:
        key = (stmt.start, stmt.stance, stmt.supplier, stmt.recipient, stmt.category, stmt.claimant)
        if key in seen or stmt.supplier == stmt.recipient:
            return
        seen.add(key)
        out.append(stmt)
        if stmt.stance != "denies":
            state.claims.append((idx, stmt))
            state.pairs.append((stmt.supplier, stmt.recipient))

    doc_voice = _document_voice(sents)
    state.doc_voice = doc_voice
    interviewee = _interviewee(sents)
    answer_paras = {st.para for st in sents if _ANSWER.match(st.text)} if interviewee else set()
    state.interviewee, state.answer_paras = interviewee, answer_paras
    list_frame: ExtractedStatement | None = None
    list_intro: tuple[str | None, str | None] | None = None
    pending: list[tuple] = []
    for idx, st in enumerate(sents):
        _remember_appositives(st, state)
        frames = _frames(st, state)
        denials = _denial_spans(st)
        # only attribution, frames and denials use it (the origin test is not free)
        first_actor = next((a for a in st.actors if a.kind in _ROLE_KINDS and not _is_origin(st, a)), None) \
            if frames or denials or st.speech() else None
        # who speaks in this sentence (for pronoun resolution and the next sentences)
        sentence_speaker, explicit = None, False
        if st.speech():
            sentence_speaker, explicit = _claimant(st, len(st.text), len(st.text), state, first_actor)
            if not explicit:
                sentence_speaker, explicit = _claimant(st, 0, 0, state, first_actor)
        if explicit and not st.headline and sentence_speaker is not None and (sentence_speaker.code or sentence_speaker.name):
            state.last_speaker = sentence_speaker
            state.last_speaker_idx = idx
            state.para_speaker[st.para] = sentence_speaker
            if sentence_speaker.name:
                state.last_person = sentence_speaker
        t = st.text
        denied_frames: set[int] = set()
        for dpos, dend, dkind in denials:
            denier_actor = _subject(st, _clause(st.bounds(), dpos, len(t))[0], dpos)
            if denier_actor is None:
                for a in st.actors:
                    s, e = _rel(st, a)
                    if s < dpos and a.kind in _ROLE_KINDS and not _is_origin(st, a) and not _PREPS_BEFORE.search(_tail(t, s)):
                        denier_actor = a
                denier = denier_actor.code if denier_actor else None
            else:
                denier = denier_actor.code
            if dkind == "pred":
                denier = None
            if denier is None:
                sp, _ = _claimant(st, dpos, dend, state, first_actor)
                if sp is None and (st.in_quote or re.match(r"\s*(?:he|she|they|the (?:minister|spokes\w+|ministry|official|envoy|ambassador))\b", t[_clause(st.bounds(), dpos, len(t))[0]:dpos], re.I)):
                    sp = state.para_speaker.get(st.para) or state.last_person or state.last_speaker
                denier = sp.code if sp else None
            if denier is None:
                continue
            if dkind == "pred":
                own = [i for i, f in enumerate(frames) if f.trigger.start < dpos and i not in denied_frames]
                dpos = 0
            else:
                own = [i for i, f in enumerate(frames) if f.trigger.start >= dpos and i not in denied_frames]
            handled = False
            for i in own:
                f = frames[i]
                # "X denied supplying ...": the gerund's subject is the denier
                gerund = re.fullmatch(r"\s*(?:ever\s+|having\s+|that\s+it\s+(?:had|has|was)\s+|that\s+they\s+(?:had|have|were)\s+)?", t[dend:f.trigger.start], re.I) is not None
                sup = f.supplier or (denier if (f.supplier_from_subject_pronoun or gerund) and f.trigger.kind == "supply" else None)
                rec = f.recipient or (denier if (f.supplier_from_subject_pronoun or gerund) and f.trigger.kind == "acquire" else None)
                if sup is None and rec is not None:
                    sup = _partner(state, rec) if rec != denier else None
                if rec is None and sup is not None:
                    rec = _partner(state, sup)
                if sup is None or rec is None or denier not in (sup, rec):
                    continue
                denied_frames.add(i)
                handled = True
                for cat, system, _ in f.weapons:
                    emit(_make("denies", sup, rec, cat, system, f.status, None, denier, st, f.quantity), idx)
                owner_m = P.OWNERLESS_RE.search(t[dpos: f.trigger.start])
                findings = re.search(r"\b(?:findings|assessments?|intelligence|accusations?|claims?|reports?|allegations?|charges?)(?:\s+by\s+[^,;]{1,60}?)?\s+(?:that|of)\b", t[dpos: f.trigger.start], re.I)
                if (owner_m or findings) and not f.negated and f.trigger.form != "dealings":
                    m = findings or owner_m
                    owner_seg = t[dpos: dpos + m.start()]
                    owner = None
                    for a in st.actors:
                        s, e = _rel(st, a)
                        if dpos <= s and e <= dpos + m.end() and a.kind in {"state", "group", "org"} and a.code != denier:
                            owner = a.code
                    if re.search(r"\bWestern\b", owner_seg):
                        owner = None
                    for cat, system, _ in f.weapons:
                        emit(_make("alleges", sup, rec, cat, system, f.status, None, owner, st, f.quantity), idx)
            if handled:
                continue
            if own:
                denied_frames.update(own)
                continue
            # implied denial: the nearest preceding claim involving the denier
            dclause_hi = _clause(st.bounds(), dend, len(t))[1]
            others = {a.code for a in st.actors if dend <= a.start - st.start < dclause_hi and a.kind in _ROLE_KINDS and a.code != denier
                      and not re.search(r"\b(?:in|at|near|inside|across|over)\s+(?:the\s+)?$", _tail(t, a.start - st.start), re.I)}
            if st.headline and not others:
                continue
            if P.NON_TRANSFER_DENIAL.search(t, 0, min(len(t), dend + 25)):
                continue
            own_weapons = _weapons_in(st, dend, dclause_hi, state)
            # "..., an allegation Pyongyang rejected": the claim is in this very sentence
            earlier = [f for f in frames if f.trigger.start < dpos and f.supplier and f.recipient and denier in (f.supplier, f.recipient)]
            if earlier:
                for f in earlier:
                    for cat, system, _ in f.weapons:
                        emit(_make("denies", f.supplier, f.recipient, cat, system, "unknown", None, denier, st, None), idx)
                continue
            target_idx = None
            for cidx, stmt in reversed(state.claims):
                if denier in (stmt.supplier, stmt.recipient) and cidx < idx + 1 and (not others or {stmt.supplier, stmt.recipient} & others):
                    target_idx = cidx
                    pair = (stmt.supplier, stmt.recipient)
                    break
            if target_idx is None:
                # a denial before any claim (a headline): it answers the first claim about the pair that follows
                pending.append((idx, st, denier, others, [(c, sy) for c, sy, _ in own_weapons]))
                continue
            if own_weapons:
                cats = {(c, sy) for c, sy, _ in own_weapons}
            else:
                cats = {(s.category, s.system) for c, s in state.claims
                        if (s.supplier, s.recipient) == pair and (c == target_idx or idx - c <= 4)}
            for cat, system in sorted(cats, key=_cat_order):
                emit(_make("denies", pair[0], pair[1], cat, system, "unknown", None, denier, st, None), idx)
        for i, f in enumerate(frames):
            if i in denied_frames or (f.trigger.form == "dealings" and not f.negated):
                continue
            region_lo = f.clause[0]
            if P.NO_EVIDENCE_RE.search(t[: f.trigger.start]) or P.CONDITIONAL_RE.search(t[max(0, region_lo - 40): f.trigger.start]):
                continue
            if P.REFUSAL_RE.search(t[f.clause[0]: f.trigger.start]) and not re.search(r"\burg\w+|\bcall\w* on\b", t[: f.trigger.start], re.I):
                continue
            speaker, explicit = _claimant(st, f.trigger.start, f.trigger.end, state, first_actor)
            if not explicit:
                if st.para in answer_paras:
                    speaker = Speaker(interviewee)
                elif st.in_quote:
                    speaker = state.para_speaker.get(st.para) or state.last_speaker
                elif P.OWNERLESS_RE.search(t[: f.trigger.start]):
                    speaker = Speaker(None)
                else:
                    speaker = Speaker(doc_voice or "media")
            claimant = speaker.code if speaker else None
            sup, rec = f.supplier, f.recipient
            if sup is None or rec is None:
                for gi, g in enumerate(frames):
                    if g is f or gi in denied_frames or (g.trigger.kind != f.trigger.kind and sup is None):
                        continue
                    a_, b_ = sorted((g.trigger.start, f.trigger.start))
                    if re.search(r";|\s[—–]\s", t[a_:b_]):
                        continue
                    if rec is None and sup is not None and g.recipient and g.recipient != sup:
                        rec = g.recipient
                    elif sup is None and rec is not None and g.supplier and g.supplier != rec:
                        sup = g.supplier
            if f.trigger.form == "supplier" and rec is None and f.supplier_from_subject_pronoun:
                rec = claimant if claimant not in (None, "media", sup) else None
            if f.trigger.form == "thank":
                if rec is None:
                    rec = claimant if claimant not in (None, "media") and claimant != sup else _dominant(state, sup, 2)
                if rec is not None:
                    claimant = rec
                    speaker = speaker if speaker is not None and speaker.code == rec else Speaker(rec)
            if f.trigger.form == "arrive" and rec is None and sup is not None and claimant not in (None, "media") and claimant != sup:
                rec = claimant
            if f.trigger.form == "arrive" and rec is None and sup is not None and re.match(r"expected", t[f.trigger.start:], re.I):
                recipients = [s_.recipient for _, s_ in state.claims if s_.recipient != sup]
                rec = _most_common(recipients) if len(recipients) >= 2 else None
            if f.supplier_from_subject_pronoun and sup is None and f.trigger.kind == "supply" and _IT_THEY.match(t) and state.last_subject:
                sup = state.last_subject
            if f.supplier_from_subject_pronoun and rec is None and f.trigger.kind == "acquire" and _IT_THEY.match(t) and state.last_subject:
                rec = state.last_subject
            if f.supplier_from_subject_pronoun and sup is None and f.clause[0] > 0 and re.match(r"\s*,?\s*and\s+(?:it|they)\b", t[f.clause[0]:]):
                floor = _speech_floor(st, 0, f.clause[0])
                earlier = next((a for a in st.actors if floor <= a.start - st.start < f.clause[0] and a.kind in _ROLE_KINDS
                                and not _PREPS_BEFORE.search(_tail(t, a.start - st.start)) and not _is_origin(st, a)), None)
                if earlier is not None and earlier.code != rec:
                    sup = earlier.code
            if f.supplier_from_subject_pronoun and claimant and claimant not in ("media",) and sup is None and f.trigger.kind == "supply":
                sup = claimant
            if f.supplier_from_subject_pronoun and rec is None and f.trigger.kind == "acquire":
                rec = first_actor.code if first_actor else None
            role_codes = {a.code for a in st.actors if a.kind in _ROLE_KINDS and not _is_origin(st, a)}
            if sup is None and rec is not None and f.trigger.kind in ("supply", "acquire") and f.trigger.form != "thank":
                # "TB2s sold to Azerbaijan": a named system's maker, when nothing else names a supplier
                makers = {lex.taxonomy.system(sy).origin for _, sy, _ in f.weapons if sy and lex.taxonomy.system(sy)}
                makers.discard(None)
                all_codes = {a.code for a in st.actors if a.kind in _ROLE_KINDS and not _is_origin(st, a)}
                if len(makers) == 1 and rec not in makers and not (all_codes - {rec} - makers):
                    sup = makers.pop()
            if rec is None and sup is not None and re.search(r"\bto\s+(?:either|any|both)\s+(?:of\s+the\s+)?(?:\w+\s+)?(?:side|sides|party|parties)\b", t[f.trigger.end:f.clause[1]], re.I):
                rec = _partner(state, sup) or next((g.recipient for g in frames if g is not f and g.recipient and g.recipient != sup
                                                     and (g.supplier in (None, sup))), None)
            if sup is None and rec is not None and f.trigger.form != "turned":
                cand = _partner(state, rec)
                if cand and (role_codes <= {cand, rec} or _dominant(state, rec) == cand):
                    sup = cand
            elif rec is None and sup is not None and f.trigger.form in {"noun", "passive", "verb"}:
                cand = _partner(state, sup)
                if claimant == sup:
                    cand = next((b for a, b in reversed(state.pairs) if a == sup), None)
                if cand is None and claimant == sup and not any(b == sup for _, b in state.pairs):
                    # a party announcing its own transfer in an article about one recipient ("says it will send")
                    recipients = [s_.recipient for _, s_ in state.claims if s_.recipient != sup]
                    cand = _most_common(recipients) if recipients else None
                if cand and ((role_codes <= {cand, sup} and (f.trigger.form != "verb" or _dominant(state, sup, 2) == cand
                                                              or role_codes <= {sup}
                                                              or (claimant == sup)))
                             or (claimant == sup)
                             or _dominant(state, sup) == cand):
                    rec = cand
            if sup is None and rec is not None and f.trigger.form == "contract" and claimant not in (None, "media", rec) \
                    and re.search(r"\b(?:announc\w*|confirm\w*)\b", t) and lex.taxonomy.actor(claimant) is not None \
                    and lex.taxonomy.actor(claimant).kind in _ROLE_KINDS:
                sup = claimant  # the seller announcing the buyer's contract
            if sup is None and rec is not None and f.trigger.form == "passive" and claimant not in (None, "media", rec) \
                    and lex.taxonomy.actor(claimant) is not None and lex.taxonomy.actor(claimant).kind in _ROLE_KINDS:
                sup = claimant
            if sup is None and rec is not None:
                state.open_recipients.append(rec)
            if sup is None or rec is None or sup == rec:
                continue
            # a party's own public act (pledge, contract, approval) relayed by the outlet is its statement
            cm = P.COMMIT_RE.search(t, f.clause[0], f.trigger.end) if claimant in (None, "media") and not st.in_quote else None
            if cm:
                actor_side = sup if f.trigger.kind == "supply" else rec
                if any(a.code == actor_side and f.clause[0] <= a.start - st.start < cm.start() for a in st.actors) \
                        or (f.supplier_from_subject_pronoun and actor_side == sup and cm.start() >= f.trigger.start - 40):
                    claimant = actor_side
                    speaker = Speaker(claimant)
            if f.negated:
                if claimant in (sup, rec):
                    for cat, system, _ in f.weapons:
                        emit(_make("denies", sup, rec, cat, system, f.status, speaker, claimant, st, f.quantity), idx)
                continue
            if P.SEEK_RE.search(t[f.clause[0]: f.trigger.start]):
                status = "planned"
            else:
                status = f.status
            for s_code in [sup, *f.more_suppliers]:
                for r_code in [rec, *f.more_recipients]:
                    if s_code == r_code:
                        continue
                    stance = "confirms" if claimant in (s_code, r_code) else "alleges"
                    for cat, system, _ in f.weapons:
                        emit(_make(stance, s_code, r_code, cat, system, status, speaker, claimant, st, f.quantity), idx)
                    # a party's own formal act (a signed contract, a commissioning) is also its confirmation
                    actor_side = r_code if f.trigger.kind == "acquire" else s_code
                    if stance == "alleges" and claimant in (None, "media") and not st.in_quote and (
                            f.trigger.form == "contract" or _SELF_ACT.match(t, f.trigger.start)
                            or P.CONTRACT_RE.search(t, f.clause[0], f.trigger.start)) \
                            and any(a.code == actor_side and a.start - st.start < f.trigger.start for a in st.actors):
                        for cat, system, _ in f.weapons:
                            emit(_make("confirms", s_code, r_code, cat, system, status, Speaker(actor_side), actor_side, st,
                                       f.quantity), idx)
        # "... in exchange for technology": the reverse transfer
        em = _EXCHANGE_RE.search(t) if frames else None
        if em and any(f.trigger.end < em.start() for f in frames):
            last = next((s_ for c_, s_ in reversed(state.claims) if c_ == idx), None)
            if last is not None:
                hi = _clause(st.bounds(), em.end(), len(t))[1]
                for cat, system, _ in _weapons_in(st, em.end() + 1, hi, state):
                    emit(_make(last.stance if last.stance != "confirms" else "alleges", last.recipient, last.supplier, cat, system,
                               last.status, None, last.claimant, st, None), idx)
        # an itemised list after "... will provide the following:" continues the transfer before it
        bullet = P.BULLET_RE.match(t) is not None
        bullet_actor = _bullet_actor(st) if bullet and list_intro is not None else None
        if bullet_actor is not None:
            colon = t.index(":", bullet_actor.end - st.start)
            recipients = [s_.recipient for _, s_ in state.claims if s_.recipient != bullet_actor.code] \
                or [r for r in state.open_recipients if r != bullet_actor.code]
            rec = list_intro[1] or _dominant(state, bullet_actor.code, 2) or (_most_common(recipients) if recipients else None)
            if rec and rec != bullet_actor.code:
                claimant = list_intro[0]
                stance = "confirms" if claimant in (bullet_actor.code, rec) else "alleges"
                for cat, system, pos in _weapons_in(st, colon, len(t), state):
                    emit(ExtractedStatement(stance, bullet_actor.code, rec, cat, system, "delivered", claimant, None,
                                            st.text, st.start, st.end, None, _quantity(st, pos)), idx)
        elif bullet and list_frame is not None:
            for w in st.weapons:
                lf = list_frame
                emit(ExtractedStatement(lf.stance, lf.supplier, lf.recipient, w.category, w.system, lf.status, lf.claimant,
                                        lf.speaker, st.text, st.start, st.end, lf.speaker_role, _quantity(st, w.start - st.start)), idx)
        elif t.rstrip().endswith(":"):
            list_frame = next((s_ for c_, s_ in reversed(state.claims) if c_ >= idx - 2), None)
            list_intro = None
            if re.search(r"\b(?:suppl\w+|sent|sold|deliver\w*|transfer\w*|export\w*|provid\w*|shipp\w*|import\w*|bought|purchas\w*|acquir\w*)\b", t, re.I):
                intro_speaker = sentence_speaker if explicit else (state.last_speaker if state.last_speaker and idx - state.last_speaker_idx <= 3 else None)
                intro_rec = next((f.recipient for f in frames if f.recipient), None)
                list_intro = ((intro_speaker.code if intro_speaker else "media") or None, intro_rec)
        elif not bullet:
            list_frame = None
            list_intro = None
        _remember_weapons(st, state)
        lead = st.actors[0] if st.actors else None
        if lead is not None and lead.kind in _ROLE_KINDS and _DATELINE_OR_THE.fullmatch(t[: lead.start - st.start]):
            state.last_subject = lead.code
        elif not _IT_THEY.match(t):
            state.last_subject = None
    for pidx, pst, denier, others, own in pending:
        later = [(c, s_) for c, s_ in state.claims if c > pidx and denier in (s_.supplier, s_.recipient)
                 and (not others or {s_.supplier, s_.recipient} & others)]
        if not later:
            continue
        first_idx, first = later[0]
        pair = (first.supplier, first.recipient)
        cats = set(own) or {(s_.category, s_.system) for c, s_ in later if c == first_idx and (s_.supplier, s_.recipient) == pair}
        for cat, system in sorted(cats, key=_cat_order):
            emit(_make("denies", pair[0], pair[1], cat, system, "unknown", None, denier, pst, None), pidx)
    result.statements = out
    return result
