"""Log in, log out, register, reset a forgotten password, and the account page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.accounts import service as accounts
from portal.auth import lockout, service, sessions
from portal.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from portal.domain_error import DomainError
from portal.extensions import client_address, limiter
from portal.kb import search_log
from portal.models import User
from portal.reader_cache import shared_with_readers
from portal.redirects import same_site_or
from portal.surveys.service import pending_invitations

bp = Blueprint("auth", __name__)

TOO_MANY_LOGINS = "Too many failed log-in attempts. Wait a few minutes, then try again."


def _account_key() -> str:
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _failed(response: Response) -> bool:
    """Only failed attempts count towards the limits; a successful login redirects."""
    return response.status_code != 302


def safe_next(target: str | None, default: str = "pages.home") -> str:
    """Follow `next` only to a path on this site, never to another host."""
    return same_site_or(target, url_for(default))


def _start_session(user, remember: bool) -> None:  # noqa: ANN001 - a User
    # A fresh session on login: nothing planted before it (session fixation) survives, and
    # the server keeps a row for it that logging out deletes. The anonymous search id alone
    # carries over (it grants nothing), so searches made before logging in still count
    # towards the case filed after it.
    search_id = session.get(search_log.SESSION_KEY)
    session.clear()
    if isinstance(search_id, str):
        session[search_log.SESSION_KEY] = search_id
    sessions.open_session(user)
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    error_message=TOO_MANY_LOGINS,
)
@shared_with_readers()
def login() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    try:
        user = service.authenticate(form.email.data or "", form.password.data or "")
    except DomainError as error:  # locked out for now: the same form, with the wait
        form.password.errors = [str(error)]
        return render_template("auth/login.html", form=form), error.status
    if user is None:
        form.password.errors = ["That email and password do not match an account."]
        return render_template("auth/login.html", form=form), 401
    _start_session(user, bool(form.remember.data))
    flash(f"Welcome back, {user.name}.", "success")
    return redirect(safe_next(request.args.get("next"), landing_page(user)))


def landing_page(user: User) -> str:
    """Where a login without `next` lands: support engineers start their day on the queue."""
    if entitlement.can_work_cases(user) and "staff.queue" in current_app.view_functions:
        return "staff.queue"
    return "pages.home"


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Response | str:
    if request.method == "GET" and current_user.is_authenticated:
        return render_template("auth/logout.html")
    if current_user.is_authenticated:
        sessions.close_session(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("pages.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], error_message="Too many sign-ups from here.")
@shared_with_readers()
def register() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegistrationForm()
    if request.method == "GET":
        return render_template("auth/register.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), 400
    try:
        service.start_registration(
            form.email.data or "", form.name.data or "", form.password.data or ""
        )
    except DomainError as error:
        getattr(form, error.field or "email").errors = [str(error)]
        return render_template("auth/register.html", form=form), 400
    return redirect(url_for("auth.registration_sent"))


@bp.route("/register/sent")
def registration_sent() -> str:
    """The one answer to every accepted registration, whether the address had an account."""
    return render_template("auth/registration_sent.html")


@bp.route("/register/<token>", methods=["GET", "POST"])
def confirm_registration(token: str) -> Response | tuple[str, int] | str:
    """The mailed sign-up link: a button (mail scanners follow links, they do not post)."""
    if request.method == "GET":
        return render_template("auth/registration_confirm.html", token=token)
    try:
        user = service.finish_registration(token)
    except DomainError as error:
        return render_template("auth/link_invalid.html", message=str(error)), 400
    _start_session(user, remember=False)
    flash(
        "Your evaluation account is ready. Search the knowledge base or ask the forums.", "success"
    )
    return redirect(url_for("pages.home"))


@bp.route("/unlock/<token>", methods=["GET", "POST"])
def unlock(token: str) -> Response | tuple[str, int] | str:
    """The mailed unlock link: lifts the failed-log-in wait on the account everywhere."""
    if request.method == "GET":
        return render_template("auth/unlock.html", token=token)
    try:
        lockout.unlock(token)
    except DomainError as error:
        return render_template("auth/link_invalid.html", message=str(error)), 400
    flash("The account is unlocked: you can log in again now.", "success")
    return redirect(url_for("auth.login"))


def _account_and_address_key() -> str:
    # With the address: nobody elsewhere can use up a customer's reset mails.
    return f"{_account_key()}|{client_address()}"


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_account_and_address_key)
def reset_request() -> Response | tuple[str, int] | str:
    form = ResetRequestForm()
    if request.method == "GET":
        return render_template("auth/reset_request.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/reset_request.html", form=form), 400
    service.request_password_reset(form.email.data or "")
    flash(
        "If an account uses that email, a reset link is on its way. It works for one hour.",
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | tuple[str, int] | str:
    try:
        service.user_for_reset_token(token)
    except DomainError as error:
        return render_template("auth/reset_invalid.html", message=str(error)), 400
    form = ResetPasswordForm()
    if request.method == "GET":
        return render_template("auth/reset_password.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/reset_password.html", form=form), 400
    try:
        user = service.reset_password(token, form.password.data or "")
    except DomainError as error:
        form.password.errors = [str(error)]
        return render_template("auth/reset_password.html", form=form), 400
    _start_session(user, remember=False)
    flash("Your password is changed and you are logged in.", "success")
    return redirect(url_for("pages.home"))


def _profile_form() -> ProfileForm:
    form = ProfileForm(
        name=current_user.name if request.method == "GET" else None,
        timezone=current_user.timezone if request.method == "GET" else None,
    )
    form.timezone.choices = accounts.time_zone_groups()
    return form


def _render_account(profile: ProfileForm, password: ChangePasswordForm, status: int = 200):  # noqa: ANN202
    return render_template(
        "auth/account.html",
        profile=profile,
        password=password,
        invitations=pending_invitations(current_user),
        tokens=sessions.api_tokens(current_user),
    ), status


@bp.route("/account/", methods=["GET", "POST"])
@login_required
def account() -> Response | tuple[str, int]:
    profile = _profile_form()
    password = ChangePasswordForm(formdata=None)
    if request.method == "GET":
        return _render_account(profile, password)
    if not profile.validate_on_submit():
        return _render_account(profile, password, 400)
    try:
        accounts.update_profile(current_user, profile.name.data or "", profile.timezone.data or "")
    except DomainError as error:
        getattr(profile, error.field or "name").errors = [str(error)]
        return _render_account(profile, password, 400)
    flash("Your account is saved.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password() -> Response | tuple[str, int]:
    profile = _profile_form()
    profile.process(obj=current_user)
    password = ChangePasswordForm()
    if not password.validate_on_submit():
        return _render_account(profile, password, 400)
    if not check_password_hash(current_user.password_hash, password.current_password.data or ""):
        password.current_password.errors = ["That is not your current password."]
        return _render_account(profile, password, 400)
    try:
        accounts.set_password(current_user, password.password.data or "")
    except DomainError as error:
        password.password.errors = [str(error)]
        return _render_account(profile, password, 400)
    # The session id carries the password fingerprint; log in again under the new one.
    _start_session(current_user._get_current_object(), remember=False)
    flash("Your password is changed.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    """Revoke one of the account's API tokens: programs using it are refused from now on."""
    record = sessions.revoke_api_token(current_user, token_id)
    label = record.name or "created " + record.created_at.date().isoformat()
    flash(
        f"The API token {label} is revoked; programs using it are refused from now on.", "success"
    )
    return redirect(url_for("auth.account", _anchor="api-tokens"))


@bp.route("/account/sessions/others", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    """Log out every other browser that is logged in to this account."""
    ended = sessions.close_other_sessions(current_user)
    flash(f"Logged out of {ended} other session{'s' if ended != 1 else ''}.", "success")
    return redirect(url_for("auth.account"))
