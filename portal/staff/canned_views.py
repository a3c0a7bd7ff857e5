"""/staff/canned-replies/: support managers keep the saved replies engineers insert into the
reply box (list, add, edit, delete). The rules are `portal.cases.canned`'s."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.cases import canned
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forms import show_errors
from portal.models import CannedReply, StaffProfile, User
from portal.staff.blueprint import bp
from portal.staff.forms import CannedReplyForm


def _require_manager() -> User:
    if not canned.may_manage(current_user):
        abort(403, "Only support managers keep the canned replies; ask one to add or change one.")
    return current_user._get_current_object()


def _reply_or_404(reply_id: int) -> CannedReply:
    reply = canned.find_reply(reply_id)
    if reply is None:
        abort(404)
    return reply


def _known_teams() -> list[str]:
    """The teams named on staff profiles, offered as suggestions for a reply's team."""
    query = select(StaffProfile.team).where(StaffProfile.team != "").distinct()
    return sorted(db.session.scalars(query))


def _editor(form: CannedReplyForm, reply: CannedReply | None, status: int) -> tuple[str, int]:
    return render_template(
        "staff/canned_edit.html",
        form=form,
        reply=reply,
        teams=_known_teams(),
        placeholders=canned.PLACEHOLDERS,
    ), status


@bp.route("/canned-replies/")
def canned_replies() -> str:
    _require_manager()
    return render_template(
        "staff/canned_replies.html",
        replies=canned.all_replies(),
        placeholders=canned.PLACEHOLDERS,
    )


@bp.route("/canned-replies/new", methods=["GET", "POST"])
def canned_reply_new() -> Response | tuple[str, int]:
    me = _require_manager()
    form = CannedReplyForm()
    if request.method == "POST":
        if form.validate():
            try:
                reply = canned.create_reply(form.reply_data(), me)
            except DomainError as error:
                show_errors(form, error)
                return _editor(form, None, error.status)
            flash(f"The canned reply “{reply.title}” is saved.", "success")
            return redirect(url_for("staff.canned_replies"))
        return _editor(form, None, 400)
    return _editor(form, None, 200)


@bp.route("/canned-replies/<int:reply_id>/edit", methods=["GET", "POST"])
def canned_reply_edit(reply_id: int) -> Response | tuple[str, int]:
    me = _require_manager()
    reply = _reply_or_404(reply_id)
    if request.method == "GET":
        form = CannedReplyForm(data={"team": reply.team, "title": reply.title, "body": reply.body})
        return _editor(form, reply, 200)
    form = CannedReplyForm()
    if not form.validate():
        return _editor(form, reply, 400)
    try:
        canned.update_reply(reply, form.reply_data(), me)
    except DomainError as error:
        show_errors(form, error)
        return _editor(form, reply, error.status)
    flash(f"The canned reply “{reply.title}” is saved.", "success")
    return redirect(url_for("staff.canned_replies"))


@bp.route("/canned-replies/<int:reply_id>/delete", methods=["GET", "POST"])
def canned_reply_delete(reply_id: int) -> Response | str:
    """GET asks to confirm; POST deletes."""
    me = _require_manager()
    reply = _reply_or_404(reply_id)
    if request.method == "GET":
        return render_template("staff/canned_delete.html", reply=reply)
    title = reply.title
    canned.delete_reply(reply, me)
    flash(f"The canned reply “{title}” is deleted.", "success")
    return redirect(url_for("staff.canned_replies"))
