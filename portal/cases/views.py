"""Case pages for customers."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.accounts import entitlement
from portal.pages.views import self_help_context

bp = Blueprint("cases", __name__)


@bp.route("/cases/new", methods=["GET", "POST"])
def new() -> str:
    """The filing form for entitled contacts; everyone else is steered to self-help."""
    from flask_login import current_user

    if not entitlement.can_file_case(current_user):
        return render_template("pages/self_help.html", **self_help_context())
    return render_template("pages/self_help.html", **self_help_context())
