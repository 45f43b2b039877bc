"""Every page, read as HTML (no browser): ids are unique and every form control has a
label. axe-core's WCAG 2.2 rules no longer flag duplicate ids, and a second control
sharing an id takes the first one's label, so this check is its own (issue 18, item 12:
two inputs with id="password" on /account left one unlabelled)."""
from collections import Counter

import lxml.html
import pytest

from forum.demo import DEMO_PASSWORD, load_demo

LABELLED_BY_THEMSELVES = {"hidden", "submit", "button", "reset", "image"}


def problems(html: str) -> list[str]:
    """Duplicate ids, unlabelled controls, and anything but one h1, in one page."""
    doc = lxml.html.fromstring(html)
    found = []
    ids = Counter(element.get("id") for element in doc.iter() if element.get("id"))
    found += [f"id {name!r} used {count} times" for name, count in ids.items() if count > 1]
    labelled = {label.get("for") for label in doc.iter("label") if label.get("for")}
    for control in doc.xpath("//input | //select | //textarea"):
        if control.tag == "input" and control.get("type", "text") in LABELLED_BY_THEMSELVES:
            continue
        if (control.get("id") in labelled or control.get("aria-label")
                or control.get("aria-labelledby") or control.xpath("ancestor::label")):
            continue
        found.append(f"unlabelled <{control.tag} name={control.get('name')!r}>")
    h1s = len(doc.xpath("//h1"))
    if h1s != 1:
        found.append(f"{h1s} h1 elements")
    return found


def test_the_checker_catches_what_it_is_for():
    page = ('<html><body><h1>A</h1><label for="password">P</label><input id="password">'
            '<input id="password" name="again"><select name="s"></select></body></html>')
    assert problems(page) == ["id 'password' used 2 times", "unlabelled <select name='s'>"]


def test_every_page_has_unique_ids_and_labelled_controls(app, client):
    from forum.jobs import run_pending
    from tests.browser.test_every_page import _paths
    load_demo()
    run_pending(limit=10_000)
    app.config["SPLIT_PER_PAGE"] = 1
    paths = _paths()
    response = client.post("/login", data={"email": "admin@demo.example",
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302
    failures = []
    for path in paths:
        page = client.get(path)
        if page.status_code not in (200, 404) or "html" not in page.content_type:
            continue
        failures += [f"{path}: {problem}" for problem in problems(page.get_data(as_text=True))]
    assert not failures, "\n".join(failures)
