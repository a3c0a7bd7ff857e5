"""Error pages in the portal's look, and JSON errors for the API: never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from portal.domain_error import DomainError, code_for

log = logging.getLogger(__name__)

TITLES = {
    400: "That request could not be understood",
    401: "Please log in",
    403: "You do not have access to this page",
    404: "We could not find that page",
    405: "That action is not allowed here",
    409: "That conflicts with something already saved",
    413: "That upload is too large",
    422: "Some of what you sent needs correcting",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "The portal is briefly unavailable",
    507: "There is no room to store that file",
}

MESSAGES = {
    400: "Check what you entered and try again.",
    401: "Log in to continue.",
    403: "Your account does not give access to this. If you think it should, ask your "
    "organisation's Support Administrator or contact support.",
    404: "The page may have moved, or the address may be mistyped. Try searching the "
    "knowledge base instead.",
    405: "Use the page's own buttons and forms for this.",
    413: "The file or form was larger than the portal accepts. Nothing was saved; your "
    "browser's Back button usually returns to the form with what you typed. Try a smaller "
    "file, or compress it first.",
    429: "You have made too many requests in a short time. Wait a minute, then try again.",
    500: "The problem has been logged. Please try again in a moment; if it persists, "
    "contact support.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def json_error(
    status: int, message: str, code: str | None = None, field: str | None = None
) -> tuple[Response, int]:
    """The API's one error shape: ``{"error": {"code", "message"[, "field"]}}``."""
    error: dict[str, str] = {"code": code or code_for(status), "message": message}
    if field:
        error["field"] = field
    return jsonify({"error": error}), status


def error_page(status: int, message: str, title: str | None = None) -> tuple[str, int]:
    """The browser's one error page."""
    title = title or TITLES.get(status, "That could not be done")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _message(error: HTTPException) -> str:
    status = error.code or 500
    description = error.description or ""
    # Werkzeug's stock descriptions are written for developers; ours for people.
    default = HTTPException.description
    stock = type(error).description
    if description and description not in (default, stock):
        return description
    return MESSAGES.get(status, description or "The request could not be completed.")


def handle_http_error(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    message = _message(error)
    if wants_json():
        return json_error(status, message)
    return error_page(status, message, TITLES.get(status, error.name))


def handle_domain_error(error: DomainError) -> tuple[Response | str, int]:
    """A service refused the request: the same status and message in the API and the browser."""
    if wants_json():
        return json_error(error.status, error.api_message(), error.code, error.field)
    return error_page(error.status, error.message)


def conflict_response() -> Response:
    """The answer when the commit itself is refused (two requests raced for one row)."""
    message = (
        "Someone else changed this at the same moment, so nothing of yours was saved. "
        "Reload the page and try again."
    )
    body, status = json_error(409, message) if wants_json() else error_page(409, message)
    return make_response(body, status)


def handle_csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    message = (
        "This form had expired or was sent from another site, so nothing was saved. "
        "Go back, reload the page and send it again."
    )
    if wants_json():
        return json_error(400, message, "csrf_failed")
    return error_page(400, message, "Please send that form again")


UNAVAILABLE = (
    "The portal cannot reach its database just now, so nothing was saved. "
    "Please try again in a minute."
)
RETRY_AFTER_SECONDS = 30


def unavailable_response() -> Response:
    """503 while the database cannot be reached: a short page that needs no database (not the
    usual error page, whose menu asks the database who is logged in), or JSON for the API."""
    if wants_json():
        body, status = json_error(503, UNAVAILABLE, "unavailable")
        response = make_response(body, status)
    else:
        html = render_template("errors/unavailable.html", message=UNAVAILABLE)
        response = make_response(html, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unreachable(error: BaseException) -> bool:
    """The driver could not talk to the database (refused, dropped, timed out) rather than
    refusing a statement: OperationalError or InterfaceError, or a connection marked invalid."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def handle_database_error(error: DBAPIError) -> Response | tuple[Response | str, int]:
    if database_unreachable(error):
        log.error("database unreachable on %s %s: %s", request.method, request.path, error.orig)
        _discard_session()
        return unavailable_response()
    return handle_unexpected(error)


def _discard_session() -> None:
    """Drop the failed connection so the next request starts afresh once the database is back."""
    from portal.extensions import db

    try:
        db.session.rollback()
    except DBAPIError:
        db.session.invalidate()


def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if isinstance(error, DBAPIError) and database_unreachable(error):
        return handle_database_error(error)  # type: ignore[return-value]
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
