"""The Markdown editor and the writing pages in a real browser: keyboard use of the toolbar,
no-JavaScript posting, the error summary, reflow at 320 px and 200% zoom, visible focus."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_category, make_member, make_thread

pytestmark = pytest.mark.browser

# The toolbar's buttons in tab order, with what each inserts into an empty message and the
# part of it left selected (so typing replaces the placeholder and keeps the markup).
TOOLBAR = [
    ("Bold", "**bold text**", "bold text"),
    ("Italic", "*italic text*", "italic text"),
    ("Heading", "## Heading", "Heading"),
    ("Link", "[link text](https://)", "link text"),
    ("Bulleted list", "- List item", "List item"),
    ("Numbered list", "1. List item", "List item"),
    ("Quote", "> Quoted text", "Quoted text"),
]

FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const text = (el.getAttribute('aria-label') || el.textContent).trim().slice(0, 40);
  return {tag: el.tagName.toLowerCase(), text,
          indicated: outline || style.boxShadow !== 'none'};
}"""


@pytest.fixture
def member(app):
    return make_member(display_name="Robin Reader")


def log_in(context, live_server, user):
    """Log in through the real login form, posted by the context's own HTTP client (it
    shares the browser's cookies), so tests about other pages need not render it."""
    response = context.request.post(live_server + "/login",
                                    form={"email": user.email, "password": PASSWORD},
                                    max_redirects=0)
    assert response.status == 302, response.text()[:500]


def shift_tab_to(page, message, name):
    """From the message, Shift+Tab back along the toolbar (Preview, Quote, ...) to `name`."""
    names = [n for n, _, _ in TOOLBAR] + ["Preview"]
    message.focus()
    for _ in range(len(names) - names.index(name)):
        page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name=name, exact=True)).to_be_focused()


def tab_to(page, name, limit=15):
    """Press Tab until the button called `name` has focus (other fields may come between)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def selection(page, locator):
    return locator.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")


def test_toolbar_works_by_keyboard_alone(app, live_server, page, axe, member):
    category = make_category()
    log_in(page.context, live_server, member)
    page.goto(f"{live_server}/categories/{category.id}/new")
    axe(page)

    # Tab from the top of the page reaches the title, then the toolbar's first button.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "title":
            break
    else:
        pytest.fail("Tab never reached the title field")
    page.keyboard.type("Keyboard only")
    message = page.get_by_label("Message")

    for index, (name, markdown, placeholder) in enumerate(TOOLBAR):
        message.evaluate("el => { el.value = ''; }")
        if index == 0:
            page.keyboard.press("Tab")  # title -> Bold
            expect(page.get_by_role("button", name=name, exact=True)).to_be_focused()
        else:
            shift_tab_to(page, message, name)
        page.keyboard.press("Enter")
        expect(message).to_be_focused()
        expect(message).to_have_value(markdown)
        assert selection(page, message) == placeholder, name

    # Typing replaces the selected placeholder but keeps the markup.
    message.evaluate("el => { el.value = ''; }")
    shift_tab_to(page, message, "Bulleted list")
    page.keyboard.press("Enter")
    page.keyboard.type("Review the policy")
    expect(message).to_have_value("- Review the policy")

    # With words selected, a wrap format wraps just them...
    message.evaluate("el => { el.value = 'Please read this first'; }")
    message.focus()
    page.keyboard.press("End")
    for _ in range(len("first")):
        page.keyboard.press("Shift+ArrowLeft")
    shift_tab_to(page, message, "Italic")
    page.keyboard.press("Enter")
    expect(message).to_have_value("Please read this *first*")
    assert selection(page, message) == "first"

    # ... and a line format starts a new line and prefixes every selected line.
    message.evaluate("el => { el.value = 'Steps:\\nAsk\\nListen'; "
                     "el.setSelectionRange(7, el.value.length); }")
    shift_tab_to(page, message, "Numbered list")
    page.keyboard.press("Enter")
    expect(message).to_have_value("Steps:\n1. Ask\n1. Listen")
    message.evaluate("el => { el.value = 'Intro'; el.setSelectionRange(5, 5); }")
    shift_tab_to(page, message, "Heading")
    page.keyboard.press("Enter")
    page.keyboard.type("Next steps")
    expect(message).to_have_value("Intro\n## Next steps")

    # Preview by keyboard: Enter shows the server's rendering and pauses formatting;
    # Enter again returns to the message.
    shift_tab_to(page, message, "Preview")
    page.keyboard.press("Enter")
    preview = page.locator("[data-preview-output]")
    expect(preview.get_by_role("heading", name="Next steps")).to_be_visible()
    expect(message).to_be_hidden()
    back = page.get_by_role("button", name="Back to editing")
    expect(back).to_be_focused()
    for name, _, _ in TOOLBAR:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_disabled()
    axe(page)
    page.keyboard.press("Enter")
    expect(message).to_be_visible()
    expect(message).to_be_focused()
    expect(preview).to_be_hidden()
    expect(page.get_by_role("button", name="Bold")).to_be_enabled()

    # The message posts with the keyboard too.
    tab_to(page, "Post")
    expect(page.get_by_role("button", name="Post", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/threads/\d+$"))
    first_post = page.locator("#post-1 .post-body")
    expect(first_post.get_by_role("heading", name="Next steps")).to_be_visible()
    axe(page)


def test_without_javascript_the_reply_form_is_a_plain_textarea_that_posts(
        app, live_server, browser, page, axe, member):
    thread = make_thread(title="Reporting routes", body="How do staff report concerns?")
    thread_url = f"{live_server}/threads/{thread.id}"
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    try:
        nojs = context.new_page()
        nojs.set_default_timeout(10_000)
        nojs.goto(live_server + "/login")
        nojs.get_by_label("Email address").fill(member.email)
        nojs.get_by_label("Password", exact=True).fill(PASSWORD)
        nojs.get_by_role("button", name="Log in").click()
        expect(nojs).to_have_url(re.compile(r"/forum$"))
        nojs.goto(thread_url)

        reply = nojs.get_by_role("textbox", name="Reply")
        expect(reply).to_be_visible()
        expect(nojs.get_by_role("toolbar", name="Formatting")).to_be_hidden()
        expect(nojs.locator("[data-preview-output]")).to_be_hidden()
        reply.fill("We use a **named contact** in each team.\n\n- by email\n- in person")
        nojs.get_by_role("button", name="Post reply").click()
        expect(nojs).to_have_url(re.compile(rf"/threads/{thread.id}\?page=1#post-2$"))
        post = nojs.locator("#post-2")
        expect(post.locator(".post-body strong")).to_have_text("named contact")
        expect(post.locator(".post-body li")).to_have_text(["by email", "in person"])
        expect(post).to_contain_text("Robin Reader")
        cookies = context.cookies()
    finally:
        context.close()

    # axe cannot run where JavaScript is off (axe.run never settles), so check the same
    # no-script page in a (JavaScript-enabled) page that simply never gets forum.js.
    page.context.add_cookies(cookies)
    page.route("**/forum.js", lambda route: route.abort())
    page.goto(thread_url)
    expect(page.get_by_role("toolbar", name="Formatting")).to_be_hidden()
    expect(page.locator("#post-2")).to_contain_text("named contact")
    axe(page)


def test_failed_submit_focuses_the_error_summary_with_links_to_the_fields(
        app, live_server, page, axe, member):
    category = make_category()
    log_in(page.context, live_server, member)
    page.goto(f"{live_server}/categories/{category.id}/new")
    page.get_by_label("Message").fill("A message without a title.")
    page.get_by_role("button", name="Post", exact=True).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = summary.get_by_role("link", name="Enter a title.")
    expect(link).to_have_attribute("href", "#title")
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title-error")).to_contain_text("Enter a title.")
    # What was typed survives the round trip.
    expect(page.get_by_label("Message")).to_have_value("A message without a title.")
    axe(page)

    # The summary's first link is the next Tab stop, and following it lands in the field.
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(title).to_be_focused()

    # With both fields empty, each error links to its own field.
    page.get_by_label("Title").fill("")
    page.get_by_label("Message").fill("")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(summary).to_be_focused()
    hrefs = summary.get_by_role("link").evaluate_all("links => links.map(a => a.hash)")
    assert hrefs == ["#title", "#body"]
    for href in hrefs:
        expect(page.locator(href)).to_have_count(1)
    axe(page)


@pytest.mark.parametrize("width", [320, 640], ids=["320px", "zoom-200pc"])
def test_pages_reflow_without_horizontal_scrolling(app, live_server, browser, width, member):
    """320 CSS px is WCAG 1.4.10's reflow width; 640 px is a 1280 px screen at 200% zoom."""
    thread = make_thread(
        author=member, title="A deliberately long thread title about flexible working, "
        "safe leave and the organisation-wide-communication-plan-for-2025",
        body="See https://example.org/a/really/long/link/that/does/not/break/naturally/at/all "
             "and Supercalifragilisticexpialidociousnessworkplacepolicy.\n\n"
             "| Policy | Owner | Review date |\n| --- | --- | --- |\n"
             "| Domestic abuse | HR business partner | April 2026 |\n\n"
             "```\nA code block with a long line that should scroll inside its own box only.\n```",
        replies=2)
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        for path in ["/", "/login"]:
            page.goto(live_server + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        log_in(context, live_server, member)
        for path in [f"/threads/{thread.id}", f"/categories/{thread.category_id}",
                     f"/categories/{thread.category_id}/new", "/forum"]:
            page.goto(live_server + path)
            expect(page.locator("main h1")).to_be_visible()
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} scrolls sideways: {scroll_width} > {width}"
            if "/threads/" in path:
                expect(page.get_by_role("toolbar", name="Formatting")).to_be_visible()
                toolbar = page.get_by_role("toolbar", name="Formatting").bounding_box()
                assert toolbar["x"] + toolbar["width"] <= width
    finally:
        context.close()


def test_focused_links_and_buttons_have_a_visible_indicator(app, live_server, page, member):
    thread = make_thread(author=member, replies=1)
    log_in(page.context, live_server, member)
    page.goto(f"{live_server}/threads/{thread.id}")
    seen, missing = [], []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "body":
            break
        if focused["tag"] in {"a", "button", "input", "textarea", "select"}:
            seen.append(focused["text"])
            if not focused["indicated"]:
                missing.append(focused)
        if focused["text"] == "Post reply":
            break
    # The walk covered the skip link, the navigation, a post's links, the toolbar and form.
    for expected in ["Skip to main content", "Forum", "Log out", "Quote post 1", "Bold",
                     "Preview", "Post reply"]:
        assert any(text.startswith(expected) for text in seen), (expected, seen)
    assert not missing, f"focused without a visible indicator: {missing}"
