"""Answering a survey by its emailed link; results for support managers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.charts import bar_chart, line_chart
from portal.domain_error import DomainError
from portal.extensions import db, limiter
from portal.surveys import service
from portal.surveys.areas import SCORES, areas_for

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def answer(token: str) -> Response | tuple[str, int] | str:
    invitation = service.find_invitation(token) or abort(
        404, "This survey link is not valid. Check that the whole address was copied."
    )
    if invitation.answered_at is not None:
        return render_template("surveys/thanks.html", invitation=invitation, already=True)
    error = None
    if request.method == "POST":
        try:
            service.record_answers(invitation, request.form)
        except DomainError as problem:
            error = str(problem)
        else:
            return redirect(url_for("surveys.answer", token=token))
    case = None
    if invitation.case_id:
        from portal.models.cases import Case

        case = db.session.get(Case, invitation.case_id)
    return render_template(
        "surveys/form.html",
        invitation=invitation,
        case=case,
        areas=areas_for(invitation.kind),
        scores=SCORES,
        error=error,
        form=request.form,
    ), 400 if error else 200


@bp.route("/results")
@login_required
def results() -> str:
    if not entitlement.can_manage_escalations(current_user):
        abort(403)
    summary = service.results()
    charts = {
        "averages": bar_chart(summary.case_averages, 5, "Average score by area, case surveys"),
        "trend": line_chart(
            summary.months,
            [
                ("Overall impression", summary.case_by_month.get("Overall impression", [])),
                ("Responsiveness", summary.case_by_month.get("Responsiveness", [])),
            ],
            5,
            "Case survey scores by month",
        )
        if summary.months
        else None,
        "campaigns": [
            bar_chart(rows, 5, f"Average score by area, {campaign.name}")
            for campaign, rows, *_ in summary.campaigns
        ],
    }
    return render_template("surveys/results.html", summary=summary, charts=charts)


@bp.route("/results/launch", methods=["POST"])
@login_required
def launch() -> Response:
    if not entitlement.can_manage_escalations(current_user):
        abort(403)
    campaign, invited = service.launch_semiannual(request.form.get("name", ""), current_user)
    flash(f"{campaign.name} is on its way to {invited} customer contact(s).", "success")
    return redirect(url_for("surveys.results"))
