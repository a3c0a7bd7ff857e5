"""What every form shares: a service's refusal shown beside the fields it concerns.

Forms check shape (required, lengths, choices); services hold the rules and raise
DomainError, whose ``errors`` map field names to messages. A view that re-renders its form
hands the error to `show_errors`, and the field macros in `templates/macros/forms.html`
put each message beside its field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from wtforms import Field, Form
from wtforms.fields import FormField

from portal.domain_error import DomainError

# What an unticked checkbox may arrive as, from a script as well as a browser. WTForms'
# defaults would read "False" or "off" as ticked, and a production release is not a guess.
CHECKBOX_OFF = (False, "", "false", "False", "off", "0", "no")

F = TypeVar("F", bound=FlaskForm)


def bound_form(form_class: type[F], sent: bool, data: Mapping[str, Any] | None = None) -> F:
    """The form reading this request's post if it is the one that was sent, else one showing
    ``data``: a page with several forms must not fill each with another's values."""
    if sent:
        return form_class()
    return form_class(formdata=None, data=dict(data or {}))


def _fields(fields: Form | FormField) -> Iterator[Field]:
    """Every field, with those of nested forms (named ``outer-inner``) in place of the nest."""
    for field in fields:
        if isinstance(field, FormField):
            yield from _fields(field)
        else:
            yield field


def flat_data(form: Form) -> dict[str, str]:
    """Each field's value by its full name, as a plain form post would send it (unticked
    checkboxes left out); for services that read a table of inputs by name."""
    data: dict[str, str] = {}
    for field in _fields(form):
        if field.type == "CSRFTokenField" or field.data in (None, False):
            continue
        data[field.name] = "on" if field.data is True else str(field.data)
    return data


def show_errors(form: Form, error: DomainError, aliases: Mapping[str, str] | None = None) -> None:
    """Put each of ``error``'s messages on the field it names; ``aliases`` maps a service's
    name for a field to the form's. A message about no field of this form (or about the
    request as a whole) becomes a form-level error, shown in the error summary."""
    by_name = {field.name: field for field in _fields(form)}
    for name, message in error.errors.items():
        field = by_name.get((aliases or {}).get(name, name))
        if field is None or field.type == "CSRFTokenField":
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
