"""Who may see collections and their items (each rule beside its query twin), and follow.

Members see published collections; moderators also see drafts. An item is seen where its
collection is, and, for members, only while its target is listed for them: a removed (or
hidden) resource or thread drops out of every collection. Moderators see such items, flagged.
The item rules reuse the targets' own rules (`can` / `listed`), so they follow any change
to who may see a resource or a thread.
"""
from sqlalchemy import and_, or_, true

from ..discussions.models import Thread
from ..permissions import Action, can, listed, rule, view_rule
from ..resources.models import Resource
from .models import LINK, PUBLISHED, Collection, CollectionItem


def _published():
    return Collection.status == PUBLISHED


@view_rule(Collection, query=lambda viewer, staff: true() if staff else _published())
def _view_collection(user, collection, staff):
    """Members see published collections; moderators and admins see drafts too."""
    return staff or collection.is_published


def _visible_items(viewer, staff):
    if staff:
        return true()
    return and_(CollectionItem.collection.has(_published()),
                or_(CollectionItem.kind == LINK,
                    CollectionItem.resource.has(listed(viewer, Resource)),
                    CollectionItem.thread.has(listed(viewer, Thread))))


@view_rule(CollectionItem, query=_visible_items)
def _view_item(user, item, staff):
    """Where its collection is seen, while its resource or thread is listed for the viewer."""
    if staff:
        return True
    if not _view_collection(user, item.collection, staff):
        return False
    target = item.target
    if item.kind == LINK:
        return True
    return target is not None and not target.is_deleted and can(user, Action.VIEW, target)


@rule(Action.FOLLOW_COLLECTION, Collection)
def _follow(user, collection, staff):
    """Only a published collection can be followed (a draft has nothing to follow yet)."""
    return collection.is_published
