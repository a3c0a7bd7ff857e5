"""The staff blueprint; every /staff/ page is for staff only."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def only_staff() -> None:
    if not current_user.is_staff:
        abort(403)
