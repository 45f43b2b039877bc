"""Search in a real browser, axe-core on every page: share a PDF whose text holds a phrase
found nowhere else, find it from the header box, narrow to resources, open it; then the
empty state, a narrow screen, and a broken index."""
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import make_category, make_member
from tests.resources import files

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def search_from_header(page, text):
    box = page.get_by_role("search", name="Site search").get_by_label("Search the forum")
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")


def test_find_words_inside_a_shared_pdf(app, live_server, page, axe):
    make_category(name="Policies")
    member = make_member(display_name="Fiona Campbell")
    log_in(page, axe, live_server, member.email)

    page.goto(live_server + "/resources/new")
    page.get_by_label("Title").fill("Model bystander policy")
    page.get_by_label("Description").fill("Our template.")
    page.get_by_label("Category").select_option(label="Policies")
    page.locator("#file").set_input_files({
        "name": "bystander.pdf", "mimeType": "application/pdf",
        "buffer": files.pdf("Appendix", "Quokka protocol for reporting concerns")})
    page.get_by_role("button", name="Share resource").click()
    expect(page.get_by_text("Your resource is in the library.")).to_be_visible()

    # The web process reads the file and indexes it after the response (embedded default).
    deadline = time.monotonic() + 15
    while True:
        search_from_header(page, "quokka")
        if page.get_by_role("link", name="Model bystander policy").count():
            break
        assert time.monotonic() < deadline, "the PDF's text was not searchable in 15 s"
        time.sleep(0.5)
    results = page.locator(".result-list")
    expect(results).to_contain_text("In the file bystander.pdf, version 1")
    expect(results.locator("mark").first).to_have_text(re.compile("quokka", re.I))
    axe(page)

    page.get_by_label("Resources (1)").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"type=resource"))
    expect(page.get_by_role("heading", name=re.compile("1 result"))).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Model bystander policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model bystander policy")
    axe(page)

    # Nothing found: next steps, and the page still passes.
    search_from_header(page, "zebracorn")
    expect(page.get_by_text("Nothing matched your search.")).to_be_visible()
    expect(page.get_by_role("link", name="Ask the community a question")).to_be_visible()
    axe(page)

    # A narrow screen: no horizontal scrolling at 320 px.
    page.set_viewport_size({"width": 320, "height": 800})
    search_from_header(page, "quokka")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    axe(page)

    # A broken index: the search page says so, the rest of the forum works.
    folder = Path(app.config["SEARCH_INDEX_DIR"])
    (folder / "CURRENT").write_text("gen-missing 1")
    app.extensions.pop("forum.search", None)
    search_from_header(page, "quokka")
    expect(page.get_by_role("heading", name="Search is being rebuilt")).to_be_visible()
    axe(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resource library")
