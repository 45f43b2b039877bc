"""`next` is never an open redirect and never a 500 (issue 18, item 10): hostile values
through login, logout and every form that goes on to a `next` address."""
import pytest

from forum.urls import same_site_path

from .factories import PASSWORD, login, make_category, make_member

HOSTILE = [
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example",
    "\\\\evil.example", "/\\/evil.example", "/\t/evil.example", "/%09/evil.example",
    "/\n/evil.example", "/%0a/evil.example", "/\r/evil.example", "/%0d/evil.example",
    "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
    "/%5c%5cevil.example", "/%252F%252Fevil.example", "https://evil.example",
    "http:evil.example", "https:/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>", "evil.example", ".evil.example",
    "@evil.example", "/path%0D%0ASet-Cookie%3A%20x%3D1", "/path\r\nSet-Cookie: x=1",
    "/path%0ALocation:%20https://evil.example", "/\x00/evil.example", "/%00/evil.example",
    "/" + "a" * 600, " //evil.example", "\t//evil.example", "/\x7f/evil.example",
    "/\u3000/evil.example".replace("\u3000", "\x1b"),
]
SAFE = ["/forum", "/threads/1?page=2", "/search?q=pay%20gap", "/questions#answers", "/"]


@pytest.mark.parametrize("target", HOSTILE)
def test_no_hostile_value_counts_as_a_same_site_path(target):
    assert same_site_path(target) is None


@pytest.mark.parametrize("target", SAFE)
def test_ordinary_paths_are_kept(target):
    assert same_site_path(target) == target


def _location_is_ours(response) -> bool:
    location = response.headers.get("Location", "")
    return location.startswith("/") and not location.startswith("//") and \
        "evil" not in location and "\r" not in location and "\n" not in location


def test_login_never_sends_anyone_elsewhere(app, client):
    from urllib.parse import quote
    member = make_member()
    failures = []
    for target in HOSTILE:
        fresh = app.test_client()
        response = fresh.post(f"/login?next={quote(target, safe='')}",
                              data={"email": member.email, "password": PASSWORD})
        if response.status_code != 302 or not _location_is_ours(response):
            failures.append((target, response.status_code, response.headers.get("Location")))
        fresh.post("/logout")
    assert not failures


def test_forms_with_next_never_send_anyone_elsewhere(app, client):
    member = make_member()
    category = make_category()
    login(client, member)
    failures = []
    for target in HOSTILE:
        for path in (f"/notifications/watch/category/{category.id}",
                     f"/notifications/unwatch/category/{category.id}"):
            response = client.post(path, data={"next": target})
            if response.status_code != 302 or not _location_is_ours(response):
                failures.append((path, target, response.status_code))
    assert not failures


def test_logout_goes_to_the_login_page(app, client):
    login(client, make_member())
    response = client.post("/logout?next=//evil.example", data={"next": "//evil.example"})
    assert response.status_code == 302 and _location_is_ours(response)
