"""The portal signs sessions and CSRF tokens with a kept serializer (portal/cookie_session.py):
what it signs, stock Flask and Flask-WTF accept, and the other way round, so servers of the
old and the new release can share their readers during a rolling deploy."""

from __future__ import annotations

import pytest
from flask import session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from portal.cookie_session import csrf_token


def _stock(app):  # noqa: ANN001, ANN202 - Flask's own serializer, as a server without ours has
    return SecureCookieSessionInterface().get_signing_serializer(app)


@pytest.mark.parametrize(
    "contents",
    [
        {"csrf_token": "a" * 40},
        # Big enough that it is compressed, as itsdangerous marks it.
        {"_flashes": [["info", f"Case {n} was saved with all its details."] for n in range(40)]},
    ],
)
def test_sessions_signed_here_open_in_stock_flask_and_the_other_way(app, contents):
    ours = app.session_interface.get_signing_serializer(app)
    assert _stock(app).loads(ours.dumps(contents)) == contents
    assert ours.loads(_stock(app).dumps(contents)) == contents


def test_a_big_session_is_still_compressed(app):
    ours = app.session_interface.get_signing_serializer(app)
    contents = {"_flashes": [["info", "The same words again."] for _ in range(60)]}
    assert ours.dumps(contents).startswith(".")
    assert not ours.dumps({"csrf_token": "a" * 40}).startswith(".")


def test_a_session_signed_with_a_retired_key_still_opens(app):
    old = _stock(app).dumps({"_user_id": "7"})
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = "the-new-secret-key-after-rotation"
    try:
        assert app.session_interface.get_signing_serializer(app).loads(old) == {"_user_id": "7"}
    finally:
        app.secret_key = app.config["SECRET_KEY_FALLBACKS"].pop()


def test_the_kept_token_is_one_flask_wtf_accepts_and_a_forged_one_is_refused(app):
    with app.test_request_context("/kb/"):
        token = csrf_token()
        assert csrf_token() == token == generate_csrf()  # one token for the request
        validate_csrf(token)
        raw = session["csrf_token"]
    with app.test_request_context("/kb/"):
        session["csrf_token"] = raw
        validate_csrf(token)  # a later request of the same reader
        with pytest.raises(ValidationError):
            validate_csrf(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with app.test_request_context("/kb/"):
        session["csrf_token"] = "b" * 40  # another reader's session
        with pytest.raises(ValidationError):
            validate_csrf(token)
