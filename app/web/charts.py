"""Layout of the supplier -> recipient matrix drawn as SVG by `templates/partials/_flows.html`.

Only numbers and plain strings leave here; the template escapes every label.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from app.queries import Flow

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
                            supplier_name=f.supplier.name, recipient_name=f.recipient.name))
    return m
