"""armswatch: a source-linked ledger of arms-transfer allegations and denials."""

__version__ = "0.1.0"
