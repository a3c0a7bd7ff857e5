"""Recording releases; publishing a production release announces the bugs it fixes.

Cases waiting for a bug fix listen to `production_release_published` (a blinker signal), so
this module knows nothing about cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from blinker import Namespace
from sqlalchemy import select

from portal.dates import RANGE_HINT, parse_day
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Release, ReleaseKind, User
from portal.models.types import utcnow
from portal.products.service import product_names

signals = Namespace()
# Sent inside the transaction that first marks a release as production: sender is the Release.
production_release_published = signals.signal("production-release-published")

VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-+_ ]{0,39}$")
BUG_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_.#]{0,39}$")
MAX_NOTES = 100_000


TITLED_LINE = re.compile(r"^\s*([^\s,;:]+)\s*:\s*(\S.*?)\s*$")
MAX_TITLE = 200


def parse_fixes_with_titles(value: str | Iterable[Any]) -> tuple[list[str], dict[str, str]]:
    """Bug numbers and their titles. Text takes one bug per line as "CA-1: title" or bare
    numbers separated by commas, spaces or lines; a list takes numbers or
    {"id", "title"} objects."""
    titles: dict[str, str] = {}
    numbers: list[Any] = []
    lines = value.splitlines() if isinstance(value, str) else list(value)
    for line in lines:
        if isinstance(line, dict):
            bug, title = line.get("id"), line.get("title") or ""
        elif isinstance(value, str) and (match := TITLED_LINE.match(line)):
            bug, title = match.group(1), match.group(2)
        elif isinstance(value, str):
            numbers.extend(re.split(r"[\s,;]+", line))
            continue
        else:
            numbers.append(line)
            continue
        if not isinstance(title, str) or len(title) > MAX_TITLE:
            raise DomainError(f"A bug's title must be text under {MAX_TITLE} characters.", "fixes")
        numbers.append(bug)
        if title.strip():
            titles[str(bug).strip()] = " ".join(title.split())
    fixes = parse_fixes(numbers)
    return fixes, {bug: title for bug, title in titles.items() if bug in fixes}


def parse_fixes(value: str | Iterable[Any]) -> list[str]:
    """Bug tracking numbers from a list or from text separated by commas, spaces or lines."""
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else list(value)
    fixes: list[str] = []
    for item in items:
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise DomainError("Bug numbers must be text or numbers.", "fixes")
        bug = str(item).strip()
        if not bug:
            continue
        if not BUG_PATTERN.match(bug):
            raise DomainError(f"{bug[:40]!r} is not a bug tracking number.", "fixes")
        if bug not in fixes:
            fixes.append(bug)
    if len(fixes) > 500:
        raise DomainError("A release can list at most 500 bugs.", "fixes")
    return fixes


def list_releases(product: str | None = None) -> list[Release]:
    query = select(Release).order_by(Release.released_on.desc(), Release.id.desc())
    if product:
        query = query.where(Release.product == product)
    return list(db.session.scalars(query))


def find_release(product: str, version: str) -> Release | None:
    return db.session.scalar(
        select(Release).where(Release.product == product, Release.version == version)
    )


def save_release(release: Release | None, data: Mapping[str, Any], user: User | None) -> Release:
    """Create or update a release from checked values; the first time it becomes production,
    the signal tells whoever waits for its fixes."""
    current = product_names()
    product = str(data.get("product") or (current[0] if current else "")).strip()
    if product not in product_names(include_retired=True):
        raise DomainError(f"Unknown product {product[:80]!r}.", "product")
    version = str(data.get("version") or "").strip()
    if not VERSION_PATTERN.match(version):
        raise DomainError(
            "Give a version such as 4.1.2 (letters, digits, dots, dashes).", "version"
        )
    try:
        kind = ReleaseKind(str(data.get("kind") or "").strip().lower().replace("patch", "hotfix"))
    except ValueError as error:
        raise DomainError("The kind must be hotfix, minor or major.", "kind") from error
    notes = data.get("notes") or ""
    if not isinstance(notes, str) or len(notes) > MAX_NOTES:
        raise DomainError("Release notes must be text of at most 100,000 characters.", "notes")
    production = data.get("production", False)
    if not isinstance(production, bool):
        raise DomainError("'production' must be true or false.", "production")
    released_on = data.get("released_on") or date.today().isoformat()
    released = parse_day(released_on)
    if released is None:
        raise DomainError(
            f"The release date must look like 2026-11-25, {RANGE_HINT}.", "released_on"
        )
    clash = find_release(product, version)
    if clash is not None and clash is not release:
        raise DomainError(f"{product} {version} is already recorded.", "version", status=409)
    release = release or Release(created_by=user)
    was_production = bool(release.production)
    release.product, release.version, release.kind = product, version, kind.value
    release.notes = notes
    release.fixes, release.fix_titles = parse_fixes_with_titles(data.get("fixes") or [])
    release.production = production
    release.released_on = released
    release.updated_at = utcnow()
    db.session.add(release)
    db.session.flush()
    if production and not was_production:
        release.production_at = utcnow()
        production_release_published.send(release)
    return release


def seed_demo_releases() -> str:
    """A short release history for the demo products; existing releases are kept."""
    history = [
        (
            "XenServer",
            "4.0.1",
            "minor",
            "2007-09-10",
            [
                {
                    "id": "CA-10231",
                    "title": "NFS storage repositories stay detached after a reboot",
                },
                {"id": "CA-10502", "title": "XenCenter shows the wrong memory for Windows guests"},
            ],
            "Cumulative update for 4.0: fixes NFS storage repositories that stayed detached "
            "after a host reboot, and corrects the memory shown for Windows guests in XenCenter.",
        ),
        (
            "XenServer",
            "4.0.1-hotfix1",
            "hotfix",
            "2007-10-02",
            [{"id": "CA-11020", "title": "Host stops responding when an iSCSI session drops"}],
            "Fixes hosts that stopped responding when an iSCSI target dropped its session "
            "under load.",
        ),
        (
            "XenServer",
            "4.1.0",
            "major",
            "2008-03-04",
            [
                {"id": "CA-11311", "title": "Pool join fails with more than 16 hosts"},
                {"id": "CA-11790", "title": "Guest VLAN tags lost after XenMotion"},
                {"id": "CA-12004", "title": "XenMotion stalls on busy 1 Gb networks"},
            ],
            "Adds resource-pool improvements, VLAN support for guest networks and faster "
            "XenMotion. A 4.0 license key does not work with 4.1; request a new key before "
            "upgrading.",
        ),
        (
            "XenCenter",
            "4.1.0",
            "major",
            "2008-03-04",
            [{"id": "CA-11855", "title": "Performance graphs blank for pools of one host"}],
            "Console for the 4.1 release, with pool-wide performance graphs.",
        ),
    ]
    added = 0
    for product, version, kind, released, fixes, notes in history:
        if find_release(product, version):
            continue
        numbers, titles = parse_fixes_with_titles(fixes)
        db.session.add(
            Release(
                product=product,
                version=version,
                kind=kind,
                notes=notes,
                fixes=numbers,
                fix_titles=titles,
                production=True,
                released_on=date.fromisoformat(released),
                production_at=utcnow(),
            )
        )
        added += 1
    db.session.flush()
    return f"releases: {added} added"
