"""The policy's query twin agrees with `can` over the whole role × object matrix.

For every model with a VIEW rule, and every viewer (each role and status), the rows
`select(Model).where(visible(viewer, Model))` returns are exactly the rows for which
`can(viewer, Action.VIEW, row)` is true; `listed` is that less what is deleted. The data
covers each state the rules look at (removed, locked, hidden profiles, suspended
members, removed posts in live threads and live posts in removed threads, ...).
"""
import pytest
from flask_login import AnonymousUserMixin

from forum.accounts.models import Organisation, User
from forum.database import utcnow
from forum.discussions.models import Attachment, Category, Post, Thread
from forum.extensions import db
from forum.permissions import (Action, can, listed, models_with_query_twins,
                               models_with_view_rules, visible)
from forum.qa.models import Comment
from forum.resources.models import Resource, ResourceVersion
from forum.tags.models import Tag

VIEWERS = [("anonymous", None), ("member", "pending"), ("member", "declined"),
           ("member", "suspended"), ("member", "active"), ("moderator", "active"),
           ("admin", "active"), ("moderator", "suspended")]


def _user(n, **fields):
    fields.setdefault("status", "active")
    fields.setdefault("role", "member")
    return User(email=f"user{n}@example.org", display_name=f"User {n}", **fields)


@pytest.fixture
def world(app):
    """One of everything, in every state the rules distinguish."""
    now = utcnow()
    organisation = Organisation(name="Council", sector="public", accreditation="accredited")
    users = [_user(1, organisation=organisation), _user(2, profile_visible=False),
             _user(3, status="suspended"), _user(4, status="pending"),
             _user(5, status="declined", profile_visible=False)]
    category = Category(name="Policies")
    tag = Tag(name="policy")
    threads = {
        "live": Thread(category=category, author=users[0], title="Live", tags=[tag]),
        "locked": Thread(category=category, author=users[0], title="Locked", is_locked=True),
        "removed": Thread(category=category, author=users[0], title="Removed", deleted_at=now),
        "anonymous": Thread(category=category, author=users[1], title="Anon?", kind="question",
                            is_anonymous=True),
        "hidden": Thread(category=category, author=users[0], title="Hidden", hidden_at=now),
    }
    posts = []
    for thread in threads.values():
        for number, deleted, hidden in ((1, None, None), (2, now, None), (3, None, now)):
            posts.append(Post(thread=thread, number=number, author=users[0], body_source="x",
                              body_html="<p>x</p>", deleted_at=deleted, hidden_at=hidden))
    comments = [Comment(post=post, author=users[1], body="c", body_html="c", deleted_at=when)
                for post in posts for when in (None, now)]
    attachments = [Attachment(post=post, uploader=users[0], filename="a.pdf", kind="pdf",
                              size=1) for post in posts]
    resources = [Resource(title=f"R{n}", category=category, author=users[0], kind="pdf",
                          deleted_at=when) for n, when in enumerate((None, now))]
    versions = [ResourceVersion(resource=resource, number=1, uploader=users[0],
                                filename="r.pdf", kind="pdf", size=1) for resource in resources]
    db.session.add_all([organisation, *users, category, tag, *threads.values(), *posts,
                        *comments, *attachments, *resources, *versions])
    db.session.commit()
    from .collections.factories import policy_matrix_rows  # collections, items of each target
    db.session.add_all(policy_matrix_rows(users[0], list(threads.values()), resources))
    from .meetings.factories import policy_matrix_rows as meeting_rows  # meetings, rounds
    db.session.add_all(meeting_rows(users[0]))
    db.session.commit()
    from .conversations.factories import policy_matrix_rows as conversation_rows
    db.session.add_all(conversation_rows(users))  # participants, one who left; their messages
    db.session.commit()
    from .polls.factories import policy_matrix_rows as poll_rows  # a poll on each thread
    db.session.add_all(poll_rows(list(threads.values())))
    db.session.commit()
    from .notifications.factories import policy_matrix_rows as notification_rows
    db.session.add_all(notification_rows(users[0]))  # recipient checks: notifications/
    db.session.commit()
    return users


def viewer_for(role, status, n):
    if role == "anonymous":
        return AnonymousUserMixin()
    viewer = _user(100 + n, role=role, status=status)
    db.session.add(viewer)
    db.session.commit()
    return viewer


def test_every_model_with_a_view_rule_has_a_query_twin():
    assert models_with_view_rules() == models_with_query_twins()
    assert {Thread, Post, Comment, Attachment, Resource, ResourceVersion, User, Category,
            Organisation, Tag} <= models_with_view_rules()


@pytest.mark.parametrize("n,role,status", [(n, r, s) for n, (r, s) in enumerate(VIEWERS)],
                         ids=[f"{r}-{s}" for r, s in VIEWERS])
def test_the_query_twin_returns_exactly_what_can_allows(world, n, role, status):
    viewer = viewer_for(role, status, n)
    for model in sorted(models_with_view_rules(), key=lambda m: m.__name__):
        rows = list(db.session.scalars(db.select(model)))
        assert rows, f"the matrix has no {model.__name__} rows"
        allowed = {row.id for row in rows if can(viewer, Action.VIEW, row)}
        found = set(db.session.scalars(db.select(model.id).where(visible(viewer, model))))
        assert found == allowed, (model.__name__, role, status)
        live = {row.id for row in rows if row.id in allowed
                and getattr(row, "deleted_at", None) is None}
        listed_ids = set(db.session.scalars(db.select(model.id).where(listed(viewer, model))))
        assert listed_ids == live, (model.__name__, role, status)


def test_the_matrix_distinguishes_members_from_moderators(world):
    """A guard against a twin that agrees only because everything is visible."""
    member, moderator = viewer_for("member", "active", 1), viewer_for("moderator", "active", 2)
    for model in (Thread, Post, Comment, Attachment, Resource, User):
        seen_by_member = db.session.scalar(
            db.select(db.func.count()).select_from(model).where(visible(member, model)))
        seen_by_moderator = db.session.scalar(
            db.select(db.func.count()).select_from(model).where(visible(moderator, model)))
        assert seen_by_member < seen_by_moderator, model.__name__
