"""Raw notification rows for the policy matrix: one about every post, thread, collection
and meeting in the database, for `owner`."""
from sqlalchemy import select

from forum.collections.models import Collection
from forum.discussions.models import Post
from forum.extensions import db
from forum.meetings.models import Meeting
from forum.notifications.models import Notification


def policy_matrix_rows(owner) -> list[Notification]:
    """Notifications for `owner` about everything there is (each state the rule reads)."""
    rows = [Notification(user_id=owner.id, kind="reply", event_key=f"post:{post.id}",
                         post_id=post.id, thread_id=post.thread_id)
            for post in db.session.scalars(select(Post))]
    rows += [Notification(user_id=owner.id, kind="collection", event_key=f"c:{c.id}",
                          collection_id=c.id) for c in db.session.scalars(select(Collection))]
    rows += [Notification(user_id=owner.id, kind="meeting", event_key=f"m:{m.id}",
                          meeting_id=m.id) for m in db.session.scalars(select(Meeting))]
    rows.append(Notification(user_id=owner.id, kind="approved", event_key="approved"))
    return rows
