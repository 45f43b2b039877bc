"""Membership journeys through the Flask test client, with real email over SMTP."""
import re

import pytest

from forum.accounts.models import User
from forum.extensions import db

from ..factories import PASSWORD, login, make_member, make_moderator, make_organisation
from ..mailbox import links_in, text_of

JOIN = {"name": "Aileen Smith", "email": "aileen@council.example", "job_role": "HR adviser",
        "reason": "To learn from other councils.", "organisation_id": "0",
        "new_organisation": "Fife Council", "sector": "public", "consent": "y"}


def path_of(link: str) -> str:
    return link.split("http://localhost", 1)[1]


def test_join_approve_set_password_and_log_in(client, app, mailbox):
    moderator = make_moderator()
    response = client.post("/join", data=JOIN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/join/received")
    assert b"What happens next" in client.get("/join/received").data
    assert mailbox.last_to(moderator.email)

    login(client, moderator)
    queue = client.get("/moderation/applications")
    assert b"Aileen Smith" in queue.data and b"To learn from other councils." in queue.data
    applicant = db.session.scalar(db.select(User).filter_by(email="aileen@council.example"))
    assert client.post(f"/moderation/applications/{applicant.id}/approve").status_code == 302
    client.post("/logout")

    link = [l for l in links_in(mailbox.last_to(applicant.email)) if "/password/set/" in l][0]
    assert client.get(path_of(link)).status_code == 200
    response = client.post(path_of(link), data={"password": "my new password", "confirm":
                                                "my new password"})
    assert response.status_code == 302
    assert client.get("/forum").status_code == 200
    client.post("/logout")
    assert client.post("/login", data={"email": "aileen@council.example",
                                       "password": "my new password"}).status_code == 302
    # The link is single-use.
    again = client.post(path_of(link), data={"password": "another password", "confirm":
                                             "another password"})
    assert again.status_code == 400 and b"already been used" in again.data
    # Opening a used link says so at once, with a way to ask for a new one (issue 18, 13).
    opened = client.get(path_of(link))
    assert opened.status_code == 400 and b"already been used" in opened.data
    assert b'href="/password/forgot"' in opened.data and b'type="password"' not in opened.data


def test_a_forged_or_expired_set_password_link_is_dead_at_once(client, app):
    from forum.accounts import tokens
    member = make_member()
    for token in ["nonsense", tokens.make_token(tokens.SET_PASSWORD, member) + "x"]:
        opened = client.get(f"/password/set/{token}")
        assert opened.status_code == 400 and b"Ask for a new link" in opened.data
    app.config["TOKEN_MAX_AGE_HOURS"] = 0
    import time
    token = tokens.make_token(tokens.SET_PASSWORD, member)
    time.sleep(1.1)
    assert client.get(f"/password/set/{token}").status_code == 400


def test_join_form_errors_are_listed_in_an_error_summary(client):
    response = client.post("/join", data={**JOIN, "name": "   ", "email": "not-an-email",
                                          "consent": ""})
    assert response.status_code == 422
    page = response.data.decode()
    assert "There is a problem" in page
    assert 'href="#name"' in page and "Enter your full name." in page
    assert "Enter an email address in the right format" in page
    assert "Agree to the privacy notice" in page
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


@pytest.mark.parametrize("field,value,message", [
    ("name", "x" * 81, "80 characters or fewer"),
    ("name", "\u202eevil", "text-direction"),
    ("name", "\u200b\u200b", "visible characters"),
    ("name", "bell\x07", "control characters"),
    ("reason", "y" * 2001, "2,000 characters"),
    ("new_organisation", "", "Choose your organisation"),
])
def test_join_refuses_bad_fields_without_writing(client, field, value, message):
    response = client.post("/join", data={**JOIN, field: value})
    assert response.status_code == 422
    assert message in response.data.decode()
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_join_reply_is_identical_for_members_and_newcomers(client, mailbox):
    make_member(email="known@org.example")
    known = client.post("/join", data={**JOIN, "email": "known@org.example"})
    fresh = client.post("/join", data={**JOIN, "email": "fresh@org.example"})
    assert known.status_code == fresh.status_code == 302
    assert known.headers["Location"] == fresh.headers["Location"]
    assert mailbox.last_to("known@org.example")


def test_decline_with_reason_emails_applicant(client, mailbox):
    moderator = make_moderator()
    client.post("/join", data=JOIN)
    applicant = db.session.scalar(db.select(User).filter_by(email=JOIN["email"]))
    login(client, moderator)
    empty = client.post(f"/moderation/applications/{applicant.id}/decline", data={"reason": ""})
    assert empty.status_code == 422 and b"Give a reason" in empty.data
    client.post(f"/moderation/applications/{applicant.id}/decline",
                data={"reason": "Please use your work address."})
    assert "Please use your work address." in text_of(mailbox.last_to(JOIN["email"]))
    assert b"There are no requests waiting." in client.get("/moderation/applications").data


def test_member_cannot_see_the_queue(client):
    login(client, make_member())
    assert client.get("/moderation/applications").status_code == 403


def test_moderator_invites_someone(client, mailbox):
    moderator = make_moderator()
    organisation = make_organisation()
    login(client, moderator)
    response = client.post("/moderation/invite", data={
        "name": "Invited Person", "email": "invitee@org.example",
        "organisation_id": str(organisation.id), "role": "member"})
    assert response.status_code == 302
    assert any("/password/set/" in l for l in links_in(mailbox.last_to("invitee@org.example")))


def _without_csrf_token(page):
    """The page with its CSRF tokens blanked: they carry a timestamp, so two pages
    rendered either side of a second's boundary differ there and nowhere else."""
    return re.sub(rb'(name="csrf[-_]token"[^>]*?(?:content|value)=")[^"]*', rb"\1", page)


def test_forgotten_password_page_says_the_same_for_unknown_addresses(client, mailbox):
    member = make_member()
    known = client.post("/password/forgot", data={"email": member.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@org.example"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf_token(known.data.replace(member.email.encode(), b"X")) == \
        _without_csrf_token(unknown.data.replace(b"nobody@org.example", b"X"))
    assert len(mailbox.messages) == 1
    link = links_in(mailbox.last_to(member.email))[0]
    response = client.post(path_of(link), data={"password": "brand new password",
                                                "confirm": "brand new password"})
    assert response.status_code == 302


def test_changing_password_ends_other_sessions(app):
    member = make_member()
    first, second = app.test_client(), app.test_client()
    login(first, member)
    login(second, member)
    response = first.post("/account/password", data={
        "current": PASSWORD, "password": "a different password", "confirm":
        "a different password"})
    assert response.status_code == 302
    assert first.get("/forum").status_code == 200
    assert second.get("/forum").status_code == 302  # logged out


def test_change_password_with_wrong_current_password(client):
    login(client, make_member())
    response = client.post("/account/password", data={
        "current": "wrong", "password": "a different password", "confirm": "a different password"})
    assert response.status_code == 422 and b"current password is not right" in response.data


def test_change_email_by_confirmation_link(client, mailbox):
    member = make_member(email="before@org.example")
    login(client, member)
    client.post("/account/email", data={"email": "after@org.example", "password": PASSWORD})
    link = links_in(mailbox.last_to("after@org.example"))[0]
    assert client.get(path_of(link)).status_code == 302
    assert db.session.get(User, member.id).email == "after@org.example"


def test_profile_edit_and_hidden_profiles(client):
    member = make_member(display_name="Visible Vera")
    other = make_member(display_name="Hidden Hamish", profile_visible=False)
    login(client, member)
    assert b"Hidden Hamish" not in client.get("/directory").data
    assert client.get(f"/members/{other.id}").status_code == 404
    assert client.get(f"/members/{other.id}/edit").status_code == 404
    response = client.post(f"/members/{member.id}/edit", data={
        "display_name": "Vera S", "job_role": "Equality lead", "organisation_id":
        str(member.organisation_id), "bio": "Hello", "profile_visible": "y"})
    assert response.status_code == 302
    assert b"Vera S" in client.get("/directory").data


def test_suspended_member_loses_access_at_once(app):
    moderator = make_moderator()
    member = make_member()
    member_client, moderator_client = app.test_client(), app.test_client()
    login(member_client, member)
    login(moderator_client, moderator)
    refused = moderator_client.post(f"/moderation/members/{member.id}/suspend")
    assert refused.status_code == 422 and b"Give a reason" in refused.data  # a reason is due
    assert member_client.get("/forum").status_code == 200
    moderator_client.post(f"/moderation/members/{member.id}/suspend",
                          data={"reason": "Repeated personal attacks."})
    assert member_client.get("/forum").status_code == 302
    response = member_client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert b"suspended" in response.data and b"Repeated personal attacks." in response.data


@pytest.mark.parametrize("path", ["/forum", "/directory", "/account", "/members/1",
                                  "/categories/1", "/threads/1", "/posts/1/edit",
                                  "/moderation/applications", "/admin/categories"])
def test_private_pages_need_a_login(client, path):
    make_member()
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_does_not_redirect_offsite(client):
    member = make_member()
    response = client.post("/login?next=//evil.example/x", data={
        "email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/forum"
