"""The headers every response carries, HTTPS detection behind a proxy, and Secure cookies.

Pages hold no inline script or style (tests/test_security_headers.py walks the templates),
so the Content-Security-Policy allows only the portal's own files. A response that set a
stricter policy itself keeps it: attachment downloads are sandboxed with `default-src
'none'`. HSTS and the cookies' Secure flag follow the request's scheme, so `make run` on
http://127.0.0.1 keeps working; behind a proxy that scheme comes from X-Forwarded-Proto,
trusted only through `PORTAL_PROXY_HOPS` proxies (0, the default: not at all).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Pico draws its form icons as data: SVG images.
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


class PortalResponse(Response):
    """Every cookie set over HTTPS is Secure: the session, the remember-me cookie, any other.

    Flask sets the session cookie and Flask-Login the remember cookie after the views have
    run, each through `set_cookie`, so this one place covers both whatever their order.
    """

    def set_cookie(self, key: str, *args: Any, **kwargs: Any) -> None:
        if has_request_context() and request.is_secure:
            kwargs["secure"] = True
        super().set_cookie(key, *args, **kwargs)


def proxy_hops(app: Flask) -> int:
    """PORTAL_PROXY_HOPS as a count of proxies; anything else stops the app at start."""
    value = app.config.get("PROXY_HOPS", 0)
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = str(value)
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > 10:
        raise ValueError(
            f"PORTAL_PROXY_HOPS must be a whole number of proxies from 0 to 10, not {value!r}."
        )
    return int(text)


def set_headers(response: Response) -> Response:
    """The security headers, unless the view set its own (a stricter policy stays)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app: Flask) -> None:
    app.response_class = PortalResponse
    hops = proxy_hops(app)
    if hops:
        # The client's address and scheme as the proxies saw them; the Host header is the
        # proxy's to pass through, and is checked against PORTAL_TRUSTED_HOSTS as ever.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.after_request(set_headers)
