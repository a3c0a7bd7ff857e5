"""The shared form parts: a service's refusal lands beside its field, and the field macros tie
label, help text and error together for screen readers."""

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import Form, FormField, StringField

from portal.domain_error import DomainError
from portal.forms import show_errors


class TargetForm(Form):
    amount = StringField("Amount")


class ExampleForm(FlaskForm):
    title = StringField("Title", description="A few words.")
    gold = FormField(TargetForm)


MACROS = '{% from "macros/forms.html" import error_summary, field %}'


def test_each_message_goes_to_its_field_and_the_rest_to_the_form(app):
    with app.test_request_context("/", method="POST", data={"title": "Typed"}):
        form = ExampleForm()
        show_errors(
            form,
            DomainError({"name": "Too long.", "gold-amount": "A whole number.", "": "Refused."}),
            aliases={"name": "title"},
        )

    assert form.title.errors == ["Too long."]
    assert form.gold.amount.errors == ["A whole number."]
    assert form.form_errors == ["Refused."]


def test_a_field_with_an_error_is_described_by_its_help_and_its_message(app):
    with app.test_request_context("/", method="POST", data={"title": "<b>Typed</b>"}):
        form = ExampleForm()
        show_errors(form, DomainError("Give a shorter title.", "title"))
        html = render_template_string(
            MACROS + "{{ error_summary(form) }}{{ field(form.title, maxlength=200) }}", form=form
        )

    assert 'aria-describedby="title-help title-error"' in html and 'aria-invalid="true"' in html
    assert '<small id="title-error" class="field-error" role="alert">Give a shorter' in html
    assert 'value="&lt;b&gt;Typed&lt;/b&gt;"' in html and 'maxlength="200"' in html
    assert '<a href="#title">Give a shorter title.</a>' in html  # the summary links to it


def test_a_form_without_errors_shows_no_summary_and_no_invalid_marks(app):
    with app.test_request_context("/"):
        form = ExampleForm()
        html = render_template_string(
            MACROS + "{{ error_summary(form) }}{{ field(form.title) }}", form=form
        )

    assert "form-errors" not in html and "aria-invalid" not in html
    assert 'aria-describedby="title-help"' in html


def test_a_short_forms_summary_only_says_there_is_an_error_beside_a_field(app):
    with app.test_request_context("/", method="POST", data={"title": "Typed"}):
        form = ExampleForm()
        show_errors(form, DomainError({"title": "Give a shorter title.", "": "Refused."}))
        html = render_template_string(
            MACROS + '{{ error_summary(form, "Fix it.", fields="none") }}', form=form
        )

    assert "<p>Refused.</p><p>Fix it.</p>" in html and "shorter" not in html
