"""Stage 2b, goods: the weapons a clause names, resolved against the article's earlier weapons.

`weapons_in(st, lo, hi, state)` lists (category, system, position) in a span of the sentence:
generic words give way to the itemised ones after them, "the missiles" takes the last named
missile; `remember_weapons` records a sentence's weapons for the next; `quantity_at` reads the
quantity before a weapon.
"""
from __future__ import annotations

import re

from app.extract import patterns as P
from app.extract.sentences import Sentence, text_before
from app.extract.state import ArticleState


FAMILY = {
    "missile": {"ballistic_missile", "cruise_missile", "missile", "air_defence"},
    "aircraft": {"combat_aircraft", "aircraft", "uav", "helicopter"},
    "combat_aircraft": {"combat_aircraft"},
    "uav": {"uav"},
    "artillery": {"artillery"},
}
_ANAPHOR_BEFORE = re.compile(r"\b(?:the|these|those|such|this|that|its|their)\s+(?:\w+\s+)?$", re.I)
# "four fully operational aircraft", "12 more missiles": a count before a generic word refers to the last ones named
_COUNTED_BEFORE = re.compile(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|dozens of|several)"
                             r"\s+(?:[\w-]+\s+){0,2}$", re.I)
_INCLUDING_RE = re.compile(r"\b(?:including|includ\w+|compris\w+|consist\w+ of|contain\w*|such as|like|notably|in particular|namely|among them|among which|ranging from|from)\b|:", re.I)


_NOT_A_HEAD = frozenset({"ammunition", "components"})  # "HIMARS ammunition", "Shahed engines": other goods


# a word every WEAPON_STOP_RE match holds as a word of its own (after "to", "in", "for", ", ")
_STOP_WORDS = frozenset({"against", "attack", "strike", "hit", "target", "shoot", "defend", "protect", "counter", "intercept",
                         "fight", "replace", "turned", "used", "fired", "use", "exchange", "return", "posting", "showing",
                         "saying", "adding", "citing", "according", "having", "objections"})


_ENGINE_COUNT = re.compile(r"\b(?:single|twin|one|two|three|four|multi|double)[-‑]$", re.I)


def _may_stop(st: Sentence) -> bool:
    """False only when WEAPON_STOP_RE cannot match anywhere in the sentence (memoised per sentence)."""
    ok = st.origin_cache.get("weapon_stop")
    if ok is None:
        ok = st.origin_cache["weapon_stop"] = st.folds or not st.words.isdisjoint(_STOP_WORDS)
    return ok


def weapons_in(st: Sentence, lo: int, hi: int, state: ArticleState) -> list[tuple[str, str | None, int]]:
    stop = P.WEAPON_STOP_RE.search(st.text, lo, hi) if hi > lo and _may_stop(st) else None
    if stop:
        hi = stop.start()
    ms = [w for w in st.goods() if lo <= w.start - st.start and w.end - st.start <= hi]
    if not ms:
        return []
    specific = [w for w in ms if not w.generic]
    out: list[tuple[str, str | None, int]] = []
    named_end: int | None = None
    for w in ms:
        ws = w.start - st.start
        if w.system is None and named_end is not None and w.category not in _NOT_A_HEAD and 0 < w.start - named_end <= 1:
            continue  # "Caesar guns", "Leopard tanks": the noun heads the system just named
        if w.system is not None:
            named_end = w.end
        if w.category == "components" and _ENGINE_COUNT.search(st.text, max(0, ws - 8), ws):
            continue  # "a single-engine drone": the engine describes the drone
        cat, system = w.category, w.system
        if w.generic and w.text.lower() == "weapon":
            # "a further IRIS-T system, a weapon that ..." names no new good; "the weapon" alone
            # refers back to the last weapon the article named ("will not supply the weapon").
            if any(x.start < w.start for x in specific):
                continue
            prev = state.last_weapon.get("any") if _ANAPHOR_BEFORE.search(text_before(st.text, ws)) else None
            if prev:
                cat, system = prev
        elif w.generic:
            later_specific = [x for x in specific if x.start > w.start]
            if later_specific and _INCLUDING_RE.search(st.text[ws: later_specific[0].start - st.start]):
                continue
            if cat == "missile" and any(x.category in FAMILY["missile"] and abs(x.start - w.start) < 40 for x in specific):
                continue
            if cat in {"missile", "aircraft"} and (_ANAPHOR_BEFORE.search(text_before(st.text, ws))
                                                   or _COUNTED_BEFORE.search(text_before(st.text, ws, 40))):
                prev = state.last_weapon.get("missile" if cat == "missile" else "aircraft")
                if prev:
                    cat, system = prev
        elif system is None and _ANAPHOR_BEFORE.search(text_before(st.text, ws)):
            prev = state.last_weapon.get(cat)
            if prev and prev[0] == cat:
                system = prev[1]
        out.append((cat, system, ws))
    return out


def remember_weapons(st: Sentence, state: ArticleState) -> None:
    named = {w.category for w in st.weapons if w.system}
    for w in st.weapons:
        if w.generic and w.category in {"missile", "aircraft", "unspecified"}:
            continue
        if w.system is None and w.category in named:
            continue  # "MiG-29 fighter jets": the jets are the MiG-29s
        state.last_weapon["any"] = (w.category, w.system)
        for fam, cats in FAMILY.items():
            if w.category in cats:
                state.last_weapon[fam] = (w.category, w.system)


def quantity_at(st: Sentence, pos: int) -> str | None:
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
