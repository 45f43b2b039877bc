"""Curated collections in a real browser, CSRF on as in production, axe-core on every
page: a moderator creates an official collection, adds an uploaded resource and a
question, reorders them by keyboard with the move buttons (hearing the new position),
tries drag and drop, publishes and pins it; a member finds it under Collections, follows
it, and sees the "New" marker on an item added afterwards."""
import re

import pytest
from playwright.sync_api import expect

from forum.collections import services
from forum.collections.models import Collection
from forum.extensions import db
from tests.browser.conftest import log_in
from tests.collections.factories import make_collection, titles
from tests.factories import make_category, make_member, make_moderator
from tests.qa.factories import make_question
from tests.resources.helpers import make_resource

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def main_nav(page, name):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def no_horizontal_scroll_at_320(page):
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    assert width <= 320, f"{page.url} scrolls sideways at 320px ({width}px wide)"


def test_curate_reorder_publish_pin_follow_and_see_new(app, live_server, page, axe):
    category = make_category(name="Sexual harassment and employment law")
    sharer = make_member(display_name="Fiona Campbell")
    resource = make_resource(author=sharer, category=category, title="Model policy")
    question = make_question(author=sharer, category=category,
                             title="How did you assess the risk?")
    moderator = make_moderator(display_name="Ailsa Moderator")

    log_in(page, axe, live_server, moderator.email)
    main_nav(page, "Collections")
    expect(page.get_by_role("heading", level=1)).to_have_text("Collections")
    axe(page)
    page.get_by_role("link", name="New collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New collection")
    axe(page)
    page.get_by_label("Title").fill("Preventative duty essentials")
    page.get_by_label("Description").fill("What to read **first** on the duty.")
    page.get_by_label("Official Close the Gap material").check()
    page.get_by_role("button", name="Create collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Manage “Preventative duty essentials”")
    expect(page.get_by_text("Official · Close the Gap").first).to_be_visible()
    axe(page)
    no_horizontal_scroll_at_320(page)

    # The uploaded resource by its address, the question by its address.
    page.get_by_label("A resource from the library").check()
    page.get_by_label("Address or number").fill(f"{live_server}/resources/{resource.id}")
    page.get_by_label("Why it is here").fill("Adapt it: the parts to change are marked.")
    page.get_by_role("button", name="Add to collection").click()
    expect(page.get_by_text("Added ‘Model policy’ as item 1.")).to_be_visible()
    page.get_by_label("A discussion or a question").check()
    page.get_by_label("Address or number").fill(f"/questions/{question.id}")
    page.get_by_role("button", name="Add to collection").click()
    expect(page.get_by_text("Added ‘How did you assess the risk?’ as item 2.")).to_be_visible()
    axe(page)

    # A javascript: link is refused on the form, with the summary focused.
    page.get_by_label("A link to another website").check()
    page.get_by_label("Link address").fill("javascript:alert(document.cookie)")
    page.get_by_label("Link title").fill("Click me")
    page.get_by_role("button", name="Add to collection").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("starting with https:// or http://")
    expect(summary).to_be_focused()
    axe(page)

    # Keyboard reordering: the button keeps focus on the moved item, the move is announced.
    move_down = page.get_by_role("button", name="Move down: Model policy")
    move_down.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Moved ‘Model policy’")).to_have_text(
        "Moved ‘Model policy’ to position 2 of 2.")
    expect(page.locator("[data-collection-status]")).to_have_text(
        "Moved ‘Model policy’ to position 2 of 2.")
    expect(page.get_by_role("button", name="Move up: Model policy")).to_be_focused()
    collection = db.session.scalar(db.select(Collection))
    assert titles(collection) == ["How did you assess the risk?", "Model policy"]
    axe(page)
    page.keyboard.press("Enter")  # focus stayed on "Move up": press it again
    expect(page.locator("[data-collection-status]")).to_have_text(
        "Moved ‘Model policy’ to position 1 of 2.")
    expect(page.get_by_role("button", name="Move down: Model policy")).to_be_focused()

    # Drag and drop (progressive enhancement) posts the order and announces it too.
    items = page.locator(".collection-items-manage > li")
    items.nth(0).locator(".drag-handle").drag_to(items.nth(1))
    expect(page.locator("[data-collection-status]")).to_have_text(
        "Moved ‘Model policy’ to position 2 of 2.")
    assert titles(collection) == ["How did you assess the risk?", "Model policy"]
    expect(items.nth(1)).to_contain_text("2. Model policy")

    # Publish and pin.
    page.get_by_role("button", name="Publish to members").click()
    expect(page.get_by_text("is published: members can see it now")).to_be_visible()
    page.get_by_role("button", name="Pin to the home page").click()
    expect(page.get_by_text("Pinned, position 1 of 1")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Log out").click()

    # A member finds it, official first, follows it.
    member = make_member(display_name="Raj Patel")
    log_in(page, axe, live_server, member.email)
    main_nav(page, "Collections")
    card = page.locator(".collection-card").first
    expect(card).to_contain_text("Preventative duty essentials")
    expect(card).to_contain_text("Official · Close the Gap")
    expect(card).to_contain_text("2 items")
    axe(page)
    no_horizontal_scroll_at_320(page)
    page.get_by_role("link", name="Preventative duty essentials").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preventative duty essentials")
    expect(page.get_by_text("Adapt it: the parts to change are marked.")).to_be_visible()
    page.get_by_role("button", name="Follow this collection").click()
    expect(page.get_by_text("You follow “Preventative duty essentials”")).to_be_visible()
    expect(page.locator(".badge-new")).to_have_count(0)
    axe(page)

    # The moderator adds an item later: the member sees it marked New, seen and heard.
    services.add_item(moderator, collection, kind="link",
                      url="https://www.closethegap.org.uk/", link_title="Close the Gap's site",
                      note="Research on women's employment.")
    page.reload()
    new_item = page.locator(".collection-item", has_text="Close the Gap's site")
    expect(new_item.locator(".badge-new")).to_have_text(re.compile(r"^New since your last visit$"))
    expect(page.locator(".badge-new")).to_have_count(1)
    expect(page.get_by_text("1 item new since your last visit")).to_be_visible()
    axe(page)
    no_horizontal_scroll_at_320(page)
    page.reload()
    expect(page.locator(".badge-new")).to_have_count(0)


def test_home_sections_pass_axe_and_start_here_can_be_dismissed(app, live_server, page, axe):
    """Start here and the pinned collections on the members' home page (/forum)."""
    moderator = make_moderator()
    start = make_collection(moderator, title="Start here", official=True,
                            items=[make_resource(title="Model policy"),
                                   ("https://www.closethegap.org.uk/", "Close the Gap")])
    toolkit = make_collection(moderator, title="Toolkit", items=[make_question(title="Why?")])
    services.choose_start_here(moderator, start)
    for collection in (start, toolkit):
        services.set_pinned(moderator, collection, True)
    newcomer = make_member()
    log_in(page, axe, live_server, newcomer.email)
    page.goto(live_server + "/forum")
    expect(page.get_by_role("heading", name="Start here: Start here")).to_be_visible()
    pinned = page.get_by_role("region", name="Collections from Close the Gap")
    expect(pinned.get_by_role("heading", level=3)).to_have_text(["Start here", "Toolkit"])
    axe(page)
    no_horizontal_scroll_at_320(page)
    page.get_by_role("button", name="Don't show this again").click()
    expect(page).to_have_url(re.compile(r"/forum$"))
    expect(page.get_by_text("“Start here” is hidden.")).to_be_visible()
    expect(page.get_by_role("heading", name="Start here: Start here")).to_have_count(0)
    axe(page)
