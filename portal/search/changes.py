"""Recording that a searchable document changed, in the caller's transaction."""

from __future__ import annotations

import logging

from portal.extensions import db
from portal.models.search import SearchChange

ACTIONS = ("upsert", "delete")
log = logging.getLogger(__name__)


def record_change(doc_type: str, key: str, action: str = "upsert") -> SearchChange:
    """Note that document `doc_type:key` changed; every server's index applies it on catch-up.

    Call it in the same transaction as the change (it adds a row, the caller commits).
    `upsert` re-reads the document from its source (a source that no longer returns it,
    say because it was unpublished, drops it); `delete` drops it outright.
    """
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}, not {action!r}")
    change = SearchChange(doc_type=doc_type, doc_key=str(key), action=action)
    db.session.add(change)
    return change


def apply_now(wait: float = 1.0) -> int:
    """After a commit: bring this server's index up to date at once, so an edit is searchable
    within a second. Never fails the request: the job runner catches up anyway."""
    from portal.search.index import catch_up

    try:
        return catch_up(wait=wait)
    except Exception:  # the index is a cache; the change is safe in the change log
        log.exception("applying search changes after a commit failed; the job runner will")
        db.session.rollback()
        return 0
