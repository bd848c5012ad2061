"""Text safe to print on a terminal or write to a log: control characters shown, never obeyed.

File names, URLs, titles and feed fields come from whoever wrote the input. Printed raw, an
ESC sequence retitles the terminal or moves the cursor, a CR or LF forges a progress line,
and a bidirectional override reorders what the reader sees. Every CLI line and log record
made from such values goes through `shown`.
"""
from __future__ import annotations

import logging
import re
import sys

# C0 controls and DEL, C1 controls, the line/paragraph separators and the bidi controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def valid_utf8(value: str) -> str:
    """`value` as valid UTF-8: a POSIX file name that is not UTF-8 gets U+FFFD for its bad bytes.

    Such names reach Python as lone surrogates, which neither SQLite nor a UTF-8 terminal accepts.
    """
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        try:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")


def shown(value: object) -> str:
    """`value` for a terminal or a log line: valid UTF-8, control characters as `\\x1b`-style escapes."""
    return _CONTROL.sub(_escape, valid_utf8(str(value)))


class SafeFormatter(logging.Formatter):
    """Log records with every line shown safely: a traceback keeps its line breaks, but a
    message or an exception text can carry no control character of its own."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(shown(line) for line in super().format(record).split("\n"))


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (as logging's last-resort handler)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def safe_logger(name: str) -> logging.Logger:
    """The logger `name`, writing to stderr through SafeFormatter (once, however often asked)."""
    log = logging.getLogger(name)
    if not any(isinstance(h.formatter, SafeFormatter) for h in log.handlers):
        handler = _Stderr()
        handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    return log
