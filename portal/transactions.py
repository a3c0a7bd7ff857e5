"""One request, one transaction: the portal commits in one place.

Services flush and never commit. At the end of each request the session is committed when
the answer is a success or a redirect and rolled back when it is an error (4xx or 5xx), so
a refused action changes nothing and no view repeats try/rollback/commit. CLI commands and
jobs call `commit()` once at the end of their unit of work.

Work that must only happen once the data is safely stored (bringing this server's search
index up to date, say) is registered with `after_commit` and runs after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response
from sqlalchemy.exc import IntegrityError

from portal.errors import conflict_response
from portal.extensions import db

log = logging.getLogger(__name__)
_CALLBACKS = "after_commit"
_KEEP_ON_REFUSAL = "commit_on_refusal"


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction commits (dropped if it rolls back)."""
    callbacks = db.session.info.setdefault(_CALLBACKS, [])
    if callback not in callbacks:
        callbacks.append(callback)


def commit_even_if_refused() -> None:
    """Keep this request's changes although its answer is a refusal: a failed log-in is
    answered 401 and must still count towards the account's back-off."""
    db.session.info[_KEEP_ON_REFUSAL] = True


def commit() -> None:
    """Commit the unit of work, then run what waited for it. A request that never began a
    transaction (a page served from memory) has nothing to commit."""
    if db.session().in_transaction():
        db.session.commit()
    for callback in db.session.info.pop(_CALLBACKS, []):
        callback()


def rollback() -> None:
    db.session.rollback()
    db.session.info.pop(_CALLBACKS, None)
    db.session.info.pop(_KEEP_ON_REFUSAL, None)


def finish_request(response: Response) -> Response:
    """Commit a successful request, roll back a refused or failed one. A request that never
    touched the database (a page served from memory) has no session to finish."""
    if not db.session.registry.has():
        return response
    if response.status_code >= 400 and not db.session.info.pop(_KEEP_ON_REFUSAL, False):
        rollback()
        return response
    try:
        commit()
    except IntegrityError as error:
        # Two requests raced for the same row (a double-submitted form, say): the later one
        # is refused as a conflict rather than answered with a server error.
        rollback()
        log.warning("commit refused: %s", error)
        return conflict_response()
    return response


def register(app: Flask) -> None:
    app.after_request(finish_request)
