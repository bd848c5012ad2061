"""Article text to safe HTML: statements highlighted in place, search hits marked.

Everything here escapes the text first and adds only its own tags, so article-derived text
can never become markup.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Span:
    id: int
    start: int
    end: int
    stance: str


def segments(text: str, spans: Iterable[Span]) -> list[tuple[str, tuple[Span, ...]]]:
    """Cut `text` at every span boundary: [(piece, spans covering it, outermost first)].

    Spans outside the text or empty are dropped, so bad offsets cannot break the page."""
    n = len(text)
    valid = [s for s in spans if 0 <= s.start < s.end <= n]
    cuts = sorted({0, n, *(s.start for s in valid), *(s.end for s in valid)})
    order = sorted(valid, key=lambda s: (s.start, -s.end, s.id))
    out: list[tuple[str, tuple[Span, ...]]] = []
    for a, b in zip(cuts, cuts[1:]):
        covering = tuple(s for s in order if s.start <= a and b <= s.end)
        out.append((text[a:b], covering))
    return out


def highlight_statements(text: str, spans: Iterable[Span]) -> Markup:
    """The article as HTML with each statement in a <mark id="statement-N">.

    Nested spans nest as elements, so a statement inside another is one element inside the
    other. Spans that cross are split where they cross: the piece carrying the id is the
    statement's beginning and the rest follow as `mark.cont` elements of the same statement."""
    html: list[str] = []
    open_stack: list[Span] = []
    started: set[int] = set()
    for piece, covering in segments(text, spans):
        keep = 0
        while keep < len(open_stack) and keep < len(covering) and open_stack[keep] is covering[keep]:
            keep += 1
        for _ in range(len(open_stack) - keep):
            html.append("</mark>")
        del open_stack[keep:]
        for span in covering[keep:]:
            stance = escape(span.stance)
            if span.id in started:
                html.append(f'<mark class="stmt cont stance-{stance}" data-statement="{span.id}">')
            else:
                started.add(span.id)
                html.append(f'<mark class="stmt stance-{stance}" id="statement-{span.id}" data-statement="{span.id}">')
            open_stack.append(span)
        html.append(str(escape(piece)))
    html.extend("</mark>" for _ in open_stack)
    return Markup("".join(html))


def highlight_terms(text: str, terms: Sequence[str]) -> Markup:
    """`text` escaped, with words starting with any of `terms` in <mark class="hit">."""
    if not terms:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    html: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        html.append(str(escape(text[pos:m.start()])))
        html.append(f'<mark class="hit">{escape(m.group(0))}</mark>')
        pos = m.end()
    html.append(str(escape(text[pos:])))
    return Markup("".join(html))


_SENTENCE = re.compile(r"[^\s][^.!?\n]*(?:[.!?]+[\"”’)\]]*|$)")


def sentence_spans(text: str, now: dict | None = None) -> list[tuple[int, int, str]]:
    """(start, end, sentence) of each sentence of `text`, for an editor to pick a statement's quote.

    A plain cut after . ! ? (and a closing quote), not the extractor's sentencizer: it only
    offers choices, and the statement's current span is always among them (`now`)."""
    out = [(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(text) if m.group().strip()]
    if now and not any(s == now["start"] and e == now["end"] for s, e, _ in out):
        out.append((now["start"], now["end"], text[now["start"]:now["end"]]))
        out.sort()
    return out
