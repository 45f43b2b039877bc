"""The one authorization policy: `can(user, action, obj)`, and its query twin `visible`.

This module owns the vocabulary (`Role`, `Action`), the rules decided by role alone, and
the machinery; each domain registers the rules about its own objects from its
`policy.py` (imported with the domain's package):

    @rule(Action.REPLY, Thread)
    def _reply(user, thread, staff):
        return not thread.is_deleted and (staff or not thread.is_locked)

    @view_rule(Thread, query=lambda viewer, staff: true() if staff else Thread.deleted_at.is_(None))
    def _view_thread(user, thread, staff): ...

`can(user, VIEW, obj)` answers for one object; `visible(viewer, Model)` answers the same
question for a whole SELECT as a WHERE condition ("only what this viewer may see"). The
two are written side by side in each domain's policy and tested against each other over
the whole role × object matrix. Every list, count and search result goes through
`visible` (or `listed`, which also leaves out what is deleted).

`require` turns a refusal into 403 when the user may see the object and 404 when they may
not, so object ids in URLs never reveal what exists.
"""
from enum import StrEnum
from typing import Callable

from flask import abort
from sqlalchemy import and_, false, true



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
    # Resource library and attachments (forum/resources, forum/discussions), jobs
    SHARE_RESOURCE = "resource:share"
    EDIT_RESOURCE = "resource:edit"  # change details, upload a new version
    DELETE_RESOURCE = "resource:delete"
    ATTACH_FILES = "attachment:add"
    DELETE_ATTACHMENT = "attachment:delete"
    DOWNLOAD = "file:download"  # obj: a ResourceVersion or an Attachment
    SEE_TEXT_STATUS = "file:text-status"  # "text could not be extracted": uploader, staff
    MANAGE_JOBS = "jobs:manage"
    # Moderation (forum/moderation)
    REPORT = "report:file"  # obj: a Post, Comment or Resource the member can see
    REVIEW_REPORTS = "report:review"  # the queue, resolving
    HIDE_POST = "post:hide"  # hide or unhide, with a reason
    READ_HIDDEN = "post:read-hidden"  # a hidden post's text: its author and moderators
    VIEW_AUDIT = "audit:view"
    # Collections (forum/collections)
    MANAGE_COLLECTIONS = "collection:manage"  # create, edit, items, publish, pin, Start here
    MARK_OFFICIAL = "official:mark"  # mark a resource or thread official Close the Gap material
    FOLLOW_COLLECTION = "collection:follow"  # obj: a published Collection
    # Meetings and topic votes (forum/meetings)
    MANAGE_MEETINGS = "meeting:manage"  # schedule, edit, cancel; slides, notes, recap
    ATTEND_MEETING = "meeting:attend"  # obj: a Meeting (scheduled, not over): going or not
    SEE_JOINING_LINK = "meeting:joining-link"  # obj: a Meeting (not cancelled)
    MANAGE_TOPIC_ROUNDS = "round:manage"  # open, close, merge proposals, link to meetings
    PROPOSE_TOPIC = "round:propose"  # obj: an open TopicRound
    VOTE_TOPIC = "topic:vote"  # obj: a TopicProposal in an open round, not merged
    SEE_TALLIES = "round:tallies"  # obj: a TopicRound (closed, or live tallies allowed)
    # Private conversations (forum/conversations): the objects' rules are in its policy.py
    START_CONVERSATION = "conversation:start"  # obj (optional): the User to message
    SEND_MESSAGE = "conversation:send"  # obj: a Conversation the member takes part in
    ADD_PARTICIPANT = "conversation:add"  # obj: a Conversation the member takes part in
    LEAVE_CONVERSATION = "conversation:leave"  # obj: a Conversation the member takes part in
    BLOCK_MEMBER = "conversation:block"  # obj: another User (their messages)
    READ_REPORTED_CONVERSATION = "report:read-conversation"  # obj: an open Report of a message
    # Polls (forum/polls): the objects' rules are in its policy.py
    ADD_POLL = "poll:add"  # obj: a Thread (its author, or staff), without a poll yet
    VOTE_POLL = "poll:vote"  # obj: an open Poll (benchmark: the member has an organisation)
    EDIT_POLL = "poll:edit"  # obj: an open Poll (its author, or staff): wording, dates
    CLOSE_POLL = "poll:close"  # obj: an open Poll (staff, early)
    SEE_POLL_RESULTS = "poll:results"  # obj: a Poll (by its results mode)
    EXPORT_POLL = "poll:export"  # obj: a Poll (staff): results as CSV


STAFF = frozenset({Role.MODERATOR, Role.ADMIN})
MEMBERS = frozenset({Role.MEMBER, Role.MODERATOR, Role.ADMIN})

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
    Action.MANAGE_CATEGORIES: frozenset({Role.ADMIN}),
    Action.MANAGE_ROLES: frozenset({Role.ADMIN}),
    Action.CONVERT_THREAD: STAFF,
    Action.MANAGE_TAGS: STAFF,
    Action.SEE_ANONYMOUS_AUTHOR: STAFF,
    Action.SHARE_RESOURCE: MEMBERS,
    Action.ATTACH_FILES: MEMBERS,
    Action.MANAGE_JOBS: frozenset({Role.ADMIN}),
    Action.REVIEW_REPORTS: STAFF,
    Action.HIDE_POST: STAFF,
    Action.VIEW_AUDIT: STAFF,
    # Collections (forum/collections)
    Action.MANAGE_COLLECTIONS: STAFF,
    Action.MARK_OFFICIAL: STAFF,
    Action.FOLLOW_COLLECTION: MEMBERS,
    # Meetings and topic votes (forum/meetings): the objects' rules are in its policy.py
    Action.MANAGE_MEETINGS: STAFF,
    Action.ATTEND_MEETING: MEMBERS,
    Action.SEE_JOINING_LINK: MEMBERS,
    Action.MANAGE_TOPIC_ROUNDS: STAFF,
    Action.PROPOSE_TOPIC: MEMBERS,
    Action.VOTE_TOPIC: MEMBERS,
    # Private conversations (forum/conversations): the objects' rules are in its policy.py
    Action.START_CONVERSATION: MEMBERS,
    Action.BLOCK_MEMBER: MEMBERS,
    Action.READ_REPORTED_CONVERSATION: STAFF,
    # Polls (forum/polls): the objects' rules are in its policy.py
    Action.ADD_POLL: MEMBERS,
    Action.VOTE_POLL: MEMBERS,
    Action.EDIT_POLL: MEMBERS,
    Action.CLOSE_POLL: STAFF,
    Action.EXPORT_POLL: STAFF,
}

Rule = Callable[[object, object, bool], bool]  # (user, obj, staff) -> allowed
QueryRule = Callable[[object, bool], object]  # (viewer, staff) -> SQL condition

_RULES: dict[tuple[Action, type], Rule] = {}
_QUERY_RULES: dict[type, QueryRule] = {}


def rule(action: Action, model: type):
    """Register the rule deciding `action` on objects of `model` (from a domain's policy)."""
    def register(function: Rule) -> Rule:
        key = (Action(action), model)
        if key in _RULES and _RULES[key] is not function:
            raise ValueError(f"a rule for {action} on {model.__name__} is already registered")
        _RULES[key] = function
        return function
    return register


def view_rule(model: type, *, query: QueryRule):
    """Register who may VIEW a `model`, with its query twin: the same rule as a WHERE
    condition over `model`'s table. `query(viewer, staff)` gets only active members."""
    def register(function: Rule) -> Rule:
        rule(Action.VIEW, model)(function)
        _QUERY_RULES[model] = query
        return function
    return register


def public_to_members(model: type) -> None:
    """Every member may see every `model` (categories, organisations, tags)."""
    view_rule(model, query=lambda viewer, staff: true())(lambda user, obj, staff: True)


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


def _rule_for(action: Action, obj) -> Rule:
    for model in type(obj).__mro__:
        found = _RULES.get((action, model))
        if found is not None:
            return found
    raise ValueError(f"no rule for {action} on {type(obj).__name__}")


def can(user, action, obj=None) -> bool:
    """May `user` do `action` (to `obj`, when the action concerns one)?"""
    action = Action(action)
    role = role_of(user)
    if role not in MEMBERS:
        return False  # the forum is private: only approved, active members do anything
    if action in _ROLE_ONLY:
        if role not in _ROLE_ONLY[action]:
            return False
        # A role-gated action may also have a rule about its object (who can be suspended).
        object_rule = _RULES.get((action, type(obj))) if obj is not None else None
        return object_rule is None or bool(object_rule(user, obj, role in STAFF))
    if obj is None:
        if action is Action.VIEW:
            return True  # "may see member pages at all"
        raise ValueError(f"{action} needs an object")
    return bool(_rule_for(action, obj)(user, obj, role in STAFF))


def require(user, action, obj=None):
    """Abort unless `can(user, action, obj)`: 404 if they may not even see `obj`, else 403."""
    if can(user, action, obj):
        return
    if obj is not None and not can(user, Action.VIEW, obj):
        abort(404)
    abort(403)


# -- the query twin -----------------------------------------------------------------------

def visible(viewer, model: type):
    """A WHERE condition over `model` true exactly for the rows `viewer` may VIEW.

    The twin of `can(viewer, Action.VIEW, row)`: `select(M).where(visible(viewer, M))`
    returns precisely the objects `can` would allow, tested as a matrix.
    """
    role = role_of(viewer)
    if role not in MEMBERS:
        return false()
    for cls in model.__mro__:
        query = _QUERY_RULES.get(cls)
        if query is not None:
            return query(viewer, role in STAFF)
    raise ValueError(f"no query rule for {model.__name__}")


def listed(viewer, model: type):
    """What list pages show of `model`: what `viewer` may see, less what is deleted.

    Moderators may open a removed thread or resource by its address, but lists, counts and
    filters are of live content for everyone.
    """
    condition = visible(viewer, model)
    deleted_at = getattr(model, "deleted_at", None)
    return condition if deleted_at is None else and_(condition, deleted_at.is_(None))


def only_visible(viewer, statement, model: type):
    """`statement` (a SELECT over `model`) narrowed to what `viewer` may see."""
    return statement.where(visible(viewer, model))


def models_with_view_rules() -> set[type]:
    """Every model a VIEW rule is registered for (each must have a query twin)."""
    return {model for action, model in _RULES if action is Action.VIEW}


def models_with_query_twins() -> set[type]:
    """Every model whose query twin is registered."""
    return set(_QUERY_RULES)
