"""Poll intervals as people write them ('90s', '30m', '2h', '1d'), for the CLI and the /sources page."""
from __future__ import annotations

import re

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"\A\s*(\d{1,7})\s*([smhd])\s*\Z", re.IGNORECASE)


def interval_seconds(text: str) -> int | None:
    """'30m' -> 1800; None when `text` is not a number and a unit."""
    match = _INTERVAL.match(text or "")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2).lower()] if match else None


def format_interval(seconds: int) -> str:
    """1800 -> '30m': the largest unit that divides it."""
    for unit in ("d", "h", "m"):
        if seconds % UNIT_SECONDS[unit] == 0:
            return f"{seconds // UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"
