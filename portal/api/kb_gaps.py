"""The KB engineers' search gaps over JSON: what people searched for and did not find."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from portal.accounts import entitlement
from portal.api import bp
from portal.api.helpers import fail, require_user
from portal.api.spec import DATETIME, INTEGER, endpoint, obj
from portal.kb import gaps
from portal.numbers import parse_page

GAP = obj(
    ["query", "searches", "last_searched_at", "opened"],
    query={"type": "string", "description": "the normalised wording searches are grouped by"},
    searches={"type": "integer", "description": "searches with this wording"},
    last_searched_at=DATETIME,
    opened={"type": "integer", "description": "how many of those opened a result"},
    no_results={"type": "integer", "description": "how many of those found nothing at all"},
)
GAPS = obj(
    ["results", "total"],
    results={"type": "array", "items": GAP},
    total=INTEGER,
    page=INTEGER,
    per_page=INTEGER,
)


@endpoint(
    bp,
    "/kb/gaps",
    "GET",
    "Searches that found nothing or led nowhere, grouped by wording, most frequent first "
    "(KB engineers)",
    tags=["kb"],
    query={"page": INTEGER, "per_page": INTEGER},
    response=GAPS,
)
def kb_gaps() -> Any:
    user = require_user()
    if not entitlement.can_publish_articles(user):
        fail(403, "Only KB engineers can read the search gaps.", "forbidden")
    per_page = min(parse_page(request.args.get("per_page", gaps.PER_PAGE)), gaps.MAX_PER_PAGE)
    # Past the last page the answer is empty, so a client paging until it runs out stops.
    page = gaps.list_gaps(parse_page(request.args.get("page")), per_page, clamp=False)
    return jsonify(
        {
            "results": [
                {
                    "query": gap.query,
                    "searches": gap.searches,
                    "last_searched_at": gap.last_searched_at.isoformat(),
                    "opened": gap.opened,
                    "no_results": gap.no_results,
                }
                for gap in page.items
            ],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )
