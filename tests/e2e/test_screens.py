"""The key pages of every role at 1280 and 390 pixels: each fits the screen, has no serious
or critical axe violation, and shows what matters on it in the first screen. The pages are
those of the demo data (`flask demo seed`), so `make screenshots` shows what a reviewer
would see after `make run`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.cli.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.models import Case, CaseStatus, Idea, Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.screens import WIDTHS, check_screen


def log_in(page, email: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def demo(runner) -> None:  # noqa: ANN001
    """The demo organisations, people, articles, cases and ideas, searchable."""
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert runner.invoke(args=["kb", "reindex"]).exit_code == 0


def _case(status: CaseStatus | None = None) -> Case:
    query = select(Case).order_by(Case.number)
    if status is not None:
        query = query.where(Case.status == status.value)
    return db.session.scalars(query).first()


@pytest.mark.parametrize("width", WIDTHS)
def test_style_page_shows_every_component(page, width):
    page.set_viewport_size(WIDTHS[width])
    make_user("tse@support.example.com", Role.TSE, name="Tom Engineer")
    log_in(page, "tse@support.example.com")
    page.goto("/staff/style")
    check_screen(page, "staff style guide", "h1")
    page.get_by_role("button", name="Show a live toast").click()
    toast = page.locator("#toasts .toast").last
    assert toast.is_visible() and toast.bounding_box()["y"] < WIDTHS[width]["height"]


@pytest.mark.parametrize("width", WIDTHS)
def test_anonymous_visitor_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    page.goto("/")
    check_screen(page, "anonymous home", "main input[type=search]")
    page.goto("/kb/?q=network")
    check_screen(page, "anonymous kb search", "#kb-results")
    page.goto("/login")
    check_screen(page, "anonymous log in", "button[type=submit]:text('Log in')")
    page.goto("/register")
    check_screen(page, "anonymous register", "#email")
    page.goto("/support/")
    check_screen(page, "anonymous support offerings", "h1")


@pytest.mark.parametrize("width", WIDTHS)
def test_evaluation_user_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "eval@example.com", DEMO_PASSWORD)
    check_screen(page, "evaluation home", "h1")
    page.goto("/cases/new")
    # The refusal names the real reason and what to do: the key message, not a form.
    check_screen(page, "evaluation case form refused", "main h1")
    page.goto("/ideas/")
    check_screen(page, "evaluation ideas", "h1")


@pytest.mark.parametrize("width", WIDTHS)
def test_customer_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "admin@gold.example.com", DEMO_PASSWORD)
    check_screen(page, "customer home", "#your-cases-heading")
    page.goto("/cases/")
    check_screen(page, "customer case list", "table.case-list tbody tr")
    case = _case(CaseStatus.WAITING_ON_CUSTOMER)
    page.goto(f"/cases/{case.number}")
    check_screen(page, "customer case page", "#case-status")
    page.goto("/account")
    check_screen(page, "customer account", "h1")

    page.goto("/cases/new")
    check_screen(page, "customer case form", "#subject")
    page.get_by_label("Subject").fill("NFS storage repository will not attach")
    page.wait_for_load_state("networkidle")
    # Each field asks for suggestions; the answer to the last one is what stays on screen.
    with page.expect_response(
        lambda r: "/cases/suggestions" in r.url and "description=The" in r.url
    ):
        page.get_by_label("Description").fill("The NFS SR fails to attach after the upgrade.")
    page.locator("#deflection li").first.wait_for()
    # On a phone the suggestions come right after the description, before the submit button.
    check_screen(page, "customer case form with suggestions", "#deflection li")

    # A refused form keeps what was typed and says beside the field what to do.
    page.get_by_label("Subject").fill("")
    page.locator("#case-form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_label("Description").input_value().startswith("The NFS SR")
    check_screen(page, "customer case form with errors", "#case-form-errors")
    assert page.locator("#subject[aria-invalid=true]").count() == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_license_administrator_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "license@gold.example.com", DEMO_PASSWORD)
    check_screen(page, "license admin home", "h1")
    page.goto("/licenses/")
    check_screen(page, "license admin licenses", "table.license-keys")
    page.goto("/cases/new")
    check_screen(page, "license admin case form refused", "main h1")
    assert "Buy support" not in page.content()


@pytest.mark.parametrize("width", WIDTHS)
def test_engineer_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "tse@support.example.com", DEMO_PASSWORD)
    assert re.search(r"/staff/", page.url), "engineers land on the queue"
    check_screen(page, "engineer queue", "#queue [data-queue-row]")
    page.goto("/")
    check_screen(page, "engineer home", "#queue-heading")
    case = _case(CaseStatus.NEW)
    page.goto(f"/cases/{case.number}")
    check_screen(page, "engineer case workspace", "#workspace-panel")


@pytest.mark.parametrize("width", WIDTHS)
def test_manager_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "manager@support.example.com", DEMO_PASSWORD)
    page.goto("/")
    check_screen(page, "manager home", "h1")
    page.goto("/staff/dashboard")
    check_screen(page, "manager dashboard", "#sla-heading")
    page.goto("/staff/canned-replies/")
    check_screen(page, "manager canned replies", "table.canned-table")


@pytest.mark.parametrize("width", WIDTHS)
def test_kb_engineer_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "writer@support.example.com", DEMO_PASSWORD)
    page.goto("/kb/manage")
    check_screen(page, "kb engineer article list", "#manage-q")
    page.get_by_label("Title, address or summary").fill("NFS")
    page.wait_for_load_state("networkidle")
    check_screen(page, "kb engineer article list searched", "#manage-list tbody tr")


@pytest.mark.parametrize("width", WIDTHS)
def test_product_manager_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "pm@support.example.com", DEMO_PASSWORD)
    page.goto("/ideas/")
    check_screen(page, "product manager ideas", "h1")
    idea = db.session.scalars(select(Idea).order_by(Idea.id)).first()
    page.goto(f"/ideas/{idea.id}")
    check_screen(page, "product manager idea", ".idea-page h1 + p .badge")


@pytest.mark.parametrize("width", WIDTHS)
def test_administrator_pages(page, demo, width):
    page.set_viewport_size(WIDTHS[width])
    log_in(page, "admin@support.example.com", DEMO_PASSWORD)
    page.goto("/admin/")
    check_screen(page, "administrator home", "h1")
    page.goto("/admin/users")
    check_screen(page, "administrator people", "table tbody tr")
