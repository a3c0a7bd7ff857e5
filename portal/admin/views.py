"""Administration pages; every route is for administrators only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.admin import service
from portal.admin.policy_form import TARGET_KIND_LABELS, policy_from_form
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import ContactKind, Partner, Role, User
from portal.models.partners import PARTNER_KINDS, REGIONS
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
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        try:
            organisation = service.create_organisation_with_agreement(
                form.get("name", ""),
                form.get("tier", ""),
                form.get("starts_on", ""),
                form.get("ends_on", ""),
            )
        except DomainError as error:
            errors[error.field or "name"] = str(error)
        else:
            flash(f"{organisation.name} is added.", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template(
        "admin/organisations.html",
        organisations=service.organisations_with_agreements(),
        today=entitlement.today(),
        errors=errors,
        form=request.form,
    ), 400 if errors else 200


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int) -> Response | tuple[str, int]:
    org = service.organisation_detail(organisation_id) or abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "agreement":
                from portal.accounts import service as accounts

                accounts.add_agreement(
                    org,
                    request.form.get("tier", ""),
                    service.parse_date(request.form.get("starts_on", ""), "Start"),
                    service.parse_date(request.form.get("ends_on", ""), "End"),
                )
                message = "The agreement is added."
            elif action == "add-contact":
                service.add_contact(
                    org, request.form.get("email", ""), request.form.get("kind", "")
                )
                message = "The contact is added."
            elif action == "remove-contact":
                contact_id = request.form.get("contact_id", "")
                service.remove_contact(org, parse_id(contact_id) or 0)
                message = "The contact role is removed."
            else:
                abort(400, "Unknown action.")
        except DomainError as error:
            errors[error.field or action or "form"] = str(error)
        except LookupError:
            abort(404)
        else:
            flash(message, "success")
            return redirect(url_for("admin.organisation", organisation_id=org.id))
    return render_template(
        "admin/organisation.html",
        organisation=org,
        today=entitlement.today(),
        errors=errors,
        form=request.form,
        contact_kinds=list(ContactKind),
        current=entitlement.active_agreement(org),
    ), 400 if errors else 200


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
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            service.update_user(
                person,
                request.form.get("role", ""),
                request.form.get("active") == "on",
                current_user,
            )
        except DomainError as error:
            errors[error.field or "role"] = str(error)
        else:
            flash(f"{person.email} is saved.", "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template(
        "admin/user.html", person=person, roles=list(Role), errors=errors
    ), 400 if errors else 200


@bp.route("/sla", methods=["GET", "POST"])
def sla() -> Response | tuple[str, int]:
    policy = current_policy()
    errors: dict[str, str] = {}
    form = request.form if request.method == "POST" else None
    if request.method == "POST":
        try:
            new_policy = policy_from_form(request.form, policy)
        except DomainError as error:
            errors = error.errors
        else:
            save_policy(new_policy, current_user, request.form.get("note", ""))
            flash("The new SLA table is in force for cases filed from now on.", "success")
            return redirect(url_for("admin.sla"))
    return render_template(
        "admin/sla.html",
        policy=policy,
        tiers=list(Tier),
        severities=list(Severity),
        kinds=TARGET_KIND_LABELS,
        errors=errors,
        form=form,
        history=policy_history(),
    ), 400 if errors else 200


@bp.route("/partners", methods=["GET", "POST"])
@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
def partners(partner_id: int | None = None) -> Response | tuple[str, int]:
    partner = (db.session.get(Partner, partner_id) or abort(404)) if partner_id else None
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("action") == "delete" and partner is not None:
            db.session.delete(partner)
            flash(f"{partner.name} is removed from the directory.", "success")
            return redirect(url_for("admin.partners"))
        try:
            saved = service.save_partner(partner, request.form)
        except DomainError as error:
            errors[error.field or "name"] = str(error)
        else:
            flash(f"{saved.name} is saved.", "success")
            return redirect(url_for("admin.partners"))
    listing = db.session.query(Partner).order_by(Partner.region, Partner.name).all()
    return render_template(
        "admin/partners.html",
        partners=listing,
        partner=partner,
        regions=REGIONS,
        kinds=PARTNER_KINDS,
        errors=errors,
        form=request.form if request.method == "POST" else None,
    ), 400 if errors else 200
