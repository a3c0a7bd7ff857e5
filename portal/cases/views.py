"""Case pages for customers: filing with deflection, and the organisation's case list."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.accounts import entitlement
from portal.accounts.self_help import self_help_context
from portal.cases import (
    case_views,  # noqa: F401  (registers the case page routes on bp)
    filing,
    queries,
)
from portal.cases.attachments import human_size, max_attachment_bytes
from portal.cases.blueprint import bp
from portal.cases.deflection import suggestion_text, suggestions_for
from portal.cases.forms import CaseForm, version_groups
from portal.cases.uploads import accept_uploads
from portal.domain_error import DomainError
from portal.extensions import csrf
from portal.forms import show_errors
from portal.htmx import render
from portal.kb import search_log
from portal.models import CaseStatus, Organisation, SearchSource
from portal.numbers import parse_id, parse_page
from portal.offerings.service import current_policy
from portal.policy import Severity, Tier
from portal.products.service import product_names
from portal.redirects import same_site_or

__all__ = ["bp"]


def _case_form(values: Any = None) -> CaseForm:
    """The filing form: reading the post, or ``values`` (a prefilled link's query string)."""
    form = CaseForm() if values is None else CaseForm(formdata=values)
    form.organisation.choices = [
        SelectChoice(str(org.id), org.name)
        for org in entitlement.filing_organisations(current_user)
    ]
    return form


def _response_targets(organisations: list[Organisation]) -> list[tuple[Tier, dict[Severity, str]]]:
    """The first-reply target of each severity for each tier the person files under, from the
    response-target table (one tier for nearly everyone)."""
    policy = current_policy()
    tiers = sorted(
        {
            Tier(agreement.tier)
            for org in organisations
            if (agreement := entitlement.active_agreement(org))
        },
        key=list(Tier).index,
    )
    return [(tier, {s: policy.target_for(tier, s).describe() for s in Severity}) for tier in tiers]


def _form_context(form: CaseForm, **extra: Any) -> dict[str, Any]:
    organisations = entitlement.filing_organisations(current_user)
    return {
        "form": form,
        "draft": form.draft(),
        "severities": list(Severity),
        "response_targets": _response_targets(organisations),
        "organisations": organisations,
        "chosen_organisation": parse_id(form.organisation.data),
        "max_file_size": human_size(max_attachment_bytes()),
        "max_file_bytes": max_attachment_bytes(),
        "suggestions": extra.pop("suggestions", None),
        "version_groups": version_groups(form.product.data or ""),
        "chosen_version": form.version.data or "",
        **extra,
    }


@bp.route("/cases/new", methods=["GET", "POST"])
@csrf.exempt  # checked by accept_uploads() once the upload limits are in place
def new() -> Response | str | tuple[str, int]:
    """The filing form for entitled contacts; everyone else is steered to self-help."""
    if entitlement.can_work_cases(current_user):
        # Support staff open cases for customers from the Gold-line form, not as a customer.
        return redirect(url_for("staff.phone_case"))
    if not entitlement.can_file_case(current_user):
        return render_template("pages/self_help.html", **self_help_context(current_user))
    if request.method == "GET":
        return render_template("cases/new.html", **_form_context(_case_form(request.args)))
    accept_uploads()  # before the form reads the body
    form = _case_form()
    status = 422
    if form.validate():
        try:
            organisation = filing.filing_organisation(
                current_user, parse_id(form.organisation.data)
            )
            case = filing.file_case(
                current_user, organisation, form.draft(), attachments=form.attachments.data or []
            )
        except DomainError as error:
            show_errors(form, error)
            status = error.status
        else:
            search_log.link_case(case)
            flash(
                f"Case {case.number} is open. We have mailed you an acknowledgement; the "
                "response due time is shown below.",
                "success",
            )
            return redirect(url_for("cases.show", number=case.number))
    return render_template("cases/new.html", **_form_context(form)), status


@bp.route("/cases/versions")
def versions() -> Response | str:
    """The version options for the product chosen on the filing form (swapped in by HTMX);
    the full form, with that product chosen, for a request without HTMX."""
    if not entitlement.can_file_case(current_user):
        return render_template("pages/self_help.html", **self_help_context(current_user))
    return render(
        "cases/new.html", "cases/_version_options.html", **_form_context(_case_form(request.args))
    )


@bp.route("/cases/suggestions")
def suggestions() -> Response | str:
    """Articles matching what the customer has typed so far (the deflection panel)."""
    if not entitlement.can_file_case(current_user):
        return render_template("pages/self_help.html", **self_help_context(current_user))
    form = _case_form(request.args)
    draft = form.draft()
    hits = suggestions_for(draft.subject, draft.description)
    search_log_key = search_log.log_search(
        suggestion_text(draft.subject, draft.description),
        results=len(hits),
        source=SearchSource.FILING,
    )
    return render(
        "cases/new.html",
        "cases/_suggestions.html",
        **_form_context(form, suggestions=hits, search_log_key=search_log_key),
    )


@bp.route("/cases/deflected", methods=["POST"])
@login_required
def deflected() -> Response:
    """Count a filing ended by "this answered my question", then open what answered it."""
    organisations = entitlement.filing_organisations(current_user)
    if not organisations:
        abort(403, "Only people who can open cases end a filing here.")
    chosen = parse_id(request.form.get("organisation", ""))
    organisation = next((o for o in organisations if o.id == chosen), None) or (
        organisations[0] if organisations else None
    )
    filing.record_deflection(
        current_user,
        organisation,
        request.form.get("query", ""),
        request.form.get("article_key", ""),
    )
    target = same_site_or(request.form.get("next"), url_for("pages.home"))
    # What answered the question was opened from the suggestions' search.
    search_log.record_open(request.form.get("search"), target)
    flash("Glad that helped. No case was opened; you can file one any time.", "success")
    return redirect(target)


@bp.route("/cases/")
@login_required
def index() -> Response | str:
    """The organisation's cases for its Support Administrators (staff see every case)."""
    if not (
        entitlement.can_work_cases(current_user)
        or entitlement.contact_organisations(current_user, entitlement.ContactKind.SUPPORT_ADMIN)
    ):
        return render_template("pages/self_help.html", **self_help_context(current_user))
    products = product_names(include_retired=True)
    filters = queries.CaseFilters.from_args(request.args, products)
    cases = queries.list_cases(current_user, filters, parse_page(request.args.get("page")))
    return render(
        "cases/index.html",
        "cases/_list.html",
        cases=cases,
        filters=filters,
        statuses=list(CaseStatus),
        severities=list(Severity),
        products=products,
        can_file=entitlement.can_file_case(current_user),
    )
