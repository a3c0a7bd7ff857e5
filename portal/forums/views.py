"""/forums/: reading for everyone; posting, editing and solved answers for people logged in."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import client_address, csrf, db, limiter
from portal.forms import bound_form, show_errors
from portal.forums import service, watching
from portal.forums.forms import EditPostForm, ReplyForm, TopicForm
from portal.forums.moderation_views import bp as moderation_bp
from portal.forums.suggestion_terms import terms_paragraphs
from portal.htmx import is_htmx_request, render
from portal.markdown import render_markdown
from portal.models import Topic
from portal.numbers import parse_page
from portal.reader_cache import shared_with_readers
from portal.search import apply_now
from portal.transactions import after_commit

bp = Blueprint("forums", __name__, url_prefix="/forums")
bp.register_blueprint(moderation_bp)  # endpoints forums.moderation.*


def posting_limit() -> str:
    return current_app.config.get("FORUM_POST_LIMIT", "10 per minute")


def poster_key() -> str:
    """Limit each person, not each address: colleagues often share one office address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


post_limit = limiter.limit(
    posting_limit,
    key_func=poster_key,
    methods=["POST"],
    error_message="You are posting faster than the forums allow. Wait a minute, then try again.",
)


@bp.after_request
def explain_refusals_to_htmx(response: Response) -> Response:
    """An HTMX reply refused before the view ran (rate limit) shows its reason in the preview
    area, leaving the typed text alone; HTMX would otherwise show nothing at all."""
    if is_htmx_request() and response.status_code == 429:
        message = Markup('<p class="form-errors" role="alert">{}</p>').format(
            "You are posting faster than the forums allow. Wait a minute, then send it again; "
            "your text is still in the box."
        )
        response.set_data(str(message))
        response.headers["HX-Retarget"] = "#reply-preview"
        response.headers["HX-Reswap"] = "innerHTML"
        response.headers["HX-Reswap-Errors"] = "true"
    return response


@bp.route("/")
@shared_with_readers()
def index() -> str:
    return render_template("forums/index.html", summaries=service.categories_overview(current_user))


@bp.route("/<slug>/")
@shared_with_readers()
def category(slug: str) -> Response:
    found = service.find_category(slug) or abort(404)
    topics = service.category_topics(found, current_user, parse_page(request.args.get("page")))
    return render("forums/category.html", "forums/_topic_list.html", category=found, topics=topics)


@bp.route("/<slug>/new", methods=["GET", "POST"])
@login_required
@post_limit
def new_topic(slug: str) -> Response | tuple[str, int] | str:
    found = service.find_category(slug) or abort(404)
    form, preview, status = TopicForm(), None, 200
    if request.method == "POST":
        if request.form.get("preview"):
            preview = render_markdown((form.body.data or "")[: service.MAX_BODY_BYTES])
        else:
            try:
                topic = service.create_topic(
                    found,
                    current_user,
                    form.title.data,
                    form.body.data,
                    accept_terms=bool(form.accept_terms.data),
                )
            except DomainError as problem:
                show_errors(form, problem)
                status = problem.status
            else:
                flash("Your topic is posted. You will get mail when someone replies.", "success")
                return redirect(url_for("forums.topic", topic_id=topic.id))
    return render_template(
        "forums/new_topic.html",
        category=found,
        preview=preview,
        form=form,
        needs_terms=service.needs_suggestion_terms(found, current_user),
        paragraphs=terms_paragraphs(),
    ), status


def _topic_or_404(topic_id: int) -> Topic:
    return service.visible_topic(topic_id, current_user) or abort(404)


def topic_context(topic: Topic, page: int, **extra: Any) -> dict[str, Any]:
    posts = service.topic_posts(topic, current_user, page)
    return {
        "topic": topic,
        "posts": posts,
        "markdown": render_markdown,
        "moderator": entitlement.can_moderate(current_user),
        "can_post": entitlement.can_post_in_forums(current_user),
        "can_mark_solved": service.can_mark_solved(topic, current_user),
        "can_edit": lambda post: service.can_edit(post, current_user),
        "watching": watching.is_watching(topic, current_user),
        "opening_post_id": service.first_post(topic).id if posts.total else None,
        "categories": service.all_categories() if entitlement.can_moderate(current_user) else [],
        "form": bound_form(ReplyForm, False),  # the reply form; a sent one is passed in
        "preview": None,
    } | extra


@bp.route("/topics/<int:topic_id>")
@shared_with_readers()
def topic(topic_id: int) -> str:
    found = _topic_or_404(topic_id)
    return render_template(
        "forums/topic.html", **topic_context(found, parse_page(request.args.get("page")))
    )


@bp.route("/topics/<int:topic_id>/reply", methods=["POST"])
@login_required
@post_limit
def reply(topic_id: int) -> Response | tuple[str, int] | str:
    found = _topic_or_404(topic_id)
    form = ReplyForm()
    body = form.body.data or ""
    if request.form.get("preview"):
        preview = render_markdown(body[: service.MAX_BODY_BYTES])
        page = service.last_page(found)
        context = topic_context(found, page, form=form, preview=preview)
        return render_template("forums/topic.html", **context)
    try:
        post = service.reply(found, current_user, body)
    except DomainError as problem:
        show_errors(form, problem)
        found = _topic_or_404(topic_id)
        context = topic_context(found, service.last_page(found), form=form)
        if is_htmx_request():
            response = render(
                "forums/topic.html", "forums/_reply_form.html", problem.status, **context
            )
            response.headers["HX-Reswap-Errors"] = "true"
            return response
        return render_template("forums/topic.html", **context), problem.status
    if is_htmx_request():
        return render_template("forums/_reply_created.html", **topic_context(found, 1, post=post))
    page = service.page_of_post(post)
    return redirect(
        url_for("forums.topic", topic_id=found.id, page=page, _anchor=f"post-{post.id}")
    )


@bp.route("/preview", methods=["POST"])
@login_required
def preview() -> Markup:
    """The HTMX preview under the reply and topic forms."""
    body = request.form.get("body", "")[: service.MAX_BODY_BYTES]
    if not body.strip():
        return Markup("<p><em>Nothing to preview yet.</em></p>")
    return render_markdown(body)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@post_limit
def edit_post(post_id: int) -> Response | tuple[str, int] | str:
    post = service.find_post(post_id, current_user) or abort(404)
    refusal = service.edit_refusal(post, current_user)
    if refusal is not None:
        abort(403, refusal)
    form = EditPostForm() if request.method == "POST" else EditPostForm(data={"body": post.body})
    preview, status = None, 200
    if request.method == "POST":
        if request.form.get("preview"):
            preview = render_markdown((form.body.data or "")[: service.MAX_BODY_BYTES])
        else:
            try:
                service.edit_post(post, current_user, form.body.data)
            except DomainError as problem:
                post = service.find_post(post_id, current_user) or abort(404)
                show_errors(form, problem)
                status = problem.status
            else:
                after_commit(apply_now)  # the thread's new text is searchable at once
                flash("Your changes are saved; the earlier text is kept in the history.", "success")
                page = service.page_of_post(post)
                return redirect(
                    url_for(
                        "forums.topic", topic_id=post.topic_id, page=page, _anchor=f"post-{post.id}"
                    )
                )
    return render_template("forums/edit_post.html", post=post, preview=preview, form=form), status


@bp.route("/posts/<int:post_id>/history")
def post_history(post_id: int) -> str:
    post = service.find_post(post_id, current_user) or abort(404)
    if post.hidden and not entitlement.can_moderate(current_user):
        abort(404)
    return render_template(
        "forums/history.html",
        post=post,
        revisions=service.post_revisions(post),
        markdown=render_markdown,
    )


@bp.route("/topics/<int:topic_id>/solution", methods=["POST"])
@login_required
def mark_solved(topic_id: int) -> Response:
    found = _topic_or_404(topic_id)
    post_id = request.form.get("post_id", type=int)
    post = service.find_post(post_id, current_user) if post_id else None
    if post_id and post is None:
        abort(404)
    try:
        service.mark_solved(found, post, current_user)
    except DomainError as problem:
        abort(problem.status, str(problem))
    after_commit(apply_now)  # the answer is searchable at once, not at the next catch-up
    flash("The answer is marked." if post else "The topic is no longer marked solved.", "success")
    page = service.page_of_post(post) if post else 1
    anchor = f"post-{post.id}" if post else None
    return redirect(url_for("forums.topic", topic_id=found.id, page=page, _anchor=anchor))


@bp.route("/topics/<int:topic_id>/watch", methods=["POST"])
@login_required
def watch(topic_id: int) -> Response:
    found = _topic_or_404(topic_id)
    if request.form.get("action") == "unwatch":
        watching.unwatch(found, current_user)
    else:
        watching.watch(found, current_user)
    if is_htmx_request():
        return render(
            "forums/topic.html",
            "forums/_watch.html",
            topic=found,
            watching=watching.is_watching(found, current_user),
        )
    flash(
        "You will get mail on new replies."
        if watching.is_watching(found, current_user)
        else "You will no longer get mail about this topic.",
        "success",
    )
    return redirect(url_for("forums.topic", topic_id=found.id))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail clients post here (RFC 8058)
def unsubscribe(token: str) -> str | tuple[str, int]:
    """GET asks first (link scanners must not unsubscribe anyone); POST stops the mail."""
    watch_row = watching.watch_for_token(token)
    if watch_row is None:
        return render_template("forums/unsubscribed.html", topic=None, done=False), 404
    topic = watch_row.topic
    if request.method == "POST":
        db.session.delete(watch_row)
        return render_template("forums/unsubscribed.html", topic=topic, done=True)
    return render_template("forums/unsubscribed.html", topic=topic, done=False, token=token)
