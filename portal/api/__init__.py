"""The JSON API under /api/v1: bearer tokens, JSON errors, a self-describing OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from portal.api import (  # noqa: E402,F401  (routes register themselves on bp)
    auth,
    cases,
    forums,
    ideas,
    kb,
    kb_gaps,
    meta,
    releases,
    staff_cases,
)
