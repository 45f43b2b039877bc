"""Who may see a conversation (its active participants: each rule beside its query twin),
send in it, add people, leave, start one with a member and block a member.

Nobody else sees a conversation, moderators included: a moderator reads one only through
an open report of one of its messages (forum/moderation, audited). A member who left no
longer sees it; a suspended member sees nothing (the policy's role gate), and cannot send,
but their messages stay.
"""
from sqlalchemy import and_, exists, select

from ..accounts.models import User
from ..extensions import db
from ..permissions import MEMBERS, STAFF, Action, role_of, rule, view_rule
from .models import (Conversation, ConversationMessage, ConversationParticipant,
                     ConversationSettings, MemberBlock)


def _active_participant(viewer):
    return Conversation.participants.any(and_(ConversationParticipant.user_id == viewer.id,
                                              ConversationParticipant.left_at.is_(None)))


@view_rule(Conversation, query=lambda viewer, staff: _active_participant(viewer))
def _view_conversation(user, conversation, staff):
    """Its active participants, and nobody else (moderators neither)."""
    return conversation.is_active_participant(user)


@view_rule(ConversationMessage, query=lambda viewer, staff: ConversationMessage.conversation.has(
    _active_participant(viewer)))
def _view_message(user, message, staff):
    """Whoever may see its conversation."""
    return message.conversation.is_active_participant(user)


@rule(Action.SEND_MESSAGE, Conversation)
def _send(user, conversation, staff):
    """Active participants (active members: the role gate keeps suspended ones out)."""
    return conversation.is_active_participant(user)


@rule(Action.ADD_PARTICIPANT, Conversation)
def _add(user, conversation, staff):
    """Any active participant may bring others in."""
    return conversation.is_active_participant(user)


@rule(Action.LEAVE_CONVERSATION, Conversation)
def _leave(user, conversation, staff):
    """Any active participant may leave."""
    return conversation.is_active_participant(user)


# -- safeguards ------------------------------------------------------------------------------

def blocks(blocker_id: int | None, blocked_id: int | None) -> bool:
    """Does member `blocker_id` block member `blocked_id`? (one query)"""
    if not blocker_id or not blocked_id:
        return False
    return db.session.get(MemberBlock, (blocker_id, blocked_id)) is not None


def have_talked(a_id: int, b_id: int) -> bool:
    """Have these two members ever been in a conversation together? (one query)"""
    mine = select(ConversationParticipant.conversation_id).where(
        ConversationParticipant.user_id == a_id)
    return bool(db.session.scalar(select(exists().where(
        ConversationParticipant.user_id == b_id,
        ConversationParticipant.conversation_id.in_(mine)))))


def accepts_from(recipient, sender) -> bool:
    """Would `recipient` take a new conversation (or being added to one) from `sender`?
    Not if they block the sender; not from strangers if they said "known members only"
    (moderators and admins can always reach a member who has not blocked them)."""
    if blocks(recipient.id, sender.id):
        return False
    settings = db.session.get(ConversationSettings, recipient.id)
    if settings is None or not settings.known_only or role_of(sender) in STAFF:
        return True
    return have_talked(recipient.id, sender.id)


def may_message(viewer, member) -> bool:
    """Show a "Message" link to `member`? Decided from the loaded rows only (no query):
    another active member. Blocks and settings are checked when the conversation starts."""
    return (member is not None and role_of(viewer) in MEMBERS
            and getattr(member, "id", None) != viewer.id and role_of(member) in MEMBERS)


@rule(Action.START_CONVERSATION, User)
def _start_with(user, member, staff):
    """Another active member who accepts conversations from `user`."""
    return may_message(user, member) and accepts_from(member, user)


@rule(Action.BLOCK_MEMBER, User)
def _block(user, member, staff):
    """Another member who is not a moderator or admin (they must be able to reach you)."""
    return member.id != user.id and role_of(member) not in STAFF

