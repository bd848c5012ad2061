"""Stage 2, roles in lists: actors coordinated with a party ("from Poland and the Czech Republic",
"Russia, China and Belarus have supplied"), parties given as examples of a collective ("groups including
Hezbollah and Hamas"), and the actor heading a list item ("• Russia: Su-30 fighters").
All offsets are relative to the sentence.
"""
from __future__ import annotations

import re

from app.extract.lexicon import ActorMention
from app.extract.roles import ACTOR_NOUN_AFTER, ROLE_KINDS, actor_at, is_origin, preps_before
from app.extract.sentences import Sentence

_LIST_JOINER = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:(?:to|from)\s+)?(?:the\s+)?")


def coordinated(st: Sentence, a: ActorMention | None) -> list[str]:
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
        nxt = next((b for b in st.actors if b.start - st.start in starts and b.kind in ROLE_KINDS), None)
        if nxt is None or is_origin(st, nxt) or nxt.form == "demonym":
            break
        if re.match(r"\s+(?:has|have|had|is|are|was|were|will|would|could|also|says|said|\w+ed)\b", st.text[nxt.end - st.start:]):
            break  # the subject of a new clause, not another item of the list
        if not re.search(r"\b(?:and|or)\b", m.group(0)) and not re.match(r"\s*,|\s+(?:and|or)\b", st.text[nxt.end - st.start:]):
            break
        out.append(nxt.code)
        a = nxt
    return out


# "to a host of militant groups, among them Hezbollah and Hamas", "and other countries, including Ethiopia"
_EXAMPLES_RE = re.compile(
    r"(?:[\w-]+\s+){0,5}?(?:(?:groups|countries|states|nations|customers|buyers|clients|allies|partners|proxies|militias|"
    r"factions|organi[sz]ations|movements|governments|militaries|armies|actors)\s*(?:,|[–—-])?\s*"
    r"(?:including|among them|such as|notably|namely|in particular|like)"
    r"|(?:force|coalition|alliance|confederation|bloc)\s+(?:of|made up of|formed by))\s+", re.I)  # "a joint force of Mali, Niger and ..."
_TO_OR_AND = re.compile(r"\s*(?:,\s*)?(?:(?:and|or)\s+)?(?:to\s+)?", re.I)


def exemplified(st: Sentence, pos: int) -> list[ActorMention]:
    """The parties given as examples of a collective right at `pos` ("groups including Hezbollah and Hamas")."""
    t = st.text
    lead = _TO_OR_AND.match(t, pos)
    m = _EXAMPLES_RE.match(t, lead.end() if lead else pos)
    if m is None:
        return []
    first = actor_at(st, m.end(), 4)
    if first is None or first.kind not in ROLE_KINDS or is_origin(st, first):
        return []
    return [first, *_coordinated_mentions(st, first)]


def _coordinated_mentions(st: Sentence, a: ActorMention) -> list[ActorMention]:
    out: list[ActorMention] = []
    for code in coordinated(st, a):
        nxt = next((b for b in st.actors if b.code == code and b.start > (out[-1] if out else a).start), None)
        if nxt is None:
            break
        out.append(nxt)
    return out


def listed_after(st: Sentence, a: ActorMention | None) -> list[str]:
    """The actors coordinated after `a`, then those given as examples after the list
    ("to Azerbaijan, Ukraine and other countries, including Ethiopia")."""
    if a is None:
        return []
    listed = _coordinated_mentions(st, a)
    last = listed[-1] if listed else a
    out = [b.code for b in listed]
    end = last.end - st.start
    head = ACTOR_NOUN_AFTER.match(st.text[end:end + 40]) if last.form == "demonym" else None  # "the Syrian army"
    for b in exemplified(st, end + (head.end() if head else 0)):
        if b.code != a.code and b.code not in out:
            out.append(b.code)
    return out


_JOINER_BEFORE = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*,\s*as well as\s+)(?:the\s+)?")


_LIST_END = re.compile(r"(?:\band|\bor|\bas well as)\s+(?:the\s+)?$")


def coordinated_before(st: Sentence, a: ActorMention | None) -> list[str]:
    """Actors listed before `a` in one coordinated subject ("Russia, China and Belarus have supplied":
    `a` is Belarus, the list gives Russia and China). The list must end in "and"/"or" before `a`."""
    if a is None or not _LIST_END.search(st.text, max(0, a.start - st.start - 16), a.start - st.start):
        return []
    out: list[str] = []
    t = st.text
    saw_and = False
    cur = a
    while True:
        prev = next((b for b in reversed(st.actors) if b.end <= cur.start), None)
        if prev is None or prev.kind not in ROLE_KINDS or is_origin(st, prev) or prev.form == "demonym":
            break
        gap = t[prev.end - st.start: cur.start - st.start]
        m = _JOINER_BEFORE.fullmatch(gap)
        if not m:
            break
        if cur is a:
            saw_and = bool(re.search(r"\b(?:and|or|as well as)\b", gap))  # the list's last item follows "and"
        if preps_before(st, prev):
            break  # "to Poland and Ukraine, Germany sent ...": not a coordinated subject
        if prev.code != a.code and prev.code not in out:
            out.append(prev.code)
        cur = prev
    return out[::-1] if saw_and else []


def bullet_actor(st: Sentence) -> ActorMention | None:
    """The actor heading a list item ("• Russia: Su-30 fighters, Mi-35 helicopters")."""
    m = re.match(r"\s*(?:[•\-–*·▪●]|\d+[.)])\s*(?:the\s+)?", st.text, re.I)
    if not m:
        return None
    a = next((x for x in st.actors if x.start - st.start == m.end()), None)
    if a is None or a.kind not in ROLE_KINDS:
        return None
    if not re.match(r"(?:[-‑]based(?:\s+\w+){0,2})?\s*:", st.text[a.end - st.start:]):
        return None
    return a
