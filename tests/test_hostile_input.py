"""Whatever arrives, the answer is a clear 4xx, never a 500, and nothing saved is lost.

Each class of hostile input is tried broadly (hypothesis draws the values), not only by the
example that first broke: JSON of any depth and size, any Unicode in text fields and query
strings, integers of any length, dates at the edges of the calendar, line breaks in mail
headers, `next=` targets in every spelling browsers forgive.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.dates import in_range, parse_day, shown_in
from portal.extensions import db
from portal.jobs.runner import run_pass
from portal.models import Case, OutgoingMail, Role, User
from portal.numbers import parse_id
from portal.redirects import is_same_site_path
from tests.conftest import PASSWORD, make_case, make_user

FIXTURES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any code point, the lone surrogates and the line and paragraph separators included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
LINE_BREAKS = st.sampled_from(["\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
CASE_BODY = {
    "subject": "Host crashes during backup",
    "description": "Every night at 02:00 the host reboots while the backup job runs.",
    "severity": "P2",
    "product": "XenServer",
    "version": "5.0.0",
}


def _bearer(client, email: str) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _json_error(response) -> dict:
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    return error


# --- JSON of any depth and size ----------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
def test_json_nested_deeper_than_the_api_reads_is_a_json_400(client, depth):
    for opener, closer in (("[", "]"), ('{"a":', "}")):
        body = opener * depth + "1" + closer * depth
        response = client.post("/api/v1/tokens", data=body, content_type="application/json")
        assert response.status_code == 400
        assert "nested" in _json_error(response)["message"]


@pytest.mark.parametrize("app_config", [{"MAX_JSON_BYTES": 10_000}])
def test_json_larger_than_the_limit_is_a_json_413_even_without_a_length(client, app_config):
    body = json.dumps({"email": "a@example.com", "password": "x" * 20_000})
    response = client.post("/api/v1/tokens", data=body, content_type="application/json")
    assert response.status_code == 413 and _json_error(response)["code"] == "too_large"
    chunked = client.post(
        "/api/v1/tokens",
        input_stream=io.BytesIO(body.encode()),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
    )
    assert chunked.status_code in (400, 413)
    assert chunked.get_json()["error"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)


@FIXTURES
@given(document=JSON_VALUES, field=st.sampled_from(list(CASE_BODY)))
@example(document="\ud800", field="subject")
@example(document=10**400, field="severity")
def test_any_json_in_any_case_field_is_answered_without_a_server_error(
    client, gold_contact, document, field
):
    headers = _bearer(client, "admin@gold.example.com")
    body = json.dumps(CASE_BODY | {field: document})
    response = client.post(
        "/api/v1/cases", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        _json_error(response)


def test_a_lone_surrogate_in_json_is_a_clear_400_and_saves_nothing(client, gold_contact):
    headers = _bearer(client, "admin@gold.example.com")
    body = json.dumps(CASE_BODY | {"subject": "Crash \ud800 at night"})
    response = client.post(
        "/api/v1/cases", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 400 and "surrogate" in _json_error(response)["message"]
    assert db.session.scalar(select(Case)) is None


# --- Any Unicode in text fields and query strings ---------------------------------------


@FIXTURES
@given(text=ANY_TEXT)
@example(text="\u2028\u2029")
@example(text="\ud800")
def test_any_text_in_the_filing_form_and_search_is_answered_without_a_server_error(
    client, auth, gold_contact, text
):
    auth.login("admin@gold.example.com")
    # Form fields and query strings arrive as bytes; send the text the way a client would.
    raw = text.encode("utf-8", "surrogatepass")
    form = CASE_BODY | {"subject": raw, "description": raw + b" and more words here"}
    assert client.post("/cases/new", data=form).status_code < 500
    query = "q=" + quote(raw)
    for path in ("/kb/", "/forums/", "/api/v1/kb/search", "/staff/"):
        assert client.get(path, query_string=query).status_code < 500


# --- Integers of any length -------------------------------------------------------------


@given(st.integers() | st.text(alphabet="0123456789-+ ²٣", max_size=30))
@example("9" * 5000)
def test_parse_id_answers_an_id_or_none_for_any_number(text):
    value = parse_id(text)
    assert value is None or (isinstance(value, int) and 0 < value < 2**63)


@FIXTURES
@given(
    digits=st.integers(min_value=-(10**30), max_value=10**30).map(str)
    | st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n)
)
def test_numbers_of_any_length_in_urls_pages_and_forms_are_not_a_server_error(
    app, client, auth, digits
):
    if db.session.scalar(select(User).filter_by(email="pm@support.example.com")) is None:
        make_user("pm@support.example.com", role=Role.ADMIN)
    auth.login("pm@support.example.com")
    for url in (
        f"/ideas/{digits}",
        f"/forums/topics/{digits}",
        f"/cases/?page={digits}",
        f"/kb/?q=x&page={digits}",
        f"/api/v1/ideas/{digits}",
    ):
        assert client.get(url).status_code < 500, url
    amounts = {
        f"{tier}-{sev}-amount": digits for tier in ("base", "gold") for sev in "P1 P2".split()
    }
    assert client.post("/admin/sla", data=amounts).status_code < 500


# --- Dates at and beyond the edges ------------------------------------------------------

ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Etc/GMT-14", "America/St_Johns", "UTC"]


@given(
    moment=st.datetimes(timezones=st.just(UTC)),
    zone=st.sampled_from(ZONES),
)
@example(moment=datetime.max.replace(tzinfo=UTC), zone="Pacific/Kiritimati")
@example(moment=datetime.min.replace(tzinfo=UTC), zone="Etc/GMT+12")
def test_any_stored_moment_can_be_shown_in_any_zone(moment, zone):
    from zoneinfo import ZoneInfo

    assert shown_in(moment, ZoneInfo(zone), "%Y-%m-%d %H:%M %Z")


@given(st.datetimes(timezones=st.sampled_from([UTC])) | st.datetimes())
def test_typed_moments_are_accepted_only_where_the_portal_can_compute(moment):
    if in_range(moment):
        assert 1900 <= moment.astimezone(UTC).year <= 2999
    assert parse_day("9999-12-31") is None and parse_day("2026-02-30") is None


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_an_action_plan_due_in_year_9999_is_refused_and_one_stored_still_shows(
    app, client, auth, gold_contact, contoso, zone
):
    from portal.cases.escalation import escalate

    case = make_case(gold_contact, contoso)
    escalate(case, gold_contact, reason="Production down")
    manager = make_user("manager@support.example.com", role=Role.MANAGER)
    manager.timezone = zone
    gold_contact.timezone = zone
    db.session.commit()
    headers = _bearer(client, "manager@support.example.com")
    for due in ("9999-12-31T23:59:00+00:00", "9999-12-31T23:00:00-12:00", "0001-01-01T00:00+14:00"):
        response = client.post(
            f"/api/v1/cases/{case.number}/action-plan",
            json={"body": "Patch the host.", "due_at": due},
            headers=headers,
        )
        assert response.status_code == 422, response.get_json()
        assert "between 1900 and 2999" in _json_error(response)["message"]
    # A value at the very edge already in the database must not break the case page.
    case.action_plan = "Patch the host."
    case.action_plan_due_at = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    db.session.commit()
    for who in ("manager@support.example.com", "admin@gold.example.com"):
        auth.login(who)
        page = client.get(f"/cases/{case.number}")
        assert page.status_code == 200 and "9999" in page.get_data(as_text=True)
        auth.logout()
    assert client.get(f"/api/v1/cases/{case.number}", headers=headers).status_code == 200


# --- Line breaks in mail headers --------------------------------------------------------


@FIXTURES
@given(before=ANY_TEXT, brk=LINE_BREAKS, after=ANY_TEXT)
def test_a_case_subject_with_any_line_break_is_mailed_on_one_line(
    app, client, gold_contact, before, brk, after
):
    headers = _bearer(client, "admin@gold.example.com")
    subject = ("Host " + before + brk + "Bcc: everyone@example.com" + after)[:150]
    response = client.post("/api/v1/cases", json=CASE_BODY | {"subject": subject}, headers=headers)
    assert response.status_code < 500
    run_pass(now=datetime.now(UTC) + timedelta(hours=1))
    db.session.expire_all()
    for mail in db.session.scalars(select(OutgoingMail)):
        assert mail.status == "sent", mail.subject
        assert not any(ch in mail.subject for ch in "\r\n\u2028\u2029\x85")


def test_a_mail_queued_with_a_broken_header_before_the_rule_is_still_sent(app, client):
    from portal.mail.outbox import queue_mail

    mail = queue_mail(
        "sam@example.com",
        "password_reset",
        subject="Reset",
        user=make_user("sam@example.com"),
        reset_url="http://portal.test/x",
        expires_minutes=60,
    )
    # As a row written before subjects were made one line would be.
    mail.subject = "Reset\u2028Bcc: everyone@example.com"
    mail.headers = {"X-Survey": "Spring\r\nsurvey"}
    db.session.commit()
    run_pass(now=datetime.now(UTC) + timedelta(hours=1))
    db.session.refresh(mail)
    assert mail.status == "sent"


# --- The body guard never pre-empts an upload's own limit --------------------------------


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4000, "MAX_ATTACHMENT_BYTES": 1000}])
def test_an_upload_over_the_general_limit_returns_the_filing_form_with_its_text(
    client, auth, gold_contact, app_config
):
    auth.login("admin@gold.example.com")
    data = CASE_BODY | {"attachments": (io.BytesIO(b"x" * 9000), "core.dump")}
    response = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "core.dump is larger than" in html
    assert CASE_BODY["subject"] in html and CASE_BODY["description"] in html
    assert db.session.scalar(select(Case)) is None


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4000, "MAX_ATTACHMENT_BYTES": 1000}])
def test_a_nul_in_an_oversized_upload_form_is_still_refused(client, auth, gold_contact, app_config):
    auth.login("admin@gold.example.com")
    data = CASE_BODY | {"subject": "nul\x00byte", "attachments": (io.BytesIO(b"x" * 900), "a.txt")}
    data["description"] = "d" * 5000
    response = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


# --- next= only to a path on this site --------------------------------------------------

OFFSITE = [
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "https:evil.example",
    "https:/evil.example",
    "https://evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>",
    "//user:pass@evil.example",
    "/%2F/evil.example".replace("%2F", "/"),  # what %2F%2F arrives as once decoded
    "%2F%2Fevil.example",
    "/\u2028/evil.example",
    "\u3000//evil.example",
    "///evil.example",
    "",
]


def _browser_host(target: str) -> str | None:
    """Where a browser on https://portal.test/login would go for Location: target, following
    the URL standard's forgiveness: strip C0 and space at the ends, drop tabs and newlines,
    read backslashes as slashes."""
    cleaned = target.strip("".join(map(chr, range(0x21))))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r").replace("\\", "/")
    return urlsplit(urljoin("https://portal.test/login", cleaned)).hostname


@pytest.mark.parametrize("target", OFFSITE)
def test_login_never_follows_next_off_the_site(client, target):
    make_user("sam@example.com")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "sam@example.com", "password": PASSWORD},
    )
    if "\x00" in target:  # refused before the login is even tried
        assert response.status_code == 400
    else:
        assert response.status_code == 302 and response.headers["Location"] == "/"


@given(st.text(max_size=40) | st.text(alphabet="/\\:@.\t\n %2Fevilhtps", max_size=20))
@example("/cases/?page=2#top")
def test_an_accepted_next_always_stays_on_the_site(target):
    if is_same_site_path(target):
        assert _browser_host(target) == "portal.test"
        assert target.startswith("/") and not target.startswith(("//", "/\\"))


def test_ordinary_paths_are_still_followed(client):
    make_user("sam@example.com")
    response = client.post(
        "/login?next=/cases/%3Fpage%3D2", data={"email": "sam@example.com", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/cases/?page=2"
