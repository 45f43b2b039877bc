"""The resource library in a real browser, CSRF on as in production, axe-core on every
page: a refused file, sharing a PDF, finding it in the library, opening it, uploading a new
version, downloading both, and a reply in its discussion with an image attached."""
import re

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


def file_payload(name, data, mime):
    return {"name": name, "mimeType": mime, "buffer": data}


def download(page, link):
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as handle:
        return info.value.suggested_filename, handle.read()


def test_share_find_version_and_download(app, live_server, page, axe):
    make_category(name="Sexual harassment and employment law")
    member = make_member(display_name="Fiona Campbell")
    first_pdf = files.pdf("Model policy, first version", "Reporting routes")
    second_pdf = files.pdf("Model policy, second version", "Preventative duty")

    log_in(page, axe, live_server, member.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resource library")
    expect(page.get_by_text("The library is empty so far.")).to_be_visible()
    axe(page)

    # A disguised web page is refused, with the error summary linking to the field.
    page.get_by_role("link", name="Share a resource").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share a resource")
    axe(page)
    page.get_by_label("Title").fill("Model sexual harassment policy")
    page.get_by_label("Description").fill("Our template, with **reporting routes**.")
    page.get_by_label("Category").select_option(label="Sexual harassment and employment law")
    page.get_by_label("Tags").fill("policy, template")
    page.locator("#file").set_input_files(file_payload("policy.pdf", files.HTML, "application/pdf"))
    expect(page.locator("[data-file-list]")).to_contain_text("policy.pdf")  # JS enhancement
    page.get_by_role("button", name="Share resource").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("not a type of file we accept")
    expect(summary).to_be_focused()
    axe(page)

    # The real PDF goes through.
    expect(page.get_by_label("Title")).to_have_value("Model sexual harassment policy")
    page.locator("#file").set_input_files(file_payload("policy.pdf", first_pdf,
                                                       "application/pdf"))
    page.get_by_role("button", name="Share resource").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model sexual harassment policy")
    expect(page.get_by_text("Your resource is in the library.")).to_be_visible()
    expect(page.get_by_text("reporting routes")).to_be_visible()
    axe(page)

    # It is in the library, and the type filter finds it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("link", name="Model sexual harassment policy")).to_be_visible()
    expect(page.get_by_text("Shared by Fiona Campbell")).to_be_visible()
    axe(page)
    page.get_by_label("Type").select_option("pdf")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"type=pdf"))
    expect(page.get_by_text("1 resource match your filters")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Model sexual harassment policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model sexual harassment policy")

    # A new version keeps the old one.
    page.get_by_role("link", name="Upload a new version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Upload a new version")
    axe(page)
    page.locator("#file").set_input_files(file_payload("policy-2025.pdf", second_pdf,
                                                       "application/pdf"))
    page.get_by_label("What changed").fill("Added the preventative duty")
    page.get_by_role("button", name="Upload new version").click()
    expect(page.get_by_text("Version 2 is uploaded.")).to_be_visible()
    versions = page.get_by_role("table")
    expect(versions).to_contain_text("2 (latest)")
    expect(versions).to_contain_text("Added the preventative duty")
    axe(page)

    # Both versions download, as files, byte for byte.
    latest = page.get_by_role("link", name=re.compile(r"policy-2025\.pdf.*version 2"))
    name, data = download(page, latest)
    assert (name, data) == ("policy-2025.pdf", files.as_stored(second_pdf))  # no metadata
    earlier = page.get_by_role("link", name=re.compile(r"^policy\.pdf.*version 1"))
    name, data = download(page, earlier)
    assert (name, data) == ("policy.pdf", files.as_stored(first_pdf))
    page.reload()
    expect(page.get_by_text("2 downloads")).to_be_visible()

    # Its discussion takes a reply with an image, shown inline as a re-encoded copy.
    page.get_by_role("link", name=re.compile("Start the discussion")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Model sexual harassment policy")
    axe(page)
    page.get_by_role("textbox", name="Reply").fill("Here is the poster we put up in the depots.")
    page.locator("#attachments").set_input_files([
        file_payload("poster.png", files.png(120, 80), "image/png"),
        file_payload("notes.txt", b"Depot poster notes", "text/plain")])
    expect(page.locator("[data-file-list] li")).to_have_count(2)
    page.get_by_role("button", name="Post reply").click()
    image = page.get_by_role("img", name="Attached image: poster.png")
    expect(image).to_be_visible()
    # visible is not loaded: wait for the decoded image before reading its width
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 120
    expect(page.get_by_role("link", name="notes.txt", exact=True)).to_be_visible()
    axe(page)
