"""Sentence spans and mentions (actors, weapons) from spaCy's blank English pipeline and the taxonomy.

spaCy is loaded once per process (`get_lexicon()`); its tokenizer and sentencizer give the
sentence spans, PhraseMatchers built from the taxonomy data give actor and weapon mentions
as character spans of the original text.
"""
from __future__ import annotations

import re
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
        self._build_actors()
        self._build_weapons()
        # the matchers return string-store ids: look the info up by id, not by key string per match
        strings = self.nlp.vocab.strings
        self._actor_by_id = {strings[k]: v for k, v in self.actor_info.items()}
        self._weapon_by_id = {strings[k]: (*v, k in self.generic_keys) for k, v in self.weapon_info.items()}

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
        self.generic_keys = {k for k in self.weapon_info if k.split("|", 2)[2] in generic_terms or k.startswith("C|unspecified|")}
        for sys_ in self.taxonomy.systems:
            names = [sys_.name, *sys_.aliases]
            key = f"S|{sys_.name}"
            self.weapon_info[key] = (sys_.category, sys_.name)
            docs = []
            for n in names:
                for v in {n, n.replace("-", " "), n.upper() if any(ch.isdigit() for ch in n) else n}:
                    docs.append(self.make_doc(v))
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
        doc.user_data["sent_starts"] = self._sentence_starts(doc.user_data["words"])
        return doc

    def _sentence_starts(self, words: list[str]) -> list[int]:
        """Token indices that start a sentence: spaCy's Sentencizer rule with its punctuation set,
        run over the token strings (the component itself would build a Token object per token)."""
        punct = self.sentencizer.punct_chars
        starts = [0]
        n = len(words)
        resume = 0
        # only tokens after a sentence-final mark can start a sentence: jump from mark to mark
        for i in [i for i, w in enumerate(words) if w in punct]:
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
        """Character spans of the sentences: spaCy's sentencizer, split again at line breaks."""
        spans: list[tuple[int, int]] = []
        text = doc.user_data["text"]
        starts = doc.user_data["starts"]
        bounds = [starts[i] for i in doc.user_data["sent_starts"] if i > 0] + [len(text)]
        prev = 0
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
        # an opening quote mark belongs to the sentence it opens
        for i in range(len(spans) - 1):
            a, b = spans[i]
            opening = text[b - 1] in "“‘" or (text[b - 1] in "\"'" and text[b - 2].isspace())  # '... claims. "We'
            if b - a > 1 and opening and spans[i + 1][0] >= b and "\n" not in text[b:spans[i + 1][0]]:
                spans[i] = (a, b - 1 - (len(text[a:b - 1]) - len(text[a:b - 1].rstrip())))
                spans[i + 1] = (b - 1, spans[i + 1][1])
        return _merge_short(text, spans)

    def actors(self, doc) -> list[ActorMention]:
        found: list[ActorMention] = []
        text, starts, ends = doc.user_data["text"], doc.user_data["starts"], doc.user_data["ends"]
        info = self._actor_by_id
        for key, start, end in self.actor_matcher(doc):
            code, kind, form = info[key]
            a, b = starts[start], ends[end - 1]
            if text[a:b] in _GUARDED_NAMES and _in_person_name(text, a, b):
                continue
            found.append(ActorMention(a, b, code, kind, form, text[a:b]))
        return _longest(found)

    def weapons(self, doc) -> list[WeaponMention]:
        found: list[WeaponMention] = []
        text, starts, ends = doc.user_data["text"], doc.user_data["starts"], doc.user_data["ends"]
        info = self._weapon_by_id
        for matcher in (self.system_matcher, self.weapon_matcher):
            for key, start, end in matcher(doc):
                category, system, generic = info[key]
                a, b = starts[start], ends[end - 1]
                found.append(WeaponMention(a, b, category, system, text[a:b], generic))
        # a system name wins over a category word that overlaps it ("Su-35 fighter jets"), then the
        # longest wins: systems come first, so a mention is dropped exactly when it overlaps one kept
        # before it. Kept characters are marked, so the test costs the mention's length, not the
        # number of mentions kept (linear in the article, however dense).
        found.sort(key=lambda m: (m.system is None, -(m.end - m.start), m.start))
        kept: list[WeaponMention] = []
        taken = bytearray(len(text))
        for m in found:
            if taken.find(1, m.start, m.end) >= 0:
                continue
            kept.append(m)
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        kept.sort(key=lambda m: m.start)
        return kept


_LINE_RE = re.compile(r"[^\n]+")
_ABBREVIATION_END = re.compile(
    r"\b(?:Gen|Lt|Col|Maj|Adm|Capt|Sgt|Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|U\.S|U\.N|U\.K|[A-Z])\.$")


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Re-join fragments the sentencizer cut after abbreviations such as "Gen." or "Jan."."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            prev = text[pa:pb]
            same_line = "\n" not in text[pb:a]
            ends_with_dot = prev[-1:] == "." or prev[-2:] == ".\n"
            # the pattern is anchored at the end: searching the last few characters finds the same match
            if same_line and (ends_with_dot and _ABBREVIATION_END.search(prev, max(0, len(prev) - 12))
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


def _longest(mentions: list[ActorMention]) -> list[ActorMention]:
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[ActorMention] = []
    for m in mentions:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon(load_taxonomy())
