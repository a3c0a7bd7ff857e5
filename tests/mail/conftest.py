"""Mail tests: a couple of extra templates, without adding test files to templates/mail."""

from __future__ import annotations

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader

TEST_TEMPLATES = {
    "mail/test_text_only.txt": "Hello {{ name }}, your case is {{ case_url }}.",
    "mail/test_links.txt": "Home: {{ url_for('pages.home', _external=True) }}",
    "mail/test_links.html": (
        '{% extends "mail/_layout.html" %}{% block content %}'
        "<a href=\"{{ url_for('pages.home', _external=True) }}\">{{ name }}</a>"
        "{% endblock %}"
    ),
}


@pytest.fixture
def mail_templates(app: Flask) -> Flask:
    """The app, able to render the TEST_TEMPLATES as well as the real mail templates."""
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEST_TEMPLATES), app.jinja_env.loader])
    return app
