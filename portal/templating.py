"""What every template can use: navigation by role, time-zone aware dates, permissions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import static_assets
from portal.accounts import entitlement
from portal.dates import shown_in
from portal.mail import render as mail_render
from portal.models import CaseStatus
from portal.models.types import utcnow
from portal.policy import Severity


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    visible: Any  # a callable taking the user
    # The endpoints this item stands for: a blueprint ("kb.") or one endpoint ("staff.queue").
    # Two items may share a blueprint (Queue and Dashboard are both "staff."), so each names
    # its own part and no two claim the same page.
    section: tuple[str, ...] = ()

    def covers(self, endpoint: str) -> bool:
        return endpoint == self.endpoint or any(
            endpoint.startswith(part) if part.endswith(".") else endpoint == part
            for part in self.section
        )

    def is_current(self) -> bool:
        """True for the one item the current page belongs to (see `current_item`)."""
        if "nav_current" not in g:
            g.nav_current = current_item()
        return g.nav_current is self


def _everyone(user: Any) -> bool:
    return True


MAIN_NAV = [
    NavItem("kb.search", "Knowledge base", _everyone, ("kb.",)),
    NavItem("docs.index", "Documentation", _everyone, ("docs.",)),
    NavItem("forums.index", "Forums", _everyone, ("forums.",)),
    NavItem("ideas.index", "Ideas", _everyone, ("ideas.",)),
    NavItem(
        "cases.index", "Cases", lambda u: bool(entitlement.filing_organisations(u)), ("cases.",)
    ),
    NavItem("licenses.index", "Licenses", entitlement.is_license_admin, ("licenses.",)),
    NavItem(
        "staff.queue",
        "Queue",
        entitlement.can_work_cases,
        ("staff.phone_case", "staff.case_action", "staff.kb_draft", "mailgate."),
    ),
    NavItem("staff.dashboard", "Dashboard", entitlement.can_manage_escalations),
    NavItem("admin.index", "Administration", entitlement.can_administer, ("admin.",)),
    NavItem("pages.support", "Support offerings", _everyone),
]


def current_item() -> NavItem | None:
    """The one menu item the current page belongs to, or None (the home page, log in)."""
    endpoint = request.endpoint
    if endpoint is None:
        return None
    return next((item for item in MAIN_NAV if item.covers(endpoint)), None)


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def page_url(endpoint: str, args: Mapping[str, object], page: int) -> str:
    """The address of one page of a list, keeping its filters; empty filters are left out and
    the first page has no page argument, so each page has one address."""
    kept = {name: value for name, value in args.items() if value not in (None, "")}
    kept["page"] = page if page > 1 else None
    return url_for(endpoint, **kept)


# Addresses built from (script root, endpoint, arguments) are the same on every request, and
# a page builds dozens of them (menu, footer, links in lists): remembered, they cost a lookup.
URL_CACHE_SIZE = 4096


def cached_url_for(endpoint: str, **values: Any) -> str:
    """Flask's `url_for` for templates, remembering the addresses it builds. Relative
    endpoints (".name"), external addresses and other "_" options are built every time, as
    they depend on the request; so is everything in debug mode."""
    app = current_app
    if (
        app.debug
        or not has_request_context()
        or endpoint.startswith(".")
        or any(name.startswith("_") and name != "_anchor" for name in values)
    ):
        return url_for(endpoint, **values)
    try:
        # The type too: True and 1 are equal keys but build different addresses.
        arguments = tuple(sorted((k, type(v).__name__, v) for k, v in values.items()))
        key = (request.script_root, endpoint, arguments)
        hash(key)
    except TypeError:  # a list argument, say: not worth remembering
        return url_for(endpoint, **values)
    known: dict[tuple, str] = app.extensions.setdefault("template_urls", {})
    address = known.get(key)
    if address is None:
        if len(known) >= URL_CACHE_SIZE:
            known.clear()
        address = known[key] = url_for(endpoint, **values)
    return address


def navigation() -> list[NavItem]:
    """The menu for the current person, listing only features this build serves."""
    return [item for item in MAIN_NAV if has_endpoint(item.endpoint) and item.visible(current_user)]


def viewer_zone() -> ZoneInfo:
    zone = getattr(current_user, "timezone", None) if current_user.is_authenticated else None
    try:
        return ZoneInfo(zone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def localtime(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M %Z") -> str:
    """A moment shown in the viewer's own time zone."""
    if value is None:
        return ""
    return shown_in(value, viewer_zone(), fmt)


def isotime(value: datetime | None) -> str:
    """A moment for `<time datetime>`: UTC to the millisecond, as valid HTML allows."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def relative_words(value: datetime, now: datetime) -> str:
    """ "3 hours ago" or "in 2 days": the largest whole unit, "just now" under a minute."""
    seconds = (value - now).total_seconds()
    distance = abs(seconds)
    if distance < 60:
        return "just now"
    for unit, size in _UNITS:
        if distance >= size:
            count = int(distance // size)
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "just now"  # not reached: a minute or more always matches a unit


def reltime(value: datetime | None, now: datetime | None = None) -> Markup:
    """A `<time>` saying how long ago (or how soon) a moment is, the exact moment in the
    viewer's zone in its title (shown on hover) and in `datetime`."""
    if value is None:
        return Markup("")
    exact = localtime(value)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        isotime(value), exact, relative_words(value, now or utcnow())
    )


def register(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["isotime"] = isotime
    app.jinja_env.filters["reltime"] = reltime
    # A stored code as its enum, for the badges: {{ status_badge(case.status|case_status) }}
    app.jinja_env.filters["case_status"] = CaseStatus
    app.jinja_env.filters["severity"] = Severity
    mail_render.register(app.jinja_env.filters)  # in_zone, mail_markdown for mail templates
    app.jinja_env.globals["url_for"] = cached_url_for
    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["can"] = entitlement

    @app.context_processor
    def portal_globals() -> dict[str, Any]:
        return {
            "navigation": navigation,
            "vendor_name": current_app.config["VENDOR_NAME"],
            "static_url": static_assets.static_url,
        }
