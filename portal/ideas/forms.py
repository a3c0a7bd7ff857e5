"""The ideas board's forms: suggesting an idea, editing it, and a product manager's status.
The ideas service checks lengths, the terms, the statuses and release numbers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from portal.forums.forms import MARKDOWN_HELP, accept_terms_field
from portal.models import Idea, IdeaStatus

TITLE = {"required": True, "maxlength": 200}


class IdeaForm(FlaskForm):
    title = StringField("Title", render_kw=TITLE)
    body = TextAreaField("Your idea", description=MARKDOWN_HELP, render_kw={"required": True})
    accept_terms = accept_terms_field()


class IdeaEditForm(FlaskForm):
    title = StringField("Title", render_kw=TITLE)
    body = TextAreaField("Your idea", description=MARKDOWN_HELP, render_kw={"required": True})


class IdeaStatusForm(FlaskForm):
    status = SelectField(
        "Status",
        id="idea-status",
        choices=[SelectChoice(s.value, s.label) for s in IdeaStatus],
        validate_choice=False,
    )
    release = StringField(
        "Shipped in release (for “Shipped”)", id="idea-release", render_kw={"maxlength": 40}
    )
    note = TextAreaField(
        "Public note (everyone sees it; voters get it by email)",
        id="idea-note",
        render_kw={"maxlength": 5000},
    )

    @classmethod
    def for_idea(cls, idea: Idea) -> IdeaStatusForm:
        return cls(
            data={
                "status": idea.status,
                "release": idea.shipped_in_release or "",
                "note": idea.status_note or "",
            }
        )
