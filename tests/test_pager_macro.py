"""The one pager (templates/macros/pager.html): neighbours' links keep the list's filters."""

from __future__ import annotations

from flask import render_template_string

from portal.pagination import Page

PAGER = """{% from "macros/pager.html" import pager %}
{{- pager(page, 'admin.users', {'q': 'ada', 'role': ''}, 'Pages of people', hx_target) -}}"""


def render_pager(app, page: Page, hx_target: str | None = None) -> str:
    with app.test_request_context():
        return render_template_string(PAGER, page=page, hx_target=hx_target)


def test_a_list_of_one_page_has_no_pager(app):
    assert render_pager(app, Page(["a"], total=1, page=1, per_page=10)).strip() == ""


def test_a_middle_page_links_both_neighbours_keeping_the_filters(app):
    html = render_pager(app, Page(["x"] * 10, total=25, page=2, per_page=10))

    assert '<nav class="pager" aria-label="Pages of people">' in html
    assert '<a href="/admin/users?q=ada" rel="prev">' in html  # page 1 has no page argument
    assert '<a href="/admin/users?q=ada&amp;page=3" rel="next">' in html
    assert "Page 2 of 3" in html
    assert "role=" not in html and "hx-get" not in html  # empty filters are left out


def test_the_first_and_last_pages_link_only_inwards(app):
    first = render_pager(app, Page(["x"] * 10, total=25, page=1, per_page=10))
    last = render_pager(app, Page(["x"] * 5, total=25, page=3, per_page=10))

    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_with_a_target_the_links_swap_the_list_in_place(app):
    html = render_pager(app, Page(["x"] * 10, total=25, page=2, per_page=10), "#people")

    assert 'data-hx-get="/admin/users?q=ada&amp;page=3" data-hx-target="#people"' in html
    assert 'data-hx-push-url="true"' in html and 'href="/admin/users?q=ada&amp;page=3"' in html
