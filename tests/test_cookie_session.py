"""The portal signs its session cookies with a kept serializer (portal/cookie_session.py): what
it signs, stock Flask opens, and the other way round, so servers of the old and the new
release can share their readers during a rolling deploy."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface


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
