"""The look of the pages in a real browser, measured: the staff header on one line at
1280 px, no sideways scrolling at 320 px, the editor toolbar on one row on a phone, the
"Latest post" date on one line, space inside posts and between a term and its value, and
axe-core on every page visited."""
import pytest
from playwright.sync_api import expect

from forum.discussions import services as discussions
from forum.qa import services as qa
from tests.factories import (PASSWORD, make_admin, make_category, make_member, make_moderator,
                             make_thread)
from tests.qa.factories import make_answer, make_question
from tests.resources.helpers import make_resource, run_jobs

pytestmark = pytest.mark.browser

TABLE_POST = ("| Policy | Owner | Review date |\n| --- | --- | --- |\n"
              "| Domestic abuse | HR business partner | April 2026 |\n\n"
              "- First step\n- Second step\n\n> A quoted line\n\n```\ncode\n```")

# Every element's box, for the measurements below (CSS px, relative to the viewport).
BOXES = """(selector) => [...document.querySelectorAll(selector)].map(e => {
  const b = e.getBoundingClientRect();
  return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, height: b.height,
          width: b.width, text: e.textContent.trim().slice(0, 40)};
})"""


@pytest.fixture
def content(app):
    """A category with a discussion (a Markdown table first), a question with an accepted
    answer, a resource, and people with realistic names."""
    category = make_category(name="Sexual harassment and employment law")
    author = make_member(display_name="Fiona MacLeod-Henderson")
    thread = make_thread(author=author, category=category, body=TABLE_POST, replies=2,
                         title="Reporting routes for staff: what worked, and what we changed")
    discussions.reply(make_member(display_name="Raj Answerer"), thread, body="Thanks, useful.")
    asker = make_member(display_name="Eilidh Asker")
    question = make_question(author=asker, category=category, tags="policy",
                             title="How did you word your menopause policy?")
    qa.accept_answer(asker, make_answer(question))
    resource = make_resource(author=author, category=category, tags="policy, survey")
    run_jobs()
    return {"category": category, "thread": thread, "question": question,
            "resource": resource, "author": author}


def log_in(context, live_server, user):
    """Log in by posting the real login form from the context's own HTTP client."""
    response = context.request.post(live_server + "/login",
                                    form={"email": user.email, "password": PASSWORD},
                                    max_redirects=0)
    assert response.status == 302, response.text()[:300]


def boxes(page, selector):
    return page.evaluate(BOXES, selector)


def one_line(items, tolerance=2):
    """True when every box starts on the same line."""
    return items and max(b["top"] for b in items) - min(b["top"] for b in items) <= tolerance


@pytest.mark.parametrize("make_staff", [make_moderator, make_admin], ids=["moderator", "admin"])
def test_the_staff_header_is_one_line_at_1280px(app, live_server, browser, axe, content,
                                                make_staff):
    staff = make_staff(display_name="Morag Administrator-MacDonald")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        log_in(context, live_server, staff)
        for path in ["/forum", "/moderation/reports", f"/questions/{content['question'].id}"]:
            page.goto(live_server + path)
            menu = boxes(page, ".main-nav .nav-list > li")
            labels = [b["text"] for b in menu]
            assert "Moderation" in labels
            assert ("Admin" in labels) == (make_staff is make_admin)
            assert one_line(menu), f"{path}: the main menu wraps: {menu}"
            ul = boxes(page, ".main-nav .nav-list")[0]
            assert ul["height"] <= max(b["height"] for b in menu) + 1, path
            # The top row: brand, search and your account side by side, one line.
            top_row = boxes(page, ".header-top > *")
            assert len(top_row) == 3
            centres = [b["top"] + b["height"] / 2 for b in top_row]
            assert max(centres) - min(centres) <= 6, f"{path}: the top row wraps: {top_row}"
            account = boxes(page, ".account-nav .nav-list > li")
            assert one_line(account, tolerance=6), account
            # The current section is marked, and visibly so.
            current = page.locator('.main-nav a[aria-current]')
            expect(current).to_have_count(1)
            style = current.evaluate("a => getComputedStyle(a).boxShadow")
            assert style != "none", "the current section has a visible bar"
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            axe(page)
    finally:
        context.close()


def test_pages_do_not_scroll_sideways_at_320px(app, live_server, browser, axe, content):
    admin = make_admin(display_name="Morag Administrator-MacDonald")
    context = browser.new_context(viewport={"width": 320, "height": 800})
    thread, question = content["thread"], content["question"]
    # Hostile content: one unbroken 120-character word as a title, a wider table than any
    # phone, an unbroken URL-like word in a body (issue 18, item 12).
    long_word = "Reporting" + "x" * 111
    wide = "| " + " | ".join(f"Column {n} heading" for n in range(12)) + " |\n" + \
        "|" + " --- |" * 12 + "\n| " + " | ".join("cell" for _ in range(12)) + " |"
    hostile = make_thread(author=content["author"], category=content["category"],
                          title=long_word, body=wide + "\n\n" + "https://" + "y" * 150)
    hostile_question = make_question(author=content["author"], category=content["category"],
                                     title="Q" + "z" * 119, tags="policy")
    paths = [f"/threads/{hostile.id}", f"/questions/{hostile_question.id}",
             f"/threads/{hostile.id}/reply", f"/categories/{content['category'].id}?page=1",
             "/forum", f"/categories/{content['category'].id}", f"/threads/{thread.id}",
             f"/threads/{thread.id}/reply", "/questions", f"/questions/{question.id}",
             "/questions/ask", "/tags", "/tags/policy", "/resources",
             f"/resources/{content['resource'].id}", "/resources/new", "/collections",
             "/collections/new", "/search?q=policy", f"/members/{content['author'].id}",
             f"/members/{admin.id}", "/admin/categories", f"/admin/categories/{content['category'].id}",
             "/admin/jobs", "/moderation/applications"]
    try:
        page = context.new_page()
        log_in(context, live_server, admin)
        failures = []
        for path in paths:
            page.goto(live_server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                failures.append(f"{path} scrolls sideways: {width} px")
            axe(page)
        assert not failures, "\n".join(failures)
        # Terms and their values never touch (stacked on a phone).
        page.goto(f"{live_server}/members/{admin.id}")
        term, value = (boxes(page, ".summary-list dt")[-1], boxes(page, ".summary-list dd")[-1])
        assert value["top"] >= term["bottom"] - 1 or value["left"] >= term["right"] + 8
    finally:
        context.close()


def test_terms_and_values_are_apart_on_a_wide_screen(app, live_server, page, axe):
    member = make_member()
    log_in(page.context, live_server, member)
    page.goto(f"{live_server}/members/{member.id}")
    terms, values = boxes(page, ".summary-list dt"), boxes(page, ".summary-list dd")
    for term, value in zip(terms, values):
        assert value["left"] >= term["right"] + 16, (term, value)
        assert abs(value["top"] - term["top"]) <= 2, "side by side at 1280 px"
    axe(page)


@pytest.mark.parametrize("width", [320, 375])
def test_the_editor_toolbar_is_one_row_on_a_phone(app, live_server, browser, axe, content, width):
    member = make_member()
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        log_in(context, live_server, member)
        for path in [f"/threads/{content['thread'].id}", "/questions/ask"]:
            page.goto(live_server + path)
            toolbar = page.get_by_role("toolbar", name="Formatting")
            expect(toolbar).to_be_visible()
            buttons = boxes(page, ".editor-toolbar button")
            assert len(buttons) == 8
            assert one_line(buttons), f"{path}: the toolbar wraps at {width} px: {buttons}"
            bar = boxes(page, ".editor-toolbar")[0]
            assert bar["height"] <= max(b["height"] for b in buttons) + 14, bar
            assert bar["right"] <= width, "the toolbar stays inside the page"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # Preview is always in view; the formatting strip scrolls to the focused button.
            preview = boxes(page, ".editor-toolbar .preview-toggle")[0]
            assert preview["right"] <= width
            page.get_by_role("button", name="Bold").focus()
            for name in ["Italic", "Heading", "Link", "Bulleted list", "Numbered list", "Quote"]:
                page.keyboard.press("ArrowRight")
                focused = page.get_by_role("button", name=name, exact=True)
                expect(focused).to_be_focused()
                strip = boxes(page, ".editor-formats")[0]
                box = focused.bounding_box()
                assert box["x"] >= strip["left"] - 1 and box["x"] + box["width"] <= strip["right"] + 1, name
                indicated = focused.evaluate(
                    "b => { const s = getComputedStyle(b); return s.outlineStyle !== 'none' "
                    "&& parseFloat(s.outlineWidth) > 0; }")
                assert indicated, f"{name} shows no focus"
            page.keyboard.press("ArrowRight")
            expect(page.get_by_role("button", name="Preview")).to_be_focused()
            page.keyboard.press("Home")
            expect(page.get_by_role("button", name="Bold")).to_be_focused()
            axe(page)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_latest_post_date_stays_on_one_line(app, live_server, browser, axe, content, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        log_in(context, live_server, content["author"])
        page.goto(f"{live_server}/categories/{content['category'].id}")
        expect(page.get_by_role("columnheader", name="Latest post")).to_be_visible()
        lines = page.evaluate("""() => [...document.querySelectorAll('.thread-table td time')]
            .map(t => t.getClientRects().length)""")
        assert lines and all(count == 1 for count in lines), lines
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        axe(page)
    finally:
        context.close()


def test_a_table_at_the_top_of_a_post_is_apart_from_the_byline(app, live_server, page, axe,
                                                                 content):
    log_in(page.context, live_server, content["author"])
    page.goto(f"{live_server}/threads/{content['thread'].id}")
    header = boxes(page, "#post-1 .post-header")[0]
    first = boxes(page, "#post-1 .post-body > *")
    assert page.locator("#post-1 .post-body > .table-scroll > table").count() == 1
    assert first[0]["top"] - header["bottom"] >= 8, (header, first[0])
    for above, below in zip(first, first[1:]):
        assert below["top"] - above["bottom"] >= 8, (above, below)
    axe(page)
