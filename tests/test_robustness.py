"""No route answers 500, whoever asks and whatever they send.

After the demo seed, each demo role crawls every GET rule of the URL map with real and hostile
URL values and hostile query strings, then sends every write rule an empty form, a form of
100 KB or script-laden fields and, for the API, malformed JSON and wrong types. Every answer must
be below 500; API errors must be JSON `{"error": {"code", "message"}}`; no HTML answer may carry
the reflected `<script>` unescaped.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.service import make_reset_token
from portal.cli.demo import DEMO_PASSWORD, seed_all
from portal.extensions import db
from portal.forums import watching
from portal.models import (
    Article,
    Attachment,
    Case,
    Category,
    DocPage,
    Idea,
    Organisation,
    Partner,
    Post,
    Release,
    Report,
    Topic,
    User,
)
from portal.staff.case_views import DONE as STAFF_ACTIONS
from portal.surveys.service import launch_semiannual

ROLES = [
    None,
    "eval@example.com",
    "admin@base.example.com",
    "admin@gold.example.com",
    "license@gold.example.com",
    "tse@support.example.com",
    "manager@support.example.com",
    "writer@support.example.com",
    "pm@support.example.com",
    "admin@support.example.com",
]
SCRIPT = "<script>alert(1)</script>"
BIG = "x" * 100 * 1024
HUGE_NUMBER = "9" * 20  # beyond a 64-bit integer column
HOSTILE_PATH_VALUES = [
    "../../etc/passwd",
    "<script>",
    "99999999",
    HUGE_NUMBER,
    "-1",
    "abc",
    "y" * 500,
]
# Whole forms of one odd value: numbers out of range, impossible dates, a NUL byte.
ODD_FORM_VALUES = [HUGE_NUMBER, "\u00b2", "2026-02-30", "nul\x00byte"]
HOSTILE_QUERIES = [
    {"page": "-1", "per_page": "-1"},
    {"page": HUGE_NUMBER, "per_page": HUGE_NUMBER, "owner": HUGE_NUMBER, "months": HUGE_NUMBER},
    {"page": "\u00b2", "per_page": "\u00b2", "owner": "\u00b2", "months": "\u00b2"},
    {"page": "abc", "per_page": "abc", "sort": "abc", "tz": "Not/AZone"},
    {"q": "q" * 1000, "status": "x" * 1000, "severity": "P9", "product": SCRIPT},
    {"q": '"*:(AND', "tag": SCRIPT, "type": SCRIPT, "region": SCRIPT, "role": SCRIPT},
]
# Every field name a portal form or filter reads.
FORM_FIELDS = """
accept_terms action active amount article_key body bug_id category channel city closes comment
confirm contact contact_id country current_password description due_at due_date due_time email
ends_on fixed_in fixes guide helpful holidays hours kind name next note notes opens order
organisation owner password phone post_id preview product production published q query reason
recent_changes region release released_on remember role severity skills slug sort starts_on status
subject summary tag tags targets team text third_party third_party_vendor tier timezone title type
tz version versions view vote website weekdays
""".split()
TEXT_FIELDS = """
body city comment country current_password description email name note notes password phone
q query reason recent_changes skills slug subject summary tags text third_party_vendor title
versions website
""".split()
SKIPPED_WRITES = {"auth.logout"}  # it would end the crawl's session
VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


class ErrorLog(logging.Handler):
    """Keeps the last unhandled exception portal.errors logged, to say why a 500 happened."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.last = f"{type(error).__name__}: {str(error)[:300]}"


def _demo_values() -> dict[str, Any]:
    """Real values from the demo data for each URL variable, plus tokens the seed lacks."""
    first = lambda model: db.session.scalars(db.select(model).limit(1)).first()  # noqa: E731
    topic = first(Topic)
    tse = db.session.scalars(db.select(User).filter_by(email="tse@support.example.com")).one()
    campaign, _count = launch_semiannual("Robustness survey", None)
    watch = watching.watch(topic, tse)
    db.session.commit()
    release = first(Release)
    invitation = campaign.invitations[0] if getattr(campaign, "invitations", None) else None
    if invitation is None:
        from portal.models import SurveyInvitation

        invitation = first(SurveyInvitation)
    attachment = first(Attachment)
    report = first(Report)
    return {
        "case": first(Case).number,
        "article": first(Article).slug,
        "doc": first(DocPage).slug,
        "category": first(Category).slug,
        "topic_id": topic.id,
        "post_id": first(Post).id,
        "idea_id": first(Idea).id,
        "report_id": report.id if report else 1,
        "attachment_id": attachment.id if attachment else 1,
        "organisation_id": first(Organisation).id,
        "partner_id": first(Partner).id,
        "user_id": tse.id,
        "release_id": release.id,
        "product": release.product,
        "version": release.version,
        "survey": invitation.token if invitation else "no-survey",
        "unsubscribe": watching.unsubscribe_token(watch),
        "reset": make_reset_token(tse),
    }


def _real(endpoint: str, name: str, converter: str | None, values: dict[str, Any]) -> Any:
    if name == "number" and converter == "int":
        return 1  # a KB revision number
    if name == "slug":
        if endpoint.startswith(("docs.",)):
            return values["doc"]
        if endpoint.startswith("forums.") or endpoint == "api.forum_create_topic_post":
            return values["category"]
        return values["article"]
    if name == "token":
        return {
            "forums.unsubscribe": values["unsubscribe"],
            "auth.reset_password": values["reset"],
        }.get(endpoint, values["survey"])
    if name == "filename":
        return "app.css"
    if name == "action":
        return "note"
    return values.get({"number": "case"}.get(name, name), 1)


def _urls(rule: Any, values: dict[str, Any]) -> list[str]:
    """The rule with real values, then with each variable in turn made hostile."""
    variables = VARIABLE.findall(rule.rule)
    real = {name: _real(rule.endpoint, name, conv or None, values) for conv, name in variables}

    def build(filled: dict[str, Any]) -> str:
        return VARIABLE.sub(lambda m: quote(str(filled[m.group(2)]), safe=""), rule.rule)

    urls = [build(real)]
    for _conv, name in variables:
        urls.extend(build(real | {name: bad}) for bad in HOSTILE_PATH_VALUES)
    return urls


class Crawl:
    def __init__(
        self, app: Flask, client: FlaskClient, role: str | None, token: str | None
    ) -> None:
        self.app, self.client, self.role, self.token = app, client, role or "anonymous", token
        self.problems: list[str] = []
        self.log = ErrorLog()

    def send(self, method: str, url: str, label: str = "", **kwargs: Any) -> Any:
        self.log.last = ""
        if url.startswith("/api/") and self.token and "headers" not in kwargs:
            kwargs["headers"] = {"Authorization": f"Bearer {self.token}"}
        response = self.client.open(url, method=method, **kwargs)
        where = f"{self.role}: {method} {url[:120]} {label}".strip()
        if response.status_code >= 500:
            self.problems.append(f"{where} -> {response.status_code} {self.log.last}")
        elif url.startswith("/api/") and response.status_code >= 400:
            error = (response.get_json(silent=True) or {}).get("error")
            if not (isinstance(error, dict) and {"code", "message"} <= error.keys()):
                self.problems.append(f"{where} -> {response.status_code} without a JSON error")
        if response.mimetype == "text/html" and SCRIPT in response.get_data(as_text=True):
            self.problems.append(f"{where} -> unescaped {SCRIPT} in the HTML")
        response.close()
        return response


def _login(client: FlaskClient, role: str | None) -> str | None:
    if role is None:
        return None
    response = client.post("/login", data={"email": role, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{role} could not log in"
    token = client.post("/api/v1/tokens", json={"email": role, "password": DEMO_PASSWORD})
    return token.get_json()["token"]


def _crawl_reads(crawl: Crawl, rules: list[Any], values: dict[str, Any]) -> None:
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        urls = _urls(rule, values)
        for url in urls:
            crawl.send("GET", url)
        for query in HOSTILE_QUERIES:
            crawl.send("GET", urls[0], query_string=query)


def _hostile_form(value: str) -> dict[str, Any]:
    if len(value) > 1000:
        # Only the free-text fields, URL-encoded: a multipart body this size would be spooled
        # by the test client into a temporary file it never closes.
        return dict.fromkeys(TEXT_FIELDS, value)
    form: dict[str, Any] = dict.fromkeys(FORM_FIELDS, value)
    upload = (io.BytesIO(value.encode()), f"{SCRIPT}.txt")
    form["attachments"] = upload
    form["file"] = (io.BytesIO(value.encode()), f"../../{SCRIPT}.txt")
    return form


def _schema_fields(spec: dict[str, Any], rule: Any, method: str) -> dict[str, Any]:
    path = VARIABLE.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    return schema.get("properties", {})


def _plausible(name: str, schema: dict[str, Any], values: dict[str, Any]) -> Any:
    """A value of the documented type, so a wrong type in one field is what gets tested."""
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "boolean":
        return True
    if kind == "integer":
        return values.get(name, 1)
    if kind == "array":
        return ["robust"]
    return {"date-time": "2030-01-01T09:00:00+00:00", "date": "2030-01-01"}.get(
        schema.get("format", ""), {"owner": "tse@support.example.com"}.get(name, "robust " + name)
    )


def _crawl_api_write(
    crawl: Crawl, url: str, method: str, fields: dict[str, Any], token: str | None, values: dict
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def send(label: str, **kwargs: Any) -> None:
        crawl.send(method, url, label, **({"headers": headers} | kwargs))

    send("malformed JSON", data='{"title": ', content_type="application/json")
    send("JSON array", json=[1, 2, 3])
    send("JSON string", json="just a string")
    send("form body", data={"body": "not json"})
    send("empty object", json={})
    send("bad token", json={}, headers={"Authorization": "Bearer nonsense"})
    baseline = {name: _plausible(name, schema, values) for name, schema in fields.items()}
    send("script fields", json=dict.fromkeys(fields, SCRIPT))
    send("100 KB fields", json=dict.fromkeys(fields, BIG))
    for name in fields:
        for wrong in (12345, ["a", "b"], None, {"a": 1}, int(HUGE_NUMBER), "\x00"):
            send(f"{name}={wrong!r}", json=baseline | {name: wrong})
    if url.endswith("/attachments"):
        send("empty file", data={"file": (io.BytesIO(b""), "")})
        send("no file", data={})


def _crawl_writes(
    crawl: Crawl,
    rules: list[Any],
    values: dict[str, Any],
    token: str | None,
    spec: dict,
    heavy: bool,
) -> None:
    """Every write route gets empty and script-laden input; with `heavy`, also 100 KB fields
    and odd values (run for a few roles only: they reach the same code for every role)."""
    for rule in rules:
        if rule.endpoint in SKIPPED_WRITES:
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            urls = _urls(rule, values)
            if rule.endpoint == "staff.case_action":
                real = urls[0].removesuffix("/note")
                urls = [f"{real}/{action}" for action in STAFF_ACTIONS] + urls[1:]
            if rule.rule.startswith("/api/"):
                fields = _schema_fields(spec, rule, method)
                _crawl_api_write(crawl, urls[0], method, fields, token, values)
                for url in urls[1:]:
                    crawl.send(method, url, headers={"Authorization": f"Bearer {token}"})
                continue
            for url in urls[:1] if rule.endpoint != "staff.case_action" else urls:
                crawl.send(method, url, "empty form", data={})
                # As an HTMX swap: fragments must escape what they echo back as well as pages.
                crawl.send(
                    method,
                    url,
                    "script form",
                    data=_hostile_form(SCRIPT),
                    headers={"HX-Request": "true"},
                )
                if not heavy:
                    continue
                crawl.send(method, url, "100 KB form", data=_hostile_form(BIG))
                for odd in ODD_FORM_VALUES:
                    crawl.send(method, url, f"{odd!r} form", data=dict.fromkeys(FORM_FIELDS, odd))
            for url in urls[1:] if rule.endpoint != "staff.case_action" else []:
                crawl.send(method, url, data={"body": SCRIPT})


# Roles that also get the slow variants: a visitor, a customer, a TSE and an administrator.
HEAVY_ROLES = {
    None,
    "admin@gold.example.com",
    "tse@support.example.com",
    "admin@support.example.com",
}


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_no_route_answers_500_to_hostile_input(app: Flask, client: FlaskClient, role: str | None):
    seed_all()
    db.session.commit()
    values = _demo_values()
    spec = client.get("/api/v1/openapi.json").get_json()
    token = _login(client, role)
    crawl = Crawl(app, client, role, token)
    logger = logging.getLogger("portal.errors")
    logger.addHandler(crawl.log)
    try:
        rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
        _crawl_reads(crawl, rules, values)
        _crawl_writes(crawl, rules, values, token, spec, heavy=role in HEAVY_ROLES)
        # What the writes stored is shown again: it must come back escaped too.
        for rule in rules:
            if "GET" in rule.methods:
                crawl.send("GET", _urls(rule, values)[0], "after writes")
    finally:
        logger.removeHandler(crawl.log)
    assert not crawl.problems, f"{len(crawl.problems)} problem(s):\n" + "\n".join(crawl.problems)
