"""Delivery, run only by jobs: emails now, daily and weekly digests, meeting reminders.

- `notifications.deliver` (queued by the listeners with the change) emails each
  notification whose kind the recipient wants "immediately".
- `notifications.tick` (a recurring job, forum/jobs/queue.py `recurring`) adds reminders
  for meetings starting within 24 hours and sends digests that are due.

Every email goes through the outbox (forum/mail.py `queue_email`) with an idempotency key
naming the recipient and the event, and the notifications it carries are marked
`emailed_at` in the same transaction, so a retried job never sends a second copy.
Permission is checked here, at delivery: nobody is emailed about what they may not see
now (a post hidden since, a thread removed), nor at all while suspended, unapproved or
unsubscribed.
"""
from collections import OrderedDict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..jobs import enqueue, handler
from ..jobs.queue import recurring
from ..mail import queue_email
from ..meetings.models import SCHEDULED, Meeting, MeetingAttendance
from ..permissions import MEMBERS, Action, can, role_of
from ..reply_tokens import reply_address
from ..urls import absolute_url
from .messages import describe
from .models import DAILY, IMMEDIATELY, KINDS, MEETING, WEEKLY, Notification, NotificationSettings
from .services import settings_for, unsubscribe_token

TICK_EVERY = timedelta(minutes=15)
REMINDER_WINDOW = timedelta(hours=24)
DIGEST_PERIOD = {DAILY: timedelta(hours=23), WEEKLY: timedelta(days=6, hours=23)}
DIGEST_LIMIT = 200


def may_email(user, settings) -> bool:
    """An active, approved member who has not unsubscribed."""
    return role_of(user) in MEMBERS and settings.unsubscribed_at is None


def _headers(user, thread_id=None) -> dict:
    """Unsubscribe headers; a Reply-To (reply by email) only for a thread's notification,
    never for a private message (replies by email to conversations are not taken)."""
    url = absolute_url("notifications.unsubscribe", token=unsubscribe_token(user))
    headers = {"List-Unsubscribe": f"<{url}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "Auto-Submitted": "auto-generated"}
    if thread_id:
        headers["Reply-To"] = reply_address(user.id, thread_id)
    return headers


def _loaded(query):
    return query.options(joinedload(Notification.user), joinedload(Notification.post),
                         joinedload(Notification.thread), joinedload(Notification.actor),
                         joinedload(Notification.collection), joinedload(Notification.meeting),
                         joinedload(Notification.conversation), joinedload(Notification.message))


def email_notification(notification: Notification) -> bool:
    """Queue the email for one notification if its recipient wants it now and may see it."""
    user = notification.user
    settings = settings_for(user)
    if notification.emailed_at is not None:
        return False
    if (settings.delivery_for(notification.kind) != IMMEDIATELY or not may_email(user, settings)
            or not can(user, Action.VIEW, notification)):
        return False
    message = describe(notification, user)
    queue_email(user.email, message.headline[:300], "notification",
                key=f"notification:{notification.id}:{user.id}",
                extra_headers=_headers(user, None if notification.conversation_id
                                       else notification.thread_id),
                user=user, message=message, notification=notification,
                unsubscribe_url=absolute_url("notifications.unsubscribe",
                                             token=unsubscribe_token(user)),
                preferences_url=absolute_url("notifications.preferences"))
    notification.emailed_at = utcnow()
    return True


@handler("notifications.deliver")
def deliver(notification_ids: list[int]) -> None:
    """Email the notifications of one event to whoever wants them straight away (the job
    queue commits this with the job's removal)."""
    rows = db.session.scalars(_loaded(select(Notification).where(
        Notification.id.in_(list(notification_ids)[:1000])))).unique()
    for notification in rows:
        email_notification(notification)


# -- digests ----------------------------------------------------------------------------

def _group_by_thread(notifications, user):
    """[(title, first unread message, [messages])] by thread, oldest first."""
    groups: OrderedDict = OrderedDict()
    for notification in notifications:
        message = describe(notification, user)
        if notification.thread is not None:
            key, title = ("thread", notification.thread_id), notification.thread.title
        elif notification.collection is not None:
            key, title = ("collection", notification.collection_id), notification.collection.title
        elif notification.conversation is not None:
            key, title = (("conversation", notification.conversation_id),
                          notification.conversation.subject)
        else:
            key, title = ("other", notification.id), message.headline
        groups.setdefault(key, (title, message, []))[2].append(message)
    return list(groups.values())


def send_digest(user, frequency: str, *, now=None, force=False) -> bool:
    """Queue `user`'s `frequency` digest of what they have not read or been emailed, if
    it is due (or `force`) and anything in it is for them to see. Returns True if queued."""
    now = now or utcnow()
    settings = settings_for(user)
    if not may_email(user, settings):
        return False
    last = settings.last_daily_digest_at if frequency == DAILY else settings.last_weekly_digest_at
    if not force and last is not None and now - last < DIGEST_PERIOD[frequency]:
        return False
    kinds = [kind for kind in KINDS if settings.delivery_for(kind) == frequency]
    if not kinds:
        return False
    pending = list(db.session.scalars(_loaded(select(Notification).where(
        Notification.user_id == user.id, Notification.kind.in_(kinds),
        Notification.emailed_at.is_(None), Notification.read_at.is_(None),
        Notification.created_at <= now)
        .order_by(Notification.created_at, Notification.id).limit(DIGEST_LIMIT))).unique())
    shown = [n for n in pending if can(user, Action.VIEW, n)]
    if not shown:
        return False
    groups = _group_by_thread(shown, user)
    label = "Daily" if frequency == DAILY else "Weekly"
    count = len(shown)
    subject = (f"{label} digest: {count} update{'s' if count != 1 else ''} in "
               f"{len(groups)} thread{'s' if len(groups) != 1 else ''}")
    queue_email(user.email, subject, "notification_digest",
                key=f"digest:{frequency}:{user.id}:{shown[-1].id}",
                extra_headers=_headers(user), user=user, groups=groups, label=label,
                heading=subject,
                unsubscribe_url=absolute_url("notifications.unsubscribe",
                                             token=unsubscribe_token(user)),
                preferences_url=absolute_url("notifications.preferences"))
    for notification in pending:  # what they may not see is not kept for a later digest
        notification.emailed_at = now
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = settings
        db.session.add(row)
    if frequency == DAILY:
        row.last_daily_digest_at = now
    else:
        row.last_weekly_digest_at = now
    return True


def send_digests(frequency: str, *, force=False, now=None) -> int:
    """Send every member's due `frequency` digest; returns how many were queued."""
    now = now or utcnow()
    user_ids = db.session.scalars(select(Notification.user_id).where(
        Notification.emailed_at.is_(None), Notification.read_at.is_(None)).distinct())
    users = db.session.scalars(select(User).where(User.id.in_(list(user_ids)),
                                                  User.status == "active"))
    return sum(send_digest(user, frequency, now=now, force=force) for user in users)


# -- meeting reminders -------------------------------------------------------------------

def remind_meetings(now=None) -> int:
    """A notification for each member going to a meeting that starts within 24 hours
    (once per meeting and member, however often this runs). Returns how many were added."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Meeting, MeetingAttendance.user_id)
        .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
        .where(Meeting.status == SCHEDULED, Meeting.starts_at > now,
               Meeting.starts_at <= now + REMINDER_WINDOW, MeetingAttendance.going)).all()
    added = []
    for meeting, user_id in rows:
        key = f"meeting:{meeting.id}"
        exists = db.session.scalar(select(Notification.id).where(
            Notification.user_id == user_id, Notification.event_key == key))
        if exists:
            continue
        notification = Notification(user_id=user_id, kind=MEETING, event_key=key,
                                    meeting_id=meeting.id, created_at=now)
        try:
            with db.session.begin_nested():  # a tick running at once added it first
                db.session.add(notification)
        except IntegrityError:
            continue
        added.append(notification.id)
    if added:
        enqueue("notifications.deliver", notification_ids=added)
    return len(added)


@recurring("notifications.tick", every=TICK_EVERY)
@handler("notifications.tick")
def tick() -> None:
    """The periodic job: meeting reminders, then any digests that are due."""
    remind_meetings()
    send_digests(DAILY)
    send_digests(WEEKLY)
