"""Sentence spans and mentions (actors, weapons) from spaCy's blank English pipeline and the taxonomy.

spaCy is loaded once per process (`get_lexicon()`); its tokenizer and sentencizer give the
sentence spans, PhraseMatchers built from the taxonomy data give actor and weapon mentions
as character spans of the original text.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import add

import spacy
from spacy.matcher import PhraseMatcher
import unicodedata
from spacy.tokens import Doc

from app.taxonomy import Taxonomy, load_taxonomy, load_words

# Aliases too ambiguous to mean an actor without more context, and state names that are also
# everyday words (matched only in their other forms): lists in app/taxonomy/words.toml.
_SKIP_ALIASES = load_words()["actors"]["skip_aliases"]
_STATE_DEFAULT_ALIASES_SKIP = load_words()["actors"]["skip_state_names"]
_GUARDED_NAMES = frozenset(load_words()["actors"]["guarded_names"])
_CAPITALISED_AFTER = re.compile(r" [A-Z][a-z]")


# Abbreviations with inner dots (U.S.), numbers, runs of letters, single other characters, each with
# the one space that may follow it; other whitespace is a token of its own. Written for speed, with the
# same tokens as `((?:[^\W\d_]\.){2,}|\d+(?:[.,:]\d+)*|[^\W\d_]+|[^\w\s]|_)( ?)|(\s+)`: an abbreviation
# is only tried where a dot follows the first letter, and a run of ASCII letters is matched by a plain
# range (the Unicode letter class costs several table lookups per character) unless a non-ASCII letter
# continues it.
_TOKEN_SPACE_RE = re.compile(
    r"((?=.\.)[^\W\d_](?:\.[^\W\d_])+\.|[A-Za-z]+(?![^\W\d_])|[^\W\d_]+|\d+(?:[.,:]\d+)*|[^\w\s]|_)( ?)|(\s+)")


def _is_punct(w: str) -> bool:
    return all(unicodedata.category(ch).startswith("P") for ch in w)


# Mentions are never changed once made. They are not `frozen`: a frozen dataclass sets each field
# through object.__setattr__, which made building the ~90 mentions of an article cost three times
# as much; `unsafe_hash` keeps the value equality and hash a frozen one has.
@dataclass(slots=True, unsafe_hash=True)
class ActorMention:
    start: int
    end: int
    code: str
    kind: str  # state | group | org | media
    form: str  # name | demonym | institution
    text: str


@dataclass(slots=True, unsafe_hash=True)
class WeaponMention:
    start: int
    end: int
    category: str
    system: str | None
    text: str
    generic: bool  # a generic word ("weapons", "missiles") rather than a specific one


class Lexicon:
    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.nlp = spacy.blank("en")
        self.sentencizer = self.nlp.add_pipe("sentencizer")
        self.actor_info: dict[str, tuple[str, str, str]] = {}  # match key -> (code, kind, form)
        self.weapon_info: dict[str, tuple[str, str | None]] = {}
        self.actor_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.weapon_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.system_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.max_phrase = 0  # the longest pattern, in characters: how far a match can reach past a window's end
        self._build_actors()
        self._build_weapons()
        # the matchers return string-store ids: look the info up by id, not by key string per match
        strings = self.nlp.vocab.strings
        self._actor_by_id = {strings[k]: v for k, v in self.actor_info.items()}
        self._weapon_by_id = {strings[k]: (*v, k in self.generic_keys) for k, v in self.weapon_info.items()}
        # a window's mentions are kept as rows of numbers; these tables give a row's info back
        self.actor_rows: list[tuple[str, str, str]] = list(dict.fromkeys(self._actor_by_id.values()))
        self.weapon_rows: list[tuple[str, str | None, bool]] = list(dict.fromkeys(self._weapon_by_id.values()))
        actor_row = {v: i for i, v in enumerate(self.actor_rows)}
        weapon_row = {v: i for i, v in enumerate(self.weapon_rows)}
        self._actor_row_by_id = {k: actor_row[v] for k, v in self._actor_by_id.items()}
        self._weapon_row_by_id = {k: weapon_row[v] for k, v in self._weapon_by_id.items()}
        # a match spans its pattern's characters plus at most one space per token
        self.reach = 2 * self.max_phrase + 16

    def makers(self, weapons) -> set[str]:
        """The makers (taxonomy origins) of the named systems among a frame's weapons."""
        found = [self.taxonomy.system(sy) for _, sy, _ in weapons if sy]
        return {s.origin for s in found if s is not None and s.origin}

    def _add_actor(self, alias: str, code: str, kind: str, form: str) -> None:
        alias = alias.strip()
        if not alias or alias in _SKIP_ALIASES:
            return
        key = f"A|{code}|{form}|{alias}"
        if key in self.actor_info:
            return
        self.actor_info[key] = (code, kind, form)
        variants = {alias, alias.replace("'", "’")}
        if alias[0].islower():
            variants.add(alias[0].upper() + alias[1:])
        elif alias.startswith("The "):
            variants.add("the " + alias[4:])
        self.actor_matcher.add(key, [self.make_doc(v) for v in variants])
        self.max_phrase = max(self.max_phrase, *map(len, variants))

    def _build_actors(self) -> None:
        for actor in self.taxonomy.actors:
            if actor.kind == "state" and actor.name not in _STATE_DEFAULT_ALIASES_SKIP:
                self._add_actor(actor.name, actor.code, actor.kind, "name")
            elif actor.kind != "state" and actor.kind != "media":
                self._add_actor(actor.name, actor.code, actor.kind, "name")
            demonyms = set(actor.demonyms)
            for alias in actor.aliases:
                form = "demonym" if alias in demonyms else "name"
                self._add_actor(alias, actor.code, actor.kind, form)
            for inst in actor.institutions:
                self._add_actor(inst, actor.code, actor.kind, "institution")

    def _build_weapons(self) -> None:
        generic_terms = load_words()["weapons"]["generic_terms"]
        for cat in self.taxonomy.categories:
            for term in cat.terms:
                key = f"C|{cat.slug}|{term.lower()}"
                if key in self.weapon_info:
                    continue
                self.weapon_info[key] = (cat.slug, None)
                self.weapon_matcher.add(key, [self.make_doc(term)])
                self.max_phrase = max(self.max_phrase, len(term))
        self.generic_keys = {k for k in self.weapon_info if k.split("|", 2)[2] in generic_terms or k.startswith("C|unspecified|")}
        for sys_ in self.taxonomy.systems:
            names = [sys_.name, *sys_.aliases]
            key = f"S|{sys_.name}"
            self.weapon_info[key] = (sys_.category, sys_.name)
            docs = []
            for n in names:
                for v in {n, n.replace("-", " "), n.upper() if any(ch.isdigit() for ch in n) else n}:
                    docs.append(self.make_doc(v))
                    self.max_phrase = max(self.max_phrase, len(v))
            self.system_matcher.add(key, docs)

    def make_doc(self, text: str) -> Doc:
        """A spaCy Doc from a simple regex tokenizer (letters, digits and punctuation apart).

        spaCy's own tokenizer costs more than the whole rule pass; these tokens are all the
        matchers and the sentencizer need. Whitespace other than one space after a token
        becomes its own token, so `doc.text == text` and token offsets are offsets into `text`.
        """
        tokens = _TOKEN_SPACE_RE.findall(text)
        # a whitespace token has empty word and space groups; a word token an empty whitespace group
        words = [word or ws for word, _, ws in tokens]
        spaces = [bool(space) for _, space, _ in tokens]
        starts = list(accumulate(map(len, map("".join, tokens)), initial=0))
        starts[-1] = len(text)
        doc = Doc(self.nlp.vocab, words=words, spaces=spaces)
        doc.user_data["starts"] = starts
        doc.user_data["ends"] = list(map(add, starts, map(len, words)))
        doc.user_data["text"] = text
        doc.user_data["words"] = words
        return doc

    def parse(self, text: str) -> Doc:
        doc = self.make_doc(text)
        doc.user_data["sent_starts"] = self._sentence_starts(doc.user_data["words"], len(doc.user_data["words"]))
        return doc

    def _sentence_starts(self, words: list[str], n: int) -> list[int]:
        """Token indices (below `n`) that start a sentence: spaCy's Sentencizer rule with its punctuation
        set, run over the token strings (the component itself would build a Token object per token)."""
        punct = self.sentencizer.punct_chars
        starts = [0]
        resume = 0
        # only tokens after a sentence-final mark can start a sentence: jump from mark to mark
        for i in [i for i, w in enumerate(words) if w in punct]:
            if i >= n:
                break
            if i < resume:
                continue
            j = i + 1
            while j < n and (words[j] in punct or _is_punct(words[j])):
                j += 1
            if j < n:
                starts.append(j)
            resume = j + 1
        return starts

    def sentences(self, doc) -> list[tuple[int, int]]:
        """Character spans of the sentences of one Doc: spaCy's sentencizer, split again at line breaks."""
        text = doc.user_data["text"]
        spans: list[tuple[int, int]] = []
        _line_spans(text, [doc.user_data["starts"][i] for i in doc.user_data["sent_starts"] if i > 0] + [len(text)],
                    0, spans)
        return _merge_short(text, _quote_openers(text, spans))

    def actors(self, doc) -> list[ActorMention]:
        text = doc.user_data["text"]
        scan = Scan()
        self._actor_rows_of(doc, text, 0, len(text), scan)
        return [ActorMention(a, b, *self.actor_rows[r], text[a:b]) for a, b, r in scan.actor_triples()]

    def weapons(self, doc) -> list[WeaponMention]:
        text = doc.user_data["text"]
        scan = Scan()
        self._weapon_rows_of(doc, 0, len(text), scan)
        scan.close_weapons()
        out = []
        for a, b, r in scan.weapon_triples():
            category, system, generic = self.weapon_rows[r]
            out.append(WeaponMention(a, b, category, system, text[a:b], generic))
        return out

    def scan(self, text: str, window: int = 50_000) -> Scan:
        """The sentence spans and mentions of `text`, read one window of about `window` characters at a
        time, so memory does not grow with the article's length (a Doc costs ~300 bytes a token).

        The result is the one a single Doc of the whole text gives. A window ends where the whole text's
        tokens and sentences also break: after a sentence-final mark and a space, before a letter or digit
        (a sentence start), or after a line break (where sentences are split anyway); tokens depend on no
        character before their start. Each window's Doc runs on past its end by the longest a match can be,
        and a window keeps the matches that start in it; the overlap filters carry over the boundary."""
        scan = Scan()
        n = len(text)
        a = 0
        raw: list[tuple[int, int]] = []
        while a < n:
            p = _window_end(text, a + window) if n - a > window else n
            q = _token_boundary(text, p + self.reach) if p < n else n
            doc = self.make_doc(text[a:q])
            ud = doc.user_data
            starts = ud["starts"]
            k = bisect_left(starts, p - a)  # the first token at or after p (p is a token start)
            bounds = [starts[i] + a for i in self._sentence_starts(ud["words"], k) if i > 0] + [p]
            _line_spans(text, bounds, a, raw)
            self._actor_rows_of(doc, text, a, p, scan)
            self._weapon_rows_of(doc, a, p, scan)
            if p >= n or scan.weapons_closed_at(p):
                scan.close_weapons()
            del doc, ud, starts
            a = p
        scan.close_weapons()
        scan.spans = _merge_short(text, _quote_openers(text, raw))
        return scan

    def _actor_rows_of(self, doc, text: str, base: int, p: int, scan: Scan) -> None:
        """Actor matches of `doc` (text from `base`) that start before `p`, guarded names dropped, then the
        longest of overlapping ones (continuing the previous window's)."""
        starts, ends = doc.user_data["starts"], doc.user_data["ends"]
        rows = self._actor_row_by_id
        found: list[tuple[int, int, int]] = []
        for key, start, end in self.actor_matcher(doc):
            a, b = starts[start] + base, ends[end - 1] + base
            if a >= p:
                continue
            if text[a:b] in _GUARDED_NAMES and _in_person_name(text, a, b):
                continue
            found.append((a, a - b, len(found), b, rows[key]))
        found.sort()  # by start, the longest first, then in the matcher's order
        last_end = scan.actor_end
        kept: list[int] = []
        for a, _, _, b, r in found:
            if a < last_end:
                continue
            kept += (a, b, r)
            last_end = b
        scan.actors.extend(kept)
        scan.actor_end = last_end

    def _weapon_rows_of(self, doc, base: int, p: int, scan: Scan) -> None:
        """Weapon matches of `doc` (text from `base`) that start before `p`, systems first, for the
        overlap filter (`Scan.close_weapons`)."""
        starts, ends = doc.user_data["starts"], doc.user_data["ends"]
        rows = self._weapon_row_by_id
        info = self.weapon_rows
        pending = scan.pending_weapons
        for matcher in (self.system_matcher, self.weapon_matcher):
            for key, start, end in matcher(doc):
                a = starts[start] + base
                if a >= p:
                    continue
                b = ends[end - 1] + base
                r = rows[key]
                pending.append((info[r][1] is None, a - b, a, scan.seq, b, r))
                scan.seq += 1


class Scan:
    """What `Lexicon.scan` reads from an article: sentence spans, and the kept actor and weapon mentions
    as flat arrays of (start, end, row) numbers, the row indexing `Lexicon.actor_rows` / `weapon_rows`."""

    __slots__ = ("spans", "actors", "weapons", "actor_end", "pending_weapons", "seq")

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.actors = array("q")
        self.weapons = array("q")
        self.actor_end = 0
        # (not a system, minus its length, start, order found, end, row): sorted as the filter takes them
        self.pending_weapons: list[tuple[bool, int, int, int, int, int]] = []
        self.seq = 0

    def actor_triples(self):
        a = self.actors
        return zip(a[0::3], a[1::3], a[2::3])

    def weapon_triples(self):
        w = self.weapons
        return zip(w[0::3], w[1::3], w[2::3])

    def weapons_closed_at(self, p: int) -> bool:
        """No pending weapon match reaches past `p`, so none can overlap one that starts after it."""
        return all(m[4] <= p for m in self.pending_weapons)

    def close_weapons(self) -> None:
        """The overlap filter over the pending matches: a system name wins over a category word that
        overlaps it ("Su-35 fighter jets"), then the longest wins; systems come first, so a match is
        dropped exactly when it overlaps one kept before it. Kept characters are marked, so the test
        costs the match's length, not the number of matches kept (linear however dense the text)."""
        found = self.pending_weapons
        if not found:
            return
        self.pending_weapons = []
        found.sort()  # systems first, then the longest, then the leftmost, then in the matchers' order
        lo = min(m[2] for m in found)
        taken = bytearray(max(m[4] for m in found) - lo)
        kept: list[tuple[int, int, int]] = []
        for _, _, a, _, b, r in found:
            if taken.find(1, a - lo, b - lo) >= 0:
                continue
            kept.append((a, b, r))
            taken[a - lo:b - lo] = b"\x01" * (b - a)
        kept.sort()  # kept matches do not overlap: by start
        self.weapons.extend([x for m in kept for x in m])


# Where a window may end: after a sentence-final mark and one space, before an ASCII letter or digit (a
# token that is not punctuation, so the sentencizer starts a sentence there), or right after a line break
# (before a non-space). A full stop right after "X." may close an abbreviation token ("U.S."): not there.
_WINDOW_END_RE = re.compile(r"(?<=[.!?] )(?=[A-Za-z0-9])|(?<=\n)(?=\S)")
_TOKEN_BOUNDARY_RE = re.compile(r"(?<=\s)(?=\S)")


def _window_end(text: str, pos: int) -> int:
    """The first place at or after `pos` where a window may end (the text's end if none)."""
    for m in _WINDOW_END_RE.finditer(text, pos):
        p = m.start()
        if text[p - 1] == "\n" or text[p - 2] != "." or p < 4 or text[p - 4] != ".":
            return p
    return len(text)


def _token_boundary(text: str, pos: int) -> int:
    """The first token start at or after `pos` that the tokens of the whole text share: after whitespace."""
    m = _TOKEN_BOUNDARY_RE.search(text, pos)
    return m.start() if m else len(text)


def _line_spans(text: str, bounds: list[int], prev: int, spans: list[tuple[int, int]]) -> None:
    """The sentences ending at `bounds` (the first starting at `prev`), split at line breaks and stripped."""
    for b in bounds:
        s, e = prev, b
        prev = b
        if text.find("\n", s, e) >= 0:
            lines = [m.span() for m in _LINE_RE.finditer(text, s, e)]
        else:  # most sentences have no line break: their one line is the whole span
            lines = [(s, e)] if e > s else []
        for a, b in lines:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                spans.append((a, b))


def _quote_openers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An opening quote mark belongs to the sentence it opens."""
    for i in range(len(spans) - 1):
        a, b = spans[i]
        opening = text[b - 1] in "“‘" or (text[b - 1] in "\"'" and text[b - 2].isspace())  # '... claims. "We'
        if b - a > 1 and opening and spans[i + 1][0] >= b and "\n" not in text[b:spans[i + 1][0]]:
            spans[i] = (a, b - 1 - (len(text[a:b - 1]) - len(text[a:b - 1].rstrip())))
            spans[i + 1] = (b - 1, spans[i + 1][1])
    return spans


_LINE_RE = re.compile(r"[^\n]+")
_ABBREVIATION_END = re.compile(
    r"\b(?:Gen|Lt|Col|Maj|Adm|Capt|Sgt|Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|U\.S|U\.N|U\.K|[A-Z])\.$")


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Re-join fragments the sentencizer cut after abbreviations such as "Gen." or "Jan."."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            same_line = "\n" not in text[pb:a]
            ends_with_dot = text[pb - 1:pb] == "." or text[max(pa, pb - 2):pb] == ".\n"
            # the pattern is anchored at the end: searching the last few characters finds the same match
            # (with one character before them for its leading \b); a run of merged fragments is not
            # copied again at each merge
            if same_line and (ends_with_dot and (_ABBREVIATION_END.search(text[pa:pb]) if pb - pa <= 12 else
                                                 _ABBREVIATION_END.search(text[pb - 13:pb], 1))
                              or text[a:a + 1].islower()):
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def _in_person_name(text: str, a: int, b: int) -> bool:
    """ "Chad Smith", "Michael Jordan": a capitalised word right after the mention, or right before it
    when that word does not open the sentence."""
    if _CAPITALISED_AFTER.match(text, b):
        return True
    before = text[max(0, a - 30):a]
    m = re.search(r"([A-Z][a-z]+) $", before)
    if m is None:
        return False
    head = before[:m.start(1)]
    return bool(head.strip()) and not re.search(r"[.!?\n]\s*$", head)


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon(load_taxonomy())
