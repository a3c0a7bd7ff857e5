"""Suggestions beside the filing form, from the knowledge-base search.

The search package answers `suggest(text, limit) -> list` of hits with `.title`, `.url`,
`.type` and `.excerpt`. Until it is installed, or when it fails, the panel shows its empty
state rather than breaking the form.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)
LIMIT = 5
MIN_QUERY = 3


def suggestion_text(subject: str, description: str) -> str:
    """What the suggestions search for: the subject and description typed so far, or "" while
    that is too short to search."""
    text = f"{subject or ''} {description or ''}".strip()[:1000]
    return text if len(text) >= MIN_QUERY else ""


def suggestions_for(subject: str, description: str, limit: int = LIMIT) -> list[Any]:
    """Up to ``limit`` articles or threads matching the subject and description typed so far."""
    text = suggestion_text(subject, description)
    if not text:
        return []
    try:
        from portal.search import suggest
    except ImportError:
        return []
    try:
        return list(suggest(text, limit=limit))[:limit]
    except Exception:  # a broken index must never stop someone filing a case
        log.exception("Deflection suggestions failed")
        return []
