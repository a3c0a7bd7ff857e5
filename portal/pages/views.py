"""Public pages that belong to no single feature."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.accounts.self_help import self_help_context
from portal.accounts.service import time_zone_groups, time_zones
from portal.extensions import db, limiter
from portal.models import CaseStatus
from portal.models.types import utcnow
from portal.offerings.service import current_policy, hours_for_viewer, target_table
from portal.pages.home import home_summary
from portal.policy import Severity, Tier
from portal.reader_cache import shared_with_readers
from portal.templating import viewer_zone

bp = Blueprint("pages", __name__)


@bp.route("/")
@shared_with_readers()
def home() -> str:
    return render_template("pages/home.html", summary=home_summary(current_user))


@bp.route("/self-help")
@shared_with_readers()
def self_help() -> str:
    """Where people without a current support agreement are sent instead of the case form."""
    return render_template("pages/self_help.html", **self_help_context(current_user))


@bp.route("/policies/")
@shared_with_readers()
def policies() -> str:
    return render_template("pages/policies.html")


@bp.route("/contact/")
@shared_with_readers()
def contact() -> str:
    return render_template(
        "pages/contact.html",
        gold_phone=current_app.config["GOLD_SUPPORT_PHONE"],
        support_email=current_app.config["SUPPORT_EMAIL"],
        sales_email=current_app.config["SALES_EMAIL"],
        shows_gold_line=entitlement.has_gold_agreement(current_user)
        or entitlement.can_work_cases(current_user),
    )


@bp.route("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not healthy", not a 500
        return jsonify({"status": "unavailable", "database": str(error.__class__.__name__)}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200


@bp.route("/support/")
@shared_with_readers()
def support() -> str:
    """The support offerings, generated from the response-target table."""
    zone = request.args.get("tz") or str(viewer_zone())
    if zone not in time_zones():
        zone = "UTC"
    policy = current_policy()
    today = utcnow().date()
    return render_template(
        "pages/support.html",
        zone=zone,
        zone_groups=time_zone_groups(),
        hours=hours_for_viewer(policy, zone, today),
        targets=target_table(policy),
        tiers=list(Tier),
        shows_gold_line=entitlement.has_gold_agreement(current_user)
        or entitlement.can_work_cases(current_user),
        gold_phone=current_app.config["GOLD_SUPPORT_PHONE"],
        today=today,
    )


@bp.route("/staff/style")
def style_guide() -> str:
    """The design system's components, each shown as it renders, for staff building pages."""
    if not entitlement.is_staff(current_user):
        abort(403)
    return render_template(
        "pages/style.html", statuses=list(CaseStatus), severities=list(Severity), now=utcnow()
    )
