"""Pure extraction: article text in, statements about arms transfers out.

Imports nothing from the database or web layers, so it can be tested with strings.
"""
from app.extract.pipeline import extract, parse_date_header
from app.extract.types import ExtractedStatement, ExtractionResult

__all__ = ["extract", "parse_date_header", "ExtractedStatement", "ExtractionResult"]
