"""The library's and jobs' rules in the policy, as a matrix: every role × every action."""
import pytest
from flask_login import AnonymousUserMixin

from forum.accounts.models import User
from forum.database import utcnow
from forum.discussions.models import Category, Post, Thread
from forum.permissions import Action, can
from forum.discussions.models import Attachment
from forum.resources.models import Resource, ResourceVersion

ROLES = ["anonymous", "pending", "declined", "suspended", "member", "moderator", "admin"]
ME, OTHER = 2, 1
M, S, A = "member", "moderator", "admin"
EVERY_MEMBER, STAFF, NOBODY = {M, S, A}, {S, A}, set()


def user_for(role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role in {"pending", "declined", "suspended"}:
        return User(id=ME, status=role, role="member")
    return User(id=ME, status="active", role=role)


def resource(owner=OTHER, deleted=False):
    item = Resource(id=1, author_id=owner, title="R", category=Category(id=1, name="C"))
    item.deleted_at = utcnow() if deleted else None
    return item


def version(owner=OTHER, deleted=False):
    return ResourceVersion(id=1, number=1, resource=resource(owner, deleted), uploader_id=owner)


def attachment(owner=OTHER, locked=False, deleted_post=False, deleted_thread=False):
    thread = Thread(id=1, category=Category(id=1, name="C"), is_locked=locked, author_id=OTHER)
    thread.deleted_at = utcnow() if deleted_thread else None
    post = Post(id=1, thread=thread, number=2, author_id=owner)
    post.deleted_at = utcnow() if deleted_post else None
    return Attachment(id=1, post=post, uploader_id=owner, filename="f.pdf", kind="pdf", size=1)


OBJECTS = {
    None: lambda: None,
    "resource": lambda: resource(),
    "deleted_resource": lambda: resource(deleted=True),
    "own_resource": lambda: resource(ME),
    "others_resource": lambda: resource(OTHER),
    "own_deleted_resource": lambda: resource(ME, deleted=True),
    "version": lambda: version(),
    "own_version": lambda: version(ME),
    "deleted_resource_version": lambda: version(ME, deleted=True),
    "attachment": lambda: attachment(),
    "own_attachment": lambda: attachment(ME),
    "others_attachment": lambda: attachment(OTHER),
    "own_attachment_locked": lambda: attachment(ME, locked=True),
    "own_attachment_deleted_post": lambda: attachment(ME, deleted_post=True),
    "deleted_post_attachment": lambda: attachment(deleted_post=True),
    "deleted_thread_attachment": lambda: attachment(deleted_thread=True),
}

MATRIX = [
    (Action.SHARE_RESOURCE, None, EVERY_MEMBER),
    (Action.ATTACH_FILES, None, EVERY_MEMBER),
    (Action.MANAGE_JOBS, None, {A}),
    (Action.VIEW, "resource", EVERY_MEMBER),
    (Action.VIEW, "deleted_resource", STAFF),
    (Action.VIEW, "deleted_resource_version", STAFF),
    (Action.EDIT_RESOURCE, "own_resource", EVERY_MEMBER),
    (Action.EDIT_RESOURCE, "others_resource", STAFF),
    (Action.EDIT_RESOURCE, "own_deleted_resource", NOBODY),
    (Action.DELETE_RESOURCE, "own_resource", EVERY_MEMBER),
    (Action.DELETE_RESOURCE, "others_resource", STAFF),
    (Action.DELETE_RESOURCE, "own_deleted_resource", NOBODY),
    (Action.DOWNLOAD, "version", EVERY_MEMBER),
    (Action.DOWNLOAD, "deleted_resource_version", NOBODY),
    (Action.DOWNLOAD, "attachment", EVERY_MEMBER),
    (Action.DOWNLOAD, "deleted_post_attachment", STAFF),
    (Action.DOWNLOAD, "deleted_thread_attachment", STAFF),
    (Action.DELETE_ATTACHMENT, "own_attachment", EVERY_MEMBER),
    (Action.DELETE_ATTACHMENT, "others_attachment", STAFF),
    (Action.DELETE_ATTACHMENT, "own_attachment_locked", STAFF),
    (Action.DELETE_ATTACHMENT, "own_attachment_deleted_post", NOBODY),
    (Action.SEE_TEXT_STATUS, "own_attachment", EVERY_MEMBER),
    (Action.SEE_TEXT_STATUS, "others_attachment", STAFF),
    (Action.SEE_TEXT_STATUS, "own_version", EVERY_MEMBER),
    (Action.SEE_TEXT_STATUS, "version", STAFF),
    (Action.SEE_TEXT_STATUS, "own_resource", EVERY_MEMBER),
    (Action.SEE_TEXT_STATUS, "others_resource", STAFF),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action,kind,allowed", MATRIX,
                         ids=[f"{a.value}-{k}" for a, k, _ in MATRIX])
def test_policy_matrix(role, action, kind, allowed):
    assert can(user_for(role), action, OBJECTS[kind]()) is (role in allowed)


def test_every_library_and_jobs_action_is_in_the_matrix():
    covered = {action for action, _, _ in MATRIX}
    ours = {a for a in Action if a.value.split(":")[0] in {"resource", "attachment", "file",
                                                           "jobs"}}
    assert ours and ours <= covered, ours - covered
