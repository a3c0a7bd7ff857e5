"""Addresses on the public site come from BASE_URL and the route table, request or not."""

from __future__ import annotations

from portal.links import public_path, public_url


def test_a_public_address_outside_any_request_comes_from_base_url(app):
    app.config["SERVER_NAME"] = None  # as in production: url_for alone could not build it
    app.config["BASE_URL"] = "https://support.example.com"

    assert public_url("kb.article", slug="nfs") == "https://support.example.com/kb/nfs"
    assert public_path("forums.topic", topic_id=7) == "/forums/topics/7"


def test_a_mailed_link_names_base_url_even_inside_a_request_from_another_host(app):
    app.config["BASE_URL"] = "https://support.example.com"

    with app.test_request_context(base_url="http://10.0.0.5:8000"):
        link = public_url("auth.reset_password", token="abc")

    assert link == "https://support.example.com/reset-password/abc"


def test_a_base_url_with_a_prefix_keeps_it(app):
    app.config["BASE_URL"] = "https://example.com/support/"

    assert public_url("surveys.answer", token="t") == "https://example.com/support/surveys/t"
    assert public_path("docs.page", slug="install") == "/support/docs/install"
