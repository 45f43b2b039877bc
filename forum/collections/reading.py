"""What collection pages read: the list of collections, one collection's items, a
member's follow, and the home page's sections (pinned collections and "Start here").

Everything goes through the policy's query twin (`listed` / `visible`), and each page
costs a fixed number of queries whatever the number of collections or items.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, lazyload

from ..database import utcnow
from ..extensions import db
from ..permissions import MEMBERS, listed, role_of, visible
from ..resources.models import Resource
from .models import (PUBLISHED, Collection, CollectionFollow, CollectionItem, StartHereDismissal,
                     StartHereSetting)

NEWCOMER_DAYS = 30  # "Start here" is shown to members in their first 30 days
HOME_ITEMS = 5  # items shown per collection on the home page


@dataclass
class CollectionSummary:
    """A collection as a list shows it: with how many items this viewer will see."""

    collection: Collection
    item_count: int
    is_start_here: bool = False


@dataclass
class HomeCollection:
    """A collection as a home page section shows it: its first items and their count."""

    collection: Collection
    items: list[CollectionItem] = field(default_factory=list)
    item_count: int = 0


def collections_page(viewer) -> list[CollectionSummary]:
    """Every collection `viewer` may see (drafts for moderators), official ones first
    (two queries)."""
    counts = (select(CollectionItem.collection_id, func.count(CollectionItem.id).label("n"))
              .where(visible(viewer, CollectionItem))
              .group_by(CollectionItem.collection_id).subquery())
    rows = db.session.execute(
        select(Collection, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.collection_id == Collection.id)
        .where(listed(viewer, Collection))
        .order_by(Collection.is_official.desc(), Collection.title, Collection.id)).all()
    chosen = start_here_id()
    return [CollectionSummary(collection, count, collection.id == chosen)
            for collection, count in rows]


def _items_query(viewer):
    return (select(CollectionItem).where(visible(viewer, CollectionItem))
            .options(joinedload(CollectionItem.resource).lazyload(Resource.tags),
                     joinedload(CollectionItem.thread), lazyload(CollectionItem.collection))
            .order_by(CollectionItem.collection_id, CollectionItem.position))


def collection_items(viewer, collection: Collection) -> list[CollectionItem]:
    """The items of `collection` `viewer` may see, in order, with their targets (one query).
    Moderators also get items whose target was removed (`item.target_removed`)."""
    return list(db.session.scalars(
        _items_query(viewer).where(CollectionItem.collection_id == collection.id)).unique())


def follow_of(viewer, collection: Collection) -> CollectionFollow | None:
    """The viewer's follow of `collection`, if they follow it."""
    return db.session.get(CollectionFollow, (viewer.id, collection.id))


def start_here_id() -> int | None:
    """The id of the collection chosen as "Start here", if any."""
    return db.session.scalar(select(StartHereSetting.collection_id)
                             .where(StartHereSetting.id == 1))


def _sections(viewer, collections: list[Collection]) -> list[HomeCollection]:
    """Each collection with its first items (one query for all of them)."""
    if not collections:
        return []
    sections = {c.id: HomeCollection(c) for c in collections}
    for item in db.session.scalars(_items_query(viewer).where(
            CollectionItem.collection_id.in_(list(sections)))).unique():
        section = sections[item.collection_id]
        section.item_count += 1
        if len(section.items) < HOME_ITEMS:
            section.items.append(item)
    return list(sections.values())


def pinned_collections(viewer) -> list[HomeCollection]:
    """The published collections pinned to the home page, in pin order (two queries)."""
    if role_of(viewer) not in MEMBERS:
        return []
    collections = list(db.session.scalars(
        select(Collection).where(listed(viewer, Collection), Collection.status == PUBLISHED,
                                 Collection.pin_position.is_not(None))
        .order_by(Collection.pin_position, Collection.id)))
    return _sections(viewer, collections)


def is_newcomer(viewer, now: datetime | None = None) -> bool:
    """In their first NEWCOMER_DAYS days since joining (approval, or the account's creation)."""
    joined = viewer.reviewed_at or viewer.created_at
    return joined is not None and joined >= (now or utcnow()) - timedelta(days=NEWCOMER_DAYS)


def start_here_for(viewer) -> HomeCollection | None:
    """The "Start here" collection for a newcomer who has not dismissed it, else None
    (at most two queries; none for anyone who is not a newcomer)."""
    if role_of(viewer) not in MEMBERS or not is_newcomer(viewer):
        return None
    dismissed = select(StartHereDismissal.collection_id).where(
        StartHereDismissal.user_id == viewer.id)
    collection = db.session.scalar(
        select(Collection).join(StartHereSetting, and_(StartHereSetting.id == 1,
                                                       StartHereSetting.collection_id
                                                       == Collection.id))
        .where(listed(viewer, Collection), Collection.status == PUBLISHED,
               Collection.id.not_in(dismissed)))
    if collection is None:
        return None
    return _sections(viewer, [collection])[0]



def pinned_count() -> int:
    """How many collections are pinned to the home page (drafts included)."""
    return db.session.scalar(select(func.count(Collection.id))
                             .where(Collection.pin_position.is_not(None)))
