"""First end-to-end checks: the app starts, serves public pages, guards private ones."""
from .factories import login, make_member, make_thread


def test_landing_page_offers_the_join_form(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Request to join" in response.data
    assert b'name="email"' in response.data


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert set(body["search"]) == {"ok", "documents", "detail"}  # reported, never fatal


def test_forum_requires_login(client):
    response = client.get("/forum")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_member_reads_a_thread(client):
    member = make_member()
    thread = make_thread(author=member, title="Menopause policy wording", body="How did you word it?")
    login(client, member)
    response = client.get(f"/threads/{thread.id}")
    assert response.status_code == 200
    assert b"Menopause policy wording" in response.data
    assert b"How did you word it?" in response.data
