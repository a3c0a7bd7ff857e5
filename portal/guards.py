"""Checks every request gets before any view sees it.

What arrives may be anything: JSON nested a million deep or megabytes long, text with a NUL
or a lone surrogate (which no database or page can hold), a body over the size limit. Each
is refused here with a clear 4xx, the same in the browser and the API, before any view reads
it. A body over the general limit is left to the view: a route that takes uploads raises its
own limit and answers an oversized file with its form and everything typed in it
(`portal.cases.uploads.accept_uploads`, which runs these checks once it has).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, SecurityError
from werkzeug.sansio.utils import host_is_trusted

from portal.config import default_trusted_hosts

NUL = "\x00"
MAX_JSON_DEPTH = 64
NUL_MESSAGE = "The request contains a NUL character, which text here cannot hold."
SURROGATE_MESSAGE = (
    "The request contains an unpaired UTF-16 surrogate (such as \\ud800), which is not a "
    "character and cannot be stored. Send the text as valid Unicode."
)


def _text_problem(text: str) -> str | None:
    if NUL in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _json_problem(value: Any) -> str | None:
    """What is wrong with a parsed JSON document, walked without recursion."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            problem = _text_problem(item)
            if problem:
                return problem
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep."
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return None


def _too_large(limit: int) -> str:
    size = f"{limit / 1024 / 1024:.1f} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return f"The JSON body is larger than the {size} the API accepts. Nothing was saved."


def check_json_body() -> None:
    """A JSON body: at most MAX_JSON_BYTES (413), then parseable text free of NUL and lone
    surrogates, nested at most MAX_JSON_DEPTH deep (400). Malformed JSON is left to the view,
    which says what it expected."""
    limits = [current_app.config.get(k) for k in ("MAX_JSON_BYTES", "MAX_CONTENT_LENGTH")]
    limit = min((int(value) for value in limits if value), default=0)
    if limit:
        if (request.content_length or 0) > limit:
            abort(413, _too_large(limit))
        request.max_content_length = limit  # a body sent without a length stops there too
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        abort(400, f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
    except RequestEntityTooLarge:
        abort(413, _too_large(limit))
    problem = _json_problem(data)
    if problem:
        abort(400, problem)


def check_form_text() -> None:
    """The path, query string and form fields: no NUL character (PostgreSQL cannot store
    one, and no person types one)."""
    sources = [request.args] if request.query_string else []
    try:
        if request.content_length or request.headers.get("Transfer-Encoding"):
            sources.append(request.form)
    except RequestEntityTooLarge:
        return  # the view answers it (an upload route with its form, others with a 413)
    if NUL in request.path or any(
        NUL in key or NUL in value
        for source in sources
        for key, values in source.lists()
        for value in values
    ):
        abort(400, NUL_MESSAGE)


def check_request_text() -> None:
    """Every text check a request's input gets; safe to call again once a view has raised
    the body limit (the parsed form is cached)."""
    check_form_text()
    if request.is_json:
        check_json_body()


def refuse_untrusted_hosts() -> Response | None:
    """A Host header outside TRUSTED_HOSTS (by default BASE_URL's host, localhost and
    127.0.0.1) gets a plain 400: no page is rendered for it, since every link on a page would
    be built from that host."""
    trusted = current_app.config.get("TRUSTED_HOSTS")
    if trusted is None:
        trusted = default_trusted_hosts(current_app.config["BASE_URL"])
    untrusted = isinstance(request.routing_exception, SecurityError) or (
        bool(trusted) and not host_is_trusted(request.host, trusted)
    )
    if untrusted:
        return Response(
            "This server does not answer for that host name.\n",
            status=400,
            mimetype="text/plain",
        )
    return None


def register(app: Flask) -> None:
    app.before_request(refuse_untrusted_hosts)
    app.before_request(check_request_text)
