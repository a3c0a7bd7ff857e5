"""Every search, logged cheaply: what was asked, what it found, what was opened, what followed.

A row holds the query as typed (trimmed, at most `MAX_LOGGED_CHARS`), its normalised wording
(`normalize`), the filters, the number of results, the account (or nobody) and a random id
kept in the visitor's session. No address, browser name or other personal data is stored.

**Logging costs the request no write.** Each search, opened result and filed case is an
event kept in memory and written with the others every `SEARCH_LOG_FLUSH_SECONDS`
(portal/write_behind.py; 0 writes each at once, in the request's transaction). A row is
known by a random `key` made when the search is logged, not by its database id, so result
links can name it before it is written. Events reach the table from any server in any
order, so each is an upsert on the key: a search fills in its wording and counts (a later
wording of the same key wins), an opened result or a filed case marks its row, and when a
mark arrives first it leaves a row with an empty query that the search then fills in.

**As-you-type searches log only the settled query.** HTMX already waits for a pause in the
typing (250 ms on the KB page, 400 ms beside the filing form); on top of that a search that
continues the session's previous one (from the same box, within `REFINE_WINDOW`, nothing
opened from it yet, and one wording a prefix of the other: typing on, or backspacing) is
written into that same row instead of a new one, so "vm", "vm wont", "vm wont start" leave
one row saying "vm wont start". The same wording again (paging, a reload, Enter after
typing) writes nothing. The API logs each request for a first page.

A result is opened through `/kb/open/<key>?to=<path>` (self_help_views.py), which marks the
row and redirects to a same-site path, so article pages stay plain and cacheable. A key
carries a signature of the visitor's search session, so only the session that searched can
mark its row, and a made-up key is refused without a write. Filing a case marks the
session's searches of the last `CASE_LINK_WINDOW` with the case.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from flask import current_app, session
from flask_login import current_user
from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.models import Case, SearchLog, SearchSource
from portal.models.types import utcnow
from portal.redirects import is_same_site_path
from portal.write_behind import WriteBehind, writer

log = logging.getLogger(__name__)

MAX_LOGGED_CHARS = 500
MAX_OPENED_PATH = 300
SESSION_KEY = "search_id"
LAST_KEY = "search_last"
REFINE_WINDOW = timedelta(seconds=30)
CASE_LINK_WINDOW = timedelta(hours=24)
KEY_NONCE_BYTES = 6
KEY_SIGNATURE_CHARS = 12
KEY_LENGTH = 2 * KEY_NONCE_BYTES + KEY_SIGNATURE_CHARS
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


def _signature(nonce: str, token: str | None) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"search-log:{token or ''}:{nonce}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:KEY_SIGNATURE_CHARS]


def new_key(token: str | None) -> str:
    """A key for a new row: random, signed for the search session it belongs to."""
    nonce = secrets.token_hex(KEY_NONCE_BYTES)
    return nonce + _signature(nonce, token)


def key_of_this_session(key: object) -> str | None:
    """`key` if this visitor's session made it (see `new_key`), else None."""
    token = search_session_id()
    nonce_chars = 2 * KEY_NONCE_BYTES
    if not isinstance(key, str) or token is None or len(key) != KEY_LENGTH:
        return None
    nonce, signature = key[:nonce_chars], key[nonce_chars:]
    return key if hmac.compare_digest(signature, _signature(nonce, token)) else None


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
    if not isinstance(before, str) or key_of_this_session(last.get("key")) is None:
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
) -> str | None:
    """Log one search; returns its row's key for result links, or None when nothing was
    logged (an empty query, or an API request for a later page)."""
    text = logged_text(query)
    if not text or (source is SearchSource.API and page > 1):
        return None
    now = now or utcnow()
    values = {
        "query": text,
        "normalized": normalize(text),
        "filters": clean_filters(filters or {}),
        "results": max(int(results), 0),
        "source": source.value,
        "searched_at": now,
    }
    if source is SearchSource.API:
        key = new_key(None)
        _events().add(("search", values | {"key": key, "user_id": user_id, "search_session": None}))
        return key
    return _log_in_session(values, source, now)


def _log_in_session(values: dict[str, object], source: SearchSource, now: datetime) -> str:
    box = _BOX[source]
    token = search_session_id(create=True)
    last = session.get(LAST_KEY)
    continues = _continues(last, box, values["normalized"], values["filters"], now)
    key = last["key"] if continues else new_key(token)
    if not continues or last["q"] != values["normalized"]:
        _events().add(
            ("search", values | {"key": key, "user_id": _account_id(), "search_session": token})
        )
    session[LAST_KEY] = {
        "key": key,
        "box": box,
        "q": values["normalized"],
        "f": values["filters"],
        "at": int(now.timestamp()),
        "opened": bool(isinstance(last, dict) and last.get("key") == key and last.get("opened")),
    }
    return key


def record_open(key: object, target: str | None, now: datetime | None = None) -> bool:
    """Mark which result a search opened: the first one, and only for this session's own
    search. Returns whether the mark was taken; a foreign or made-up key changes nothing."""
    key = key_of_this_session(key)
    if key is None or not is_same_site_path(target):
        return False
    _events().add(
        (
            "open",
            {
                "key": key,
                "search_session": search_session_id(),
                "opened_path": target[:MAX_OPENED_PATH],
                "opened_at": now or utcnow(),
            },
        )
    )
    last = session.get(LAST_KEY)
    if isinstance(last, dict) and last.get("key") == key:
        session[LAST_KEY] = last | {"opened": True}
    return True


def link_case(case: Case, now: datetime | None = None) -> int:
    """A case was filed: the session's searches of the last `CASE_LINK_WINDOW` led to it.
    Returns how many searches were linked (of those already written; the session's latest
    search is marked even if another server has not written it yet)."""
    token = search_session_id()
    if token is None:
        return 0
    now = now or utcnow()
    _events().write_pending()
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
    last = session.get(LAST_KEY)
    if isinstance(last, dict) and key_of_this_session(last.get("key")):
        _events().add(
            (
                "case",
                {
                    "key": last["key"],
                    "search_session": token,
                    "case_id": case.id,
                    "searched_after": now - CASE_LINK_WINDOW,
                },
            )
        )
    # The next search starts afresh rather than refining one that ended in a case.
    session.pop(LAST_KEY, None)
    return int(result.rowcount or 0)


Event = tuple[str, dict[str, object]]


def _events() -> WriteBehind[Event]:
    return writer("kb_search_log", "SEARCH_LOG_FLUSH_SECONDS", write_events)


def write_events(events: Sequence[Event]) -> None:
    """Write searches, opened results and filed cases: searches first, each key's latest
    wording only, then the marks. Each is an upsert on the key (see the module's docstring).
    A failure is logged and loses these events only: the search was answered already."""
    searches: dict[str, dict[str, object]] = {}
    marks: list[Event] = []
    for kind, values in events:
        if kind == "search":
            kept = searches.get(values["key"])
            if kept is None or kept["searched_at"] <= values["searched_at"]:
                searches[values["key"]] = (kept or {}) | values
        else:
            marks.append((kind, values))
    try:
        with db.session.begin_nested():
            connection = db.session.connection()
            if searches:
                # One statement for them all: the driver sends them in one go.
                connection.execute(_search_upsert(), list(searches.values()))
            for kind, values in marks:
                connection.execute(_mark_upsert(kind, values))
    except SQLAlchemyError:
        log.exception("%d search log events could not be written", len(events))


def _insert():  # noqa: ANN202 - a dialect's INSERT
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(SearchLog.__table__)


_WORDING = ("query", "normalized", "filters", "source", "results", "searched_at", "user_id")


def _search_upsert():  # noqa: ANN202
    """A search's row, or its newer wording on the row its key names already."""
    statement = _insert()
    table, new = SearchLog.__table__, statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={name: new[name] for name in _WORDING},
        where=_same_session(table, new)
        & or_(_placeholder(table), table.c.searched_at <= new.searched_at),
    )


def _mark_upsert(kind: str, values: dict[str, object]):  # noqa: ANN202
    """An opened result or a filed case on its row; a row with an empty query (which the
    search fills in) if the search has not been written yet."""
    values = dict(values)
    searched_after = values.pop("searched_after", None)
    at = values.get("opened_at") or utcnow()
    statement = _insert().values(
        {"query": "", "normalized": "", "source": "page", "searched_at": at} | values
    )
    table, new = SearchLog.__table__, statement.excluded
    if kind == "open":
        changes = {"opened_path": new.opened_path, "opened_at": new.opened_at}
        unmarked = table.c.opened_path.is_(None)
    else:
        changes = {"case_id": new.case_id}
        unmarked = table.c.case_id.is_(None) & (table.c.searched_at >= searched_after)
    return statement.on_conflict_do_update(
        index_elements=[table.c.key], set_=changes, where=_same_session(table, new) & unmarked
    )


def _same_session(table, new) -> ColumnElement[bool]:  # noqa: ANN001
    return table.c.search_session.is_not_distinct_from(new.search_session)


def _placeholder(table) -> ColumnElement[bool]:  # noqa: ANN001
    """A row a mark made before its search was written: no query yet."""
    return table.c.query == ""
