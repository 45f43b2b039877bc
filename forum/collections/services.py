"""Curating collections: create, edit, publish, delete; add, remove and reorder items;
pin to the home page; choose "Start here"; mark resources and threads official. What
members do is in members.py; pages read through reading.py, and the home page's two
sections, `pinned_collections(viewer)` and `start_here_for(viewer)`, are importable here.

Every function decorated `@use_case` commits once and announces what changed
(forum/events.py). Item positions are always 1..n without gaps: every change to a
collection's items first locks the collection's row (an UPDATE of its `revision`), then
reads the items afresh, so concurrent reorders queue up rather than interleave, and the
unique (collection, position) constraint is the last line of defence.
"""
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select, text, update

from .. import events
from ..database import utcnow
from ..discussions.models import Thread
from ..extensions import db
from ..permissions import Action, require
from ..rendering import render_markdown
from ..resources.models import Resource
from ..transactions import use_case
from ..validation import DomainError
from .models import (DRAFT, LINK, PUBLISHED, RESOURCE, THREAD, Collection, CollectionItem,
                     StartHereSetting)
from .reading import pinned_collections, start_here_for  # noqa: F401  (the home page's)

MAX_ITEMS = 200
MAX_NOTE = 300
_PINS_LOCK = 7_243_001  # a PostgreSQL advisory lock key: "the home page's pin order"
_REFERENCE_PATH = re.compile(r"^/(resources|threads|questions)/(\d{1,9})(?:/.*)?$")


@dataclass(frozen=True)
class Move:
    """Where an item ended up: "Moved 'Model policy' to position 2 of 5"."""

    item: CollectionItem
    position: int
    total: int

    @property
    def message(self) -> str:
        return f"Moved ‘{self.item.title}’ to position {self.position} of {self.total}."


# -- collections ----------------------------------------------------------------------

def _describe(collection: Collection, description: str) -> None:
    collection.description_source = description or ""
    collection.description_html = render_markdown(description) if description else ""


@use_case
def create_collection(moderator, *, title: str, description: str = "",
                      is_official: bool = False) -> Collection:
    """A new collection, as a draft only moderators see."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    now = utcnow()
    collection = Collection(title=title, status=DRAFT, is_official=bool(is_official),
                            curator=moderator, created_at=now, updated_at=now, revision=0)
    _describe(collection, description)
    db.session.add(collection)
    db.session.flush()
    events.collection_created.send(collection, actor=moderator)
    return collection


@use_case
def update_collection(moderator, collection: Collection, *, title: str, description: str = "",
                      is_official: bool = False) -> Collection:
    """Change a collection's title, description and official flag."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    collection.title = title
    _describe(collection, description)
    collection.updated_at = utcnow()
    events.collection_updated.send(collection, actor=moderator)
    if collection.is_official != bool(is_official):
        collection.is_official = bool(is_official)
        events.collection_official_changed.send(collection, actor=moderator,
                                                official=collection.is_official)
    return collection


@use_case
def set_published(moderator, collection: Collection, published: bool) -> Collection:
    """Publish a collection to members, or take it back to a draft."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    if collection.is_published == published:
        return collection
    collection.status = PUBLISHED if published else DRAFT
    if published and collection.published_at is None:
        collection.published_at = utcnow()
    events.collection_published.send(collection, actor=moderator, published=published)
    return collection


@use_case
def delete_collection(moderator, collection: Collection) -> None:
    """Delete a collection with its items and follows (their targets stay, of course)."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    events.collection_deleted.send(collection, actor=moderator)
    was_pinned = collection.pin_position is not None
    if was_pinned:
        _lock_pins(collection)
    setting = db.session.get(StartHereSetting, 1)
    if setting is not None and setting.collection_id == collection.id:
        setting.collection_id = None
    db.session.delete(collection)
    db.session.flush()
    if was_pinned:
        _renumber_pins([c for c in _pinned() if c.id != collection.id])


# -- items ----------------------------------------------------------------------------

def _lock(collection: Collection) -> None:
    """Take the collection's row lock (SQLite: the write lock) before reading its items."""
    db.session.execute(update(Collection).where(Collection.id == collection.id)
                       .values(revision=Collection.revision + 1, updated_at=utcnow())
                       .execution_options(synchronize_session=False))


def _items_in_order(collection: Collection) -> list[CollectionItem]:
    """The items as the database has them now (refreshing any stale copies)."""
    return list(db.session.scalars(
        select(CollectionItem).where(CollectionItem.collection_id == collection.id)
        .order_by(CollectionItem.position, CollectionItem.id)
        .execution_options(populate_existing=True)))


def _write_positions(items: list[CollectionItem]) -> None:
    """Give `items` the positions 1..n in this order, in two steps, so no two rows ever
    share a position on the way (the unique constraint is checked row by row)."""
    changed = [(number, item) for number, item in enumerate(items, start=1)
               if item.position != number]
    if not changed:
        return
    for number, item in changed:
        item.position = -number
    db.session.flush()
    for number, item in changed:
        item.position = number
    db.session.flush()


def parse_reference(raw: str, kind: str) -> tuple[str, int]:
    """'12' (with the chosen kind), '/resources/12', 'https://…/questions/4?page=2' ->
    (kind, id). The address decides the kind when it names one."""
    raw = (raw or "").strip()
    if raw.isdigit() and 0 < len(raw) < 10:
        return kind, int(raw)
    try:
        path = urlsplit(raw).path
    except ValueError:
        path = ""
    found = _REFERENCE_PATH.match(path.rstrip("/") if path != "/" else path)
    if found is None:
        noun = "resource" if kind == RESOURCE else "thread"
        raise DomainError(f"Enter the address of a {noun} in this forum (for example "
                          f"…/{'resources' if kind == RESOURCE else 'threads'}/12) or its "
                          "number.", field="reference")
    return (RESOURCE if found.group(1) == "resources" else THREAD), int(found.group(2))


def _live_target(kind: str, target_id: int):
    model, noun = (Resource, "resource") if kind == RESOURCE else (Thread, "discussion or question")
    target = db.session.get(model, target_id)
    if target is None or target.is_deleted or getattr(target, "hidden_at", None):
        raise DomainError(f"There is no {noun} number {target_id} to add: check the address "
                          "(it may have been removed).", field="reference")
    return target


def check_link(url: str, title: str) -> tuple[str, str]:
    """A link item's address (http or https only) and title, or a DomainError."""
    url, title = (url or "").strip(), " ".join((title or "").split())
    try:
        parts = urlsplit(url) if len(url) <= 2000 else None
    except ValueError:  # "http://[" and the like
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise DomainError("Enter a full web address starting with https:// or http://.",
                          field="link_url")
    if not 3 <= len(title) <= 200:
        raise DomainError("Give the link a title of 3 to 200 characters.", field="link_title")
    return url, title


@use_case
def add_item(moderator, collection: Collection, *, kind: str, reference: str = "",
             url: str = "", link_title: str = "", note: str = "") -> CollectionItem:
    """Add a resource, a thread (by its address or number) or a link at the end."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise DomainError(f"Keep the note to {MAX_NOTE} characters or fewer.", field="note")
    fields = {"kind": kind}
    if kind == LINK:
        fields["url"], fields["link_title"] = check_link(url, link_title)
    elif kind in (RESOURCE, THREAD):
        fields["kind"], target_id = parse_reference(reference, kind)
        target = _live_target(fields["kind"], target_id)
        fields["resource" if fields["kind"] == RESOURCE else "thread"] = target
    else:
        raise DomainError("Choose what to add.", field="kind")
    _lock(collection)
    items = _items_in_order(collection)
    if len(items) >= MAX_ITEMS:
        raise DomainError(f"A collection holds at most {MAX_ITEMS} items.", field="kind")
    key = (fields["kind"], getattr(fields.get("resource"), "id", None),
           getattr(fields.get("thread"), "id", None), fields.get("url"))
    for existing in items:
        if (existing.kind, existing.resource_id, existing.thread_id, existing.url) == key:
            raise DomainError(f"‘{existing.title}’ is already in this collection "
                              f"(item {existing.position}).",
                              field="link_url" if kind == LINK else "reference")
    item = CollectionItem(collection_id=collection.id, position=len(items) + 1, note=note,
                          added_by_id=moderator.id, created_at=utcnow(), **fields)
    db.session.add(item)
    db.session.flush()
    events.collection_item_added.send(item, actor=moderator)
    return item


@use_case
def remove_item(moderator, item: CollectionItem) -> None:
    """Take an item out of its collection; the ones after it move up."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    collection = item.collection
    _lock(collection)
    items = _items_in_order(collection)
    if item not in items:
        return  # removed already (a double click, or another moderator)
    events.collection_item_removed.send(item, actor=moderator)
    items.remove(item)
    db.session.delete(item)
    db.session.flush()
    _write_positions(items)


@use_case
def move_item(moderator, item: CollectionItem, offset: int) -> Move:
    """Move an item `offset` places (-1: up, +1: down); at either end it stays put."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    collection = item.collection
    _lock(collection)
    items = _items_in_order(collection)
    if item not in items:
        raise DomainError("That item is no longer in the collection.")
    index = items.index(item)
    target = min(max(index + offset, 0), len(items) - 1)
    if target != index:
        items.insert(target, items.pop(index))
        _write_positions(items)
        events.collection_items_reordered.send(collection, actor=moderator, moved=item)
    return Move(item, target + 1, len(items))


@use_case
def reorder_items(moderator, collection: Collection, order: list[int],
                  moved_id: int | None = None) -> Move | None:
    """Put the items in `order` (every item's id, once each): what drag and drop sends.
    An order made before someone else added or removed an item is refused."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    _lock(collection)
    items = _items_in_order(collection)
    by_id = {item.id: item for item in items}
    if sorted(order) != sorted(by_id):
        raise DomainError("The collection changed while you were reordering it. Reload the "
                          "page to see its current order, then try again.")
    ordered = [by_id[item_id] for item_id in order]
    before = [item.id for item in items]
    _write_positions(ordered)
    if before == order:
        return None
    moved = by_id.get(moved_id) or next(item for item, old in zip(ordered, before)
                                        if item.id != old)
    events.collection_items_reordered.send(collection, actor=moderator, moved=moved)
    return Move(moved, ordered.index(moved) + 1, len(ordered))


# -- the home page: pins and Start here -------------------------------------------------

def _lock_pins(collection: Collection) -> None:
    """Serialise changes to the pin order (PostgreSQL: an advisory lock; SQLite: the
    write lock, which the collection's UPDATE takes)."""
    _lock(collection)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PINS_LOCK})


def _pinned() -> list[Collection]:
    return list(db.session.scalars(
        select(Collection).where(Collection.pin_position.is_not(None))
        .order_by(Collection.pin_position, Collection.id)
        .execution_options(populate_existing=True)))


def _renumber_pins(collections: list[Collection]) -> None:
    for number, collection in enumerate(collections, start=1):
        collection.pin_position = number


@use_case
def set_pinned(moderator, collection: Collection, pinned: bool) -> Collection:
    """Pin a collection to the home page (after those pinned already), or unpin it."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    _lock_pins(collection)
    others = [c for c in _pinned() if c.id != collection.id]
    if pinned and collection.pin_position is None:
        collection.pin_position = len(others) + 1
    elif not pinned and collection.pin_position is not None:
        collection.pin_position = None
    else:
        return collection
    _renumber_pins(others + ([collection] if pinned else []))
    events.collection_pinned.send(collection, actor=moderator,
                                  position=collection.pin_position)
    return collection


@use_case
def move_pin(moderator, collection: Collection, offset: int) -> Collection:
    """Show a pinned collection `offset` places earlier (-1) or later (+1) on the home page."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    _lock_pins(collection)
    pinned = _pinned()
    if collection not in pinned:
        raise DomainError("This collection is not pinned to the home page.")
    index = pinned.index(collection)
    pinned.insert(min(max(index + offset, 0), len(pinned) - 1), pinned.pop(index))
    _renumber_pins(pinned)
    events.collection_pinned.send(collection, actor=moderator,
                                  position=collection.pin_position)
    return collection


@use_case
def choose_start_here(moderator, collection: Collection | None) -> None:
    """Make a published collection the one newcomers see as "Start here" (None: no more)."""
    require(moderator, Action.MANAGE_COLLECTIONS)
    if collection is not None and not collection.is_published:
        raise DomainError("Publish the collection before choosing it as Start here.")
    setting = db.session.get(StartHereSetting, 1)
    if setting is None:
        setting = StartHereSetting(id=1)
        db.session.add(setting)
    previous = setting.collection
    if previous is collection:
        return
    setting.collection = collection
    setting.chosen_by_id, setting.chosen_at = moderator.id, utcnow()
    if collection is not None:
        events.collection_start_here_chosen.send(collection, actor=moderator, chosen=True)
    if previous is not None:
        events.collection_start_here_chosen.send(previous, actor=moderator, chosen=False)


# -- official material ----------------------------------------------------------------

@use_case
def set_official(moderator, target: Resource | Thread, official: bool):
    """Mark a resource or a thread as official Close the Gap material, or unmark it."""
    require(moderator, Action.MARK_OFFICIAL)
    require(moderator, Action.VIEW, target)
    if target.is_deleted:
        raise DomainError("A removed item cannot be marked official.")
    if target.is_official == official:
        return target
    target.is_official = official
    signal = (events.resource_official_changed if isinstance(target, Resource)
              else events.thread_official_changed)
    signal.send(target, actor=moderator, official=official)
    return target
