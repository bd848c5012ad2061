"""Placeholder pipeline (replaced by the rule-based extractor)."""
from __future__ import annotations

import re
from datetime import date

from app.extract.types import ExtractionResult

_DATE_HEADER = re.compile(r"\A ?date (\d{4}-\d{2}-\d{2})\b")


def parse_date_header(text: str) -> date | None:
    """The date of the optional ` date YYYY-MM-DD` first-line header, else None."""
    m = _DATE_HEADER.match(text)
    if not m:
        return None
    try:
        return date.fromisoformat(m.group(1))
    except ValueError:
        return None


def extract(text: str) -> ExtractionResult:
    return ExtractionResult(published=parse_date_header(text), statements=[])
