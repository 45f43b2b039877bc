"""What members do with collections: follow and unfollow, visits (for "New since your
last visit"), and dismissing "Start here". Each is one use case."""
from sqlalchemy.exc import IntegrityError

from .. import events
from ..database import utcnow
from ..extensions import db
from ..permissions import Action, require
from ..transactions import use_case
from .models import Collection, CollectionFollow, StartHereDismissal


def _add_once(row) -> None:
    """Insert `row` unless an identical key exists (a double click): a savepoint keeps
    the use case going either way."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        pass


@use_case
def follow(member, collection: Collection) -> None:
    """Follow a collection: its page then marks what was added since the last visit."""
    require(member, Action.FOLLOW_COLLECTION, collection)
    if db.session.get(CollectionFollow, (member.id, collection.id)) is None:
        now = utcnow()
        _add_once(CollectionFollow(user_id=member.id, collection_id=collection.id,
                                   created_at=now, last_seen_at=now))
        events.collection_followed.send(collection, actor=member, following=True)


@use_case
def unfollow(member, collection: Collection) -> None:
    """Stop following a collection."""
    require(member, Action.VIEW, collection)
    row = db.session.get(CollectionFollow, (member.id, collection.id))
    if row is not None:
        db.session.delete(row)
        events.collection_followed.send(collection, actor=member, following=False)


@use_case
def record_visit(member, collection: Collection):
    """A follower opened the collection: returns when they last had (None if they do not
    follow it), and remembers now. A read receipt, so no change event."""
    require(member, Action.VIEW, collection)
    row = db.session.get(CollectionFollow, (member.id, collection.id))
    if row is None:
        return None
    previous, row.last_seen_at = row.last_seen_at, utcnow()
    return previous


@use_case
def dismiss_start_here(member, collection: Collection) -> None:
    """Stop showing this Start here collection to `member`."""
    require(member, Action.VIEW, collection)
    if db.session.get(StartHereDismissal, (member.id, collection.id)) is None:
        _add_once(StartHereDismissal(user_id=member.id, collection_id=collection.id,
                                     dismissed_at=utcnow()))
        events.start_here_dismissed.send(collection, actor=member)
