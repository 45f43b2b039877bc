"""What members do with notifications: read them, mark them read, watch and unwatch,
choose email preferences, unsubscribe in one click, and manage their private feed
address. Every change a member makes is one `@use_case` (forum/transactions.py).
Delivery (email, digests, meeting reminders) is in delivery.py, run by jobs."""
import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..database import utcnow
from ..discussions.models import Post, Thread
from ..extensions import db
from ..permissions import MEMBERS, Action, require, role_of, visible
from ..transactions import use_case
from ..validation import DomainError
from .models import (DELIVERIES, KINDS, WATCH_TYPES, Notification, NotificationSettings,
                     Watch)

PER_PAGE = 25
TOKEN_BYTES = 24
MAX_TOKEN_CHARS = 100
_UNSUBSCRIBE_SALT = "forum.notifications.unsubscribe"


# -- reading ----------------------------------------------------------------------------

def _mine(viewer):
    return select(Notification).where(visible(viewer, Notification))


def unread_count(viewer) -> int:
    """How many unread notifications `viewer` may see (one query; 0 for non-members)."""
    if role_of(viewer) not in MEMBERS:
        return 0
    return db.session.scalar(select(func.count()).select_from(
        _mine(viewer).where(Notification.read_at.is_(None)).subquery())) or 0


def notifications_page(viewer, page: int) -> tuple[list[Notification], int]:
    """(a page of `viewer`'s notifications newest first, the number of pages): two
    queries whatever the page's length (its posts, threads and people load with it)."""
    total = db.session.scalar(select(func.count()).select_from(_mine(viewer).subquery()))
    pages = max(1, -(-total // PER_PAGE))
    rows = db.session.scalars(
        _mine(viewer).options(
            joinedload(Notification.actor), joinedload(Notification.collection),
            joinedload(Notification.meeting),
            joinedload(Notification.thread).joinedload(Thread.author),
            joinedload(Notification.post).joinedload(Post.author),
            joinedload(Notification.post).joinedload(Post.thread))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((min(page, pages) - 1) * PER_PAGE).limit(PER_PAGE)).unique()
    return list(rows), pages


def settings_for(user) -> NotificationSettings:
    """`user`'s settings row, or an unsaved one holding every default."""
    settings = db.session.get(NotificationSettings, user.id)
    return settings or NotificationSettings(user_id=user.id, auto_watch=True, delivery={})


def _settings_row(user) -> NotificationSettings:
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id, auto_watch=True, delivery={})
        db.session.add(settings)
    return settings


# -- reading state ----------------------------------------------------------------------

@use_case
def mark_read(member, notification: Notification) -> Notification:
    """Mark one of `member`'s notifications read."""
    require(member, Action.VIEW, notification)
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


@use_case
def mark_all_read(member) -> int:
    """Mark every notification of `member` read; returns how many were unread."""
    require(member, Action.VIEW)
    result = db.session.execute(
        update(Notification).where(Notification.user_id == member.id,
                                   Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0


# -- watching ---------------------------------------------------------------------------

def is_watching(user, target_type: str, target_id: int) -> bool:
    """Does `user` watch this thread, category or tag?"""
    watch = db.session.get(Watch, (user.id, target_type, target_id))
    return bool(watch and watch.watching)


@use_case
def set_watching(member, target_type: str, target, watching: bool) -> Watch:
    """Watch (or stop watching) a thread, category or tag `member` may see."""
    if target_type not in WATCH_TYPES:
        raise DomainError("You can watch threads, categories and tags.")
    require(member, Action.VIEW, target)
    watch = db.session.get(Watch, (member.id, target_type, target.id))
    if watch is None:
        watch = Watch(user_id=member.id, target_type=target_type, target_id=target.id)
        db.session.add(watch)
    watch.watching = bool(watching)
    watch.created_at = utcnow()
    return watch


def watched(member) -> list[Watch]:
    """What `member` watches, newest first (one query)."""
    return list(db.session.scalars(select(Watch).where(Watch.user_id == member.id,
                                                       Watch.watching)
                                   .order_by(Watch.created_at.desc())))


# -- preferences ------------------------------------------------------------------------

@use_case
def save_preferences(member, *, delivery: dict, auto_watch: bool) -> NotificationSettings:
    """Email delivery per kind and the auto-watch setting. Saving also undoes a one-click
    unsubscribe: the member has just said which emails they want."""
    require(member, Action.VIEW)
    unknown = [kind for kind, choice in delivery.items()
               if kind not in KINDS or choice not in DELIVERIES]
    if unknown:
        raise DomainError("Choose how to be told about each kind of notification.")
    settings = _settings_row(member)
    settings.delivery = {kind: delivery.get(kind) or settings.delivery_for(kind)
                         for kind in KINDS}
    settings.auto_watch = bool(auto_watch)
    settings.unsubscribed_at = None
    return settings


def unsubscribe_token(user) -> str:
    """The signed token in a member's unsubscribe links (it never expires)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"],
                             salt=_UNSUBSCRIBE_SALT).dumps({"u": user.id})


def unsubscriber(token: str) -> User | None:
    """The user an unsubscribe token names, or None if it is forged or malformed."""
    if not token or len(token) > 200:
        return None
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"],
                                 salt=_UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


@use_case
def unsubscribe(user) -> NotificationSettings:
    """Stop every notification email to `user` (one-click: no login needed)."""
    settings = _settings_row(user)
    if settings.unsubscribed_at is None:
        settings.unsubscribed_at = utcnow()
    return settings


# -- private feed address ----------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@use_case
def reset_feed_token(member) -> str:
    """A new secret token for `member`'s feeds (the old addresses stop working). Returns
    the token, to show once: only its hash is kept."""
    if role_of(member) not in MEMBERS:
        raise DomainError("Only members have private feeds.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    _settings_row(member).feed_token_hash = _hash(token)
    return token


def has_feed_token(member) -> bool:
    """Whether `member` has feed addresses at the moment."""
    settings = db.session.get(NotificationSettings, member.id)
    return bool(settings and settings.feed_token_hash)


def feed_owner(token: str) -> User | None:
    """The active member whose feeds `token` opens, or None (unknown, reset, inactive)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    user = db.session.scalar(select(User).join(
        NotificationSettings, NotificationSettings.user_id == User.id)
        .where(NotificationSettings.feed_token_hash == _hash(token)))
    if user is None or role_of(user) not in MEMBERS:
        return None
    return user
