"""Reading an article text file the way SCHEMA.md counts offsets (UTF-8, as Python reads it)."""
from __future__ import annotations

import codecs
import stat
from pathlib import Path

MAX_BYTES = 10_000_000


class TextFileError(Exception):
    """A file that cannot be read as an article; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


NOT_REGULAR = "not a regular file (a pipe, socket or device)"


def read_file_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, refusing directories, non-regular and oversize files with a reason."""
    if path.is_dir():
        raise TextFileError(path, "is a directory, not a file")
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO blocks a reader forever, /dev/zero never ends
            raise TextFileError(path, NOT_REGULAR)
        if st.st_size > max_bytes:
            raise TextFileError(path, f"too large ({st.st_size:,} bytes; the limit is {max_bytes:,})")
        return path.read_bytes()
    except FileNotFoundError:
        raise TextFileError(path, "no such file") from None
    except PermissionError:
        raise TextFileError(path, "permission denied") from None
    except OSError as exc:
        raise TextFileError(path, f"cannot be read ({exc.strerror or exc})") from None


# UTF-32 LE starts like UTF-16 LE: the longer marks first.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_article_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text, decoded as UTF-8 with Python's newline handling (as `Path.read_text`).

    A file that starts with a UTF-16 or UTF-32 byte order mark is decoded as the mark says (the
    codec drops the mark); offsets then count the decoded text's characters, as for UTF-8."""
    raw = read_file_bytes(path, max_bytes)
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), None)
    if encoding is None and b"\x00" in raw:
        raise TextFileError(path, "binary file (contains NUL bytes)")
    try:
        text = raw.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        where = " despite its byte order mark" if encoding else ""
        raise TextFileError(path, f"not valid {(encoding or 'utf-8').upper()}{where} (byte {exc.start})") from None
    if encoding and "\x00" in text:
        raise TextFileError(path, f"binary file ({encoding.upper()} text containing NUL characters)")
    # Same newline translation as Path.read_text, so offsets match what readers of the file see.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TextFileError(path, "empty (no text)")
    return text
