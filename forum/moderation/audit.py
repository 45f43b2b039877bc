"""The audit log: every change event in which a moderator or an admin uses their powers
becomes an entry (not their own posts, votes or edits of their own things, though a staff
power such as pinning or hiding is recorded on their own things too: see `is_moderation`), added by a listener in the action's own transaction (so an action that
rolls back leaves no entry, and an entry that cannot be written rolls the action back).

Entries say who, what (the event's name), on what (the sender), why (a `reason` the event
carries) and when, with the details the event carried (`old_*` values are the "before")
and a snapshot of the target's state afterwards. Nothing in the application edits or
deletes them.
"""
from datetime import date, datetime, time, timezone

from sqlalchemy import func, select

from .. import events
from ..extensions import db
from ..permissions import is_staff
from .models import AuditEntry

# Attributes worth keeping as "after", where the target has them.
SNAPSHOT = ("status", "role", "title", "name", "is_locked", "is_pinned", "pin_scope",
            "pinned_until", "is_hidden", "is_deleted", "category_id", "kind", "is_official",
            "suspended_until")
ENTRIES_PER_PAGE = 50
# What any member does, moderators included, when they take part: not moderation.
TAKING_PART = {"thread.created", "post.created", "vote.changed", "comment.added",
               "resource.shared", "report.filed", "file.text_extracted", "member.applied",
               # private conversations: what any member does in their own conversations
               "conversation.started", "message.sent", "conversation.participant_added",
               "conversation.left", "member.blocked"}
OWNER_FIELDS = ("author_id", "uploader_id")  # whose the target is (a User: itself)
# Powers only staff have: an entry even on their own thread or post (a moderator pinning
# the official guidance they posted is moderating, not taking part).
STAFF_POWERS = {"thread.flags_changed", "post.hidden", "post.unhidden", "thread.moved",
                "thread.merged", "thread.split", "thread.converted", "thread.official_changed",
                "resource.official_changed", "conversation.read_by_moderator",
                "poll.closed"}


def _plain(value):
    """A JSON-safe form of an event argument: model objects become "<type>:<id>"."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value if not isinstance(value, str) else value[:500]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in list(value)[:50]]
    if hasattr(value, "id") and hasattr(value, "__table__"):
        return f"{type(value).__name__.lower()}:{value.id}"
    return str(value)[:200]


def target_label(obj) -> str:
    """A short human label for an audited object (kept even if the object changes)."""
    name = type(obj).__name__
    if name == "Post":
        return f"Post {obj.number} in “{obj.thread.title}”"[:200]
    if name == "Comment":
        return f"Comment on post {obj.post.number} in “{obj.post.thread.title}”"[:200]
    for attribute in ("title", "display_name", "name"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)[:200]
    return f"{name} {getattr(obj, 'id', '')}".strip()


def _own(sender, actor) -> bool:
    """Is `sender` the actor's own (their post, resource, profile)?"""
    if type(sender).__name__ == "User":
        return sender.id == actor.id
    return any(getattr(sender, field, None) == actor.id for field in OWNER_FIELDS)


def is_moderation(event_name: str, sender, actor) -> bool:
    """Staff acting with staff powers: not taking part like any member, nor changing
    something of their own as any author may (but a power only staff have, such as pinning
    or hiding, is moderation on their own things too)."""
    return (actor is not None and is_staff(actor) and event_name not in TAKING_PART
            and (event_name in STAFF_POWERS or not _own(sender, actor)))


def _record(event_name: str):
    def listener(sender, actor=None, **details):
        if not is_moderation(event_name, sender, actor):
            return
        after = {name: _plain(getattr(sender, name)) for name in SNAPSHOT
                 if hasattr(sender, name)}
        db.session.add(AuditEntry(
            actor_id=actor.id, actor_name=actor.display_name[:80], action=event_name,
            target_type=type(sender).__name__.lower(), target_id=getattr(sender, "id", None),
            target_label=target_label(sender), reason=str(details.get("reason") or "")[:1000],
            details={"event": {key: _plain(value) for key, value in details.items()},
                     "after": after}))
    return listener


_LISTENERS = {}  # blinker keeps weak references: these keep the listeners alive
for _name, _signal in events.all_events().items():
    _LISTENERS[_name] = _record(_name)
    _signal.connect(_LISTENERS[_name])


def entries(*, actor_id=None, action="", target_type="", target_id=None,
            date_from=None, date_to=None, page=1):
    """(a page of entries newest first, the number of pages), filtered: two queries."""
    query = select(AuditEntry)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    if date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(
            date_from, time.min, timezone.utc))
    if date_to:
        query = query.where(AuditEntry.created_at <= datetime.combine(
            date_to, time.max, timezone.utc))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // ENTRIES_PER_PAGE))
    page = min(max(1, page), pages)
    rows = db.session.scalars(query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                              .offset((page - 1) * ENTRIES_PER_PAGE).limit(ENTRIES_PER_PAGE))
    return list(rows), pages


def filter_choices() -> tuple[list[tuple[int, str]], list[str], list[str]]:
    """The people, actions and target types that have entries (for the filter form)."""
    people = db.session.execute(select(AuditEntry.actor_id, func.max(AuditEntry.actor_name))
                                .where(AuditEntry.actor_id.is_not(None))
                                .group_by(AuditEntry.actor_id)).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct()).all()
    targets = db.session.scalars(select(AuditEntry.target_type).distinct()).all()
    return (sorted(((pid, name) for pid, name in people), key=lambda p: p[1].lower()),
            sorted(actions), sorted(targets))
