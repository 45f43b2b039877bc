"""Browser journeys: the app served on 127.0.0.1 by a real WSGI server in a thread,
driven by Playwright in Debian's Chromium, with axe-core checking every page visited."""
import json
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
AXE_PATH = Path(__file__).resolve().parents[2] / ".cache/axe/node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture
def live_server(app):
    """Serve `app` on a free loopback port for the duration of the test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    # These are required, not optional: a missing browser fails the suite (no silent skips).
    assert Path(CHROMIUM).exists(), "install Debian's chromium (scripts/test.sh does)"
    assert AXE_PATH.exists(), "run: npm install --prefix .cache/axe axe-core@4"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class AxeViolation(AssertionError):
    pass


def check_accessibility(page) -> None:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA) on the current page; fail on any violation.

    The page's own CSP forbids inline scripts, so axe is evaluated through the DevTools
    protocol (page.evaluate), which the CSP does not govern.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS)
    violations = result["violations"]
    if violations:
        summary = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]
        raise AxeViolation(f"axe violations on {page.url}:\n{json.dumps(summary, indent=2)}")
    headings = page.locator("h1").count()
    assert headings == 1, f"{page.url} has {headings} h1 elements"
    for landmark in ("header", "main", "footer", "nav"):
        assert page.locator(landmark).count() >= 1, f"{page.url} lacks <{landmark}>"


def log_in(page, axe, live_server, email, password=None):
    """Log in through the real login page, checking it and the forum page with axe."""
    import re

    from playwright.sync_api import expect

    from ..factories import PASSWORD
    page.goto(live_server + "/login")
    axe(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password or PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/forum$"))
    axe(page)


@pytest.fixture
def axe():
    """`axe(page)` checks the page currently shown."""
    return check_accessibility
