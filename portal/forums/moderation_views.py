"""Moderation pages under /forums/: staff pin, lock, hide, move; anyone logged in reports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forms import show_errors
from portal.forums import moderation, service
from portal.forums.forms import ReportForm
from portal.models import Report

bp = Blueprint("moderation", __name__)

ACTION_MESSAGES = {
    "pin": "The topic is pinned to the top of its category.",
    "unpin": "The topic is no longer pinned.",
    "lock": "The topic is locked: it takes no new replies.",
    "unlock": "The topic is open for replies again.",
    "hide": "The topic is hidden from everyone but moderators.",
    "unhide": "The topic is visible again.",
}


def _require_moderator() -> None:
    if not entitlement.can_moderate(current_user):
        abort(403, "Only forum moderators can do that.")


def _back(topic_id: int) -> Response:
    return redirect(url_for("forums.topic", topic_id=topic_id))


@bp.route("/topics/<int:topic_id>/moderate", methods=["POST"])
@login_required
def moderate_topic(topic_id: int) -> Response:
    _require_moderator()
    topic = service.visible_topic(topic_id, current_user) or abort(404)
    action = request.form.get("action", "")
    try:
        moderation.moderate_topic(topic, current_user, action, request.form.get("reason"))
    except DomainError as problem:
        flash(str(problem), "error")
        return _back(topic_id)
    flash(ACTION_MESSAGES[action], "success")
    return _back(topic_id)


@bp.route("/topics/<int:topic_id>/move", methods=["POST"])
@login_required
def move_topic(topic_id: int) -> Response:
    _require_moderator()
    topic = service.visible_topic(topic_id, current_user) or abort(404)
    target = service.find_category(request.form.get("category", ""))
    try:
        moderation.move_topic(topic, current_user, target)
    except DomainError as problem:
        flash(str(problem), "error")
        return _back(topic_id)
    flash(f"The topic is now in {target.name}.", "success")
    return _back(topic_id)


@bp.route("/posts/<int:post_id>/hide", methods=["POST"])
@login_required
def hide_post(post_id: int) -> Response:
    _require_moderator()
    post = service.find_post(post_id, current_user) or abort(404)
    try:
        if request.form.get("action") == "unhide":
            moderation.unhide_post(post, current_user)
        else:
            moderation.hide_post(post, current_user, request.form.get("reason"))
    except DomainError as problem:
        flash(str(problem), "error")
        return _back(post.topic_id)
    flash("The post is hidden." if post.hidden else "The post is visible again.", "success")
    return _back(post.topic_id)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int) -> Response | tuple[str, int] | str:
    post = service.find_post(post_id, current_user) or abort(404)
    form, status = ReportForm(), 200
    if request.method == "POST":
        try:
            moderation.report_post(post, current_user, form.reason.data)
        except DomainError as problem:
            show_errors(form, problem)
            status = problem.status
        else:
            flash("Thank you: the moderators will look at that post.", "success")
            return _back(post.topic_id)
    return render_template("forums/report.html", post=post, form=form), status


@bp.route("/reports")
@login_required
def reports() -> str:
    _require_moderator()
    return render_template("forums/reports.html", reports=moderation.open_reports(current_user))


@bp.route("/reports/<int:report_id>/dismiss", methods=["POST"])
@login_required
def dismiss_report(report_id: int) -> Response:
    _require_moderator()
    report = db.session.get(Report, report_id) or abort(404)
    moderation.dismiss_report(report, current_user)
    flash("The report is closed.", "success")
    return redirect(url_for("forums.moderation.reports"))
