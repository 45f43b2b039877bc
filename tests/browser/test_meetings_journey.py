"""Topic votes and the meeting programme in a real browser, CSRF on as in production,
axe-core on every page visited: a moderator opens a round; three members propose topics
(one duplicate refused with a clear message) and vote; the moderator merges two
proposals that are the same topic and closes the round; the results are right (the
member who voted for both counted once); a meeting is created from the winning topic and
a member downloads its .ics, parsed back with `icalendar`."""
import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from forum.database import utcnow
from forum.meetings import times
from tests.browser.conftest import log_in
from tests.factories import make_member, make_moderator

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def no_horizontal_scroll_at_320(page):
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    assert width <= 320, f"{page.url} scrolls sideways at 320px ({width}px wide)"


def main_nav(page, name):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def vote(page, title):
    page.get_by_role("button", name=f"Vote for “{title}”").click()
    expect(page.get_by_role("status").filter(has_text="You voted for")).to_contain_text(title)


def test_round_votes_merge_results_meeting_and_ics(app, live_server, browser, axe):
    moderator = make_moderator(display_name="Ailsa Moderator")
    fiona, raj, grace = (make_member(display_name=name) for name in
                         ("Fiona Campbell", "Raj Patel", "Grace Okafor"))
    closing = times.london(utcnow() + timedelta(days=10)).date()

    # 1. The moderator opens a round from the meetings pages.
    page = _page(browser)
    log_in(page, axe, live_server, moderator.email)
    main_nav(page, "Meetings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    axe(page)
    no_horizontal_scroll_at_320(page)
    page.get_by_role("navigation", name="Meetings").get_by_role("link",
                                                                 name="Topic votes").click()
    axe(page)
    page.get_by_role("link", name="Open a topic round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a topic round")
    axe(page)
    page.get_by_label("Closing date").fill("2020-01-01")  # in the past: a clear message
    page.get_by_label("Closing time (UK time)").fill("17:00")
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator(".error-summary")).to_contain_text("in the future")
    axe(page)
    page.get_by_label("Closing date").fill(closing.isoformat())
    page.get_by_label("Votes each member has").fill("2")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Topics for next year's meetings")
    expect(page.get_by_role("status").first).to_contain_text("The round is open until")
    round_url = page.url.split("#")[0]
    axe(page)
    page.context.close()

    # 2. Three members propose and vote; a duplicate title is refused.
    proposals = [(fiona, "Menopause and flexible working", ["Menopause and flexible working",
                                                            "Menopause at work"]),
                 (raj, "Menopause at work", ["Menopause at work"]),
                 (grace, "Domestic abuse leave", ["Domestic abuse leave",
                                                  "Menopause and flexible working"])]
    for member, title, votes in proposals:
        page = _page(browser)
        log_in(page, axe, live_server, member.email)
        page.goto(round_url)
        axe(page)
        if member is grace:  # the same topic as Fiona's, written differently
            topic_box = page.get_by_role("textbox", name="Topic", exact=True)
            topic_box.fill("  menopause AND flexible working! ")
            page.get_by_role("button", name="Propose topic").click()
            expect(page.locator(".error-summary")).to_contain_text(
                "“Menopause and flexible working” has already been proposed in this round")
            axe(page)
        page.get_by_role("textbox", name="Topic", exact=True).fill(title)
        page.get_by_role("textbox", name=re.compile("Why it matters")).fill(
            f"Why **{title}** matters.")
        page.get_by_role("button", name="Propose topic").click()
        expect(page.get_by_role("status").first).to_contain_text(f"Your topic “{title}”")
        axe(page)
        page.context.close()
    for member, _, votes in proposals:  # everyone has proposed: now the votes
        page = _page(browser)
        log_in(page, axe, live_server, member.email)
        page.goto(round_url)
        for title in votes:
            vote(page, title)
        expect(page.locator(".round-status")).to_contain_text(
            f"You have {2 - len(votes)} of 2 votes left")
        axe(page)
        no_horizontal_scroll_at_320(page)
        page.context.close()

    # 3. The moderator merges the two menopause proposals and closes the round.
    page = _page(browser)
    log_in(page, axe, live_server, moderator.email)
    page.goto(round_url)
    expect(page.locator("#main")).to_contain_text("2 votes")  # moderators see tallies
    page.get_by_role("link", name="Merge duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge duplicate topics")
    axe(page)
    page.get_by_label("Merge this proposal").select_option(label="Menopause at work")
    page.get_by_label(re.compile("into this one")).select_option(
        label="Menopause and flexible working")
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Merged into “Menopause and flexible working”")
    expect(page.locator(".proposal-merged")).to_contain_text(
        "Merged into Menopause and flexible working")
    axe(page)
    page.get_by_role("button", name="Close the round now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Results: Topics for next year's meetings")
    rows = page.locator(".results-table tbody tr")
    expect(rows).to_have_count(2)
    # Fiona voted for both menopause proposals: counted once. Raj and Grace: once each.
    expect(rows.nth(0)).to_contain_text("Menopause and flexible working")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("3")
    expect(rows.nth(1)).to_contain_text("Domestic abuse leave")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("1")
    axe(page)
    no_horizontal_scroll_at_320(page)

    # 4. A meeting is created from the winning topic.
    page.get_by_role("link", name="Schedule a meeting on “Menopause and flexible working”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a meeting")
    expect(page.get_by_label("Title")).to_have_value("Menopause and flexible working")
    axe(page)
    meeting_day = times.london(utcnow() + timedelta(days=30)).date()
    page.get_by_label("Date").fill(meeting_day.isoformat())
    page.get_by_label("Start time (UK time)").fill("10:00")
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_label("Joining link").fill("javascript:alert(1)")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.locator(".error-summary")).to_contain_text("starting with https://")
    expect(page.locator(".error-summary")).to_be_focused()
    axe(page)
    page.get_by_label("Joining link").fill("https://meet.example.org/menopause")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Menopause and flexible working")
    expect(page.locator("#main")).to_contain_text("From the topic vote")
    meeting_url = page.url.split("#")[0]
    axe(page)
    no_horizontal_scroll_at_320(page)
    page.context.close()

    # 5. A member sees the results, says they are going and downloads the .ics.
    page = _page(browser)
    log_in(page, axe, live_server, grace.email)
    page.goto(round_url)
    page.get_by_role("link", name="See the results").click()
    expect(page.locator(".results-table tbody tr").nth(0)).to_contain_text(
        "Menopause and flexible working")
    axe(page)
    page.goto(meeting_url)
    page.get_by_role("button", name="I'm going").click()
    expect(page.get_by_role("status").first).to_contain_text("you are going")
    expect(page.locator("#attendance")).to_contain_text("1 member going")
    axe(page)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download for your calendar")).click()
    assert info.value.suggested_filename.endswith(".ics")
    with open(info.value.path(), "rb") as handle:
        parsed = Calendar.from_ical(handle.read())
    event = parsed.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Menopause and flexible working"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (meeting_day, 10, 0)
    assert str(event["LOCATION"]) == "https://meet.example.org/menopause"
    assert [str(z["TZID"]) for z in parsed.walk("VTIMEZONE")] == ["Europe/London"]
    page.context.close()
