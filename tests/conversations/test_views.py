"""Conversation pages through the test client with CSRF on: the journey from a profile's
"Message" link to a reply, 404 on every conversation URL for anyone but its participants,
blocking, the rate limit on starting, and hostile input."""
import re

import pytest
from sqlalchemy import func, select

from forum.conversations import services
from forum.conversations.models import Conversation
from forum.extensions import db

from ..factories import PASSWORD, make_member, make_moderator, make_thread, make_user
from .factories import make_conversation


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def csrf(client, path="/messages"):
    page = client.get(path)
    return re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()


def login(client, user):
    """Log in through the real form, with its CSRF token."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf(client, "/login")})
    assert response.status_code == 302


def conversations_count() -> int:
    return db.session.scalar(select(func.count(Conversation.id)))


def test_from_a_profile_to_a_conversation_and_a_reply(client, fiona, raj):
    login(client, fiona)
    profile = client.get(f"/members/{raj.id}").get_data(as_text=True)
    assert f'href="/messages/new?to={raj.id}"' in profile
    form = client.get(f"/messages/new?to={raj.id}").get_data(as_text=True)
    assert "Raj Patel" in form and form.count("<h1") == 1
    response = client.post("/messages/new", data={
        "csrf_token": csrf(client), "to": str(raj.id), "recipients": "",
        "subject": "Survey questions", "body": "Could you *share* them?"})
    assert response.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert response.headers["Location"].endswith(f"/messages/{conversation.id}")
    page = client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert "<em>share</em>" in page and page.count("<h1") == 1
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, raj)
    inbox = client.get("/messages").get_data(as_text=True)
    assert "Survey questions" in inbox and 'badge-count">1<' in inbox
    response = client.post(f"/messages/{conversation.id}/reply",
                           data={"csrf_token": csrf(client), "body": "Here they are."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#message-2")
    assert "Here they are." in client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    inbox = client.get("/messages").get_data(as_text=True)
    assert 'badge-count">' not in inbox.split('class="conversation-list"')[1]


def test_message_links_on_the_directory_and_post_bylines(client, fiona, raj):
    thread = make_thread(author=raj, title="Flexible working")
    login(client, fiona)
    assert f"/messages/new?to={raj.id}" in client.get("/directory").get_data(as_text=True)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f"/messages/new?to={raj.id}" in page
    assert f"/messages/new?to={fiona.id}" not in page  # not to yourself


def test_a_posted_form_without_a_token_is_refused(client, fiona, raj):
    login(client, fiona)
    response = client.post("/messages/new", data={"to": str(raj.id), "subject": "Hello there",
                                                  "body": "Hi"})
    assert response.status_code in (400, 422) and conversations_count() == 0


@pytest.mark.parametrize("data,message", [
    ({"subject": "x"}, "between 3 and 200"),
    ({"body": "x" * 50_001}, "50,000 characters"),
    ({"body": ""}, "Enter your message"),
    ({"subject": "\u202eevil"}, "text-direction"),
    ({"to": "", "recipients": ""}, "at least one member"),
    ({"to": "", "recipients": "Nobody At All"}, "No active member is called"),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_written(client, fiona, raj, data,
                                                               message):
    login(client, fiona)
    values = {"csrf_token": csrf(client), "to": str(raj.id), "recipients": "",
              "subject": "Safe leave", "body": "Hello"}
    values.update(data)
    response = client.post("/messages/new", data=values)
    assert response.status_code == 422, response.status_code
    assert message in response.get_data(as_text=True)
    assert conversations_count() == 0


def _urls(conversation, member):
    return [("get", f"/messages/{conversation.id}"),
            ("post", f"/messages/{conversation.id}/reply"),
            ("post", f"/messages/{conversation.id}/people"),
            ("post", f"/messages/{conversation.id}/leave")]


@pytest.mark.parametrize("who", ["outsider", "moderator", "admin", "left", "suspended"])
def test_every_conversation_url_is_a_404_for_non_participants(client, fiona, raj, who):
    other = make_member()
    conversation = make_conversation(fiona, raj, other)
    viewer = {"outsider": make_member(), "moderator": make_moderator(),
              "admin": make_user("admin"), "left": other, "suspended": raj}[who]
    if who == "left":
        services.leave(other, conversation)
    login(client, viewer)
    token = csrf(client)
    if who == "suspended":
        raj.status = "suspended"
        db.session.commit()
    for method, url in _urls(conversation, viewer):
        data = {"csrf_token": token, "body": "Let me in", "recipients": viewer.display_name}
        response = client.get(url) if method == "get" else client.post(url, data=data)
        if who == "suspended":  # logged out at the next request, so to the login page
            assert response.status_code in (302, 404), (url, response.status_code)
        else:
            assert response.status_code == 404, (url, response.status_code)
    assert len(conversation.messages) == 1


def test_a_blocked_member_cannot_reach_the_blocker(client, fiona, raj):
    login(client, fiona)
    assert client.get(f"/messages/block/{raj.id}").status_code == 200
    assert client.post(f"/messages/block/{raj.id}",
                       data={"csrf_token": csrf(client)}).status_code == 302
    assert "Raj Patel" in client.get("/messages/settings").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, raj)
    response = client.post("/messages/new", data={
        "csrf_token": csrf(client), "to": str(fiona.id), "subject": "Hello Fiona",
        "body": "Hi"})
    assert response.status_code == 422
    assert "You cannot start a conversation with Fiona Campbell" in response.get_data(
        as_text=True)
    assert conversations_count() == 0


def test_adding_and_leaving_through_the_pages(client, fiona, raj, grace):
    conversation = make_conversation(fiona, raj)
    login(client, fiona)
    response = client.post(f"/messages/{conversation.id}/people", data={
        "csrf_token": csrf(client), "recipients": "Grace Okafor"})
    assert response.status_code == 302
    assert "Grace Okafor" in client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    response = client.post(f"/messages/{conversation.id}/leave",
                           data={"csrf_token": csrf(client)})
    assert response.status_code == 302
    assert client.get(f"/messages/{conversation.id}").status_code == 404


def test_the_settings_page_saves_known_only(client, fiona):
    login(client, fiona)
    response = client.post("/messages/settings", data={"csrf_token": csrf(client),
                                                       "known_only": "y"})
    assert response.status_code == 302
    assert services.settings_for(fiona).known_only is True
