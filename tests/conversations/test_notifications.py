"""New private messages notify the other active participants (not the sender), through
the notifications domain: the header count, the list, email without a Reply-To, and the
delivery-time checks (left the conversation, blocked the sender)."""
from forum.conversations import services
from forum.extensions import db
from forum.notifications import services as notifications
from forum.notifications.messages import describe
from forum.permissions import Action, can

from ..factories import login
from ..notifications.helpers import notifications_of, run_jobs
from .factories import make_conversation


def test_a_new_message_notifies_the_others_and_not_the_sender(fiona, raj, grace):
    conversation = make_conversation(fiona, raj, grace, subject="Safe leave", body="Hello all")
    assert notifications_of(fiona) == []
    [to_raj] = notifications_of(raj, kind="message")
    [to_grace] = notifications_of(grace, kind="message")
    assert to_raj.conversation_id == conversation.id == to_grace.conversation_id
    assert to_raj.actor_id == fiona.id
    services.reply(raj, conversation, body="Reply from Raj")
    assert len(notifications_of(fiona)) == 1 and len(notifications_of(raj)) == 1
    assert len(notifications_of(grace)) == 2


def test_the_notification_says_who_and_where_and_links_to_the_message(app, fiona, raj):
    conversation = make_conversation(fiona, raj, subject="Survey questions",
                                     body="Could you **share** them?")
    [notification] = notifications_of(raj)
    with app.test_request_context():
        message = describe(notification, raj)
        assert message.headline == "Fiona Campbell sent you a private message in “Survey questions”"
        assert message.excerpt == "Could you share them?"
        assert message.url == f"/messages/{conversation.id}#message-1"


def test_the_header_count_covers_messages(fiona, raj, client):
    make_conversation(fiona, raj)
    assert notifications.unread_count(raj) == 1
    login(client, raj)
    page = client.get("/messages").get_data(as_text=True)
    header = page[page.index('class="nav-notifications"'):page.index('class="nav-messages"')]
    assert '<span class="badge badge-count">1<span class="visually-hidden"> unread' in header


def test_the_email_has_no_reply_to(app, mailbox, fiona, raj):
    make_conversation(fiona, raj, subject="Private subject", body="Private body")
    run_jobs(app)
    email = mailbox.last_to(raj.email)
    assert "Private subject" in email["Subject"]
    assert email["Reply-To"] is None and email["List-Unsubscribe"]
    assert mailbox.to(fiona.email) == []


def test_no_delivery_after_leaving_or_blocking_the_sender(app, mailbox, fiona, raj, grace):
    conversation = make_conversation(fiona, raj, grace)
    run_jobs(app)
    mailbox.clear()
    services.reply(fiona, conversation, body="Second")
    services.leave(raj, conversation)  # before the email goes
    services.set_blocked(grace, fiona, True)
    run_jobs(app)
    assert mailbox.to(raj.email) == [] and mailbox.to(grace.email) == []
    for member in (raj, grace):
        db.session.expire_all()
        assert all(not can(member, Action.VIEW, n) for n in notifications_of(member))
        assert notifications.unread_count(member) == 0
    services.set_blocked(grace, fiona, False)
    assert notifications.unread_count(grace) == 2


def test_the_email_goes_to_the_recipient_and_links_to_the_conversation(app, mailbox, fiona, raj):
    conversation = make_conversation(fiona, raj)
    run_jobs(app)
    from ..mailbox import text_of
    assert f"http://localhost/messages/{conversation.id}#message-1" in text_of(
        mailbox.last_to(raj.email))
