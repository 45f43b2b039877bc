"""Helpers for the notification tests: run the jobs a worker would, read notifications."""
from sqlalchemy import select

from forum.extensions import db
from forum.jobs import run_pending
from forum.notifications.models import Notification


def run_jobs(app, kinds=None) -> int:
    """Run due jobs (all kinds, or `kinds`) as a worker would, in an app context of their own."""
    with app.app_context():
        try:
            return run_pending(limit=1000, kinds=kinds)
        finally:
            db.session.remove()


def notifications_of(user, kind=None) -> list[Notification]:
    """`user`'s notifications (of `kind`), oldest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    db.session.expire_all()
    return list(db.session.scalars(query.order_by(Notification.id)))


def prefer(user, **deliveries):
    """Set `user`'s email delivery per kind (say reply="daily")."""
    from forum.notifications import services
    services.save_preferences(user, delivery=deliveries, auto_watch=True)
