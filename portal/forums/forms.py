"""The forum forms: a new topic, a reply, an edit of one's post, a report to the moderators.
The forum services check length, the terms on suggestions and who may post; these forms
carry the values, and say how Markdown works."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from portal.forms import CHECKBOX_OFF

MARKDOWN_HELP = (
    "Markdown works: **bold**, `code`, lists, and fenced blocks for logs. HTML is not "
    "allowed. Up to 100 KB."
)
REQUIRED = {"required": True}


def accept_terms_field() -> BooleanField:
    """The suggestion terms' checkbox; scripts send accept_terms=yes."""
    return BooleanField(
        "I accept these terms for my suggestions",
        false_values=CHECKBOX_OFF,
        render_kw={"value": "yes", "required": True},
    )


class TopicForm(FlaskForm):
    title = StringField("Title", render_kw={"required": True, "maxlength": 200})
    body = TextAreaField("Message", description=MARKDOWN_HELP, render_kw=REQUIRED)
    accept_terms = accept_terms_field()


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply", id="reply-body", description=MARKDOWN_HELP, render_kw=REQUIRED
    )


class EditPostForm(FlaskForm):
    body = TextAreaField("Message", description=MARKDOWN_HELP, render_kw=REQUIRED)


class ReportForm(FlaskForm):
    reason = TextAreaField(
        "What is wrong with it?", render_kw={"required": True, "maxlength": 2000}
    )
