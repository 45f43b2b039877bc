"""Starting conversations is rate-limited per member (CONVERSATION_RATE_LIMIT); replies
are not counted against it, and another member on the same address has their own limit."""
import pytest
from sqlalchemy import func, select

from forum.conversations.models import Conversation
from forum.extensions import db

from .test_views import csrf, login


@pytest.fixture
def app_config(app_config):
    app_config.update(RATELIMIT_ENABLED=True, CONVERSATION_RATE_LIMIT="2 per hour",
                      WTF_CSRF_ENABLED=True)
    return app_config


def _start(client, to, n):
    return client.post("/messages/new", data={
        "csrf_token": csrf(client), "to": str(to.id), "subject": f"Subject {n}",
        "body": "Hi"}).status_code


def test_starting_conversations_is_rate_limited_per_member(app, client, fiona, raj, grace):
    login(client, fiona)
    assert [_start(client, raj, n) for n in range(3)] == [302, 302, 429]
    assert db.session.scalar(select(func.count(Conversation.id))) == 2
    conversation = db.session.scalar(select(Conversation).limit(1))
    assert client.post(f"/messages/{conversation.id}/reply", data={
        "csrf_token": csrf(client), "body": "More"}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, grace)  # same address, another member
    assert _start(client, raj, 9) == 302
