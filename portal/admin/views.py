"""Administration pages; every route is for administrators only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.accounts import service as accounts
from portal.admin import service
from portal.admin.forms import (
    AgreementForm,
    ContactForm,
    OrganisationForm,
    PartnerForm,
    SlaForm,
    UserForm,
)
from portal.admin.policy_form import policy_from_form
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forms import bound_form, flat_data, show_errors
from portal.models import Partner, Role, User
from portal.numbers import parse_id, parse_page
from portal.offerings.service import current_policy, policy_history, save_policy
from portal.policy import Severity, Tier

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_administrators() -> None:
    if not entitlement.can_administer(current_user):
        abort(403)


def _page() -> int:
    return parse_page(request.args.get("page"))


@bp.route("/")
def index() -> str:
    return render_template("admin/index.html")


@bp.route("/organisations", methods=["GET", "POST"])
def organisations() -> Response | tuple[str, int]:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = service.create_organisation_with_agreement(
                form.name.data or "",
                form.tier.data or "",
                form.starts_on.data or "",
                form.ends_on.data or "",
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"{organisation.name} is added.", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template(
        "admin/organisations.html",
        organisations=service.organisations_with_agreements(),
        today=entitlement.today(),
        form=form,
    ), 400 if form.errors else 200


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int) -> Response | tuple[str, int]:
    org = service.organisation_detail(organisation_id) or abort(404)
    action = request.form.get("action") if request.method == "POST" else None
    # Only the form that was sent reads the post; the page's other form starts empty.
    agreement = bound_form(AgreementForm, action == "agreement")
    contact = bound_form(ContactForm, action == "add-contact")
    if action is not None:
        try:
            if action == "agreement":
                accounts.add_agreement(
                    org,
                    agreement.tier.data or "",
                    service.parse_date(agreement.starts_on.data or "", "Start", "starts_on"),
                    service.parse_date(agreement.ends_on.data or "", "End", "ends_on"),
                )
                message = "The agreement is added."
            elif action == "add-contact":
                service.add_contact(org, contact.email.data or "", contact.kind.data or "")
                message = "The contact is added."
            elif action == "remove-contact":
                contact_id = request.form.get("contact_id", "")
                service.remove_contact(org, parse_id(contact_id) or 0)
                message = "The contact role is removed."
            else:
                abort(400, "Unknown action.")
        except DomainError as error:
            show_errors(contact if action == "add-contact" else agreement, error)
        except LookupError:
            abort(404)
        else:
            flash(message, "success")
            return redirect(url_for("admin.organisation", organisation_id=org.id))
    return render_template(
        "admin/organisation.html",
        organisation=org,
        today=entitlement.today(),
        agreement_form=agreement,
        contact_form=contact,
        current=entitlement.active_agreement(org),
    ), 400 if agreement.errors or contact.errors else 200


@bp.route("/users")
def users() -> str:
    q = request.args.get("q", "")[:100]
    role = request.args.get("role", "")
    return render_template(
        "admin/users.html",
        people=service.find_users(q, role, _page()),
        q=q,
        role=role,
        roles=list(Role),
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int) -> Response | tuple[str, int]:
    person = db.session.get(User, user_id) or abort(404)
    form = UserForm() if request.method == "POST" else UserForm.for_user(person)
    if form.validate_on_submit():
        try:
            service.update_user(person, form.role.data or "", bool(form.active.data), current_user)
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"{person.email} is saved.", "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, form=form), 400 if form.errors else 200


@bp.route("/sla", methods=["GET", "POST"])
def sla() -> Response | tuple[str, int]:
    policy = current_policy()
    form = SlaForm() if request.method == "POST" else SlaForm.for_policy(policy)
    if form.validate_on_submit():
        try:
            new_policy = policy_from_form(flat_data(form), policy)
        except DomainError as error:
            show_errors(form, error)
        else:
            save_policy(new_policy, current_user, form.note.data or "")
            flash("The new SLA table is in force for cases filed from now on.", "success")
            return redirect(url_for("admin.sla"))
    return render_template(
        "admin/sla.html",
        policy=policy,
        tiers=list(Tier),
        severities=list(Severity),
        form=form,
        history=policy_history(),
    ), 400 if form.errors else 200


@bp.route("/partners", methods=["GET", "POST"])
@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
def partners(partner_id: int | None = None) -> Response | tuple[str, int]:
    partner = (db.session.get(Partner, partner_id) or abort(404)) if partner_id else None
    if request.method == "POST" and request.form.get("action") == "delete" and partner:
        db.session.delete(partner)
        flash(f"{partner.name} is removed from the directory.", "success")
        return redirect(url_for("admin.partners"))
    form = PartnerForm() if request.method == "POST" else PartnerForm.for_partner(partner)
    if form.validate_on_submit():
        try:
            saved = service.save_partner(partner, form.partner_data())
        except DomainError as error:
            show_errors(form, error)
        else:
            flash(f"{saved.name} is saved.", "success")
            return redirect(url_for("admin.partners"))
    listing = db.session.query(Partner).order_by(Partner.region, Partner.name).all()
    return render_template(
        "admin/partners.html", partners=listing, partner=partner, form=form
    ), 400 if form.errors else 200
