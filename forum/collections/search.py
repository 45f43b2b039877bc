"""Collections in the search index (published ones only: a draft is never indexed), and
the listeners that queue reindexing when a collection, or an official flag, changes."""
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import events
from ..extensions import db
from ..rendering import plain_text
from ..search.documents import MAX_BODY_CHARS, SearchDoc, key_of
from ..search.indexing import queue_index
from ..search.registry import ResultView, Searchable, register
from .models import Collection, CollectionItem


def load_collections(ids, condition=None) -> list[Collection]:
    """Collections with their items and the items' targets (three queries)."""
    query = (select(Collection).where(Collection.id.in_(ids))
             .options(joinedload(Collection.curator),
                      selectinload(Collection.items).joinedload(CollectionItem.resource),
                      selectinload(Collection.items).joinedload(CollectionItem.thread)))
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


def collection_document(collection: Collection) -> SearchDoc | None:
    """Title, description, and each live item's title and note (None for a draft)."""
    if not collection.is_published:
        return None
    lines = [plain_text(collection.description_html, MAX_BODY_CHARS)
             if collection.description_html else ""]
    for item in collection.items:
        if not item.target_removed:
            lines.append(f"{item.title}. {item.note}".strip())
    return SearchDoc(
        key=key_of(collection), kind="collection", title=collection.title,
        body="\n".join(line for line in lines if line)[:MAX_BODY_CHARS],
        created_at=collection.published_at or collection.created_at,
        author_name="Close the Gap" if collection.is_official else "Moderators",
        official=collection.is_official)


def collection_result(collection: Collection) -> ResultView:
    """A collection hit: links to the collection's page."""
    where = "Official collection" if collection.is_official else "Collection"
    return ResultView("Collection", url_for("collections.collection",
                                            collection_id=collection.id),
                      where, collection, byline_role="curator",
                      date=collection.published_at or collection.created_at)


register(Searchable("collection", Collection, load_collections, collection_document,
                    collection_result,
                    lambda: db.session.scalars(select(Collection.id).order_by(Collection.id))))


@events.collection_created.connect
@events.collection_updated.connect
@events.collection_deleted.connect
@events.collection_published.connect
@events.collection_official_changed.connect
def _collection_changed(collection, **extra):
    queue_index(collection)


@events.collection_item_added.connect
@events.collection_item_removed.connect
def _item_changed(item, **extra):
    queue_index(f"collection:{item.collection_id}")


@events.resource_official_changed.connect
@events.thread_official_changed.connect
def _official_changed(target, **extra):
    """A resource's or thread's own document carries the flag (the "official" filter)."""
    queue_index(target)
