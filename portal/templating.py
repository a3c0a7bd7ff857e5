"""What every template can use: navigation by role, time-zone aware dates, permissions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from portal import static_assets
from portal.accounts import entitlement
from portal.dates import shown_in
from portal.mail import render as mail_render


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    visible: Any  # a callable taking the user

    def is_current(self) -> bool:
        return request.endpoint is not None and (
            request.endpoint == self.endpoint
            or request.endpoint.split(".")[0] == self.endpoint.split(".")[0]
        )


def _everyone(user: Any) -> bool:
    return True


MAIN_NAV = [
    NavItem("kb.search", "Knowledge base", _everyone),
    NavItem("docs.index", "Documentation", _everyone),
    NavItem("forums.index", "Forums", _everyone),
    NavItem("ideas.index", "Ideas", _everyone),
    NavItem("cases.index", "Cases", lambda u: bool(entitlement.filing_organisations(u))),
    NavItem("licenses.index", "Licenses", entitlement.is_license_admin),
    NavItem("staff.queue", "Queue", entitlement.can_work_cases),
    NavItem("staff.dashboard", "Dashboard", entitlement.can_manage_escalations),
    NavItem("admin.index", "Administration", entitlement.can_administer),
    NavItem("pages.support", "Support offerings", _everyone),
]


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def page_url(endpoint: str, args: Mapping[str, object], page: int) -> str:
    """The address of one page of a list, keeping its filters; empty filters are left out and
    the first page has no page argument, so each page has one address."""
    kept = {name: value for name, value in args.items() if value not in (None, "")}
    kept["page"] = page if page > 1 else None
    return url_for(endpoint, **kept)


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
    return value.isoformat() if value else ""


def register(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["isotime"] = isotime
    mail_render.register(app.jinja_env.filters)  # in_zone, mail_markdown for mail templates
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
