"""Every search, logged cheaply: what was asked, what it found, what was opened, what followed.

A row holds the query as typed (trimmed, at most `MAX_LOGGED_CHARS`), its normalised wording
(`normalize`), the filters, the number of results, the account (or nobody) and a random id
kept in the visitor's session. No address, browser name or other personal data is stored.

Logging costs one INSERT inside the request's own transaction (a savepoint keeps a failed
INSERT from spoiling it): there is no extra commit, and when logging fails the search is
answered all the same.

**As-you-type searches log only the settled query.** HTMX already waits for a pause in the
typing (250 ms on the KB page, 400 ms beside the filing form); on top of that a search that
continues the session's previous one (from the same box, within `REFINE_WINDOW`, nothing
opened from it yet, and one wording a prefix of the other: typing on, or backspacing) is
written into that same row instead of a new one, so "vm", "vm wont", "vm wont start" leave
one row saying "vm wont start". The same wording again (paging, a reload, Enter after
typing) writes nothing. The API logs each request for a first page.

A result is opened through `/kb/open/<log id>?to=<path>` (self_help_views.py), which marks
the row and redirects to a same-site path, so article pages stay plain and cacheable.
Filing a case marks the session's searches of the last `CASE_LINK_WINDOW` with the case.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import session
from flask_login import current_user
from sqlalchemy import insert, update
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.models import Case, SearchLog, SearchSource
from portal.models.types import utcnow
from portal.redirects import is_same_site_path

log = logging.getLogger(__name__)

MAX_LOGGED_CHARS = 500
MAX_OPENED_PATH = 300
SESSION_KEY = "search_id"
LAST_KEY = "search_last"
REFINE_WINDOW = timedelta(seconds=30)
CASE_LINK_WINDOW = timedelta(hours=24)
# The KB page and its fragment are one search box; the filing form is another.
_BOX = {
    SearchSource.PAGE: "kb",
    SearchSource.AS_YOU_TYPE: "kb",
    SearchSource.FILING: "filing",
    SearchSource.API: "api",
}
_APOSTROPHES = re.compile(r"['’‘`´]")


def logged_text(query: object) -> str:
    """The query as stored: trimmed, single-spaced, at most `MAX_LOGGED_CHARS` characters,
    anything that is not a character (a lone surrogate, a NUL) dropped."""
    text = query if isinstance(query, str) else ""
    text = "".join(ch for ch in text if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF)
    return " ".join(text.split())[:MAX_LOGGED_CHARS]


def normalize(query: object) -> str:
    """The wording searches are grouped by: Unicode-compatible forms folded (NFKC), case
    folded, apostrophes dropped ("can't" is "cant"), every other punctuation mark a space,
    whitespace collapsed. Word order is kept, and symbols such as emoji stay."""
    text = unicodedata.normalize("NFKC", logged_text(query)).casefold()
    text = _APOSTROPHES.sub("", text)
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())[:MAX_LOGGED_CHARS]


def clean_filters(filters: Mapping[str, object]) -> dict[str, str]:
    """The filters a search was narrowed by, those set only, each as short text."""
    return {name: str(value)[:80] for name, value in sorted(filters.items()) if value}


def search_session_id(*, create: bool = False) -> str | None:
    """The visitor's anonymous search id: random, kept in the session, nothing else."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) and create:
        token = session[SESSION_KEY] = secrets.token_hex(16)
    return token if isinstance(token, str) else None


def _account_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _continues(
    last: object, box: str, wording: str, filters: dict[str, str], now: datetime
) -> bool:
    """Whether a search carries on the session's previous one (see the module's docstring)."""
    if not isinstance(last, dict) or last.get("box") != box or last.get("f") != filters:
        return False
    at = last.get("at")
    if not isinstance(at, int | float) or not 0 <= now.timestamp() - at <= REFINE_WINDOW.seconds:
        return False
    before = last.get("q")
    if not isinstance(before, str) or not isinstance(last.get("id"), int):
        return False
    if before == wording:
        return True
    return not last.get("opened") and (wording.startswith(before) or before.startswith(wording))


def log_search(
    query: object,
    *,
    results: int,
    source: SearchSource,
    filters: Mapping[str, object] | None = None,
    page: int = 1,
    user_id: int | None = None,
    now: datetime | None = None,
) -> int | None:
    """Log one search; returns the row's id for result links, or None when nothing was
    logged (an empty query, an API request for a later page, or logging failed)."""
    text = logged_text(query)
    if not text or (source is SearchSource.API and page > 1):
        return None
    now = now or utcnow()
    values = {
        "query": text,
        "normalized": normalize(text),
        "filters": clean_filters(filters or {}),
        "results": max(int(results), 0),
        "searched_at": now,
    }
    try:
        if source is SearchSource.API:
            return _insert(values | {"source": source.value, "user_id": user_id})
        return _log_in_session(values, source, now)
    except SQLAlchemyError:
        # The search has its answer already; a log that cannot be written must not lose it.
        log.exception("The search could not be logged")
        return None


def _insert(values: dict[str, object]) -> int:
    with db.session.begin_nested():
        return db.session.execute(
            insert(SearchLog).values(**values).returning(SearchLog.id)
        ).scalar_one()


def _log_in_session(values: dict[str, object], source: SearchSource, now: datetime) -> int:
    box = _BOX[source]
    token = search_session_id(create=True)
    last = session.get(LAST_KEY)
    if _continues(last, box, values["normalized"], values["filters"], now):
        log_id = last["id"]
        if last["q"] != values["normalized"]:
            with db.session.begin_nested():
                db.session.execute(
                    update(SearchLog)
                    .where(SearchLog.id == log_id, SearchLog.search_session == token)
                    .values(
                        query=values["query"],
                        normalized=values["normalized"],
                        results=values["results"],
                        source=source.value,
                        searched_at=now,
                    )
                )
    else:
        log_id = _insert(
            values | {"source": source.value, "user_id": _account_id(), "search_session": token}
        )
    session[LAST_KEY] = {
        "id": log_id,
        "box": box,
        "q": values["normalized"],
        "f": values["filters"],
        "at": int(now.timestamp()),
        "opened": bool(isinstance(last, dict) and last.get("id") == log_id and last.get("opened")),
    }
    return log_id


def record_open(log_id: int | None, target: str | None, now: datetime | None = None) -> bool:
    """Mark which result a search opened: the first one, and only for this session's own
    search. Returns whether a row was marked; a foreign or unknown id changes nothing."""
    token = search_session_id()
    if log_id is None or token is None or not is_same_site_path(target):
        return False
    try:
        with db.session.begin_nested():
            marked = db.session.execute(
                update(SearchLog)
                .where(
                    SearchLog.id == log_id,
                    SearchLog.search_session == token,
                    SearchLog.opened_path.is_(None),
                )
                .values(opened_path=target[:MAX_OPENED_PATH], opened_at=now or utcnow())
            ).rowcount
    except SQLAlchemyError:
        log.exception("Opening a search result could not be logged")
        return False
    last = session.get(LAST_KEY)
    if isinstance(last, dict) and last.get("id") == log_id:
        session[LAST_KEY] = last | {"opened": True}
    return bool(marked)


def link_case(case: Case, now: datetime | None = None) -> int:
    """A case was filed: the session's searches of the last `CASE_LINK_WINDOW` led to it.
    Returns how many searches were linked."""
    token = search_session_id()
    if token is None:
        return 0
    now = now or utcnow()
    result = db.session.execute(
        update(SearchLog)
        .where(
            SearchLog.search_session == token,
            SearchLog.case_id.is_(None),
            SearchLog.searched_at >= now - CASE_LINK_WINDOW,
            SearchLog.searched_at <= now,
        )
        .values(case_id=case.id)
    )
    # The next search starts afresh rather than refining one that ended in a case.
    session.pop(LAST_KEY, None)
    return int(result.rowcount or 0)
