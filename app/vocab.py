"""The ledger's closed vocabularies, one StrEnum each.

Models, filters, queries, templates and charts all read these, so a new stance or status
is one edit here (plus a migration if stored values change), not a search through the code.
A StrEnum member equals its string value, so rows read back from the database compare
equal to the members and render as the plain words in HTML, JSON and CSV.
"""
from __future__ import annotations

from enum import StrEnum


class Stance(StrEnum):
    """What one statement says about a transfer."""

    alleges = "alleges"
    denies = "denies"
    confirms = "confirms"

    @property
    def label(self) -> str:
        """What the pages call one such statement."""
        return {"alleges": "claim", "denies": "denial", "confirms": "confirmation"}[self.value]


# The order the pages list stances in (claims, then confirmations, then denials).
STANCE_ORDER = (Stance.alleges, Stance.confirms, Stance.denies)


class Status(StrEnum):
    """Whether a transfer is said to have happened; an allegation takes its statements' highest."""

    delivered = "delivered"
    planned = "planned"
    unknown = "unknown"

    @property
    def rank(self) -> int:
        return {"unknown": 0, "planned": 1, "delivered": 2}[self.value]

    @property
    def label(self) -> str:
        return "status unknown" if self is Status.unknown else self.value


class Answer(StrEnum):
    """The list's "denied or confirmed" filter: how an allegation has been answered."""

    denied = "denied"
    confirmed = "confirmed"
    undenied = "undenied"


class Review(StrEnum):
    """What an editor decided about a statement. A rejected statement leaves every public count."""

    unreviewed = "unreviewed"
    verified = "verified"
    rejected = "rejected"


class Role(StrEnum):
    """What an account may do: viewers read the editors' pages, editors review, admins also manage accounts."""

    viewer = "viewer"
    editor = "editor"
    admin = "admin"

    @property
    def may_edit(self) -> bool:
        return self is not Role.viewer


class ChangeKind(StrEnum):
    """What an Atom feed entry says happened to an allegation (`app/alerts.py`)."""

    new_allegation = "new-allegation"
    first_denial = "first-denial"
    first_confirmation = "first-confirmation"
    new_recipient = "new-recipient"

    @property
    def label(self) -> str:
        return {"new-allegation": "New allegation", "first-denial": "First denial",
                "first-confirmation": "First confirmation", "new-recipient": "New recipient"}[self.value]


# The audit action `armswatch reextract` records (its one event names no allegation); the facet
# index reads it to know it must be built again (`app/facet_index.py`).
REEXTRACT_ACTION = "reextract"
