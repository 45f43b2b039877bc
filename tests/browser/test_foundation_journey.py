"""The foundation journey in a real browser: ask to join, be approved by a moderator, set a
password, start a thread with the editor, and be quoted in a reply. axe-core checks every
page the journey visits."""
import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import make_category, make_member, make_moderator
from tests.mailbox import links_in, text_of

pytestmark = pytest.mark.browser

APPLICANT_EMAIL = "alex.morgan@council.example.gov.uk"


def wait_for_email(mailbox, address, subject_part, timeout=5.0):
    """The newest message to `address` whose subject contains `subject_part`."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mailbox.to(address) if subject_part in m["Subject"]]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no email to {address} about {subject_part!r}; got "
                                 f"{[(m['To'], m['Subject']) for m in mailbox.messages]}")
        time.sleep(0.05)


def on_live_server(link, live_server):
    """Emailed links use BASE_URL (http://localhost in tests): point them at the live server."""
    parts = urlsplit(link)
    assert parts.scheme == "http" and parts.hostname == "localhost", link
    return live_server + parts.path + (f"?{parts.query}" if parts.query else "")


def test_join_approve_set_password_post_and_quote(app, live_server, browser, page, axe,
                                                  mailbox):
    # 1. A moderator and a category exist.
    moderator = make_moderator(display_name="Morag Moderator")
    moderator_email = moderator.email
    category = make_category(name="Policies and procedures",
                             description="Sharing and improving workplace policies.")
    category_id = category.id
    second = make_member(display_name="Sam Second")
    second_email = second.email

    # 2. A visitor asks to join from the landing page.
    page.goto(live_server + "/")
    axe(page)
    form = page.locator("section", has=page.get_by_role("heading", name="Request to join"))
    form.get_by_label("Full name").fill("Alex Morgan")
    form.get_by_label("Work email address").fill(APPLICANT_EMAIL)
    # The list offers existing organisations; this one is new, so it is named instead.
    organisation = form.get_by_role("combobox", name=re.compile(r"^Organisation"))
    organisation.select_option(label="Choose your organisation")
    form.get_by_label("Or, if it is not listed, your organisation's name").fill(
        "Loch Vale Council")
    form.get_by_label("Sector").select_option(label="Public sector")
    form.get_by_label("Job role").fill("Equality and diversity adviser")
    form.get_by_label("Why do you want to join?").fill(
        "We are working towards accreditation and want to learn from peers.")
    form.get_by_label("I have read the privacy notice").check()
    form.get_by_role("button", name="Request to join").click()
    expect(page).to_have_url(re.compile(r"/join/received$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("we have your request")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    axe(page)

    # 3. The moderator is told, logs in, and approves the request from the queue.
    notice = wait_for_email(mailbox, moderator_email, "New request to join")
    assert "Alex Morgan" in text_of(notice)
    assert "Loch Vale Council" in text_of(notice)
    queue_links = [link for link in links_in(notice) if "/moderation/applications" in link]
    assert queue_links, text_of(notice)

    log_in(page, axe, live_server, moderator_email)
    page.goto(on_live_server(queue_links[0], live_server))
    axe(page)
    application = page.locator("section.application", has_text="Alex Morgan")
    expect(application).to_contain_text("Loch Vale Council (Public sector)")
    expect(application).to_contain_text("Equality and diversity adviser")
    application.get_by_role("button", name="Approve Alex Morgan").click()
    expect(page.get_by_role("status")).to_contain_text("Alex Morgan is now a member")
    expect(page.get_by_text("There are no requests waiting.")).to_be_visible()
    axe(page)

    # 4. The applicant sets a password from the approval email, in a fresh browser.
    welcome = wait_for_email(mailbox, APPLICANT_EMAIL, "approved")
    set_links = [link for link in links_in(welcome) if "/password/set/" in link]
    assert len(set_links) == 1, text_of(welcome)

    applicant_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        applicant = applicant_context.new_page()
        applicant.set_default_timeout(10_000)
        applicant.goto(on_live_server(set_links[0], live_server))
        axe(applicant)
        applicant.get_by_label("New password", exact=True).fill("a long and unrelated phrase")
        applicant.get_by_label("Confirm new password").fill("a long and unrelated phrase")
        applicant.get_by_role("button", name="Set password").click()
        expect(applicant).to_have_url(re.compile(r"/forum$"))
        expect(applicant.get_by_role("status")).to_contain_text("Your password is set")
        axe(applicant)

        applicant.get_by_role("link", name="Policies and procedures").click()
        expect(applicant).to_have_url(re.compile(rf"/categories/{category_id}$"))
        axe(applicant)
        applicant.get_by_role("link", name="Start a discussion").click()
        expect(applicant.get_by_role("heading", level=1)).to_contain_text("Start a discussion")
        axe(applicant)

        applicant.get_by_label("Title").fill("Flexible working and safe leave")
        # From the title, Tab reaches the toolbar's first button, Bold; Enter applies it and
        # leaves the placeholder selected in the message, so typing replaces it.
        applicant.keyboard.press("Tab")
        bold = applicant.get_by_role("button", name="Bold")
        expect(bold).to_be_focused()
        applicant.keyboard.press("Enter")
        message = applicant.get_by_label("Message")
        expect(message).to_be_focused()
        expect(message).to_have_value("**bold text**")
        applicant.keyboard.type("safe leave")
        applicant.keyboard.press("End")
        applicant.keyboard.type(" has helped staff who are experiencing abuse.")
        expect(message).to_have_value(
            "**safe leave** has helped staff who are experiencing abuse.")

        applicant.get_by_role("button", name="Preview").click()
        preview = applicant.locator("[data-preview-output]")
        expect(preview.locator("strong")).to_have_text("safe leave")
        expect(message).to_be_hidden()
        expect(bold).to_be_disabled()
        axe(applicant)
        applicant.get_by_role("button", name="Back to editing").click()
        expect(preview).to_be_hidden()
        expect(message).to_be_visible()
        expect(message).to_be_focused()
        expect(bold).to_be_enabled()

        applicant.get_by_role("button", name="Post", exact=True).click()
        expect(applicant).to_have_url(re.compile(r"/threads/\d+$"))
        expect(applicant.get_by_role("heading", level=1)).to_have_text(
            "Flexible working and safe leave")
        first_post = applicant.locator("#post-1")
        expect(first_post.locator(".post-body strong")).to_have_text("safe leave")
        expect(first_post).to_contain_text("Alex Morgan")
        expect(first_post).to_contain_text("Loch Vale Council")
        axe(applicant)
        thread_path = urlsplit(applicant.url).path
    finally:
        applicant_context.close()

    # 5. A second member quotes the first post in a reply.
    page.context.clear_cookies()
    log_in(page, axe, live_server, second_email)
    page.goto(live_server + thread_path)
    axe(page)
    page.locator("#post-1").get_by_role("link", name="Quote post 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reply to")
    axe(page)
    reply = page.get_by_role("textbox", name="Reply")
    expect(reply).to_have_value(re.compile(r"^\*\*Alex Morgan\*\* wrote:\n> \*\*safe leave\*\*"))
    reply.press("Control+End")
    reply.type("We did the same, and added it to our manager training.")
    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(rf"{thread_path}\?page=1#post-2$"))
    axe(page)
    second_post = page.locator("#post-2")
    expect(second_post).to_contain_text("Sam Second")
    quote = second_post.locator(".post-body blockquote")
    expect(quote).to_contain_text("safe leave has helped staff who are experiencing abuse.")
    expect(quote.locator("strong")).to_have_text("safe leave")
    expect(second_post.locator(".post-body")).to_contain_text("added it to our manager training")
    expect(page.locator(".meta").first).to_contain_text("1 reply")
