"""With the database unreachable, every request gets the forum's own accessible 503 page,
rendered without touching the database, with Retry-After and the security headers
(issue 18, item 3); when the database answers again, so does the forum."""
import pytest
import sqlalchemy as sa

from forum.extensions import db

from .factories import login, make_member, make_thread


@pytest.fixture
def outage(app, monkeypatch):
    """Make every new database connection fail the way a stopped server does."""
    state = {"down": False}
    original = db.engine.pool._creator

    def connect(*args, **kwargs):
        if state["down"]:
            raise sa.exc.OperationalError("connect", {}, Exception("connection refused"))
        return original(*args, **kwargs)

    def go_down():
        state["down"] = True
        db.session.remove()
        db.engine.dispose()  # open connections go too, as when the server stops

    monkeypatch.setattr(db.engine.pool, "_creator", connect)
    yield go_down, lambda: state.update(down=False)
    state["down"] = False


def _is_the_unavailable_page(response):
    page = response.get_data(as_text=True)
    return (response.status_code == 503 and response.headers.get("Retry-After")
            and "Content-Security-Policy" in response.headers
            and response.headers.get("X-Content-Type-Options") == "nosniff"
            and page.count("<h1") == 1 and "<main" in page and 'lang="en-GB"' in page
            and "Traceback" not in page)


def test_every_kind_of_request_gets_the_503_page_then_recovers(app, client, outage):
    go_down, come_back = outage
    member = make_member()
    thread_id, email = make_thread(author=member).id, member.email
    login(client, member)
    anonymous = app.test_client()
    go_down()
    # (GET /login needs no database for a visitor, so it rightly still works.)
    for who, path in [(client, "/forum"), (client, f"/threads/{thread_id}"), (client, "/search?q=x"),
                      (anonymous, "/"), (client, "/no-such-page")]:
        response = who.get(path)
        assert _is_the_unavailable_page(response), (path, response.status_code)
    response = client.post(f"/threads/{thread_id}/reply", data={"body": "During the outage."})
    assert _is_the_unavailable_page(response)
    response = anonymous.post("/login", data={"email": email, "password": "x"})
    assert _is_the_unavailable_page(response)
    assert client.get("/healthz").status_code == 503
    come_back()
    assert client.get(f"/threads/{thread_id}").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_500_page_never_needs_the_database_either(app, client, outage):
    """A bug while the database is down: the 500 page itself must not need it."""
    go_down, _ = outage
    login(client, make_member())
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 handler runs
    app.view_functions["accounts.privacy"] = lambda: (go_down(), 1 / 0)
    response = client.get("/privacy")
    assert response.status_code in (500, 503)
    assert "Traceback" not in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_a_missing_table_is_a_bug_not_an_outage(app, client):
    """Only the database being unreachable is a 503; a broken query is a 500."""
    from forum.web.hooks import database_unreachable
    missing = sa.exc.OperationalError("SELECT * FROM nope", {}, Exception("no such table: nope"))
    refused = sa.exc.OperationalError(None, None, Exception(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
        "Connection refused"))
    locked = sa.exc.OperationalError("UPDATE thread", {}, Exception("database is locked"))
    assert not database_unreachable(missing)
    assert database_unreachable(refused) and database_unreachable(locked)
