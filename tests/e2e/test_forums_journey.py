"""Forums and ideas in Chromium: hostile posts never run, replies and votes work in place,
and the pages pass axe."""

from __future__ import annotations

from portal.extensions import db
from portal.forums import service
from portal.forums.seed import ensure_categories
from portal.ideas import service as ideas
from portal.models import Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import assert_accessible
from tests.forums.hostile_markdown import HOSTILE

TRAP = """
window.__pwned = undefined;
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__dialogs.push([name, String(args[0])]); };
}
"""

# The browser's own reading of every link and image in rendered posts: a scheme it would run
# (javascript:, data:, vbscript:) means the sanitiser let something through.
UNSAFE_URLS = """
() => [...document.querySelectorAll('.markdown-body a[href], .markdown-body img[src]')]
  .map(el => (el.href || el.src))
  .filter(url => !/^(https?|mailto):/i.test(new URL(url, location.href).protocol + '/'))
"""
LIVE_ELEMENTS = """
() => [...document.querySelectorAll(
  '.markdown-body script, .markdown-body iframe, .markdown-body svg, .markdown-body math, '
  + '.markdown-body style, .markdown-body object, .markdown-body embed, .markdown-body form, '
  + '.markdown-body input, .markdown-body [style]')]
  .concat([...document.querySelectorAll('.markdown-body *')]
    .filter(el => [...el.attributes].some(a => a.name.startsWith('on'))))
  .map(el => el.outerHTML.slice(0, 80))
"""


def _log_in(page, email: str) -> None:  # noqa: ANN001 - a Playwright page
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def _assert_nothing_ran(page, dialogs: list[str]) -> None:  # noqa: ANN001
    page.wait_for_timeout(300)  # let onerror/onload handlers of broken images fire
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__dialogs") == []
    assert dialogs == []
    assert page.evaluate(UNSAFE_URLS) == []
    assert page.evaluate(LIVE_ELEMENTS) == []


def test_hostile_markdown_never_runs_in_the_browser(page) -> None:  # noqa: ANN001
    ensure_categories()
    author = make_user("author@example.com", Role.CUSTOMER, name="Ann Author")
    storage = service.find_category("storage")
    for number, payload in enumerate(HOSTILE):
        service.create_topic(storage, author, f"{number} {payload}"[:200], payload)
    everything = service.create_topic(storage, author, "Every payload as a reply", "Below.")
    for payload in HOSTILE:
        service.reply(everything, author, payload)
    db.session.commit()
    pages = [f"/forums/storage/?page={n}" for n in (1, 2)] + [
        f"/forums/topics/{everything.id}?page={n}" for n in (1, 2, 3)
    ]

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(TRAP)
    for url in pages:
        page.goto(url)
        _assert_nothing_ran(page, dialogs)
        # Hover and click everything a reader might touch inside the posts.
        for link in page.locator(".markdown-body a").all():
            link.hover()
            link.click(modifiers=["Alt"], no_wait_after=True, timeout=2_000)
        _assert_nothing_ran(page, dialogs)


def test_reply_in_place_with_preview_and_a_hostile_body(page) -> None:  # noqa: ANN001
    ensure_categories()
    asker = make_user("asker@example.com", Role.CUSTOMER, name="Avery Asker")
    make_user("helper@example.com", name="Hana Helper")
    topic = service.create_topic(
        service.find_category("networking"), asker, "Bond drops packets", "Any ideas?"
    )
    db.session.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(TRAP)
    _log_in(page, "helper@example.com")
    page.goto(f"/forums/topics/{topic.id}")
    assert_accessible(page)

    # Raw <img> without alt would fail axe whatever the sanitiser does, so this body hides
    # its handlers elsewhere; test_hostile_markdown_never_runs_in_the_browser covers <img>.
    hostile = (
        '<svg onload="window.__pwned=1"></svg><details open ontoggle="window.__pwned=2">'
        "</details> Check **MTU** [x](javascript:alert(1)) ![diagram](javascript:alert(2))"
    )
    page.get_by_label("Your reply").fill(hostile)
    page.get_by_role("button", name="Preview").click()
    page.locator("#reply-preview strong", has_text="MTU").wait_for()
    _assert_nothing_ran(page, dialogs)
    page.get_by_role("button", name="Post reply").click()
    page.get_by_text("Your reply is posted").wait_for()
    assert page.locator("#posts article").count() == 2
    assert page.get_by_label("Your reply").input_value() == ""
    _assert_nothing_ran(page, dialogs)

    page.get_by_role("button", name="Stop watching").click()
    page.get_by_role("button", name="Watch this topic").wait_for()
    assert_accessible(page)
    page.goto("/forums/")
    assert_accessible(page)
    page.goto("/forums/networking/")
    assert_accessible(page)


def test_voting_in_place_and_the_ideas_pages_are_accessible(page) -> None:  # noqa: ANN001
    author = make_user("author@example.com", name="Ann Author")
    make_user("voter@example.com", name="Vic Voter")
    idea = ideas.create_idea(author, "Scheduled snapshots", "Per VM, nightly.", accept=True)
    db.session.commit()
    page.goto("/ideas/")
    assert_accessible(page)
    _log_in(page, "voter@example.com")
    page.goto("/ideas/")
    box = page.locator(f"#vote-{idea.id}")
    box.get_by_role("button", name="Vote").click()
    page.locator(f"#vote-{idea.id} .vote-count", has_text="1 vote").wait_for()
    assert page.url.endswith("/ideas/")  # updated in place, no reload
    page.locator(f"#vote-{idea.id}").get_by_role("button", name="Voted").click()
    page.locator(f"#vote-{idea.id} .vote-count", has_text="0 votes").wait_for()
    assert_accessible(page)

    page.goto("/ideas/new")
    page.get_by_label("Title").fill("Dark theme")
    page.get_by_label("Your idea").fill("Easier on the eyes at night.")
    assert_accessible(page)
    page.get_by_label("I accept these terms for my suggestions").check()
    page.get_by_role("button", name="Send the idea").click()
    page.get_by_text("your idea is on the board").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Edit the idea").click()
    page.get_by_label("Your idea").fill("Easier on the **eyes** at night.")
    page.get_by_role("button", name="Preview").click()
    page.locator("#idea-preview strong", has_text="eyes").wait_for()  # rendered in place
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes to the idea are saved").wait_for()
    assert page.get_by_text(", edited").is_visible()


def test_a_first_feature_request_topic_asks_for_the_terms(page) -> None:  # noqa: ANN001
    ensure_categories()
    make_user("asker@example.com", name="Avery Asker")
    db.session.commit()
    _log_in(page, "asker@example.com")
    page.goto("/forums/feature-requests/new")
    page.get_by_label("Title").fill("Scheduled snapshots")
    page.get_by_label("Message").fill("Nightly, per VM.")
    assert_accessible(page)
    page.get_by_label("I accept these terms for my suggestions").check()
    page.get_by_role("button", name="Post topic").click()
    page.get_by_role("heading", name="Scheduled snapshots").wait_for()


def test_staff_views_of_topics_and_ideas_are_accessible(page) -> None:  # noqa: ANN001
    ensure_categories()
    asker = make_user("asker@example.com", Role.CUSTOMER, name="Avery Asker")
    make_user("pm@example.com", Role.PRODUCT_MANAGER, name="Priya Pm")
    topic = service.create_topic(service.find_category("storage"), asker, "SR lost", "Help")
    reply = service.reply(topic, asker, "Found it: a loose cable.")
    service.mark_solved(topic, reply, asker)
    idea = ideas.create_idea(asker, "Storage alerts", "Warn before a repository fills.", True)
    ideas.cast_vote(idea, asker)
    db.session.commit()
    _log_in(page, "pm@example.com")
    page.goto(f"/forums/topics/{topic.id}")
    page.get_by_text("Moderation").click()
    page.get_by_label("Reason for hiding the topic").wait_for()
    assert_accessible(page)
    page.goto(f"/ideas/{idea.id}")
    page.get_by_role("heading", name="Votes by support tier").wait_for()
    page.get_by_label("Status", exact=True).select_option("planned")
    page.get_by_label("Public note").fill("Planned for the next major release.")
    page.get_by_role("button", name="Save status").click()
    # A status mailed to voters is confirmed first, with the mail shown.
    page.get_by_role("heading", name="1 voter will get this mail").wait_for()
    assert "Planned for the next major release." in page.locator(".mail-preview").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, mark it Planned and mail 1 voter").click()
    page.get_by_text("1 voter will get an email").wait_for()
    assert page.get_by_role("heading", name="Status history").is_visible()
    assert_accessible(page)
