"""Collections for tests, made through the real services (and raw rows for the policy
matrix, which needs every state at once)."""
from forum.collections import services
from forum.extensions import db
from forum.collections.models import DRAFT, PUBLISHED, Collection, CollectionItem

from ..factories import make_moderator


def make_collection(moderator=None, *, title="Model policies", description="The *best* ones.",
                    published=True, official=False, items=()) -> Collection:
    """A collection with `items`: resources, threads, or (url, title) pairs for links."""
    moderator = moderator or make_moderator()
    collection = services.create_collection(moderator, title=title, description=description,
                                            is_official=official)
    for target in items:
        add(moderator, collection, target)
    if published:
        services.set_published(moderator, collection, True)
    return collection


def add(moderator, collection, target, note="") -> CollectionItem:
    """Add a resource, a thread or a (url, title) link to `collection`."""
    if isinstance(target, tuple):
        return services.add_item(moderator, collection, kind="link", url=target[0],
                                 link_title=target[1], note=note)
    kind = "thread" if hasattr(target, "post_count") else "resource"
    return services.add_item(moderator, collection, kind=kind, reference=str(target.id),
                             note=note)


def filled_collection(moderator=None, count=4, **overrides) -> Collection:
    """A published collection of `count` link items titled "Item 1".."Item n"."""
    return make_collection(moderator, items=[(f"https://example.org/{n}", f"Item {n}")
                                             for n in range(1, count + 1)], **overrides)


def rows(collection) -> list[CollectionItem]:
    """The collection's items in position order, fresh from the database."""
    return list(db.session.scalars(
        db.select(CollectionItem).where(CollectionItem.collection_id == collection.id)
        .order_by(CollectionItem.position).execution_options(populate_existing=True)))


def titles(collection) -> list[str]:
    """The collection's item titles in position order."""
    return [item.title for item in rows(collection)]


def policy_matrix_rows(curator, threads, resources) -> list:
    """A published and a draft collection, each holding a link and every thread and
    resource (live, removed, hidden ...): the states the item rules look at."""
    rows = []
    for status in (PUBLISHED, DRAFT):
        collection = Collection(title=f"C {status}", status=status, curator=curator)
        rows.append(collection)
        targets = [("link", None)] + [("thread", t) for t in threads] + [
            ("resource", r) for r in resources]
        for position, (kind, target) in enumerate(targets, start=1):
            rows.append(CollectionItem(
                collection=collection, position=position, kind=kind,
                thread=target if kind == "thread" else None,
                resource=target if kind == "resource" else None,
                url="https://example.org" if kind == "link" else None, link_title="Link"))
    return rows

