"""The authorization policy as a matrix: every role × every foundation action."""
import pytest
from flask_login import AnonymousUserMixin

from forum.accounts.models import User
from forum.discussions.models import Category, Post, Thread
from forum.permissions import Action, Role, can, role_of

ROLES = ["anonymous", "pending", "declined", "suspended", "member", "moderator", "admin"]
OWNER_ID = 1


def user_for(role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role in {"pending", "declined", "suspended"}:
        return User(id=2, status=role, role="member", profile_visible=True)
    return User(id=2, status="active", role=role, profile_visible=True)


def objects(own=False, locked=False, deleted=False, hidden=False):
    from forum.database import utcnow
    category = Category(id=1, name="C")
    thread = Thread(id=1, category=category, is_locked=locked,
                    author_id=2 if own else OWNER_ID, hidden_at=utcnow() if hidden else None)
    post = Post(id=1, thread=thread, number=2, author_id=2 if own else OWNER_ID)
    if deleted:
        post.deleted_at = utcnow()
    return category, thread, post


M, S, A = "member", "moderator", "admin"
EVERY_MEMBER = {M, S, A}
STAFF = {S, A}

# action, what the object is, who is allowed
MATRIX = [
    (Action.VIEW, "category", EVERY_MEMBER),
    (Action.VIEW, "thread", EVERY_MEMBER),
    (Action.VIEW, "post", EVERY_MEMBER),
    (Action.VIEW, "hidden_profile", STAFF),
    (Action.VIEW, "own_profile", EVERY_MEMBER),
    (Action.START_THREAD, "category", EVERY_MEMBER),
    (Action.REPLY, "thread", EVERY_MEMBER),
    (Action.REPLY, "locked_thread", STAFF),
    (Action.EDIT_POST, "own_post", EVERY_MEMBER),
    (Action.EDIT_POST, "others_post", STAFF),
    (Action.EDIT_POST, "own_post_locked", STAFF),
    (Action.EDIT_POST, "own_deleted_post", set()),
    (Action.DELETE_POST, "own_post", EVERY_MEMBER),
    (Action.DELETE_POST, "others_post", STAFF),
    (Action.DELETE_POST, "own_deleted_post", set()),
    (Action.VIEW_HISTORY, "own_post", EVERY_MEMBER),
    (Action.VIEW_HISTORY, "others_post", STAFF),
    (Action.PREVIEW, None, EVERY_MEMBER),
    (Action.VIEW_DIRECTORY, None, EVERY_MEMBER),
    (Action.MODERATE_THREAD, "thread", STAFF),
    (Action.REVIEW_APPLICATIONS, None, STAFF),
    (Action.INVITE_MEMBER, None, STAFF),
    (Action.SUSPEND_MEMBER, None, STAFF),
    (Action.MANAGE_ORGANISATIONS, None, STAFF),
    (Action.MANAGE_CATEGORIES, None, {A}),
    (Action.MANAGE_ROLES, None, {A}),
    (Action.EDIT_PROFILE, "own_profile", EVERY_MEMBER),
    (Action.EDIT_PROFILE, "others_profile", {A}),
    # hidden by a moderator (forum/moderation)
    (Action.VIEW, "hidden_thread", STAFF),
    (Action.VIEW, "own_hidden_thread", EVERY_MEMBER),
    (Action.REPLY, "hidden_thread", STAFF),
    (Action.REPLY, "own_hidden_thread", STAFF),
    (Action.HIDE_POST, "others_post", STAFF),
    (Action.HIDE_POST, "own_post", STAFF),
    (Action.HIDE_POST, "own_deleted_post", set()),
    (Action.READ_HIDDEN, "own_post", EVERY_MEMBER),
    (Action.READ_HIDDEN, "others_post", STAFF),
]


def build(kind):
    category, thread, post = objects()
    if kind is None:
        return None
    return {
        "category": category,
        "thread": thread,
        "post": post,
        "locked_thread": objects(locked=True)[1],
        "own_post": objects(own=True)[2],
        "others_post": post,
        "own_post_locked": objects(own=True, locked=True)[2],
        "own_deleted_post": objects(own=True, deleted=True)[2],
        "hidden_thread": objects(hidden=True)[1],
        "own_hidden_thread": objects(own=True, hidden=True)[1],
        "hidden_profile": User(id=9, status="active", role="member", profile_visible=False),
        "own_profile": User(id=2, status="active", role="member", profile_visible=False),
        "others_profile": User(id=9, status="active", role="member", profile_visible=True),
    }[kind]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action,kind,allowed", MATRIX,
                         ids=[f"{a.value}-{k}" for a, k, _ in MATRIX])
def test_policy_matrix(role, action, kind, allowed):
    assert can(user_for(role), action, build(kind)) is (role in allowed)


def test_every_action_is_in_the_matrix():
    covered = {action for action, _, _ in MATRIX}
    foundation = {a for a in Action if a.value.split(":")[0] in
                  {"view", "thread", "post", "category", "member", "directory", "profile",
                   "organisation"}}
    assert foundation <= covered, foundation - covered


def test_role_of_folds_status_before_role():
    assert role_of(User(status="suspended", role="admin")) is Role.SUSPENDED
    assert role_of(User(status="active", role="moderator")) is Role.MODERATOR
    assert role_of(None) is Role.ANONYMOUS


@pytest.mark.parametrize("actor_role,target,allowed", [
    ("moderator", User(id=9, status="active", role="member"), True),
    ("moderator", User(id=9, status="suspended", role="member"), True),
    ("moderator", User(id=9, status="active", role="admin"), False),
    ("admin", User(id=9, status="active", role="admin"), True),
    ("moderator", User(id=2, status="active", role="moderator"), False),  # themselves
    ("moderator", User(id=9, status="pending", role="member"), False),
    ("member", User(id=9, status="active", role="member"), False),
])
def test_who_may_be_suspended(actor_role, target, allowed):
    assert can(user_for(actor_role), Action.SUSPEND_MEMBER, target) is allowed


def test_admins_change_every_role_but_their_own():
    admin = user_for("admin")
    assert can(admin, Action.MANAGE_ROLES, User(id=9, status="active", role="member"))
    assert not can(admin, Action.MANAGE_ROLES, User(id=2, status="active", role="admin"))
    assert not can(user_for("moderator"), Action.MANAGE_ROLES,
                   User(id=9, status="active", role="member"))
