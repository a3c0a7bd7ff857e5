"""Log in, log out, register, reset a forgotten password, and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

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
from portal.auth import service
from portal.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from portal.domain_error import DomainError
from portal.extensions import limiter
from portal.models import User
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
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for(default)


def _start_session(user, remember: bool) -> None:  # noqa: ANN001 - a User
    # A fresh session on login: nothing planted before it (session fixation) survives.
    session.clear()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=TOO_MANY_LOGINS,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    error_message=TOO_MANY_LOGINS,
)
def login() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    user = service.authenticate(form.email.data or "", form.password.data or "")
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
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("pages.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], error_message="Too many sign-ups from here.")
def register() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegistrationForm()
    if request.method == "GET":
        return render_template("auth/register.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), 400
    try:
        user = accounts.create_user(
            form.email.data or "", form.name.data or "", form.password.data or ""
        )
    except DomainError as error:
        getattr(form, error.field or "email").errors = [str(error)]
        status = 409 if "already exists" in str(error) else 400
        return render_template("auth/register.html", form=form), status
    _start_session(user, remember=False)
    flash(
        "Your evaluation account is ready. Search the knowledge base or ask the forums.", "success"
    )
    return redirect(url_for("pages.home"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_account_key)
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
