"""Who may see a notification: only its recipient, and only while they may still see what
it is about (checked when it is shown or emailed, not only when it was made). The rule
sits beside its query twin; tests/notifications/test_policy.py checks they agree.

A notification about a post needs the post readable: not removed, in a thread the viewer
may see, and not hidden by a moderator unless the viewer may read hidden posts (its
author, staff). One about a thread needs the thread listed; one about a collection or a
meeting needs that visible. One about a private message needs the recipient still an
active participant of its conversation, and not blocking the message's sender.
"""
from sqlalchemy import and_, exists, false, or_, true

from ..collections.models import Collection
from ..conversations.models import Conversation, MemberBlock
from ..conversations.policy import blocks
from ..discussions.models import Post, Thread
from ..meetings.models import Meeting
from ..permissions import Action, can, listed, view_rule, visible
from .models import Notification


def _readable_post(viewer, staff):
    hidden_ok = true() if staff else or_(Post.hidden_at.is_(None), Post.author_id == viewer.id)
    return and_(visible(viewer, Post), Post.deleted_at.is_(None), hidden_ok)


def _visible_notifications(viewer, staff):
    if viewer is None or getattr(viewer, "id", None) is None:
        return false()
    return and_(
        Notification.user_id == viewer.id,
        or_(Notification.post_id.is_(None), Notification.post.has(_readable_post(viewer, staff))),
        or_(Notification.thread_id.is_(None), Notification.thread.has(listed(viewer, Thread))),
        or_(Notification.collection_id.is_(None),
            Notification.collection.has(visible(viewer, Collection))),
        or_(Notification.meeting_id.is_(None),
            Notification.meeting.has(visible(viewer, Meeting))),
        or_(Notification.conversation_id.is_(None),
            and_(Notification.conversation.has(visible(viewer, Conversation)),
                 ~exists().where(MemberBlock.blocker_id == viewer.id,
                                 MemberBlock.blocked_id == Notification.actor_id))))


def can_read_post(user, post) -> bool:
    """May `user` read `post`'s text (not removed, thread visible, hidden only to its
    author and staff)?"""
    return (not post.is_deleted and can(user, Action.VIEW, post)
            and (not post.is_hidden or can(user, Action.READ_HIDDEN, post)))


@view_rule(Notification, query=_visible_notifications)
def _view_notification(user, notification, staff):
    """Its recipient, while they may see its post, thread, collection, meeting and
    conversation (and, for a message, do not block its sender)."""
    if notification.user_id != user.id:
        return False
    if notification.post is not None and not can_read_post(user, notification.post):
        return False
    thread = notification.thread
    if thread is not None and (thread.is_deleted or not can(user, Action.VIEW, thread)):
        return False
    for target in (notification.collection, notification.meeting, notification.conversation):
        if target is not None and not can(user, Action.VIEW, target):
            return False
    if notification.conversation_id is not None and blocks(user.id, notification.actor_id):
        return False
    return True
