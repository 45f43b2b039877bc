"""Notifications in a real browser, CSRF on as in production, axe-core on every page: a
member asks a question; another answers it, mentioning her through the @mention
autocomplete (keyboard only); a third answers too. The asker sees the unread count in
the header, opens the list, follows the mention to the post, marks the rest read and
changes her answers to a daily digest."""
import re

import pytest
from playwright.sync_api import expect

from forum.qa import services as qa
from forum.notifications import services
from tests.browser.conftest import log_in
from tests.factories import make_category, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def no_horizontal_scroll_at_320(page):
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    assert width <= 320, f"{page.url} scrolls sideways at 320px ({width}px wide)"


def test_mentioned_and_answered_then_daily_digest(app, live_server, browser, axe):
    fiona = make_member(display_name="Fiona Campbell")
    raj = make_member(display_name="Raj Patel")
    grace = make_member(display_name="Grace Okafor")
    question = qa.ask(fiona, make_category(name="Policies"), title="Menopause policy examples?",
                      body="Does anyone have one to share?")

    # 1. Raj answers, mentioning Fiona through the autocomplete, by keyboard only.
    page = _page(browser)
    log_in(page, axe, live_server, raj.email)
    page.goto(f"{live_server}/questions/{question.id}")
    box = page.locator("textarea[data-mentions]").first
    box.click()
    box.press_sequentially("Ours is on the intranet, @Fio")
    listbox = page.get_by_role("listbox", name="Members to mention")
    expect(listbox.get_by_role("option", name="Fiona Campbell")).to_be_visible()
    expect(box).to_have_attribute("aria-activedescendant", re.compile("option-0"))
    axe(page)
    box.press("Enter")
    expect(box).to_have_value("Ours is on the intranet, @Fiona Campbell ")
    expect(listbox).to_be_hidden()
    box.press_sequentially("happy to share.")
    page.get_by_role("button", name="Post your answer").click()
    expect(page.locator(".post-body").filter(has_text="happy to share")).to_be_visible()
    axe(page)
    page.context.close()
    qa.answer(grace, question, body="We adapted the Close the Gap template.")

    # 2. Fiona sees the unread count, opens the notification, marks the rest read.
    page = _page(browser)
    log_in(page, axe, live_server, fiona.email)
    account = page.get_by_role("navigation", name="Your account")
    link = account.get_by_role("link", name=re.compile(r"Notifications 2 unread"))
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    axe(page)
    no_horizontal_scroll_at_320(page)
    page.get_by_role("link", name="Raj Patel mentioned you in “Menopause policy examples?”").click()
    expect(page).to_have_url(re.compile(rf"/questions/{question.id}|/threads/{question.id}"))
    expect(page.get_by_text("happy to share").first).to_be_visible()
    axe(page)
    expect(page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name=re.compile(r"Notifications 1 unread"))).to_be_visible()
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name=re.compile("Notifications")).click()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status").first).to_contain_text("Marked 1 notification as read")
    axe(page)

    # 3. Fiona wants answers in a daily digest.
    page.get_by_role("navigation", name="Notifications").get_by_role(
        "link", name="Email preferences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email preferences")
    axe(page)
    no_horizontal_scroll_at_320(page)
    page.get_by_label("Answers to your questions").select_option("daily")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status").first).to_contain_text("preferences are saved")
    expect(page.get_by_label("Answers to your questions")).to_have_value("daily")
    axe(page)
    for path in ("/notifications/watching", "/notifications/feeds",
                 f"/notifications/watch/thread/{question.id}"):
        page.goto(live_server + path)
        axe(page)
    page.context.close()
    assert services.settings_for(fiona).delivery_for("answer") == "daily"
