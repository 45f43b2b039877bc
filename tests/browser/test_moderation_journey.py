"""The moderation journeys in a real browser, CSRF on as in production: a member reports a
post, a moderator finds it in the queue and resolves it by hiding the post, the member no
longer sees it, its author sees it with the reason, and the audit log shows each step; a
moderator pins a thread across the forum until a date and a member finds it at the top of
the home page. axe-core checks every page visited."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from forum.discussions import services as discussions
from tests.browser.conftest import log_in
from tests.factories import make_category, make_member, make_moderator, make_thread

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


def test_report_hide_and_audit(app, live_server, browser, axe):
    author = make_member(display_name="Ava Author")
    reporter = make_member(display_name="Rita Reporter")
    moderator = make_moderator(display_name="Maggie Moderator")
    thread = make_thread(author=author, title="Supporting staff after a disclosure")
    reply = discussions.reply(author, thread, body="Call Jo Bloggs on 0131 496 0000 about it.")
    thread_url, reply_number = f"{live_server}/threads/{thread.id}", reply.number

    # 1. The member reports the reply, by keyboard.
    page = _page(browser)
    log_in(page, axe, live_server, reporter.email)
    page.goto(thread_url)
    axe(page)
    report_link = page.get_by_role("link", name=f"Report post {reply_number}")
    report_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report to the moderators")
    axe(page)
    page.get_by_role("button", name="Send report").click()  # empty: a clear message
    expect(page.get_by_role("alert")).to_contain_text("Say what the problem is")
    axe(page)
    page.get_by_label("What is the problem?").fill("It gives a colleague's phone number.")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text("gone to the moderators")
    axe(page)
    page.context.close()

    # 2. The moderator resolves it from the queue, hiding the post.
    page = _page(browser)
    log_in(page, axe, live_server, moderator.email)
    page.goto(live_server + "/moderation/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("table")).to_contain_text("Rita Reporter")
    axe(page)
    page.get_by_role("link", name=re.compile("open report")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report")
    expect(page.locator("main")).to_contain_text("0131 496 0000")
    axe(page)
    page.get_by_label("Resolution note").fill("Hidden: it shares personal details.")
    page.get_by_label(re.compile("Also hide the reported post")).check()
    page.get_by_role("button", name="Resolve report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.locator("main")).to_contain_text("No open reports")
    axe(page)

    # 3. The audit log shows the report resolved and the post hidden, by whom and why.
    page.goto(live_server + "/moderation/audit")
    table = page.get_by_role("table")
    expect(table).to_contain_text("post.hidden")
    expect(table).to_contain_text("report.resolved")
    expect(table).to_contain_text("Maggie Moderator")
    expect(table).to_contain_text("Hidden: it shares personal details.")
    axe(page)
    page.get_by_label("Action").select_option("post.hidden")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table")).not_to_contain_text("report.resolved")
    axe(page)
    page.context.close()

    # 4. The member no longer sees the post; its author sees it with the reason.
    page = _page(browser)
    log_in(page, axe, live_server, reporter.email)
    page.goto(thread_url)
    expect(page.locator("main")).to_contain_text("This post was hidden by a moderator.")
    expect(page.locator("main")).not_to_contain_text("0131 496 0000")
    axe(page)
    page.context.close()
    page = _page(browser)
    log_in(page, axe, live_server, author.email)
    page.goto(thread_url)
    expect(page.locator("main")).to_contain_text("Your post is hidden from members")
    expect(page.locator("main")).to_contain_text("Hidden: it shares personal details.")
    axe(page)
    page.context.close()


def test_pin_a_thread_across_the_forum_until_a_date(app, live_server, browser, axe):
    moderator = make_moderator(display_name="Maggie Moderator")
    member = make_member(display_name="Rita Reader")
    guidance = make_category(name="Guidance")
    pinned = make_thread(author=moderator, category=guidance,
                         title="Equally Safe at Work: the employer toolkit")
    busy = make_category(name="Workplace culture")
    for n in range(7):  # newer activity than the toolkit thread, in another category
        make_thread(author=member, category=busy, title=f"Staff network news {n}", replies=1)
    today = datetime.now(ZoneInfo("Europe/London")).date()
    until = today + timedelta(days=30)

    # 1. The moderator pins it across the forum until a date, by the small form.
    page = _page(browser)
    log_in(page, axe, live_server, moderator.email)
    page.goto(f"{live_server}/threads/{pinned.id}")
    axe(page)
    tools = page.get_by_role("group", name="Moderator tools")
    pin_link = tools.get_by_role("link", name=re.compile("^Pin thread"))
    pin_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pin “Equally Safe at Work")
    axe(page)
    page.get_by_label(re.compile("^Across the forum")).check()
    page.get_by_label(re.compile("^Pinned until")).fill(
        (today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Pin thread").click()
    expect(page.get_by_role("alert")).to_contain_text("has passed")
    axe(page)
    page.get_by_label(re.compile("^Pinned until")).fill(until.isoformat())
    page.get_by_role("button", name="Pin thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Equally Safe at Work: the employer toolkit")
    expect(page.locator(".flash, [role=status]").first).to_contain_text("across the forum")
    expect(page.get_by_role("group", name="Moderator tools")).to_contain_text(
        f"Pinned until {until:%-d %b %Y}, across the forum")
    axe(page)
    page.goto(live_server + "/moderation/audit?action=thread.flags_changed")
    expect(page.get_by_role("table")).to_contain_text("scope: forum")
    axe(page)
    page.context.close()

    # 2. A member finds it first in the home page's latest discussions, marked pinned,
    #    though seven discussions elsewhere are newer, and at the top of its category.
    page = _page(browser)
    log_in(page, axe, live_server, member.email)  # lands on the home page (axe-checked)
    latest = page.locator("section", has=page.get_by_role(
        "heading", name="Latest discussions")).get_by_role("listitem")
    expect(latest.first).to_contain_text("Equally Safe at Work: the employer toolkit")
    expect(latest.first).to_contain_text("Pinned")
    expect(latest.first).not_to_contain_text("until")  # the end is for moderators
    latest.first.get_by_role("link", name="Equally Safe at Work: the employer toolkit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Equally Safe at Work: the employer toolkit")
    axe(page)
    page.context.close()
