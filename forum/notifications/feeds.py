"""Private Atom feeds (built with feedgen): latest threads (all, per category, per
collection) and a member's notifications. Each is read as the member whose secret token
is in its address, through the policy's query twin, so it holds only what they may see.
"""
from feedgen.feed import FeedGenerator
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.bylines import author_name
from ..collections.models import THREAD, CollectionItem
from ..discussions.models import Thread
from ..extensions import db
from ..permissions import listed, visible
from ..urls import absolute_url
from .messages import describe
from .models import Notification

ENTRIES = 30


def _feed(title: str, self_url: str, page_url: str, subtitle: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language("en-GB")
    return feed


def _latest_threads(viewer, condition=None) -> list[Thread]:
    query = (select(Thread).where(listed(viewer, Thread))
             .options(joinedload(Thread.author), joinedload(Thread.category))
             .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(ENTRIES))
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query))


def _add_thread(feed, thread, viewer, updated=None):
    entry = feed.add_entry(order="append")
    url = absolute_url("discussions.thread", thread_id=thread.id)
    entry.id(url)
    entry.title(thread.title)
    entry.link(href=url)
    entry.author({"name": author_name(thread, viewer)})
    entry.published(thread.created_at)
    entry.updated(updated or thread.last_post_at or thread.created_at)
    entry.category(term=thread.category.name)


def _finish(feed, entries_updated) -> bytes:
    from ..database import utcnow
    feed.updated(max(entries_updated, default=utcnow()))
    return feed.atom_str(pretty=True)


def threads_feed(viewer, self_url: str, category=None) -> bytes:
    """The latest threads `viewer` may see (in `category`, if given)."""
    name = f" in {category.name}" if category is not None else ""
    page = (absolute_url("discussions.category", category_id=category.id) if category
            else absolute_url("discussions.index"))
    feed = _feed(f"Latest threads{name}", self_url, page, "Community of Practice forum")
    threads = _latest_threads(viewer, Thread.category_id == category.id if category else None)
    for thread in threads:
        _add_thread(feed, thread, viewer)
    return _finish(feed, [t.last_post_at or t.created_at for t in threads])


def collection_feed(viewer, collection, self_url: str) -> bytes:
    """The threads of `collection` `viewer` may see, newest added first."""
    feed = _feed(f"Threads in “{collection.title}”", self_url,
                 absolute_url("collections.collection", collection_id=collection.id),
                 "A Community of Practice collection")
    items = list(db.session.scalars(
        select(CollectionItem).where(CollectionItem.collection_id == collection.id,
                                     CollectionItem.kind == THREAD,
                                     visible(viewer, CollectionItem),
                                     CollectionItem.thread.has(listed(viewer, Thread)))
        .options(joinedload(CollectionItem.thread).joinedload(Thread.author),
                 joinedload(CollectionItem.thread).joinedload(Thread.category))
        .order_by(CollectionItem.created_at.desc()).limit(ENTRIES)))
    for item in items:
        _add_thread(feed, item.thread, viewer, updated=item.created_at)
    return _finish(feed, [item.created_at for item in items])


def notifications_feed(viewer, self_url: str) -> bytes:
    """`viewer`'s latest notifications (only those they may still see)."""
    feed = _feed("Your notifications", self_url, absolute_url("notifications.index"),
                 "Community of Practice forum")
    rows = list(db.session.scalars(
        select(Notification).where(visible(viewer, Notification))
        .options(joinedload(Notification.post), joinedload(Notification.thread),
                 joinedload(Notification.collection), joinedload(Notification.meeting))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(ENTRIES)))
    for notification in rows:
        message = describe(notification, viewer)
        entry = feed.add_entry(order="append")
        entry.id(f"{absolute_url('notifications.index')}#n{notification.id}")
        entry.title(message.headline)
        entry.link(href=message.absolute_url)
        entry.updated(notification.created_at)
        if message.excerpt:
            entry.summary(message.excerpt)
    return _finish(feed, [n.created_at for n in rows])
