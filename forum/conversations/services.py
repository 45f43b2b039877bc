"""Conversation use cases: start one, reply, add people, leave, mark read, block and
unblock, the "known members only" setting; and what the inbox and conversation pages read.

Every function decorated `@use_case` commits once and announces what changed
(forum/events.py); notifications and the audit log listen. Bodies follow the posts' rules
(forum/rendering.py: same length limit, same sanitised Markdown).
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from .. import events
from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..permissions import Action, can, require, visible
from ..rendering import MAX_SOURCE_LENGTH, render_markdown
from ..transactions import use_case
from ..validation import DomainError
from .models import (Conversation, ConversationMessage, ConversationParticipant,
                     ConversationSettings, MemberBlock)

INBOX_PER_PAGE = 25


def max_participants() -> int:
    """Everyone one conversation may hold, its starter included."""
    return current_app.config["CONVERSATION_MAX_PARTICIPANTS"]


def _check_body(body: str) -> str:
    if not (body or "").strip():
        raise DomainError("Enter your message.", field="body")
    if len(body) > MAX_SOURCE_LENGTH:
        raise DomainError(f"Message must be {MAX_SOURCE_LENGTH:,} characters or fewer.",
                          field="body")
    return body


def _check_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not 3 <= len(subject) <= 200:
        raise DomainError("Subject must be between 3 and 200 characters.", field="subject")
    return subject


def _refusal(member) -> DomainError:
    # One message whatever the reason (blocked, strangers refused, not a member), so a
    # block is never revealed.
    return DomainError(f"You cannot start a conversation with {member.display_name}.",
                       field="recipients")


def _check_recipients(sender, recipients, *, already: int) -> list[User]:
    unique = list({user.id: user for user in recipients if user is not None}.values())
    unique = [user for user in unique if user.id != sender.id]
    if not unique:
        raise DomainError("Choose at least one member to write to.", field="recipients")
    if already + len(unique) > max_participants():
        raise DomainError(f"A conversation has at most {max_participants()} participants, "
                          "you included.", field="recipients")
    for member in unique:
        if not can(sender, Action.START_CONVERSATION, member):
            raise _refusal(member)
    return unique


def _add_message(conversation: Conversation, author, body: str) -> ConversationMessage:
    # Claim the next number with one atomic UPDATE (as replies do in discussions), so two
    # messages at once never get the same number.
    number = db.session.execute(
        update(Conversation).where(Conversation.id == conversation.id)
        .values(message_count=Conversation.message_count + 1, last_message_at=utcnow())
        .returning(Conversation.message_count)
        .execution_options(synchronize_session=False)).scalar_one()
    db.session.refresh(conversation)
    message = ConversationMessage(conversation=conversation, number=number, author=author,
                                  body_source=body, body_html=render_markdown(body),
                                  created_at=conversation.last_message_at)
    db.session.add(message)
    row = conversation.participant(author)
    if row is not None:  # your own message is read
        row.last_read_number = number
    db.session.flush()
    return message


@use_case
def start_conversation(starter, recipients, *, subject: str, body: str) -> Conversation:
    """Start a conversation with `recipients` (Users): a subject and a first message."""
    require(starter, Action.START_CONVERSATION)
    subject, body = _check_subject(subject), _check_body(body)
    members = _check_recipients(starter, recipients, already=1)
    now = utcnow()
    conversation = Conversation(subject=subject, starter=starter, created_at=now,
                                last_message_at=now)
    conversation.participants = [ConversationParticipant(user=starter, joined_at=now)] + [
        ConversationParticipant(user=member, joined_at=now, added_by_id=starter.id)
        for member in members]
    db.session.add(conversation)
    db.session.flush()
    message = _add_message(conversation, starter, body)
    events.conversation_started.send(conversation, actor=starter, message=message)
    events.message_sent.send(message, actor=starter)
    return conversation


@use_case
def reply(author, conversation: Conversation, *, body: str) -> ConversationMessage:
    """Add a message at the end of `conversation`."""
    require(author, Action.SEND_MESSAGE, conversation)
    message = _add_message(conversation, author, _check_body(body))
    events.message_sent.send(message, actor=author)
    return message


@use_case
def add_participants(member, conversation: Conversation, people) -> list[User]:
    """Bring `people` into the conversation (they see all of it, earlier messages too)."""
    require(member, Action.ADD_PARTICIPANT, conversation)
    active = {p.user_id for p in conversation.active_participants}
    newcomers = [user for user in people if user is not None and user.id not in active]
    if not newcomers:
        raise DomainError("They are already in this conversation.", field="recipients")
    added = _check_recipients(member, newcomers, already=len(active))
    now = utcnow()
    for user in added:
        row = conversation.participant(user)
        if row is None:
            conversation.participants.append(ConversationParticipant(
                user=user, joined_at=now, added_by_id=member.id))
        else:  # someone who had left comes back
            row.left_at, row.joined_at, row.added_by_id = None, now, member.id
    db.session.flush()
    events.conversation_participant_added.send(conversation, actor=member, added=added)
    return added


@use_case
def leave(member, conversation: Conversation) -> Conversation:
    """Leave the conversation: it goes from the inbox and can no longer be read."""
    require(member, Action.LEAVE_CONVERSATION, conversation)
    conversation.participant(member).left_at = utcnow()
    events.conversation_left.send(conversation, actor=member)
    return conversation


@use_case
def mark_read(member, conversation: Conversation) -> None:
    """`member` has read every message so far (nothing is written if they had)."""
    row = conversation.participant(member)
    if row is not None and row.left_at is None and row.last_read_number < conversation.message_count:
        row.last_read_number = conversation.message_count


# -- blocking and the setting -------------------------------------------------------------

@use_case
def set_blocked(member, other: User, blocked: bool) -> bool:
    """Block (or unblock) `other`: they cannot start conversations with `member` or add
    them to one; conversations with them leave `member`'s inbox while blocked."""
    require(member, Action.BLOCK_MEMBER, other)
    row = db.session.get(MemberBlock, (member.id, other.id))
    if blocked and row is None:
        db.session.add(MemberBlock(blocker_id=member.id, blocked_id=other.id))
    elif not blocked and row is not None:
        db.session.delete(row)
    else:
        return False
    db.session.flush()
    events.member_blocked.send(other, actor=member, blocked=blocked)
    return True


def blocked_members(member) -> list[User]:
    """Whom `member` blocks, by name (one query)."""
    return list(db.session.scalars(select(User).join(
        MemberBlock, MemberBlock.blocked_id == User.id).where(
        MemberBlock.blocker_id == member.id).order_by(User.display_name)))


def settings_for(member) -> ConversationSettings:
    """`member`'s setting row, or an unsaved one with the default."""
    return (db.session.get(ConversationSettings, member.id)
            or ConversationSettings(user_id=member.id, known_only=False))


@use_case
def save_settings(member, *, known_only: bool) -> ConversationSettings:
    """Accept new conversations from anyone, or only from members already talked to."""
    require(member, Action.START_CONVERSATION)
    row = db.session.get(ConversationSettings, member.id)
    if row is None:
        row = ConversationSettings(user_id=member.id)
        db.session.add(row)
    row.known_only = bool(known_only)
    return row


# -- reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: the conversation, my unread count, the others in it."""

    conversation: Conversation
    unread: int
    others: list[User]


def _inbox_query(member):
    me = aliased(ConversationParticipant)
    other = aliased(ConversationParticipant)
    hidden = exists().where(other.conversation_id == Conversation.id,
                            other.left_at.is_(None), other.user_id != member.id,
                            other.user_id.in_(select(MemberBlock.blocked_id).where(
                                MemberBlock.blocker_id == member.id)))
    return (select(Conversation, me).join(me, and_(me.conversation_id == Conversation.id,
                                                   me.user_id == member.id,
                                                   me.left_at.is_(None)))
            .where(visible(member, Conversation), ~hidden))


def inbox(member, page: int = 1) -> tuple[list[InboxRow], int]:
    """(a page of `member`'s conversations, newest activity first; pages): three queries.
    Conversations with someone `member` blocks are left out while the block lasts."""
    query = _inbox_query(member)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // INBOX_PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.options(selectinload(Conversation.participants)
                      .joinedload(ConversationParticipant.user))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .offset((page - 1) * INBOX_PER_PAGE).limit(INBOX_PER_PAGE)).all()
    return [InboxRow(conversation, mine.unread(),
                     [p.user for p in conversation.active_participants
                      if p.user_id != member.id])
            for conversation, mine in rows], pages


def conversation_page(conversation_id: int) -> Conversation | None:
    """The conversation with its participants and messages (and their authors) loaded."""
    return db.session.scalar(select(Conversation).where(Conversation.id == conversation_id)
                             .options(selectinload(Conversation.participants)
                                      .joinedload(ConversationParticipant.user),
                                      selectinload(Conversation.messages)
                                      .joinedload(ConversationMessage.author)))


def members_named(text: str, limit: int = 20) -> list[User]:
    """Active members named in `text`: display names or email addresses, separated by
    commas or lines. A name shared by several members must be given as an email address;
    a name or address nobody has is refused (DomainError), never guessed."""
    wanted = [" ".join(part.split()) for part in
              (text or "").replace(";", ",").replace("\n", ",").split(",")]
    wanted = list(dict.fromkeys(name for name in wanted if name))
    if len(wanted) > limit:
        raise DomainError(f"Name at most {limit} members at a time.", field="recipients")
    found = []
    for name in wanted:
        column = User.email if "@" in name else User.display_name
        users = list(db.session.scalars(select(User).where(
            User.status == "active", func.lower(column) == name.lower()).limit(2)))
        if not users:
            raise DomainError(f"No active member is called “{name}”. Check the spelling, "
                              "or use their email address.", field="recipients")
        if len(users) > 1:
            raise DomainError(f"More than one member is called “{name}”: use their email "
                              "address instead.", field="recipients")
        found.append(users[0])
    return found


def members_by_id(ids) -> list[User]:
    """Active members with these ids, in the order given (one query)."""
    ids = [i for i in ids if isinstance(i, int)][:50]
    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_(ids), User.status == "active"))} if ids else {}
    return [users[i] for i in dict.fromkeys(ids) if i in users]


def message_with_conversation(message_id: int):
    """A message with its conversation, or None."""
    return db.session.scalar(select(ConversationMessage).where(
        ConversationMessage.id == message_id).options(
        joinedload(ConversationMessage.conversation)))
