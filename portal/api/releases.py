"""GET and POST /api/v1/releases."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from portal.accounts import entitlement
from portal.api import bp
from portal.api.helpers import bearer_user, fail, json_body, require_user
from portal.api.spec import BOOLEAN, STRING, endpoint, list_of, obj
from portal.models import Release, ReleaseKind
from portal.releases import service

KIND = {"type": "string", "enum": [kind.value for kind in ReleaseKind]}
RELEASE = obj(
    ["product", "version", "kind", "notes", "fixes", "production", "released_on"],
    product=STRING,
    version=STRING,
    kind=KIND,
    notes=STRING,
    fixes={"type": "array", "items": STRING},
    production=BOOLEAN,
    released_on={"type": "string", "format": "date"},
    url=STRING,
)


def release_json(release: Release) -> dict[str, Any]:
    return {
        "product": release.product,
        "version": release.version,
        "kind": release.kind,
        "notes": release.notes,
        "fixes": list(release.fixes),
        "production": release.production,
        "released_on": release.released_on.isoformat(),
        "url": url_for("releases.show", product=release.product, version=release.version),
    }


@endpoint(
    bp,
    "/releases",
    "GET",
    "Every release, newest first",
    auth="optional",
    tags=["releases"],
    response=list_of(RELEASE),
)
def list_releases() -> Any:
    bearer_user()
    releases = service.list_releases()
    return jsonify({"results": [release_json(r) for r in releases], "total": len(releases)})


@endpoint(
    bp,
    "/releases",
    "POST",
    "Record a release (staff who manage releases)",
    tags=["releases"],
    request=obj(
        ["version", "kind"],
        product=STRING,
        version=STRING,
        kind=KIND,
        notes=STRING,
        fixes={"type": "array", "items": STRING},
        production=BOOLEAN,
        released_on={"type": "string", "format": "date"},
    ),
    response=RELEASE,
    status=201,
)
def create_release() -> Any:
    user = require_user()
    if not entitlement.can_manage_releases(user):
        fail(403, "Only administrators, support managers and product managers record releases.")
    data = json_body()
    if "fixes" in data and not isinstance(data["fixes"], list):
        fail(422, "'fixes' must be a list of bug tracking numbers.", "invalid")
    release = service.save_release(None, data, user)
    return jsonify(release_json(release)), 201
