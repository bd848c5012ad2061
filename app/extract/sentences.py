"""Stage 1, sentences: the article's sentence spans with their actor and weapon mentions.

`split_sentences(lex, text)` turns the lexicon's spans and mentions (lexicon.py) into `Sentence`
objects, each carrying its paragraph, headline and quotation state and the mentions inside it.
A `Sentence` memoises the per-sentence scans later stages share (speech words, clause
boundaries, goods). `parse_date_header` reads the optional ` date YYYY-MM-DD` first line.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.extract import patterns as P
from app.extract.lexicon import ActorMention, Lexicon, WeaponMention


DATE_HEADER = re.compile(r"\A ?date (\d{4}-\d{2}-\d{2})\b")
_LAST_WORD = re.compile(r"([\w’'”\"]+)\W*$")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w.’'-]*\s+$")
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being)\s+$")
_SENTENCE_END = re.compile(r"[.!?”\"’;:,]$")


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


def text_before(t: str, pos: int, width: int = 48) -> str:
    """The text just before `pos`, for patterns anchored at its end (bounded, so searches stay linear)."""
    return t[max(0, pos - width): pos]


# "concluded an agreement": a deal, not a finding
_DEAL_OBJECT = re.compile(r"\s+(?:(?:a|an|the|its|their)\s+)?(?:[\w$.,-]+\s+){0,4}?(?:agreements?|deals?|contracts?|accords?|talks|negotiations)\b", re.I)


def _in_name(t: str, m: re.Match) -> bool:
    """A speech word that is part of a name ("United States", "Human Rights Watch reports" is still speech)."""
    return m.group(0)[:1].isupper() and m.start() > 0 and bool(_CAPITALISED_BEFORE.search(text_before(t, m.start(), 30)))


# "Iran is said to be preparing to send ...": a raising passive, nobody speaking; its subject stays the subject
_RAISING_AFTER = re.compile(r"\s+to\s+(?:be|have)\b")
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?$")
_PARTS_FOR = re.compile(r"\b(?:parts|components|spares|engines|upgrades?|maintenance|repairs?)\s+(?:for|of)\s+"
                        r"(?:the\s+|its\s+|their\s+)?(?:[\w’'-]+\s+){0,2}(?:(?:and|or)\s+(?:[\w’'-]+\s+){0,2})?$", re.I)
_PARTS_FOR_NEEDS = P.hints(_PARTS_FOR)
_PARTS_AFTER = re.compile(r"[\s-]*(?:spare\s+)?(?:parts|components|engines|electronics|kits|guidance)\b", re.I)


def parse_date_header(text: str) -> date | None:
    """The date of the optional ` date YYYY-MM-DD` first-line header, else None."""
    m = DATE_HEADER.match(text)
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
            found = [m for m in (P.speech_word_re(self.words).finditer(t) if not self.words.isdisjoint(P.SPEECH_WORDS) else ())
                     if not (_in_name(t, m) and not (self.headline and not t[m.end():].strip(" .:!")))
                     and not (m.group(0).lower() in P.AMBIGUOUS_SPEECH and _noun_use(t, m.start()))
                     and not (m.group(0).lower() in ("concluded", "concludes") and _DEAL_OBJECT.match(t, m.end()))
                     and not (m.group(0).lower() == "thanks" and t.startswith(" to ", m.end()))  # "thanks to": because of
                     and not (m.group(0).lower() in ("showed", "shows") and t.startswith(" off", m.end()))  # "showed off"
                     and not (m.group(0).lower() in ("accused", "alleged", "suspected", "reported", "believed", "found", "shown",
                                                     "revealed", "seen")
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
            t = self.text
            self._said = [m for m in self.speech() if not P.ACCORDING_RE.match(m.group(0))
                          and not (_RAISING_AFTER.match(t, m.end()) and (
                              _BE_BEFORE.search(t, max(0, m.start() - 12), m.start())
                              or any(a.end - self.start == m.start() - 1 for a in self.actors)))]
        return self._said

    def goods(self) -> list[WeaponMention]:
        """Weapon mentions that name goods, not an industry ("weapons programme") or parts of other goods."""
        if self._goods is None:
            t, s0 = self.text, self.start
            parts_for = self.folds or has_any(self.low, *_PARTS_FOR_NEEDS)  # else _PARTS_FOR cannot match
            self._goods = [w for w in self.weapons
                           if not P.NOT_GOODS_AFTER.match(t[w.end - s0:])
                           and not (w.category != "components" and _PARTS_AFTER.match(t[w.end - s0:]))
                           and not (w.category != "components" and parts_for
                                    and _PARTS_FOR.search(text_before(t, w.start - s0, 50)))]
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
        if self._bounds is None:  # CLAUSE_BOUNDARY_RE cut to what the sentence has: the same matches
            t = self.text
            self._bounds = [m.start() for m in P.clause_boundary_re(self.words, t).finditer(t)]
        return self._bounds


WINDOW_CHARS = 50_000  # characters the lexicon reads at a time (a Doc of ~11k tokens, ~4 MB)


def split_sentences(lex: Lexicon, text: str, window: int | None = None) -> SentenceList:
    """The article's sentences (after the date header), each with its paragraph, headline and quote state
    and the actor and weapon mentions inside it (both lists are walked once, in step with the spans).

    The lexicon reads the text one window at a time (`Lexicon.scan`); what it keeps per sentence and per
    mention is a few numbers, and a `Sentence` is built when a stage asks for it (`SentenceList`)."""
    scan = lex.scan(text, window or WINDOW_CHARS)
    actors, weapons = scan.actors, scan.weapons
    n_actors, n_weapons = len(actors), len(weapons)
    header = DATE_HEADER.match(text)
    rows = array("q")  # per sentence: start, end, para, flags, first and last actor, first and last weapon
    para = 0
    prev_end = 0
    ai = wi = 0
    body_started = False
    quote_open = False
    for s, e in scan.spans:
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
        # mentions are (start, end, row) triples
        while ai < n_actors and actors[ai] < s:
            ai += 3
        aj = ai
        while aj < n_actors and actors[aj + 1] <= e:
            aj += 3
        while wi < n_weapons and weapons[wi] < s:
            wi += 3
        wj = wi
        while wj < n_weapons and weapons[wj + 1] <= e:
            wj += 3
        rows.extend((s, e, para, headline | in_quote << 1, ai, aj, wi, wj))
    return SentenceList(lex, text, scan, rows)


class SentenceList(Sequence):
    """An article's sentences, built on demand from the numbers `split_sentences` keeps.

    Iterating builds each sentence once and lets it go a few sentences later (a stage that looks
    ahead, as a quotation's closing attribution does, gets the same objects the iteration then
    yields); indexing a sentence far from the iteration builds a new one. Memory stays bounded by
    the window however long the article, instead of every sentence with its mentions and memos."""

    BEHIND, AHEAD = 8, 8

    def __init__(self, lex: Lexicon, text: str, scan, rows: array) -> None:
        self._lex = lex
        self._text = text
        self._actors = scan.actors
        self._weapons = scan.weapons
        self._rows = rows
        self._n = len(rows) // 8
        self._folds = P.CASE_FOLDS_TO_ASCII_RE.search(text) is not None
        self._letters = P.ascii_letters(text)
        self._cache: dict[int, Sentence] = {}
        self._at = 0  # where the iteration is

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        st = self._cache.get(i)
        if st is None:
            st = self._build(i)
            if self._at - self.BEHIND <= i <= self._at + self.AHEAD:
                self._cache[i] = st
        return st

    def __iter__(self):
        cache = self._cache
        build = self._build
        behind = self.BEHIND + 1
        for i in range(self._n):
            self._at = i
            # only sentences near the iteration are cached, so the one falling behind is the only stale one
            cache.pop(i - behind, None)
            st = cache.get(i)
            if st is None:
                st = cache[i] = build(i)
            yield st

    def start_of(self, i: int) -> int:
        return self._rows[8 * i]

    def text_of(self, i: int) -> str:
        r = self._rows
        return self._text[r[8 * i]:r[8 * i + 1]]

    def para_of(self, i: int) -> int:
        return self._rows[8 * i + 2]

    def index_at(self, start: int) -> int:
        """The index of the first sentence starting at or after `start`."""
        lo, hi = 0, self._n
        r = self._rows
        while lo < hi:
            mid = (lo + hi) // 2
            if r[8 * mid] < start:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _build(self, i: int) -> Sentence:
        s, e, para, flags, ai, aj, wi, wj = self._rows[8 * i: 8 * i + 8]
        text, lex = self._text, self._lex
        ar, wr = lex.actor_rows, lex.weapon_rows
        actors = []
        if aj > ai:
            a = self._actors[ai:aj].tolist()
            for k in range(0, aj - ai, 3):
                x, y = a[k], a[k + 1]
                actors.append(ActorMention(x, y, *ar[a[k + 2]], text[x:y]))
        weapons = []
        if wj > wi:
            w = self._weapons[wi:wj].tolist()
            for k in range(0, wj - wi, 3):
                x, y = w[k], w[k + 1]
                category, system, generic = wr[w[k + 2]]
                weapons.append(WeaponMention(x, y, category, system, text[x:y], generic))
        stext = text[s:e]
        return Sentence(s, e, stext, para, bool(flags & 1), bool(flags & 2), actors, weapons,
                        folds=self._folds and P.CASE_FOLDS_TO_ASCII_RE.search(stext) is not None,
                        article_letters=self._letters)


def sentence_index(sents, st: Sentence) -> int:
    """Where `st` stands in `sents` (sentences are in text order): the first at or after its start."""
    if isinstance(sents, SentenceList):
        return sents.index_at(st.start)
    return bisect_left(sents, st.start, key=lambda s: s.start)


def sentence_text(sents, i: int) -> str:
    return sents.text_of(i) if isinstance(sents, SentenceList) else sents[i].text


def sentence_para(sents, i: int) -> int:
    return sents.para_of(i) if isinstance(sents, SentenceList) else sents[i].para


def has_any(low: str, *keys: str) -> bool:
    """Any of `keys` in the lower-cased sentence: a cheap guard before a rarer trigger regex."""
    for k in keys:  # a plain loop: faster than any() over a generator or map for a handful of keys
        if k in low:
            return True
    return False


def boundaries(text: str) -> list[int]:
    return [m.start() for m in P.CLAUSE_BOUNDARY_RE.finditer(text)]


def clause_of(bounds: list[int], pos: int, n: int) -> tuple[int, int]:
    lo, hi = 0, n
    for b in bounds:
        if b <= pos:
            lo = b
        elif b > pos:
            hi = b
            break
    return lo, hi


def rel_span(st: Sentence, m) -> tuple[int, int]:
    """A mention's span relative to its sentence."""
    return m.start - st.start, m.end - st.start
