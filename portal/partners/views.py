"""GET /partners/: the public directory, filtered by region."""

from __future__ import annotations

from flask import Blueprint, request

from portal.htmx import render
from portal.models.partners import REGIONS
from portal.partners.service import search_partners
from portal.reader_cache import shared_with_readers

bp = Blueprint("partners", __name__)


@bp.route("/partners/")
@shared_with_readers()
def index():  # noqa: ANN201 - a page or a fragment
    region = request.args.get("region", "")
    if region not in REGIONS:
        region = ""
    q = request.args.get("q", "")[:100]
    partners = search_partners(region or None, q or None)
    return render(
        "partners/index.html",
        "partners/_list.html",
        partners=partners,
        regions=REGIONS,
        region=region,
        q=q,
    )
