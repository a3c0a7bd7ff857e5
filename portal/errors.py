"""Error pages in the portal's look, and JSON errors for the API: never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

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


def error_code_name(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        415: "unsupported_media_type",
        422: "invalid",
        429: "rate_limited",
    }.get(status, "error")


def json_error(status: int, message: str, code: str | None = None) -> tuple[Response, int]:
    body = {"error": {"code": code or error_code_name(status), "message": message}}
    return jsonify(body), status


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
        response, status = json_error(status, message)
        return response, status
    title = TITLES.get(status, error.name)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def handle_csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    message = (
        "This form had expired or was sent from another site, so nothing was saved. "
        "Go back, reload the page and send it again."
    )
    if wants_json():
        return json_error(400, message, "csrf_failed")
    return render_template(
        "errors/error.html", status=400, title="Please send that form again", message=message
    ), 400


def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
