"""After "did this help? no": what the reader says was missing, sent to the article's writers.

The text is plain: control characters dropped, blank lines collapsed, at most `MAX_CHARS`
characters, and always shown escaped. One note per reader and article, only from a reader
whose answer was no. The writers are the article's author and the editors of its last
`LAST_EDITORS` revisions; each gets a mail through the outbox, and staff see the notes on
the article's page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.domain_error import DomainError
from portal.extensions import db
from portal.mail.outbox import queue_mail
from portal.models import Article, ArticleFeedback, ArticleRating, ArticleRevision, User
from portal.models.types import utcnow

MAX_CHARS = 1000
LAST_EDITORS = 3
RECENT_NOTES = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class RatingState:
    """Where one reader stands with one article's "did this help?"."""

    rated: bool = False
    helpful: bool | None = None
    told_missing: bool = False

    @property
    def ask_missing(self) -> bool:
        return self.rated and self.helpful is False and not self.told_missing


def rating_state(article: Article, voter: str | None) -> RatingState:
    """The reader's answer and whether they said what was missing, in one statement."""
    if not voter:
        return RatingState()
    row = db.session.execute(
        select(ArticleRating.helpful, ArticleFeedback.id)
        .outerjoin(
            ArticleFeedback,
            (ArticleFeedback.article_id == ArticleRating.article_id)
            & (ArticleFeedback.voter == ArticleRating.voter),
        )
        .where(ArticleRating.article_id == article.id, ArticleRating.voter == voter)
    ).first()
    if row is None:
        return RatingState()
    return RatingState(True, bool(row[0]), row[1] is not None)


def clean_text(text: object) -> str:
    """What was typed, as stored: plain text, trimmed, no control or direction characters,
    at most one blank line in a row. Refuses empty or over-long text."""
    if not isinstance(text, str):
        raise DomainError("Say what was missing, in words.", "missing")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        raise DomainError("Say in a few words what the article was missing.", "missing")
    if len(text) > MAX_CHARS:
        raise DomainError(
            f"Keep it under {MAX_CHARS:,} characters (it has {len(text):,}).", "missing"
        )
    return text


def writers(article: Article) -> list[User]:
    """The author and the editors of the last `LAST_EDITORS` revisions, once each, active."""
    editors = db.session.scalars(
        select(User)
        .join(ArticleRevision, ArticleRevision.editor_id == User.id)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.number.desc())
        .limit(LAST_EDITORS)
    ).all()
    people: dict[int, User] = {}
    for person in [article.author, *editors]:
        if person is not None and person.active and person.id not in people:
            people[person.id] = person
    return list(people.values())


def record_missing(article: Article, voter: str | None, text: object) -> ArticleFeedback:
    """Keep what a reader who answered no says was missing, and mail the article's writers."""
    state = rating_state(article, voter)
    if not state.rated or state.helpful is not False:
        raise DomainError("Answer “did this help?” with no first.", "missing", status=409)
    if state.told_missing:
        raise DomainError("You have already told us what was missing; thank you.", status=409)
    note = ArticleFeedback(article_id=article.id, voter=voter, text=clean_text(text))
    note.created_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.add(note)
    except IntegrityError:  # the same reader, twice at the same moment
        raise DomainError(
            "You have already told us what was missing; thank you.", status=409
        ) from None
    for person in writers(article):
        queue_mail(
            person.email,
            "kb_article_missing",
            subject=f"A reader says “{article.title}” is missing something",
            recipient=person,
            article=article,
            note=note,
        )
    return note


def recent_notes(article: Article, limit: int = RECENT_NOTES) -> list[ArticleFeedback]:
    """The latest notes on an article, newest first, for its staff view."""
    return list(
        db.session.scalars(
            select(ArticleFeedback)
            .where(ArticleFeedback.article_id == article.id)
            .order_by(ArticleFeedback.created_at.desc(), ArticleFeedback.id.desc())
            .limit(limit)
        )
    )
