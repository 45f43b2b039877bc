"""Reporting a private message: any other participant may; the report goes to the
moderators' queue; only through that open report may a moderator read the conversation,
and every reading is in the audit log. Resolved: private again."""
import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from forum.extensions import db
from forum.moderation import audit
from forum.moderation import services as moderation
from forum.moderation.models import AuditEntry, Report
from forum.conversations import services

from ..factories import make_member, make_moderator
from .factories import make_conversation
from .test_views import csrf, login


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


@pytest.fixture
def reported(fiona, raj):
    conversation = make_conversation(fiona, raj, subject="Awkward", body="Something unkind")
    message = conversation.messages[0]
    report = moderation.file_report(raj, message, "This is harassment.")
    return conversation, message, report


def test_a_participant_reports_a_message_through_the_page(client, fiona, raj):
    conversation = make_conversation(fiona, raj, body="Something unkind")
    message = conversation.messages[0]
    login(client, raj)
    page = client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert f"/report/message/{message.id}" in page
    assert "Something unkind" in client.get(f"/report/message/{message.id}").get_data(
        as_text=True)
    response = client.post(f"/report/message/{message.id}", data={
        "csrf_token": csrf(client), "reason": "Unkind."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/messages/{conversation.id}#message-1")
    [report] = db.session.scalars(select(Report))
    assert (report.target_type, report.target_id, report.reporter_id) == (
        "message", message.id, raj.id)


def test_only_other_participants_may_report(fiona, raj):
    conversation = make_conversation(fiona, raj)
    message = conversation.messages[0]
    with pytest.raises(Forbidden):
        moderation.file_report(fiona, message, "My own")  # may see it, may not report it
    with pytest.raises(NotFound):
        moderation.file_report(make_member(), message, "Not mine to see")


def test_the_report_is_in_the_queue_and_the_conversation_is_read_through_it(client, reported):
    conversation, message, report = reported
    moderator = make_moderator()
    login(client, moderator)
    assert client.get(f"/messages/{conversation.id}").status_code == 404  # not otherwise
    queue = client.get("/moderation/reports").get_data(as_text=True)
    assert "A private message" in queue
    detail = client.get(f"/moderation/reports/{report.id}").get_data(as_text=True)
    assert "Something unkind" in detail
    assert f"/moderation/reports/{report.id}/conversation" in detail
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "conversation.read_by_moderator")) is None
    page = client.get(f"/moderation/reports/{report.id}/conversation")
    assert page.status_code == 200 and "Awkward" in page.get_data(as_text=True)
    client.get(f"/moderation/reports/{report.id}/conversation")
    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "conversation.read_by_moderator")))
    assert len(entries) == 2  # every reading
    entry = entries[0]
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        moderator.id, "conversation", conversation.id)
    assert entry.details["event"]["report"] == f"report:{report.id}"
    assert "Awkward" not in entry.target_label  # the subject stays out of the log


def test_a_resolved_report_no_longer_opens_the_conversation(client, reported):
    conversation, message, report = reported
    moderator = make_moderator()
    moderation.resolve_report(moderator, report, "Spoke to the member.")
    login(client, moderator)
    assert client.get(f"/moderation/reports/{report.id}/conversation").status_code == 404
    detail = client.get(f"/moderation/reports/{report.id}").get_data(as_text=True)
    assert "Something unkind" not in detail
    with pytest.raises(NotFound):
        moderation.read_reported_conversation(moderator, report)


def test_members_cannot_use_the_moderator_route(client, reported, fiona):
    conversation, message, report = reported
    login(client, fiona)  # a participant, but not a moderator
    assert client.get(f"/moderation/reports/{report.id}/conversation").status_code in (403, 404)
    assert db.session.scalar(select(AuditEntry)) is None


def test_taking_part_in_conversations_is_not_moderation(fiona):
    """A moderator starting or writing in a conversation leaves no audit entry."""
    moderator = make_moderator()
    conversation = make_conversation(moderator, fiona)
    services.reply(moderator, conversation, body="More")
    services.add_participants(moderator, conversation, [make_member()])
    services.leave(moderator, conversation)
    assert audit.entries()[0] == []
