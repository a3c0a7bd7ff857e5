"""/staff/: the queue, the managers' dashboard and staff profiles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.accounts import entitlement
from portal.accounts.service import support_staff
from portal.cases import phone
from portal.charts import bar_chart, line_chart
from portal.domain_error import DomainError
from portal.forms import show_errors
from portal.htmx import render
from portal.models import CaseStatus
from portal.numbers import parse_id
from portal.policy import Severity, Tier
from portal.products.service import product_names
from portal.staff import dashboard as dashboard_service
from portal.staff import profiles, queue
from portal.staff.blueprint import bp
from portal.staff.forms import PhoneCaseForm, StaffProfileForm


@bp.route("/", endpoint="queue")
def queue_view() -> Response:
    if not entitlement.can_work_cases(current_user):
        abort(403)
    counts = queue.view_counts(current_user)
    default_view = "mine" if counts["mine"] else "unassigned"
    filters = queue.QueueFilters.from_args(request.args.to_dict(), default_view)
    page = queue.queue_page(current_user, filters)
    page.counts = counts
    return render(
        "staff/queue.html",
        "staff/_queue_table.html",
        page=page,
        views=queue.VIEWS,
        tiers=list(Tier),
        severities=list(Severity),
        statuses=[s for s in CaseStatus if s.is_open],
        products=product_names(include_retired=True),
        staff=support_staff(),
    )


@bp.route("/dashboard")
def dashboard() -> str:
    if not entitlement.can_manage_escalations(current_user):
        abort(403)
    data = dashboard_service.build_dashboard()
    charts = {
        "attainment": line_chart(
            data.months,
            data.attainment_series,
            100,
            "Share of response targets met, by tier and month of the due time (%)",
        ),
        "backlog": bar_chart(
            data.backlog, max(max((n for _, n in data.backlog), default=0), 1), "Open cases by age"
        ),
        "deflections": bar_chart(
            data.deflections_by_month,
            max(max((n for _, n in data.deflections_by_month), default=0), 1),
            "Filings ended by a suggested answer, by month",
        ),
        "funnel": line_chart(
            data.months,
            [
                ("Searches", [m.searches for m in data.funnel]),
                ("Results opened", [m.opened for m in data.funnel]),
                ("Answered", [m.answered for m in data.funnel]),
                ("Cases filed", [m.filed for m in data.funnel]),
            ],
            max(
                max((m.searches for m in data.funnel), default=0),
                max((m.filed for m in data.funnel), default=0),
                1,
            ),
            "From search to case, by month",
        ),
    }
    return render_template("staff/dashboard.html", data=data, charts=charts)


@bp.route("/profile", methods=["GET", "POST"])
def profile() -> Response | tuple[str, int]:
    record = profiles.profile_for(current_user)
    if request.method == "POST":
        form = StaffProfileForm()
    else:
        shown = {"team": record.team, "skills": ", ".join(record.skills)} if record else {}
        form = StaffProfileForm(data=shown)
    if form.validate_on_submit():
        try:
            profiles.update_profile(current_user, form.team.data or "", form.skills.data or "")
        except DomainError as problem:
            show_errors(form, problem)
        else:
            flash("Your staff profile is saved.", "success")
            return redirect(url_for("staff.profile"))
    return render_template("staff/profile.html", form=form), 400 if form.errors else 200


@bp.route("/phone-case", methods=["GET", "POST"])
def phone_case() -> Response | tuple[str, int]:
    """Log a case taken on the Gold support line."""
    if not entitlement.can_work_cases(current_user):
        abort(403)
    contacts = phone.gold_contacts()
    form = PhoneCaseForm()
    form.contact.choices = [SelectChoice("", "Choose the Gold contact on the line")] + [
        SelectChoice(
            str(role.id), f"{role.user.name} ({role.user.email}), {role.organisation.name}"
        )
        for role in contacts
    ]
    if form.validate_on_submit():
        try:
            case = phone.file_phone_case(
                parse_id(form.contact.data) or 0, form.draft(), current_user
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(
                f"Case {case.number} is logged for {case.contact.name}; they have been "
                "sent the acknowledgement.",
                "success",
            )
            return redirect(url_for("cases.show", number=case.number))
    return render_template("staff/phone_case.html", form=form), 400 if form.errors else 200
