"""Ideas: the suggestion terms, posting, one vote per person, statuses set by product managers.

Services flush, never commit; the view or API call commits once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.accounts import entitlement
from portal.domain_error import DomainError
from portal.extensions import db
from portal.forums.service import clean_body, clean_title
from portal.forums.suggestion_terms import accept_terms, has_accepted_terms
from portal.jobs import enqueue
from portal.models import Idea, IdeaStatus, IdeaStatusChange, IdeaVote, User
from portal.models.types import utcnow
from portal.pagination import Page, paginate

IDEAS_PER_PAGE = 20
MAX_NOTE = 5_000
STATUS_MAIL_JOB = "ideas.status_mail"
SORTS = {"votes": "Most votes", "newest": "Newest", "status": "Status"}
# Status order for "sort by status": what is moving first, closed matters last.
STATUS_ORDER = [
    IdeaStatus.PLANNED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.NEW,
    IdeaStatus.SHIPPED,
    IdeaStatus.DECLINED,
]


# --- reading ---------------------------------------------------------------------------------


def list_ideas(sort: str = "votes", status: str | None = None, page: int = 1) -> Page[Idea]:
    query = select(Idea)
    if status:
        query = query.where(Idea.status == status)
    if sort == "newest":
        order = [Idea.created_at.desc(), Idea.id.desc()]
    elif sort == "status":
        rank = case({s.value: i for i, s in enumerate(STATUS_ORDER)}, value=Idea.status, else_=99)
        order = [rank, Idea.vote_count.desc(), Idea.id.desc()]
    else:
        order = [Idea.vote_count.desc(), Idea.created_at.desc(), Idea.id.desc()]
    return paginate(query.options(joinedload(Idea.author)).order_by(*order), page, IDEAS_PER_PAGE)


def find_idea(idea_id: int) -> Idea | None:
    return db.session.scalar(
        select(Idea).where(Idea.id == idea_id).options(joinedload(Idea.author))
    )


def voted_ids(user: Any, ideas: list[Idea]) -> set[int]:
    """Which of these ideas the person has voted for, in one statement."""
    if not getattr(user, "is_authenticated", False) or not ideas:
        return set()
    return set(
        db.session.scalars(
            select(IdeaVote.idea_id).where(
                IdeaVote.user_id == user.id, IdeaVote.idea_id.in_([i.id for i in ideas])
            )
        )
    )


# --- writing ---------------------------------------------------------------------------------


def create_idea(author: Any, title: Any, body: Any, accept: bool = False) -> Idea:
    """Post an idea; a person's first one needs the suggestion terms accepted."""
    if not entitlement.can_post_in_forums(author):
        raise DomainError("Log in to suggest an idea.", status=401)
    title = clean_title(title)
    body = clean_body(body)
    if not has_accepted_terms(author):
        if accept is not True:
            raise DomainError(
                "Accept the terms on suggestions before sending your first idea.",
                field="accept_terms",
                code="terms_not_accepted",
            )
        accept_terms(author)
    idea = Idea(author=author, title=title, body=body, status=IdeaStatus.NEW.value)
    db.session.add(idea)
    db.session.flush()
    return idea


def can_edit(idea: Idea, user: Any) -> bool:
    """Product managers can always tidy an idea. Its author can reword it while it is new and
    nobody else has voted for it: votes are for the idea as the voters read it."""
    return edit_refusal(idea, user) is None


def edit_refusal(idea: Idea, user: Any) -> DomainError | None:
    """Why this person may not edit the idea now, or None if they may."""
    if not getattr(user, "is_authenticated", False):
        return DomainError("Log in to edit your idea.", status=401)
    if entitlement.can_set_idea_status(user):
        return None
    if idea.author_id != user.id:
        return DomainError("Only the person who suggested this idea can edit it.", status=403)
    if idea.status != IdeaStatus.NEW.value:
        return DomainError(
            "The product team has started on this idea, so its wording stays as voters saw "
            "it. Add to it in the forums instead.",
            status=409,
        )
    if _votes_from_others(idea):
        return DomainError(
            "Others have voted for this idea as it reads now, so its wording stays as they "
            "saw it. Add to it in the forums instead.",
            status=409,
        )
    return None


def _votes_from_others(idea: Idea) -> int:
    return (
        db.session.scalar(
            select(func.count(IdeaVote.id)).where(
                IdeaVote.idea_id == idea.id, IdeaVote.user_id != idea.author_id
            )
        )
        or 0
    )


def edit_idea(idea: Idea, editor: Any, title: Any, body: Any) -> Idea:
    """Change an idea's title and description (either may be None to keep it)."""
    refusal = edit_refusal(idea, editor)
    if refusal is not None:
        raise refusal
    new_title = idea.title if title is None else clean_title(title)
    new_body = idea.body if body is None else clean_body(body)
    if (new_title, new_body) != (idea.title, idea.body):
        idea.title, idea.body = new_title, new_body
        idea.edited_at = utcnow()
        db.session.flush()
    return idea


def cast_vote(idea: Idea, user: Any) -> int:
    """Vote once; a second vote is refused (the unique constraint also settles races)."""
    if not entitlement.can_post_in_forums(user):
        raise DomainError("Log in to vote.", status=401)
    already = DomainError(
        "You have already voted for this idea; each person has one vote.", status=409
    )
    if has_voted(idea, user):
        raise already
    try:
        with db.session.begin_nested():
            db.session.add(IdeaVote(idea_id=idea.id, user_id=user.id))
    except IntegrityError as error:
        raise already from error
    idea.vote_count = Idea.vote_count + 1
    db.session.flush()
    db.session.refresh(idea, ["vote_count"])
    return idea.vote_count


def withdraw_vote(idea: Idea, user: Any) -> int:
    """Take a vote back; without a vote there is nothing to take back (409)."""
    if not entitlement.can_post_in_forums(user):
        raise DomainError("Log in to vote.", status=401)
    existing = db.session.scalar(
        select(IdeaVote).where(IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)
    )
    if existing is None:
        raise DomainError("You have not voted for this idea.", status=409)
    db.session.delete(existing)
    idea.vote_count = Idea.vote_count - 1
    db.session.flush()
    db.session.refresh(idea, ["vote_count"])
    return idea.vote_count


def has_voted(idea: Idea, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(IdeaVote.id).where(IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)
        )
        is not None
    )


def parse_status_change(
    status: Any, note: Any = "", release: Any = ""
) -> tuple[IdeaStatus, str, str]:
    """The status, note and release a product manager sent, checked; DomainError otherwise."""
    try:
        new_status = IdeaStatus(status)
    except ValueError as error:
        allowed = ", ".join(s.value for s in IdeaStatus)
        raise DomainError(f"The status must be one of: {allowed}.", field="status") from error
    if note is None:
        note = ""
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise DomainError(f"The note must be text under {MAX_NOTE} characters.", field="note")
    release = (release or "").strip() if isinstance(release, str) else ""
    if len(release) > 40:
        raise DomainError("Give the release as a short version such as 4.1.", field="release")
    return new_status, note.strip(), release


def set_status(idea: Idea, user: Any, status: Any, note: Any = "", release: Any = "") -> Idea:
    """A product manager moves the idea on, with a public note; every voter is mailed."""
    if not entitlement.can_set_idea_status(user):
        raise DomainError("Only product managers set the status of ideas.", status=403)
    new_status, note, release = parse_status_change(status, note, release)
    # "Shipped" names its release when one is given (or was given before); the API's status
    # and note alone are enough, as CONTRACT.md shows.
    changed = new_status.value != idea.status
    previous = idea.status
    idea.status = new_status.value
    idea.status_note = note
    if new_status is IdeaStatus.SHIPPED:
        idea.shipped_in_release = release or idea.shipped_in_release
    idea.status_changed_at = utcnow()
    db.session.add(
        IdeaStatusChange(
            idea_id=idea.id,
            from_status=previous,
            to_status=idea.status,
            note=idea.status_note,
            release=idea.shipped_in_release if new_status is IdeaStatus.SHIPPED else "",
            changed_by=user,
            changed_at=idea.status_changed_at,
        )
    )
    db.session.flush()
    if changed:
        enqueue(STATUS_MAIL_JOB, {"idea_id": idea.id})
    return idea


def status_history(idea: Idea) -> list[IdeaStatusChange]:
    """The idea's status changes, newest first."""
    return list(
        db.session.scalars(
            select(IdeaStatusChange)
            .where(IdeaStatusChange.idea_id == idea.id)
            .options(joinedload(IdeaStatusChange.changed_by))
            .order_by(IdeaStatusChange.changed_at.desc(), IdeaStatusChange.id.desc())
        )
    )


def status_mail_recipients(idea: Idea) -> list[User]:
    """Who a status change of ``idea`` mails: its voters who still take the mail."""
    return list(
        db.session.scalars(
            select(User)
            .join(IdeaVote, IdeaVote.user_id == User.id)
            .where(
                IdeaVote.idea_id == idea.id,
                IdeaVote.mail_updates.is_(True),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
