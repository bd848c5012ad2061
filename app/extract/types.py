"""What the extractor returns: plain data, no database or web types."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from itertools import chain, starmap
from operator import attrgetter


@dataclass(frozen=True, slots=True)
class ExtractedStatement:
    """One sentence's claim about one transfer. `text[start:end] == quote` always holds."""

    stance: str  # alleges | denies | confirms
    supplier: str  # ISO 3166-1 alpha-3 or group slug
    recipient: str
    category: str  # one of the 15 slugs of SCHEMA.md
    system: str | None  # canonical named system (Su-35, Shahed-136), else None
    status: str  # delivered | planned | unknown
    claimant: str | None  # ISO3 / slug / "media" / None
    speaker: str | None  # named person, else None
    quote: str
    start: int
    end: int
    speaker_role: str | None = None  # "White House spokesman", when the text gives one
    quantity: str | None = None  # "hundreds", "40", when the text gives one

    def to_json(self) -> dict:
        """The statement as SCHEMA.md's `armswatch extract --format json` prints it."""
        d = asdict(self)
        d.pop("speaker_role")
        d.pop("quantity")
        return d


@dataclass(slots=True)
class ExtractionResult:
    published: date | None  # the date header's, else the dateline's or byline's
    statements: list[ExtractedStatement] = field(default_factory=list)
    title: str | None = None  # the headline, when the article opens with one

    def __reduce__(self):
        # Sent from an ingest worker to the writer by pickle, as one flat run of the statements' field
        # values. Pickled one by one, each statement's state (a dict) stayed in the pickler's memo until
        # the end, ~650 bytes a statement (190 MB for the 290k statements of a 9.5 MB article); pickled
        # in columns, the 13 lists built first cost 30 MB there. A run is drawn from the statements as
        # the pickler writes it (values, not containers, so the memo keeps nothing new alive), and a
        # sentence's quote or a party's code is one memoized string however many statements share it.
        return _result_from_values, (self.published, self.title, _Values(self.statements))


_STATEMENT_FIELDS = tuple(f.name for f in fields(ExtractedStatement))
_ROW = attrgetter(*_STATEMENT_FIELDS)


class _Values:
    """Pickles as the list of the statements' field values, statement after statement, made lazily."""

    __slots__ = ("statements",)

    def __init__(self, statements: list[ExtractedStatement]) -> None:
        self.statements = statements

    def __reduce__(self):
        # (callable, args, state, list items): unpickled as list() extended with the items.
        return list, (), None, chain.from_iterable(map(_ROW, self.statements))


def _result_from_values(published: date | None, title: str | None, values: list) -> ExtractionResult:
    rows = zip(*[iter(values)] * len(_STATEMENT_FIELDS))
    return ExtractionResult(published=published, title=title, statements=list(starmap(ExtractedStatement, rows)))
