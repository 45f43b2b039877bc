"""The collections' rules as a matrix (every role × every action), and items whose target
was removed dropping out for members but not for moderators."""
import pytest
from flask_login import AnonymousUserMixin

from forum.accounts.models import User
from forum.collections import reading
from forum.collections.models import DRAFT, PUBLISHED, Collection, CollectionItem
from forum.database import utcnow
from forum.discussions.models import Category, Thread
from forum.extensions import db
from forum.permissions import Action, can, visible
from forum.resources import services as resources
from forum.resources.models import Resource

from ..factories import make_thread
from ..resources.helpers import make_resource
from .factories import make_collection

ROLES = ["anonymous", "pending", "declined", "suspended", "member", "moderator", "admin"]
M, S, A = "member", "moderator", "admin"
EVERY_MEMBER, STAFF, NOBODY = {M, S, A}, {S, A}, set()


def user_for(role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role in {"pending", "declined", "suspended"}:
        return User(id=2, status=role, role="member")
    return User(id=2, status="active", role=role)


def collection(status=PUBLISHED):
    return Collection(id=1, title="C", status=status)


def item(kind="link", status=PUBLISHED, removed=False):
    now = utcnow() if removed else None
    category = Category(id=1, name="C")
    found = CollectionItem(id=1, kind=kind, position=1, collection=collection(status),
                           url="https://example.org" if kind == "link" else None)
    if kind == "resource":
        found.resource = Resource(id=1, title="R", category=category, deleted_at=now)
    if kind == "thread":
        found.thread = Thread(id=1, title="T", category=category, deleted_at=now)
    return found


OBJECTS = {
    None: lambda: None,
    "published": collection, "draft": lambda: collection(DRAFT),
    "link": item, "resource_item": lambda: item("resource"),
    "thread_item": lambda: item("thread"),
    "removed_resource_item": lambda: item("resource", removed=True),
    "removed_thread_item": lambda: item("thread", removed=True),
    "item_in_draft": lambda: item("link", DRAFT),
    "resource": lambda: Resource(id=1, title="R"), "thread": lambda: Thread(id=1, title="T"),
}

MATRIX = [
    (Action.VIEW, "published", EVERY_MEMBER),
    (Action.VIEW, "draft", STAFF),
    (Action.VIEW, "link", EVERY_MEMBER),
    (Action.VIEW, "resource_item", EVERY_MEMBER),
    (Action.VIEW, "thread_item", EVERY_MEMBER),
    (Action.VIEW, "removed_resource_item", STAFF),
    (Action.VIEW, "removed_thread_item", STAFF),
    (Action.VIEW, "item_in_draft", STAFF),
    (Action.MANAGE_COLLECTIONS, None, STAFF),
    (Action.MANAGE_COLLECTIONS, "published", STAFF),
    (Action.MARK_OFFICIAL, "resource", STAFF),
    (Action.MARK_OFFICIAL, "thread", STAFF),
    (Action.FOLLOW_COLLECTION, "published", EVERY_MEMBER),
    (Action.FOLLOW_COLLECTION, "draft", NOBODY),
]


@pytest.mark.parametrize("action,kind,allowed", MATRIX,
                         ids=[f"{a.value}-{k}" for a, k, _ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_policy_matrix(app, role, action, kind, allowed):
    assert can(user_for(role), action, OBJECTS[kind]()) == (role in allowed)


def test_an_item_whose_target_is_removed_drops_out_for_members_only(moderator, member):
    resource, thread = make_resource(title="Policy"), make_thread(title="Welcome")
    shown = make_collection(moderator, items=[resource, thread,
                                              ("https://example.org", "A link")])
    resources.delete_resource(moderator, resource)
    thread.hidden_at = utcnow() if hasattr(Thread, "hidden_at") else None
    thread.deleted_at = utcnow()
    db.session.commit()
    seen_by_member = [i.title for i in reading.collection_items(member, shown)]
    assert seen_by_member == ["A link"]
    staff_items = reading.collection_items(moderator, shown)
    assert [(i.title, i.target_removed) for i in staff_items] == [
        ("Policy", True), ("Welcome", True), ("A link", False)]


def test_members_see_fewer_collection_rows_than_moderators(moderator, member):
    draft = make_collection(moderator, published=False, items=[("https://example.org", "Link 1")])
    make_collection(moderator, items=[("https://example.org", "Link 2")])
    assert draft.status == DRAFT
    for model in (Collection, CollectionItem):
        count = {viewer.role: db.session.scalar(db.select(db.func.count()).select_from(model)
                                                .where(visible(viewer, model)))
                 for viewer in (member, moderator)}
        assert count["member"] == 1 and count["moderator"] == 2, model.__name__
