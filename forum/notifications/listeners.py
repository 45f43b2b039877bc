"""Listeners: change events become notifications, in the change's own transaction.

They only add rows (notifications, watches, one delivery job per event) and never notify
anyone about their own action. Who may *see* what a notification is about is checked
again when it is shown or emailed (policy.py), so a notification made now about a post
later hidden is never delivered.
"""
from sqlalchemy import select

from .. import events
from ..collections.models import CollectionFollow
from ..demo_clock import replaying
from ..extensions import db
from ..jobs import enqueue
from .mentions import mentioned_users
from .models import (ACCEPTED, ANSWER, APPROVED, COLLECTION, DEFAULT_DELIVERY, HIDDEN,
                     IMMEDIATELY, MENTION, MESSAGE, NEVER, NEW_THREAD, REPLY, WATCH_CATEGORY, WATCH_TAG, WATCH_THREAD, Notification,
                     NotificationSettings, Watch)


def watchers(target_type: str, target_ids) -> set[int]:
    """Who watches any of `target_ids` of `target_type` (one query)."""
    ids = list(target_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Watch.user_id).where(
        Watch.target_type == target_type, Watch.target_id.in_(ids), Watch.watching)))


def notify(recipients: dict[int, str], event_key: str, *, actor=None, **about) -> list:
    """Add one notification per recipient (user id -> kind) for the event `event_key`,
    leaving out the actor and anyone already notified of it; queue their delivery."""
    actor_id = getattr(actor, "id", None)
    wanted = {uid: kind for uid, kind in recipients.items() if uid and uid != actor_id}
    if not wanted:
        return []
    already = set(db.session.scalars(select(Notification.user_id).where(
        Notification.event_key == event_key, Notification.user_id.in_(list(wanted)))))
    added = [Notification(user_id=uid, kind=kind, event_key=event_key[:120],
                          actor_id=actor_id, **about)
             for uid, kind in wanted.items() if uid not in already]
    if not added:
        return []
    history = replaying()
    if history is not None:  # demo history: its emails "went out" at the time
        for notification in added:
            notification.emailed_at = history
    db.session.add_all(added)
    db.session.flush()
    if history is not None:
        return added
    now = [n.id for n in added if _wants_now(n)]
    if now:  # digests and "never" need no job now
        enqueue("notifications.deliver", notification_ids=now)
    return added


def _wants_now(notification) -> bool:
    settings = db.session.get(NotificationSettings, notification.user_id)
    chosen = settings.delivery_for(notification.kind) if settings else \
        DEFAULT_DELIVERY.get(notification.kind, NEVER)
    return chosen == IMMEDIATELY


def auto_watch(user, thread) -> None:
    """Watch `thread` for `user` if their setting says so and they never unwatched it."""
    if user is None:
        return
    settings = db.session.get(NotificationSettings, user.id)
    if settings is not None and not settings.auto_watch:
        return
    if db.session.get(Watch, (user.id, WATCH_THREAD, thread.id)) is None:
        db.session.add(Watch(user_id=user.id, target_type=WATCH_THREAD, target_id=thread.id))
        db.session.flush()


@events.post_created.connect
def _post_created(post, actor=None, **extra):
    """Replies for watchers, answers for the asker, mentions for whoever is mentioned."""
    thread = post.thread
    recipients: dict[int, str] = {}
    if post.number > 1:
        recipients.update(dict.fromkeys(watchers(WATCH_THREAD, [thread.id]), REPLY))
        if thread.is_question and thread.author_id:
            recipients[thread.author_id] = ANSWER
    for user in mentioned_users(post.body_source):
        recipients[user.id] = MENTION
    recipients.pop(post.author_id, None)
    notify(recipients, f"post:{post.id}", actor=actor, thread_id=thread.id, post_id=post.id)
    if post.number > 1:
        auto_watch(post.author, thread)


@events.thread_created.connect
def _thread_created(thread, actor=None, post=None, **extra):
    """A new thread for whoever watches its category or one of its tags."""
    recipients = dict.fromkeys(watchers(WATCH_CATEGORY, [thread.category_id]), NEW_THREAD)
    recipients.update(dict.fromkeys(watchers(WATCH_TAG, [tag.id for tag in thread.tags]),
                                    NEW_THREAD))
    recipients.pop(thread.author_id, None)
    notify(recipients, f"thread:{thread.id}", actor=actor, thread_id=thread.id,
           post_id=post.id if post is not None else None)
    auto_watch(thread.author, thread)


@events.answer_accepted.connect
def _answer_accepted(post, actor=None, **extra):
    """The answer's author hears their answer was accepted."""
    notify({post.author_id: ACCEPTED}, f"accepted:{post.id}", actor=actor,
           thread_id=post.thread_id, post_id=post.id)


@events.collection_item_added.connect
def _collection_item_added(item, actor=None, **extra):
    """Followers of the collection hear of a new item."""
    followers = db.session.scalars(select(CollectionFollow.user_id).where(
        CollectionFollow.collection_id == item.collection_id))
    notify(dict.fromkeys(followers, COLLECTION), f"item:{item.id}", actor=actor,
           collection_id=item.collection_id, thread_id=item.thread_id,
           detail=(item.title or "")[:500])


@events.member_approved.connect
def _member_approved(user, actor=None, **extra):
    """The new member hears they are in."""
    notify({user.id: APPROVED}, f"approved:{user.id}", actor=actor)


@events.post_hidden.connect
def _post_hidden(post, actor=None, reason="", **extra):
    """The author hears a moderator hid their post, and why."""
    stamp = post.hidden_at.isoformat() if post.hidden_at else ""
    notify({post.author_id: HIDDEN}, f"hidden:{post.id}:{stamp}", actor=actor,
           thread_id=post.thread_id, post_id=post.id, detail=str(reason or "")[:500])


@events.message_sent.connect
def _message_sent(message, actor=None, **extra):
    """The conversation's other active participants hear of a new private message
    (whether each still may, and does not block the sender, is checked at delivery)."""
    conversation = message.conversation
    recipients = {p.user_id: MESSAGE for p in conversation.active_participants
                  if p.user_id != message.author_id}
    notify(recipients, f"message:{message.id}", actor=actor,
           conversation_id=conversation.id, message_id=message.id)
