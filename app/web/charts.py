"""Layout of the supplier -> recipient matrix drawn as SVG by `templates/partials/_flows.html`.

Only numbers and plain strings leave here; the template escapes every label.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from app.queries import Flow, TimelineBucket
from app.vocab import Stance

CELL = 34
MAX_AXIS = 14


@dataclass(slots=True)
class Axis:
    code: str
    name: str
    pos: float
    total: int


@dataclass(slots=True)
class Cell:
    x: float
    y: float
    r: float
    count: int
    supplier: str
    recipient: str
    supplier_name: str
    recipient_name: str
    query: str  # the list filtered by the pair, as a query string


@dataclass(slots=True)
class Matrix:
    width: int
    height: int
    left: int
    top: int
    rows: list[Axis] = field(default_factory=list)  # suppliers
    cols: list[Axis] = field(default_factory=list)  # recipients
    cells: list[Cell] = field(default_factory=list)
    hidden_suppliers: int = 0
    hidden_recipients: int = 0
    max_count: int = 0


def _top(totals: dict[str, int], names: dict[str, str]) -> list[str]:
    return sorted(totals, key=lambda c: (-totals[c], names[c].lower()))


def flow_matrix(flows: list[Flow]) -> Matrix | None:
    """Suppliers as rows, recipients as columns, a circle per pair with area ∝ allegations."""
    if not flows:
        return None
    names: dict[str, str] = {}
    sup_tot: dict[str, int] = {}
    rec_tot: dict[str, int] = {}
    for f in flows:
        names[f.supplier.code] = f.supplier.name
        names[f.recipient.code] = f.recipient.name
        sup_tot[f.supplier.code] = sup_tot.get(f.supplier.code, 0) + f.count
        rec_tot[f.recipient.code] = rec_tot.get(f.recipient.code, 0) + f.count
    sups = _top(sup_tot, names)
    recs = _top(rec_tot, names)
    shown_s, shown_r = sups[:MAX_AXIS], recs[:MAX_AXIS]
    longest_row = max(len(names[c]) for c in shown_s)
    longest_col = max(len(names[c]) for c in shown_r)
    left = min(170, 16 + 7 * longest_row)
    top = min(130, 20 + 5 * longest_col)
    m = Matrix(
        width=left + CELL * len(shown_r) + max(10, int(top * 0.75)),  # room for the slanted last label
        height=top + CELL * len(shown_s) + 10,
        left=left,
        top=top,
        hidden_suppliers=len(sups) - len(shown_s),
        hidden_recipients=len(recs) - len(shown_r),
    )
    row_of = {c: i for i, c in enumerate(shown_s)}
    col_of = {c: i for i, c in enumerate(shown_r)}
    m.rows = [Axis(c, names[c], top + CELL * i + CELL / 2, sup_tot[c]) for i, c in enumerate(shown_s)]
    m.cols = [Axis(c, names[c], left + CELL * i + CELL / 2, rec_tot[c]) for i, c in enumerate(shown_r)]
    m.max_count = max(f.count for f in flows)
    for f in flows:
        i, j = row_of.get(f.supplier.code), col_of.get(f.recipient.code)
        if i is None or j is None:
            continue
        r = max(3.0, (CELL / 2 - 2) * math.sqrt(f.count / m.max_count))
        m.cells.append(Cell(x=left + CELL * j + CELL / 2, y=top + CELL * i + CELL / 2, r=round(r, 1),
                            count=f.count, supplier=f.supplier.code, recipient=f.recipient.code,
                            supplier_name=f.supplier.name, recipient_name=f.recipient.name,
                            query=urlencode((("supplier", f.supplier.code), ("recipient", f.recipient.code)))))
    return m


@dataclass(slots=True)
class Bar:
    x: float
    width: float
    period: str
    total: int
    parts: list[tuple[str, float, float, int]]  # (stance, y, height, count), bottom to top


@dataclass(slots=True)
class Timeline:
    width: int
    height: int
    base: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    max_total: int


def _months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm) and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def timeline_chart(buckets: list[TimelineBucket], width: int = 720, height: int = 150) -> Timeline | None:
    """Stacked monthly bars of claims, denials and confirmations; empty months keep their place."""
    if not buckets:
        return None
    by_period = {b.period: b for b in buckets}
    months = _months(buckets[0].period, buckets[-1].period)
    left, base = 30, height - 24
    slot = (width - left - 10) / len(months)
    bar_w = max(2.0, min(26.0, slot * 0.8))
    max_total = max(b.alleges + b.denies + b.confirms for b in buckets) or 1
    scale = (base - 10) / max_total
    bars, ticks = [], []
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar_w) / 2
        if len(months) <= 12:
            label = month if i == 0 or month.endswith("-01") else month[5:]
        else:
            label = month if i == 0 else month[:4] if month.endswith("-01") else None
        if label:
            ticks.append((round(x + bar_w / 2, 1), label))
        b = by_period.get(month)
        if not b:
            continue
        y = float(base)
        parts = []
        for stance, n in ((s.value, getattr(b, s)) for s in Stance):
            if n:
                h = n * scale
                y -= h
                parts.append((stance, round(y, 1), round(h, 1), n))
        bars.append(Bar(x=round(x, 1), width=round(bar_w, 1), period=month,
                        total=b.alleges + b.denies + b.confirms, parts=parts))
    return Timeline(width=width, height=height, base=base, bars=bars, ticks=ticks, max_total=max_total)
