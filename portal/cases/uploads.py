"""Request set-up for routes that take attachments, so an oversized file never costs the text.

Flask-WTF's CSRF check would read the form before the view could raise the body limit or
install the capped stream factory, so these routes are exempt from the automatic check and
call `accept_uploads()` first thing: it sets the limits, then checks the CSRF token itself.
"""

from __future__ import annotations

from flask import current_app, request

from portal.cases.attachments import capped_stream_factory, upload_request_limit
from portal.extensions import csrf
from portal.guards import check_request_text


def accept_uploads(check_csrf: bool = True) -> None:
    """Raise this request's body limit above the per-file one, cap each stored part, check CSRF
    (the API authenticates with bearer tokens and passes ``check_csrf=False``)."""
    request.max_content_length = upload_request_limit()
    # werkzeug's form parser asks the request for its stream factory; this request gets ours.
    request._get_file_stream = capped_stream_factory  # type: ignore[method-assign]
    if check_csrf and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    # The request guard left a body over the general limit unread; check it now it is read.
    check_request_text()
