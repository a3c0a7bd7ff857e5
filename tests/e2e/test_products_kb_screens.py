"""The KB front page, an article, /admin/products and the filing form's version select at
1280 and 390 pixels; and the version options following the product in a real browser."""

from __future__ import annotations

import pytest

from portal import search
from portal.extensions import db
from portal.kb import service as kb
from portal.kb.files import KB_FOLDER, import_folder
from portal.models import Article, Role
from tests.conftest import make_contact, make_organisation, make_user
from tests.e2e.screens import WIDTHS, check_screen
from tests.e2e.test_screens import log_in


def _shipped_kb() -> None:
    import_folder(KB_FOLDER)
    articles = list(db.session.query(Article).order_by(Article.id).limit(6))
    for rank, article in enumerate(articles):
        article.view_count = 40 - rank * 5
        for voter in range(6 - rank):
            kb.rate(article, f"session:{rank}-{voter}", helpful=True)
    db.session.commit()
    search.rebuild()


@pytest.mark.parametrize("width", WIDTHS)
def test_kb_front_page_and_an_article(page, width):
    page.set_viewport_size(WIDTHS[width])
    _shipped_kb()
    make_user("writer@support.example.com", Role.KB_ENGINEER, name="Wen Writer")
    page.goto("/kb/")
    check_screen(page, "kb front page", "#kb-q")
    assert page.get_by_role("heading", name="Browse by product and topic").is_visible()
    assert page.get_by_role("heading", name="Most helpful").count() == 1
    log_in(page, "writer@support.example.com")
    # An article a newer major release replaced shows its note to KB engineers.
    kb.save_article(
        None,
        {
            "title": "Guest VLAN tags lost after XenMotion",
            "slug": "guest-vlan-tags-lost",
            "product": "XenServer",
            "versions": ["4.0", "4.0.1"],
            "tags": ["networking", "xenmotion"],
            "summary": "Re-create the VLAN network on the destination host before migrating.",
            "body": "## Symptoms\n\nAfter XenMotion the guest loses its VLAN.\n\n"
            "## Resolution\n\nUpgrade to 4.1, or re-create the network on every host.",
            "status": "published",
        },
        None,
    )
    db.session.commit()
    slug = "guest-vlan-tags-lost"
    page.goto(f"/kb/{slug}")
    check_screen(page, "kb article", "h1")
    assert page.get_by_text("Last reviewed").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_products(page, width):
    page.set_viewport_size(WIDTHS[width])
    make_user("admin@support.example.com", Role.ADMIN, name="Ada Admin")
    log_in(page, "admin@support.example.com")
    page.goto("/admin/products/")
    check_screen(page, "admin products", "h1")
    page.get_by_role("link", name="XenServer", exact=True).click()
    check_screen(page, "admin product xenserver", "h1")


@pytest.mark.parametrize("width", WIDTHS)
def test_filing_form_version_select_follows_the_product(page, width):
    page.set_viewport_size(WIDTHS[width])
    contoso = make_organisation("Contoso Cloud", "gold")
    make_contact(contoso, email="admin@gold.example.com")
    log_in(page, "admin@gold.example.com")
    page.goto("/cases/new")
    version = page.locator("#version")
    assert version.locator("optgroup").count() == 3, "without a product: every product's"
    page.select_option("#product", "XenServer Tools")
    page.wait_for_function("() => document.querySelectorAll('#version optgroup').length === 0")
    options = version.locator("option").all_inner_texts()
    assert options == ["I don't know, or it is not listed", "5.0.0", "4.1.0"]
    page.select_option("#version", "4.1.0")
    version.scroll_into_view_if_needed()
    check_screen(page, "case filing version select", "h1")
