"""The one authorization policy: `can(user, action, obj)`.

Views, services and templates all ask this module; nothing else decides who may do what.
`require` turns a refusal into 403 when the user may see the object and 404 when they
may not, so object ids in URLs never reveal what exists.
"""
from enum import StrEnum

from flask import abort


class Role(StrEnum):
    """Who a user is, as far as the policy cares (status and role folded together)."""

    ANONYMOUS = "anonymous"
    PENDING = "pending"
    DECLINED = "declined"
    SUSPENDED = "suspended"
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Action(StrEnum):
    """Everything a user can try to do that the policy decides."""

    VIEW = "view"
    START_THREAD = "thread:start"
    REPLY = "thread:reply"
    MODERATE_THREAD = "thread:moderate"  # lock, unlock, pin, unpin
    EDIT_POST = "post:edit"
    DELETE_POST = "post:delete"
    VIEW_HISTORY = "post:history"
    PREVIEW = "post:preview"
    MANAGE_CATEGORIES = "category:manage"
    REVIEW_APPLICATIONS = "member:approve"
    INVITE_MEMBER = "member:invite"
    SUSPEND_MEMBER = "member:suspend"
    MANAGE_ROLES = "member:role"
    MANAGE_ORGANISATIONS = "organisation:manage"
    VIEW_DIRECTORY = "directory:view"
    EDIT_PROFILE = "profile:edit"
    # Questions and answers (forum/qa)
    VOTE = "question:vote"  # mark a question or answer helpful (or withdraw the vote)
    ACCEPT_ANSWER = "question:accept"  # accept an answer, change or withdraw the choice
    COMMENT = "question:comment"  # on a question or an answer
    DELETE_COMMENT = "comment:delete"
    CONVERT_THREAD = "question:convert"  # question <-> discussion
    TAG_THREAD = "tag:thread"  # set a thread's tags
    MANAGE_TAGS = "tag:manage"  # rename and merge tags
    SEE_ANONYMOUS_AUTHOR = "question:see-anonymous-author"
    # Resource library and attachments (forum/resources), background jobs (forum/jobs)
    SHARE_RESOURCE = "resource:share"
    EDIT_RESOURCE = "resource:edit"  # change details, upload a new version
    DELETE_RESOURCE = "resource:delete"
    ATTACH_FILES = "attachment:add"
    DELETE_ATTACHMENT = "attachment:delete"
    DOWNLOAD = "file:download"  # obj: a ResourceVersion or an Attachment
    SEE_TEXT_STATUS = "file:text-status"  # "text could not be extracted": uploader, staff
    MANAGE_JOBS = "jobs:manage"


STAFF = {Role.MODERATOR, Role.ADMIN}
MEMBERS = {Role.MEMBER, Role.MODERATOR, Role.ADMIN}

# Actions decided by role alone, whatever the object.
_ROLE_ONLY = {
    Action.START_THREAD: MEMBERS,
    Action.PREVIEW: MEMBERS,
    Action.VIEW_DIRECTORY: MEMBERS,
    Action.MODERATE_THREAD: STAFF,
    Action.REVIEW_APPLICATIONS: STAFF,
    Action.INVITE_MEMBER: STAFF,
    Action.SUSPEND_MEMBER: STAFF,
    Action.MANAGE_ORGANISATIONS: STAFF,
    Action.MANAGE_CATEGORIES: {Role.ADMIN},
    Action.MANAGE_ROLES: {Role.ADMIN},
    Action.CONVERT_THREAD: STAFF,
    Action.MANAGE_TAGS: STAFF,
    Action.SEE_ANONYMOUS_AUTHOR: STAFF,
    Action.SHARE_RESOURCE: MEMBERS,
    Action.ATTACH_FILES: MEMBERS,
    Action.MANAGE_JOBS: {Role.ADMIN},
}


def role_of(user) -> Role:
    """The policy role of `user` (None or an anonymous user counts as anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Role.ANONYMOUS
    if user.status != "active":
        return Role(user.status)
    return Role(user.role)


def is_staff(user) -> bool:
    """True for active moderators and admins."""
    return role_of(user) in STAFF


def can(user, action, obj=None) -> bool:
    """May `user` do `action` (to `obj`, when the action concerns one)?"""
    action = Action(action)
    role = role_of(user)
    if role not in MEMBERS:
        return False  # the forum is private: only approved, active members do anything
    if action in _ROLE_ONLY:
        return role in _ROLE_ONLY[action]
    staff = role in STAFF
    if action is Action.VIEW:
        return _can_view(user, obj, staff)
    if action is Action.REPLY:
        return not obj.is_deleted and (staff or not obj.is_locked)
    if action is Action.EDIT_POST:
        if staff:
            return not obj.is_deleted
        return (obj.author_id == user.id and not obj.is_deleted
                and not obj.thread.is_locked)
    if action is Action.DELETE_POST:
        return not obj.is_deleted and (staff or obj.author_id == user.id)
    if action is Action.VIEW_HISTORY:
        return staff or obj.author_id == user.id
    if action is Action.EDIT_PROFILE:
        return obj.id == user.id or role is Role.ADMIN
    if action is Action.VOTE:  # obj: a Post; no votes on your own posts
        return (_live_question_post(obj) and obj.author_id != user.id
                and (staff or not obj.thread.is_locked))
    if action is Action.ACCEPT_ANSWER:  # obj: the answer (a Post); the asker or staff decide
        return (_live_question_post(obj) and obj.number > 1
                and (staff or (obj.thread.author_id == user.id and not obj.thread.is_locked)))
    if action is Action.COMMENT:  # obj: a Post
        return _live_question_post(obj) and (staff or not obj.thread.is_locked)
    if action is Action.DELETE_COMMENT:  # obj: a Comment
        return not obj.is_deleted and (staff or obj.author_id == user.id)
    if action is Action.TAG_THREAD:  # obj: a Thread
        return not obj.is_deleted and (staff or (obj.author_id == user.id
                                                 and not obj.is_locked))
    if action in {Action.EDIT_RESOURCE, Action.DELETE_RESOURCE}:  # obj: a Resource
        return not obj.is_deleted and (staff or obj.author_id == user.id)
    if action is Action.DELETE_ATTACHMENT:  # obj: an Attachment
        post = obj.post
        return not post.is_deleted and (staff or (obj.uploader_id == user.id
                                                  and not post.thread.is_locked))
    if action is Action.DOWNLOAD:  # obj: a ResourceVersion or an Attachment
        resource = getattr(obj, "resource", None)
        if resource is not None and resource.is_deleted:
            return False  # a deleted resource's files are removed: gone for everyone
        return _can_view(user, obj, staff)
    if action is Action.SEE_TEXT_STATUS:  # obj: a Resource, ResourceVersion or Attachment
        owner = obj.author_id if type(obj).__name__ == "Resource" else obj.uploader_id
        return staff or owner == user.id
    raise ValueError(f"no rule for {action!r}")  # pragma: no cover - a new action needs a rule


def _live_question_post(post) -> bool:
    thread = post.thread
    return thread.kind == "question" and not post.is_deleted and not thread.is_deleted


def _can_view(user, obj, staff) -> bool:
    kind = type(obj).__name__
    if obj is None or kind in {"Category", "Organisation"}:
        return True
    if kind == "Thread":
        return staff or not obj.is_deleted
    if kind == "Post":
        return _can_view(user, obj.thread, staff)
    if kind == "Comment":
        return (staff or not obj.is_deleted) and _can_view(user, obj.post, staff)
    if kind == "Tag":
        return True
    if kind == "User":
        return obj.id == user.id or staff or (obj.status == "active" and obj.profile_visible)
    view_rule = getattr(obj, "visible_to", None)  # later domains bring their own rule
    if view_rule is not None:
        return view_rule(user, staff)
    raise ValueError(f"no view rule for {kind}")


def require(user, action, obj=None):
    """Abort unless `can(user, action, obj)`: 404 if they may not even see `obj`, else 403."""
    if can(user, action, obj):
        return
    if obj is not None and not can(user, Action.VIEW, obj):
        abort(404)
    abort(403)
