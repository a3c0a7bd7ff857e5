"""Every answer carries the security headers; HTTPS (directly or through a configured proxy)
adds HSTS and Secure cookies; a forged X-Forwarded-Proto changes nothing; and no page
template holds the inline script or style the Content-Security-Policy would block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.extensions import db
from portal.models import Role
from portal.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, make_user

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SANDBOXED = "sandbox; default-src 'none'"


def _assert_security_headers(response, csp: str = CONTENT_SECURITY_POLICY) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Permissions-Policy"].startswith("camera=()")
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_policy_allows_no_inline_code_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


@pytest.mark.parametrize("path", ["/", "/kb/", "/login", "/kb/?q=nfs"])
def test_pages_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    _assert_security_headers(response)


def test_htmx_fragments_carry_them_too(client):
    response = client.get("/kb/?q=nfs", headers={"HX-Request": "true"})
    assert response.status_code == 200
    _assert_security_headers(response)


def test_api_json_and_its_errors_carry_them(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.is_json
    _assert_security_headers(document)
    refused = client.get("/api/v1/me")
    assert refused.status_code == 401 and refused.is_json
    _assert_security_headers(refused)


def test_static_files_carry_them(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    _assert_security_headers(response)
    response.close()


def test_error_pages_carry_them(app, client, auth):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    _assert_security_headers(missing)
    make_user("eve@example.com", role=Role.CUSTOMER)
    auth.login("eve@example.com")
    forbidden = client.get("/staff/mail/")
    assert forbidden.status_code == 403
    _assert_security_headers(forbidden)
    limit = app.config["MAX_JSON_BYTES"]
    too_large = client.post(
        "/api/v1/tokens", data=b"[" * (limit + 1), content_type="application/json"
    )
    assert too_large.status_code == 413
    _assert_security_headers(too_large)


def test_a_view_that_sets_a_stricter_policy_keeps_it(app, client):
    @app.route("/test-sandboxed")
    def sandboxed():  # noqa: ANN202
        return "x", 200, {"Content-Security-Policy": SANDBOXED}

    response = client.get("/test-sandboxed")
    assert response.headers.getlist("Content-Security-Policy") == [SANDBOXED]
    assert response.headers["X-Frame-Options"] == "DENY"


def _login_cookies(client) -> dict[str, str]:
    """Log in with "keep me logged in" and return each Set-Cookie line by cookie name."""
    response = client.post(
        "/login", data={"email": "sam@example.com", "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    lines = response.headers.getlist("Set-Cookie")
    return {next(iter(SimpleCookie(line))): line for line in lines}


def _attributes(line: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in line.split(";")[1:]}


def test_over_plain_http_there_is_no_hsts_and_no_secure_cookie(client):
    make_user("sam@example.com")
    assert "Strict-Transport-Security" not in client.get("/").headers
    cookies = _login_cookies(client)
    assert set(cookies) >= {"session", "remember_token"}
    for line in cookies.values():
        assert "secure" not in _attributes(line)
        assert {"httponly", "samesite"} <= _attributes(line)
        assert "SameSite=Lax" in line


def test_over_https_there_is_hsts_and_every_cookie_is_secure(app):
    client = app.test_client()
    make_user("sam@example.com")
    home = client.get("/", base_url="https://portal.test")
    assert home.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    response = client.post(
        "/login",
        base_url="https://portal.test",
        data={"email": "sam@example.com", "password": PASSWORD, "remember": "y"},
    )
    lines = response.headers.getlist("Set-Cookie")
    names = {next(iter(SimpleCookie(line))) for line in lines}
    assert names >= {"session", "remember_token"}
    for line in lines:
        assert {"secure", "httponly", "samesite"} <= _attributes(line), line


@pytest.fixture
def base_config(app) -> dict[str, object]:  # noqa: ANN001 - the app fixture
    """The test app's settings, to build a second app on the same database."""
    return dict(app.config)


@contextmanager
def _proxied_app(config: dict[str, object], hops: object) -> Iterator[Flask]:
    """The test app's settings with PORTAL_PROXY_HOPS set, within its app context."""
    proxied = create_app(config | {"PROXY_HOPS": hops})
    with proxied.app_context():
        try:
            yield proxied
        finally:
            db.session.remove()
            db.engine.dispose()


FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


def test_behind_a_configured_proxy_its_https_gives_hsts_and_secure_cookies(base_config):
    with _proxied_app(base_config, hops=1) as proxied:
        make_user("sam@example.com")
        client = proxied.test_client()
        home = client.get("/", headers=FORWARDED_HTTPS)
        assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        response = client.post(
            "/login",
            headers=FORWARDED_HTTPS,
            data={"email": "sam@example.com", "password": PASSWORD, "remember": "y"},
        )
        assert response.status_code == 302
        lines = response.headers.getlist("Set-Cookie")
        assert lines and all("secure" in _attributes(line) for line in lines)


def test_a_forged_forwarded_proto_is_ignored_without_proxy_hops(client):
    make_user("sam@example.com")
    home = client.get("/", headers=FORWARDED_HTTPS)
    assert "Strict-Transport-Security" not in home.headers
    response = client.post(
        "/login",
        headers=FORWARDED_HTTPS,
        data={"email": "sam@example.com", "password": PASSWORD, "remember": "y"},
    )
    lines = response.headers.getlist("Set-Cookie")
    assert lines and not any("secure" in _attributes(line) for line in lines)


def test_a_forged_header_beyond_the_configured_hops_is_ignored(base_config):
    # One proxy appends what it saw (http); the client's own "https" before it is not trusted.
    with _proxied_app(base_config, hops=1) as proxied:
        home = proxied.test_client().get("/", headers={"X-Forwarded-Proto": "https, http"})
        assert "Strict-Transport-Security" not in home.headers


@pytest.mark.parametrize("hops", ["-1", "two", "1.5", 99, True])
def test_a_bad_proxy_hops_setting_stops_the_app_at_start(base_config, hops):
    with pytest.raises(ValueError, match="PORTAL_PROXY_HOPS"):
        create_app(base_config | {"PROXY_HOPS": hops})


def test_proxy_hops_is_read_from_the_environment(base_config, monkeypatch):
    monkeypatch.setenv("PORTAL_PROXY_HOPS", "2")
    config = {k: v for k, v in base_config.items() if k != "PROXY_HOPS"}
    app = create_app(config)
    assert app.config["PROXY_HOPS"] == 2
    with app.app_context():
        forwarded = {"X-Forwarded-Proto": "https, http", "X-Forwarded-For": "192.0.2.1, 10.0.0.2"}
        response = app.test_client().get("/", headers=forwarded)
        assert "Strict-Transport-Security" in response.headers  # two hops back: https
        db.engine.dispose()


# --- no inline code in any page template -----------------------------------------------------

# Mail is read in mail clients, which drop <style> and CSS files: its templates need inline
# styles and are never served as a page.
PAGE_TEMPLATES = sorted(
    path for path in TEMPLATES.rglob("*.html") if path.relative_to(TEMPLATES).parts[0] != "mail"
)
FORBIDDEN = {
    "a style attribute": re.compile(r"""\sstyle\s*=""", re.IGNORECASE),
    "a style attribute given to a macro": re.compile(r"""["']style["']\s*:|\bstyle\s*=\s*["'{(]"""),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "an hx-on handler": re.compile(r"""\s(data-)?hx-on""", re.IGNORECASE),
    "an on… handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.IGNORECASE),
    "a javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "evaluated hx-vals": re.compile(r"""hx-(vals|vars)\s*=\s*["']\s*(js|javascript):"""),
}


def test_the_walk_sees_the_page_templates():
    names = {path.relative_to(TEMPLATES).as_posix() for path in PAGE_TEMPLATES}
    assert {"base.html", "kb/search.html"} <= names and len(names) > 50


@pytest.mark.parametrize(
    "path", PAGE_TEMPLATES, ids=[p.relative_to(TEMPLATES).as_posix() for p in PAGE_TEMPLATES]
)
def test_no_page_template_holds_inline_script_or_style(path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)  # Jinja comments are not sent
    found = [
        f"{what} on line {text[: match.start()].count(chr(10)) + 1}: {match.group(0)!r}"
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]
    assert not found, f"{path.relative_to(TEMPLATES)} has " + "; ".join(found)


@pytest.mark.parametrize(
    "sample",
    [
        '<p style="color:red">',
        '{{ field(form.subject, style="width: 3em") }}',
        '{% set attrs = {"style": "width: 3em"} %}',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<button hx-on:click="x()">',
        '<a onclick="x()">',
        '<a href="javascript:x()">',
    ],
)
def test_the_walk_would_catch_each_kind(sample):
    assert any(pattern.search(sample) for pattern in FORBIDDEN.values())


def test_allowed_markup_passes_the_walk():
    fine = '<script src="/static/app.js" defer></script><a data-hx-get="/x" class="on">'
    assert not any(pattern.search(fine) for pattern in FORBIDDEN.values())
