"""/ideas/: the feature-request board: suggest, vote, and see what product managers decided."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import client_address, csrf, limiter
from portal.forms import show_errors
from portal.forums.service import MAX_BODY_BYTES
from portal.forums.suggestion_terms import terms_paragraphs
from portal.htmx import is_htmx_request, render
from portal.ideas import notify, service, tiers
from portal.ideas.forms import IdeaEditForm, IdeaForm, IdeaStatusForm
from portal.ideas.notify import status_mail_subject
from portal.mail.outbox import render_bodies
from portal.markdown import render_markdown
from portal.models import Idea, IdeaStatus, User
from portal.numbers import parse_page
from portal.reader_cache import shared_with_readers
from portal.redirects import same_site_or

bp = Blueprint("ideas", __name__, url_prefix="/ideas")


def _person_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else client_address()


idea_limit = limiter.limit(
    lambda: current_app.config.get("FORUM_POST_LIMIT", "10 per minute"),
    key_func=_person_key,
    methods=["POST"],
    error_message="You are sending ideas faster than the board allows. Wait a minute.",
)


def _list_args() -> tuple[str, str]:
    sort = request.args.get("sort", "votes")
    status = request.args.get("status", "")
    if sort not in service.SORTS:
        sort = "votes"
    if status not in {s.value for s in IdeaStatus}:
        status = ""
    return sort, status


@bp.route("/")
@shared_with_readers()
def index() -> Response:
    sort, status = _list_args()
    ideas = service.list_ideas(sort, status or None, parse_page(request.args.get("page")))
    return render(
        "ideas/index.html",
        "ideas/_list.html",
        ideas=ideas,
        sort=sort,
        status_filter=status,
        sorts=service.SORTS,
        statuses=list(IdeaStatus),
        voted_ids=service.voted_ids(current_user, ideas.items),
    )


@bp.route("/terms")
@shared_with_readers()
def terms() -> str:
    return render_template("ideas/terms.html", paragraphs=terms_paragraphs())


@bp.route("/new", methods=["GET", "POST"])
@login_required
@idea_limit
def new() -> Response | tuple[str, int]:
    form, status = IdeaForm(), 200
    if request.method == "POST":
        try:
            idea = service.create_idea(
                current_user,
                form.title.data,
                form.body.data,
                accept=bool(form.accept_terms.data),
            )
        except DomainError as problem:
            show_errors(form, problem)
            status = problem.status
        else:
            flash("Thank you: your idea is on the board. Others can now vote for it.", "success")
            return redirect(url_for("ideas.show", idea_id=idea.id))
    return render_template(
        "ideas/new.html",
        form=form,
        needs_terms=not service.has_accepted_terms(current_user),
        paragraphs=terms_paragraphs(),
    ), status


def _idea_or_404(idea_id: int) -> Idea:
    return service.find_idea(idea_id) or abort(404)


@bp.route("/<int:idea_id>")
@shared_with_readers()
def show(idea_id: int) -> str:
    idea = _idea_or_404(idea_id)
    return render_template(
        "ideas/show.html", **_show_context(idea), status_form=IdeaStatusForm.for_idea(idea)
    )


def _show_context(idea: Idea) -> dict[str, Any]:
    return {
        "idea": idea,
        "body": idea.html,
        "voted": service.has_voted(idea, current_user),
        "tier_votes": tiers.votes_by_tier(idea, current_user),
        "can_set_status": entitlement.can_set_idea_status(current_user),
        "can_edit": service.can_edit(idea, current_user),
        "history": service.status_history(idea),
    }


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
@idea_limit
def edit(idea_id: int) -> Response | tuple[str, int]:
    idea = _idea_or_404(idea_id)
    if request.method == "POST":
        form = IdeaEditForm()
    else:
        form = IdeaEditForm(data={"title": idea.title, "body": idea.body})
    error, preview = service.edit_refusal(idea, current_user), None
    if error is None and request.method == "POST":
        if request.form.get("preview"):
            preview = render_markdown((form.body.data or "")[:MAX_BODY_BYTES])
        else:
            try:
                service.edit_idea(idea, current_user, form.title.data, form.body.data)
            except DomainError as problem:
                idea = _idea_or_404(idea_id)
                error = problem
            else:
                flash("Your changes to the idea are saved.", "success")
                return redirect(url_for("ideas.show", idea_id=idea.id))
    if error is not None:
        show_errors(form, error)
    return render_template(
        "ideas/edit.html",
        idea=idea,
        form=form,
        # Someone else's idea, or one that others have voted for: the wording stays.
        locked=error is not None and error.status in (403, 409),
        preview=preview,
        own=idea.author_id == current_user.id,
    ), (error.status if error else 200)


@bp.route("/<int:idea_id>/vote", methods=["POST"])
@login_required
def vote(idea_id: int) -> Response:
    """The vote toggle: `vote=1` votes, `vote=0` withdraws; a repeat of either changes nothing."""
    idea = _idea_or_404(idea_id)
    wants_vote = request.form.get("vote", "1") != "0"
    message = None
    try:
        if wants_vote:
            service.cast_vote(idea, current_user)
        else:
            service.withdraw_vote(idea, current_user)
    except DomainError as problem:
        # A second click in another tab: the vote already stands as asked, so just say so.
        if problem.status != 409:
            abort(problem.status, str(problem))
        message = str(problem)
    idea = _idea_or_404(idea_id)
    if is_htmx_request():
        return render(
            "ideas/show.html",
            "ideas/_vote.html",
            idea=idea,
            voted=service.has_voted(idea, current_user),
            vote_message=message,
        )
    flash(
        message or ("Your vote is counted." if wants_vote else "Your vote is withdrawn."),
        "info" if message else "success",
    )
    return redirect(_safe_back(url_for("ideas.show", idea_id=idea.id)))


def _safe_back(default: str) -> str:
    return same_site_or(request.form.get("next"), default)


@bp.route("/<int:idea_id>/status", methods=["POST"])
@login_required
def set_status(idea_id: int) -> Response | tuple[str, int] | str:
    """Set an idea's status. A change that mails its voters is shown first, with the mail
    they will get, and is made once the product manager confirms it (`confirmed=yes`)."""
    if not entitlement.can_set_idea_status(current_user):
        abort(403, "Only product managers set the status of ideas.")
    idea = _idea_or_404(idea_id)
    form = IdeaStatusForm()
    try:
        new_status, note, release = service.parse_status_change(
            form.status.data, form.note.data or "", form.release.data or ""
        )
        recipients = service.status_mail_recipients(idea) if new_status.value != idea.status else []
        if recipients and request.form.get("confirmed") != "yes":
            return render_template(
                "ideas/confirm_status.html",
                idea=idea,
                form=form,
                new_status=new_status,
                recipients=len(recipients),
                preview=_status_mail_preview(idea, new_status, note, release, recipients[0]),
            )
        service.set_status(idea, current_user, new_status.value, note, release)
    except DomainError as problem:
        show_errors(form, problem)
        idea = _idea_or_404(idea_id)
        return render_template(
            "ideas/show.html", **_show_context(idea), status_form=form
        ), problem.status
    count = len(recipients)
    mailed = f" {count} voter{'' if count == 1 else 's'} will get an email." if count else ""
    flash(f"The status is now “{idea.status_enum.label}”.{mailed}", "success")
    return redirect(url_for("ideas.show", idea_id=idea.id))


def _status_mail_preview(
    idea: Idea, status: IdeaStatus, note: str, release: str, recipient: User
) -> dict[str, str]:
    """The mail the first voter would get, rendered from the real template."""
    shown = SimpleNamespace(
        id=idea.id,
        title=idea.title,
        status=status.value,
        status_enum=status,
        status_note=note,
        shipped_in_release=release or idea.shipped_in_release,
    )
    body, _ = render_bodies(
        "idea_status",
        recipient=recipient,
        idea=shown,
        unsubscribe_url="(each voter's own one-click unsubscribe link)",
    )
    return {"to": recipient.name, "subject": status_mail_subject(idea), "body": body}


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail clients post here (RFC 8058)
def unsubscribe(token: str) -> str | tuple[str, int]:
    """GET asks first (link scanners must not unsubscribe anyone); POST stops the mail."""
    vote = notify.vote_for_token(token)
    if vote is None:
        return render_template("ideas/unsubscribed.html", idea=None, done=False), 404
    idea = service.find_idea(vote.idea_id)
    if request.method == "POST":
        notify.stop_mail(vote)
        return render_template("ideas/unsubscribed.html", idea=idea, done=True)
    return render_template("ideas/unsubscribed.html", idea=idea, done=False, token=token)
