"""The managers' dashboard shows the self-help funnel per month: searches, results opened,
"this answered my question" and cases filed, in a fixed number of statements."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import Deflection, Role, SearchLog
from portal.staff import dashboard
from tests.conftest import count_statements, make_case, make_user

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 31, 23, 59, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


def search(at: datetime, opened: bool = False, case_id: int | None = None) -> None:
    db.session.add(
        SearchLog(
            query="q",
            normalized="q",
            filters={},
            source="page",
            results=1,
            searched_at=at,
            opened_path="/kb/x" if opened else None,
            case_id=case_id,
        )
    )


def test_the_funnel_counts_each_step_in_its_month(app, gold_contact, contoso):
    case = make_case(gold_contact, contoso, now=NOW)
    make_case(gold_contact, contoso, now=NOW)
    search(OCTOBER, opened=True)
    search(OCTOBER)
    search(NOVEMBER, opened=True, case_id=case.id)
    search(NOVEMBER, case_id=case.id)
    search(datetime(2025, 1, 1, tzinfo=UTC))  # outside the six months shown
    db.session.add(
        Deflection(user=gold_contact, query="q", article_key="article:x", created_at=NOVEMBER)
    )
    db.session.commit()
    funnel = {m.month: m for m in dashboard.build_dashboard(now=NOW).funnel}
    assert list(funnel)[-2:] == ["2026-10", "2026-11"] and len(funnel) == 6
    october, november = funnel["2026-10"], funnel["2026-11"]
    assert (october.searches, october.opened, october.answered, october.filed) == (2, 1, 0, 0)
    assert (november.searches, november.opened, november.answered, november.filed) == (2, 1, 1, 2)
    assert november.filed_after_search == 1 and october.opened_percent == 50


def test_the_funnel_costs_three_statements_however_many_rows(app):
    for _ in range(40):
        search(NOVEMBER)
    db.session.commit()
    from portal.staff.funnel import monthly_funnel

    starts = [datetime(2026, 10, 1, tzinfo=UTC), NOVEMBER, datetime(2026, 12, 1, tzinfo=UTC)]
    with count_statements() as statements:
        rows = monthly_funnel(starts, ["2026-10", "2026-11"])
    assert len(statements) == 3 and rows[1].searches == 40


def test_managers_see_the_funnel_and_customers_do_not(client, auth, app, gold_contact):
    make_user("manager@example.com", Role.MANAGER)
    search(datetime.now(UTC))
    db.session.commit()
    assert client.get("/staff/dashboard").status_code in (302, 401, 403)
    auth.login("admin@gold.example.com")
    assert client.get("/staff/dashboard").status_code == 403
    auth.logout()
    auth.login("manager@example.com")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert "From search to case" in html and "Answered my question" in html


def test_the_live_dashboard_counts_this_month_afresh_and_keeps_ended_months_a_minute(
    app, gold_contact, contoso, monkeypatch
):
    from portal.models.types import utcnow

    now = utcnow()
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = this_month - timedelta(days=10)

    def filed() -> dict[str, int]:
        return {m.month: m.filed for m in dashboard.build_dashboard().funnel}

    make_case(gold_contact, contoso, now=last_month)
    make_case(gold_contact, contoso, now=this_month)
    db.session.commit()
    before = filed()
    assert before[f"{last_month:%Y-%m}"] == 1 and before[f"{this_month:%Y-%m}"] == 1

    make_case(gold_contact, contoso, now=last_month)
    make_case(gold_contact, contoso, now=this_month)
    db.session.commit()
    with count_statements() as statements:
        kept = filed()
    assert kept[f"{this_month:%Y-%m}"] == 2  # the current month is never kept
    assert kept[f"{last_month:%Y-%m}"] == 1  # an ended month is read once a minute
    # The dashboard asked for a given moment, and the live one a minute on, count it all.
    afresh = {m.month: m.filed for m in dashboard.build_dashboard(now=utcnow()).funnel}
    assert afresh[f"{last_month:%Y-%m}"] == 2
    later = time.monotonic() + dashboard.HISTORY_SECONDS + 1
    monkeypatch.setattr(dashboard.time, "monotonic", lambda: later)
    with count_statements() as reread:
        assert filed()[f"{last_month:%Y-%m}"] == 2
    assert len(reread) > len(statements)
