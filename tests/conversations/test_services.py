"""Conversation rules without HTTP: starting, replying, adding, leaving, unread counts,
limits, blocks, "known members only", suspended members, the policy and its query twin."""
import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from forum.conversations import services
from forum.conversations.models import Conversation, ConversationMessage
from forum.extensions import db
from forum.permissions import Action, can, visible
from forum.validation import DomainError

from ..factories import make_member, make_moderator, make_user
from .factories import make_conversation


def test_starting_a_conversation_makes_participants_and_a_first_message(fiona, raj):
    conversation = make_conversation(fiona, raj, subject="  Survey   questions ", body="**Hi**")
    assert conversation.subject == "Survey questions"
    assert [p.user for p in conversation.active_participants] == [fiona, raj]
    [message] = conversation.messages
    assert message.number == 1 and message.author == fiona
    assert message.body_html == "<p><strong>Hi</strong></p>"


def test_markdown_is_sanitised_like_posts(fiona, raj):
    conversation = make_conversation(fiona, raj, body="<script>alert(1)</script>[x](javascript:alert(1))")
    html = conversation.messages[0].body_html
    # Shown as text, never as a tag or a link (raw HTML is escaped, not dropped).
    assert "<script" not in html and "href" not in html and "&lt;script&gt;" in html


def test_unread_counts_follow_messages_and_reading(fiona, raj):
    conversation = make_conversation(fiona, raj)
    services.reply(fiona, conversation, body="Second")
    [(row_raj)], _ = services.inbox(raj)
    assert row_raj.unread == 2 and row_raj.others == [fiona]
    [(row_fiona)], _ = services.inbox(fiona)
    assert row_fiona.unread == 0  # your own messages are read
    services.mark_read(raj, conversation)
    [(row_raj)], _ = services.inbox(raj)
    assert row_raj.unread == 0


def test_inbox_is_newest_activity_first(fiona, raj, grace):
    older = make_conversation(fiona, raj, subject="Older one")
    newer = make_conversation(fiona, grace, subject="Newer one")
    rows, _ = services.inbox(fiona)
    assert [r.conversation for r in rows] == [newer, older]
    services.reply(raj, older, body="Bump")
    rows, _ = services.inbox(fiona)
    assert [r.conversation for r in rows] == [older, newer]


def test_body_and_subject_limits_are_the_posts_limits(fiona, raj):
    with pytest.raises(DomainError, match="50,000 characters"):
        make_conversation(fiona, raj, body="x" * 50_001)
    with pytest.raises(DomainError, match="between 3 and 200"):
        make_conversation(fiona, raj, subject="x")
    with pytest.raises(DomainError, match="Enter your message"):
        make_conversation(fiona, raj, body="   ")
    assert db.session.scalar(select(Conversation)) is None  # nothing half-written


def test_at_most_the_configured_number_of_participants(app, fiona):
    app.config["CONVERSATION_MAX_PARTICIPANTS"] = 3
    others = [make_member() for _ in range(3)]
    with pytest.raises(DomainError, match="at most 3 participants"):
        make_conversation(fiona, *others)
    conversation = make_conversation(fiona, *others[:2])
    with pytest.raises(DomainError, match="at most 3 participants"):
        services.add_participants(fiona, conversation, [others[2]])


def test_cannot_write_only_to_yourself(fiona):
    with pytest.raises(DomainError, match="at least one member"):
        make_conversation(fiona, fiona)


def test_a_participant_adds_someone_who_then_sees_everything(fiona, raj, grace):
    conversation = make_conversation(fiona, raj)
    assert not can(grace, Action.VIEW, conversation)
    services.add_participants(raj, conversation, [grace])
    assert can(grace, Action.VIEW, conversation)
    assert can(grace, Action.VIEW, conversation.messages[0])


def test_leaving_hides_the_conversation_and_stops_sending(fiona, raj):
    conversation = make_conversation(fiona, raj)
    services.leave(raj, conversation)
    assert not can(raj, Action.VIEW, conversation)
    assert services.inbox(raj)[0] == []
    with pytest.raises(NotFound):
        services.reply(raj, conversation, body="Still here?")
    services.add_participants(fiona, conversation, [raj])  # added back: sees it again
    assert can(raj, Action.VIEW, conversation)


def test_outsiders_and_moderators_cannot_see_a_conversation(fiona, raj):
    conversation = make_conversation(fiona, raj)
    for outsider in (make_member(), make_moderator(), make_user("admin")):
        assert not can(outsider, Action.VIEW, conversation)
        assert not can(outsider, Action.VIEW, conversation.messages[0])
        with pytest.raises(NotFound):
            services.reply(outsider, conversation, body="Hello")


def test_a_suspended_participant_cannot_send_and_their_messages_stay(fiona, raj):
    conversation = make_conversation(fiona, raj)
    services.reply(raj, conversation, body="From Raj")
    raj.status = "suspended"
    db.session.commit()
    assert not can(raj, Action.VIEW, conversation)
    with pytest.raises(NotFound):
        services.reply(raj, conversation, body="Another")
    with pytest.raises((Forbidden, NotFound)):
        make_conversation(raj, fiona)
    assert [m.body_source for m in conversation.messages] == ["Hello there.", "From Raj"]
    assert can(fiona, Action.VIEW, conversation)


def test_cannot_start_a_conversation_with_a_suspended_member(fiona, raj):
    raj.status = "suspended"
    db.session.commit()
    with pytest.raises(DomainError, match="cannot start a conversation with Raj"):
        make_conversation(fiona, raj)


def test_a_blocked_member_cannot_start_a_conversation_or_add_the_blocker(fiona, raj, grace):
    services.set_blocked(fiona, raj, True)
    with pytest.raises(DomainError, match="cannot start a conversation with Fiona"):
        make_conversation(raj, fiona)
    conversation = make_conversation(raj, grace)
    with pytest.raises(DomainError, match="cannot start a conversation with Fiona"):
        services.add_participants(raj, conversation, [fiona])
    make_conversation(fiona, grace)  # the blocker may still write to others
    services.set_blocked(fiona, raj, False)
    make_conversation(raj, fiona)


def test_blocking_hides_existing_conversations_from_the_blockers_inbox(fiona, raj, grace):
    with_raj = make_conversation(fiona, raj, subject="With Raj")
    with_grace = make_conversation(fiona, grace, subject="With Grace")
    services.set_blocked(fiona, raj, True)
    assert [r.conversation for r in services.inbox(fiona)[0]] == [with_grace]
    assert [r.conversation for r in services.inbox(raj)[0]] == [with_raj]  # not theirs
    services.set_blocked(fiona, raj, False)
    assert len(services.inbox(fiona)[0]) == 2


def test_members_cannot_block_themselves_or_moderators(fiona):
    with pytest.raises(Forbidden):
        services.set_blocked(fiona, fiona, True)
    with pytest.raises(Forbidden):
        services.set_blocked(fiona, make_moderator(), True)


def test_known_only_refuses_strangers_but_not_people_already_talked_to(fiona, raj, grace):
    make_conversation(raj, fiona)
    services.save_settings(fiona, known_only=True)
    make_conversation(raj, fiona, subject="Again")  # talked before
    with pytest.raises(DomainError, match="cannot start a conversation with Fiona"):
        make_conversation(grace, fiona)
    make_conversation(make_moderator(), fiona)  # moderators can always reach a member


def test_members_named_by_name_or_email_and_never_guessed(fiona, raj):
    assert services.members_named(f"raj patel, {fiona.email.upper()}") == [raj, fiona]
    make_member(display_name="Raj Patel")
    with pytest.raises(DomainError, match="More than one member is called"):
        services.members_named("Raj Patel")
    with pytest.raises(DomainError, match="No active member is called"):
        services.members_named("Nobody Here")


def test_message_numbers_are_sequential(fiona, raj):
    conversation = make_conversation(fiona, raj)
    for n in range(3):
        services.reply(raj if n % 2 else fiona, conversation, body=f"n{n}")
    numbers = db.session.scalars(select(ConversationMessage.number).where(
        ConversationMessage.conversation_id == conversation.id).order_by(
        ConversationMessage.number))
    assert list(numbers) == [1, 2, 3, 4] and conversation.message_count == 4


@pytest.mark.parametrize("who", ["starter", "other", "left", "outsider", "moderator",
                                 "suspended"])
def test_the_query_twin_agrees_with_the_rule(fiona, raj, grace, who):
    """`visible` returns exactly the conversations and messages `can` allows, for
    participants, someone who left, outsiders, a moderator and a suspended participant."""
    left, suspended = make_member(), make_member()
    conversation = make_conversation(fiona, raj, left, suspended)
    make_conversation(grace, make_member(), subject="Someone else's")
    services.leave(left, conversation)
    suspended.status = "suspended"
    db.session.commit()
    viewer = {"starter": fiona, "other": raj, "left": left, "outsider": grace,
              "moderator": make_moderator(), "suspended": suspended}[who]
    for model in (Conversation, ConversationMessage):
        rows = list(db.session.scalars(select(model)))
        allowed = {row.id for row in rows if can(viewer, Action.VIEW, row)}
        found = set(db.session.scalars(select(model.id).where(visible(viewer, model))))
        assert found == allowed, model.__name__
    expected = {"starter": 1, "other": 1, "outsider": 1}.get(who, 0)
    assert len(set(db.session.scalars(select(Conversation.id).where(
        visible(viewer, Conversation))))) == expected
