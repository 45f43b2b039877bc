"""Sessions end when they should (issue 18, item 1): after logout every cookie of that
session is refused, the remember-me cookie included; "Log out everywhere" ends them all;
suspension and password changes end them at once; remember-me lasts REMEMBER_DAYS."""
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest

from forum.accounts import services
from forum.extensions import db

from ..factories import PASSWORD, make_member, make_moderator, make_thread


def _log_in(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def _cookies(client) -> dict:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _replay(app, cookies: dict):
    """A fresh client (another browser, an attacker) carrying the given cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _is_member(client) -> bool:
    return client.get("/account").status_code == 200


def test_logout_refuses_the_old_session_cookie(app, client):
    member = make_member()
    thread = make_thread()
    _log_in(client, member)
    stolen = _cookies(client)
    assert "session" in stolen and _is_member(_replay(app, stolen))
    client.post("/logout")
    replayed = _replay(app, stolen)
    assert not _is_member(replayed)
    response = replayed.post(f"/threads/{thread.id}/reply", data={"body": "Replayed reply."})
    assert response.status_code in (302, 401, 403) and "/login" in response.headers.get(
        "Location", "/login")
    db.session.expire_all()
    assert thread.post_count == 1


def test_logout_refuses_the_remember_cookie_alone(app, client):
    member = make_member()
    _log_in(client, member, remember=True)
    remember = _cookies(client).get("remember_token")
    assert remember, "remember me sets its cookie"
    assert _is_member(_replay(app, {"remember_token": remember}))
    client.post("/logout")
    assert not _is_member(_replay(app, {"remember_token": remember}))


def test_log_out_everywhere_ends_every_session(app, client):
    member = make_member()
    phone, laptop = app.test_client(), app.test_client()
    _log_in(phone, member, remember=True)
    _log_in(laptop, member)
    phone_cookies = _cookies(phone)
    response = laptop.post("/account/logout-everywhere")
    assert response.status_code == 302
    assert not _is_member(laptop)
    assert not _is_member(phone)
    assert not _is_member(_replay(app, phone_cookies))
    assert not _is_member(_replay(app, {"remember_token": phone_cookies["remember_token"]}))
    _log_in(laptop, member)  # logging in again works
    assert _is_member(laptop)


def test_suspension_ends_every_session_and_reinstating_does_not_revive_them(app, client):
    member = make_member()
    _log_in(client, member, remember=True)
    cookies = _cookies(client)
    services.set_suspended(make_moderator(), member, True, reason="Testing")
    assert not _is_member(client)
    services.set_suspended(make_moderator(), member, False)
    assert not _is_member(_replay(app, cookies))
    assert not _is_member(_replay(app, {"remember_token": cookies["remember_token"]}))


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, client):
    member = make_member()
    other = app.test_client()
    _log_in(client, member)
    _log_in(other, member)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": "a-brand-new-passphrase", "confirm": "a-brand-new-passphrase"})
    assert response.status_code == 302
    assert _is_member(client)
    assert not _is_member(other)


def test_remember_me_lasts_the_configured_days(app, client):
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=30)
    member = make_member()
    response = _log_in(client, member, remember=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("remember_token="))
    parsed = SimpleCookie(cookie)["remember_token"]
    assert int(parsed["max-age"] or 0) == 30 * 86400 or parsed["expires"]


def test_a_session_older_than_the_remember_limit_is_refused(app, client):
    from forum.accounts.models import LoginSession
    member = make_member()
    _log_in(client, member, remember=True)
    row = db.session.scalars(db.select(LoginSession).where(
        LoginSession.user_id == member.id)).one()
    row.created_at = row.created_at - timedelta(days=app.config["REMEMBER_DAYS"] + 1)
    db.session.commit()
    assert not _is_member(client)


@pytest.mark.parametrize("value", ["1", "1:abc", f"1:{'0' * 16}:nope", "x:y:z", ""])
def test_forged_session_ids_are_refused(app, client, value):
    make_member()
    with client.session_transaction() as session:
        session["_user_id"] = value
        session["_fresh"] = True
    assert not _is_member(client)


def test_the_account_page_offers_log_out_everywhere(app, client):
    _log_in(client, make_member())
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/logout-everywhere"' in page and "30 days" in page
