"""Static files under fingerprinted names, cached by browsers for a year.

`static_url("app.css")` gives `/static/app.<hash>.css`, the hash taken from the file's
content, so a changed file gets a new address and a browser never has to ask whether its
copy is current. The plain name still works (cached briefly), for anything outside our
templates that links to it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory, url_for
from werkzeug.wrappers import Response

ONE_YEAR = 365 * 24 * 3600
HASH_LENGTH = 12
_FINGERPRINTED = re.compile(
    rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[^./]+)$"
)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
    except OSError:
        return None


def _fingerprints(app: Flask) -> dict[str, str | None]:
    return app.extensions.setdefault("static_fingerprints", {})


def fingerprint(app: Flask, filename: str) -> str | None:
    """The content hash of one static file (remembered; recomputed in debug mode)."""
    known = _fingerprints(app)
    if app.debug or filename not in known:
        known[filename] = _digest(Path(app.static_folder or "") / filename)
    return known[filename]


def fingerprinted_name(app: Flask, filename: str) -> str:
    digest = fingerprint(app, filename)
    if digest is None:
        return filename
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{filename}.{digest}"


def static_url(filename: str) -> str:
    """The address of a static file under its fingerprinted name (remembered per script
    root: every page links the same half-dozen files, and building each address anew was a
    measurable share of a page; in debug mode it is built every time, as the hash may change).
    """
    app = current_app
    if app.debug:
        return url_for("static", filename=fingerprinted_name(app, filename))
    known: dict[tuple[str, str], str] = app.extensions.setdefault("static_urls", {})
    key = (request.script_root, filename)
    address = known.get(key)
    if address is None:
        address = known[key] = url_for("static", filename=fingerprinted_name(app, filename))
    return address


def serve_static(filename: str) -> Response:
    """Flask's static view, taught fingerprinted names: those are immutable for a year."""
    app = current_app
    folder = app.static_folder or ""
    match = _FINGERPRINTED.match(filename)
    if match:
        original = f"{match['stem']}{match['ext']}"
        if fingerprint(app, original) == match["hash"]:
            response = send_from_directory(folder, original, max_age=ONE_YEAR)
            response.cache_control.immutable = True
            response.cache_control.public = True
            return response
        if fingerprint(app, original) is not None:
            # An older fingerprint (a page cached across a deploy): today's file, not for long.
            return send_from_directory(folder, original, max_age=60)
    return send_from_directory(folder, filename, max_age=app.get_send_file_max_age(filename))


def register(app: Flask) -> None:
    app.view_functions["static"] = serve_static
