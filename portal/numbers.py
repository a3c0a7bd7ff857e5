"""Whole numbers people type into forms and query strings: record ids and page numbers.

`str.isdigit()` is not enough: it accepts digits `int()` refuses ("²") and numbers too large
for the database driver to bind. These answer None or page 1 instead, never an error.
"""

from __future__ import annotations

from portal.models.types import MAX_ID


def parse_id(text: object) -> int | None:
    """The record id `text` spells in ASCII digits, or None if it cannot name a row."""
    text = str(text if text is not None else "").strip()
    # The length first: int() refuses over 4,300 digits with an error, and no id has 20.
    if len(text) > len(str(MAX_ID)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_page(text: object) -> int:
    """A 1-based page number; anything unreadable or out of range is the first page."""
    return parse_id(text) or 1
