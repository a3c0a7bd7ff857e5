"""Public pages rendered once and served to every anonymous reader.

A reader who is not logged in sees the same article, forum thread or docs page as every
other such reader, but for one thing: the CSRF token in its forms. So the page is rendered
once with a placeholder where the token goes, kept in memory, and each reader gets a copy
with their own token filled in. A view may leave other such holes (`per_reader`: a search's
log key in its result links), which its `on_hit` fills for each reader. A reader the portal
knows something about (logged in, holding a message to show, having rated an article)
always gets a fresh render.

A kept page is dropped as soon as this process commits a change to anything a public page
shows, and after `READER_CACHE_SECONDS` at the latest, which bounds how long a change made
through another server takes to show here. Changes to what no anonymous reader ever sees
(cases, mail, jobs, sessions, the search log) keep the pages: a busy queue does not empty
the cache. A search page is also dropped when this process writes the search index; one
written by another process shows once this process's searcher has refreshed (half a
second) and the kept page has expired. `READER_CACHE_SECONDS = 0` turns the cache off.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from werkzeug.wrappers import Response

from portal.htmx import is_htmx_request
from portal.kb import search_log
from portal.search.index import on_index_changed

T = TypeVar("T")
MAX_PAGES = 2_000
MAX_CHARACTERS = 32 * 1024 * 1024  # the least recently served pages go first
_STALE = "reader_cache_stale"
# The session keys an anonymous reader may hold and still be served the shared page: the
# CSRF token itself, Flask-Login's freshness mark (set for a reader with no login too) and
# the self-help log's markers, none of which a public page shows.
_SHARED_SESSION_KEYS = frozenset(
    {"csrf_token", "_fresh", "_permanent", search_log.SESSION_KEY, search_log.LAST_KEY}
)
# Rows no page an anonymous reader sees is built from: writing them keeps the pages.
_PRIVATE_TABLES = frozenset(
    {
        "api_tokens",
        "canned_replies",
        "case_article_links",
        "case_attachments",
        "case_deflections",
        "case_events",
        "case_messages",
        "case_notices",
        "case_numbers",
        "case_presence",
        "cases",
        "forum_reports",
        "forum_topic_watches",
        "incoming_mail",
        "jobs",
        "kb_article_feedback",
        "kb_gap_closures",
        "kb_search_logs",
        "license_keys",
        "login_failures",
        "login_sessions",
        "outgoing_mail",
        "renewal_requests",
        "search_changes",
        "suggestion_terms_acceptances",
        "survey_answers",
        "survey_invitations",
    }
)


@dataclass(frozen=True)
class _Page:
    body: str
    mimetype: str
    headers: tuple[tuple[str, str], ...]
    generation: int
    expires: float
    note: object = None
    fields: tuple[str, ...] = ()  # the `per_reader` holes, by name


class ReaderCache:
    """The pages of one app, in this process."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.placeholder = f"reader-cache-csrf-{secrets.token_hex(16)}"
        self.field_prefix = f"reader-cache-field-{secrets.token_hex(8)}-"
        self.generation = 0
        self._pages: OrderedDict[tuple[object, ...], _Page] = OrderedDict()
        self._values: dict[Hashable, tuple[int, float, object]] = {}
        self._characters = 0
        self._lock = threading.Lock()

    def changed(self) -> None:
        """Something a public page shows was committed: every kept page is stale."""
        with self._lock:
            self.generation += 1
            self._pages.clear()
            self._values.clear()
            self._characters = 0

    def get(self, key: tuple[object, ...]) -> _Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.generation != self.generation or page.expires < time.monotonic():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[object, ...], page: _Page) -> None:
        with self._lock:
            if page.generation != self.generation:
                return  # a change was committed while it rendered
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._characters += len(page.body)
            while len(self._pages) > MAX_PAGES or self._characters > MAX_CHARACTERS:
                self._drop(next(iter(self._pages)))

    def value(self, name: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            generation = self.generation
            kept = self._values.get(name)
        if kept is not None and kept[0] == generation and kept[1] >= time.monotonic():
            return kept[2]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            if generation == self.generation:
                self._values[name] = (generation, time.monotonic() + self.seconds, value)
        return value

    def field(self, name: str) -> str:
        return f"{self.field_prefix}{name}."

    def _drop(self, key: tuple[object, ...]) -> None:
        self._characters -= len(self._pages.pop(key).body)


def _cache() -> ReaderCache | None:
    return current_app.extensions.get("reader_cache")


def shared_value(name: Hashable, compute: Callable[[], T]) -> T:
    """A value public pages are built from (the product list, the KB's topics), computed
    once and kept like the pages: until this process commits a change to public data, and
    for `READER_CACHE_SECONDS` at most. A session holding changes of its own not yet
    committed always computes it afresh, so it sees what it wrote."""
    from portal.extensions import db

    cache = _cache() if has_app_context() else None
    if cache is None:
        return compute()
    pending = db.session
    if pending.info.get(_STALE) or pending.new or pending.dirty or pending.deleted:
        return compute()
    return cache.value(name, compute)


def _shared_reader() -> bool:
    """Whether this request would see exactly what every other anonymous reader sees."""
    if request.method not in ("GET", "HEAD") or current_user.is_authenticated:
        return False
    return set(session.keys()) <= _SHARED_SESSION_KEYS


def shared_with_readers(
    on_hit: Callable[[Any], object] | None = None, when: Callable[[], bool] | None = None
) -> Callable:
    """Serve the view's page from the cache to anonymous readers.

    The view runs on a miss and for every reader the cache does not apply to. `on_hit` does
    what must still happen on each reading served from the cache (counting it, logging a
    search), given what the view passed to `note_for_hits` while it rendered; it returns
    this reader's value for each of the view's `per_reader` holes, by name. Only plain 200
    HTML answers are kept; anything else passes through untouched. `when`, if given, says
    whether this request's page may be kept at all.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def serve(*args: Any, **kwargs: Any) -> Any:
            cache = _cache()
            if cache is None or not _shared_reader() or (when is not None and not when()):
                return view(*args, **kwargs)
            key = (request.endpoint, request.full_path, is_htmx_request())
            page = cache.get(key)
            if page is None:
                page, answer, values = _render(cache, view, args, kwargs)
                if page is None:
                    return _with_real_token(cache, answer)
                cache.put(key, page)
            else:
                values = (on_hit(page.note) if on_hit is not None else None) or {}
                if any(values.get(name) is None for name in page.fields):
                    return view(*args, **kwargs)
            body = page.body
            for name in page.fields:
                body = body.replace(cache.field(name), values[name])
            response = Response(
                body.replace(cache.placeholder, generate_csrf()), mimetype=page.mimetype
            )
            response.headers.extend(page.headers)
            return response

        return serve

    return decorate


def note_for_hits(value: object) -> None:
    """Keep `value` with the page being rendered, for the view's `on_hit`."""
    g.reader_cache_note = value


def per_reader(name: str, value: str | None) -> str | None:
    """`value` as this reader's page shows it; while a page is rendered to be shared, a
    placeholder that each copy served fills with that reader's own value (the view's
    `on_hit` returns it under `name`). The value must be URL- and HTML-safe text; None keeps
    the page from being shared."""
    fields = g.get("reader_cache_fields")
    if fields is None:
        return value
    if value is None:
        g.reader_cache_unshareable = True
        return None
    fields[name] = value
    return _cache().field(name)


def _render(
    cache: ReaderCache, view: Callable[..., Any], args: Any, kwargs: Any
) -> tuple[_Page | None, Response, dict[str, str]]:
    """Run the view with the placeholder as the CSRF token (Flask-WTF returns the token it
    finds on `g`); its page if it can be shared (else None), its answer, and this reader's
    values for the page's `per_reader` holes."""
    generation = cache.generation
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    setattr(g, field, cache.placeholder)
    g.reader_cache_fields = {}
    try:
        answer = current_app.make_response(view(*args, **kwargs))
    finally:
        g.pop(field, None)
        values = g.pop("reader_cache_fields")
    shareable = (
        not g.pop("reader_cache_unshareable", False)
        and answer.status_code == 200
        and answer.mimetype == "text/html"
        and not answer.direct_passthrough
        and "Set-Cookie" not in answer.headers
        and set(session.keys()) <= _SHARED_SESSION_KEYS
    )
    if not shareable:
        return None, _filled(cache, answer, values), values
    headers = tuple(
        (name, value)
        for name, value in answer.headers.items()
        if name not in ("Content-Type", "Content-Length")
    )
    page = _Page(
        answer.get_data(as_text=True),
        answer.mimetype,
        headers,
        generation,
        time.monotonic() + cache.seconds,
        g.pop("reader_cache_note", None),
        tuple(values),
    )
    return page, answer, values


def _filled(cache: ReaderCache, answer: Response, values: dict[str, str]) -> Response:
    """An answer not kept, with the holes it was rendered with filled for this reader."""
    if values and not answer.direct_passthrough and answer.mimetype.startswith("text/"):
        body = answer.get_data(as_text=True)
        for name, value in values.items():
            body = body.replace(cache.field(name), value)
        answer.set_data(body)
    return answer


def _with_real_token(cache: ReaderCache, answer: Response) -> Response:
    """An answer that could not be shared, with the reader's own token in it."""
    if answer.direct_passthrough or not answer.mimetype.startswith("text/"):
        return answer
    body = answer.get_data(as_text=True)
    if cache.placeholder in body:
        answer.set_data(body.replace(cache.placeholder, generate_csrf()))
    return answer


def _note_changes(db_session: Session, _context: object, _instances: object) -> None:
    tables = {
        getattr(type(instance), "__tablename__", None)
        for instance in (*db_session.new, *db_session.dirty, *db_session.deleted)
    }
    if tables - _PRIVATE_TABLES:
        db_session.info[_STALE] = True


def _note_bulk_changes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in _PRIVATE_TABLES:
            state.session.info[_STALE] = True


def _drop_stale_pages(db_session: Session) -> None:
    if db_session.info.pop(_STALE, False) and has_app_context():
        cache = _cache()
        if cache is not None:
            cache.changed()


def _forget_changes(db_session: Session) -> None:
    db_session.info.pop(_STALE, None)


# Once for every session of the process; each commit then finds its own app's cache.
event.listen(Session, "before_flush", _note_changes)
event.listen(Session, "do_orm_execute", _note_bulk_changes)
event.listen(Session, "after_commit", _drop_stale_pages)
event.listen(Session, "after_rollback", _forget_changes)


def _drop_pages_after_index_write(_index_dir: str) -> None:
    cache = _cache() if has_app_context() else None
    if cache is not None:
        cache.changed()


on_index_changed(_drop_pages_after_index_write)


def register(app: Flask) -> None:
    seconds = float(app.config.get("READER_CACHE_SECONDS", 0) or 0)
    if seconds > 0:
        app.extensions["reader_cache"] = ReaderCache(seconds)
