"""The Q&A part of the policy as a matrix: every role × every Q&A action × the cases that matter.

Objects are unsaved model instances: `can` reads attributes only, so no database is needed.
"""
from datetime import datetime, timezone

import pytest
from flask_login import AnonymousUserMixin

from forum.accounts.models import User
from forum.discussions.models import Category, Post, Thread
from forum.permissions import Action, can
from forum.qa.models import Comment

ME, SOMEONE_ELSE = 1, 2
WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
ROLES = ["anonymous", "pending", "declined", "suspended", "member", "moderator", "admin"]
MEMBERS = {"member", "moderator", "admin"}
STAFF = {"moderator", "admin"}
NOBODY: set[str] = set()


def viewer(role):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role in {"pending", "declined", "suspended"}:
        return User(id=ME, role="member", status=role)
    return User(id=ME, role=role, status="active")


def question(asker=SOMEONE_ELSE, kind="question", locked=False, deleted=False):
    return Thread(id=10, kind=kind, author_id=asker, is_locked=locked, is_anonymous=False,
                  category=Category(name="C"), deleted_at=WHEN if deleted else None)


def answer(author=SOMEONE_ELSE, number=2, deleted=False, thread_deleted=False, **thread):
    return Post(id=20 + number, number=number, author_id=author,
                thread=question(deleted=thread_deleted, **thread),
                deleted_at=WHEN if deleted else None)


def comment(author=SOMEONE_ELSE, deleted=False):
    return Comment(id=30, author_id=author, post=answer(), deleted_at=WHEN if deleted else None)


# (action, case, object factory, roles allowed)
CASES = [
    (Action.VOTE, "someone else's answer", lambda: answer(), MEMBERS),
    (Action.VOTE, "someone else's question", lambda: answer(number=1), MEMBERS),
    (Action.VOTE, "my own answer", lambda: answer(author=ME), NOBODY),
    (Action.VOTE, "my own anonymous question", lambda: answer(author=ME, number=1, asker=ME),
     NOBODY),
    (Action.VOTE, "a removed answer", lambda: answer(deleted=True), NOBODY),
    (Action.VOTE, "an answer in a removed question", lambda: answer(thread_deleted=True),
     NOBODY),
    (Action.VOTE, "a reply in a discussion", lambda: answer(kind="discussion"), NOBODY),
    (Action.VOTE, "an answer in a locked question", lambda: answer(locked=True), STAFF),
    (Action.ACCEPT_ANSWER, "an answer to my question", lambda: answer(asker=ME), MEMBERS),
    (Action.ACCEPT_ANSWER, "my own answer to my question", lambda: answer(author=ME, asker=ME),
     MEMBERS),
    (Action.ACCEPT_ANSWER, "an answer to someone else's question", lambda: answer(), STAFF),
    (Action.ACCEPT_ANSWER, "the question itself", lambda: answer(number=1, asker=ME), NOBODY),
    (Action.ACCEPT_ANSWER, "a removed answer", lambda: answer(asker=ME, deleted=True), NOBODY),
    (Action.ACCEPT_ANSWER, "a reply in my discussion",
     lambda: answer(asker=ME, kind="discussion"), NOBODY),
    (Action.ACCEPT_ANSWER, "an answer to my locked question",
     lambda: answer(asker=ME, locked=True), STAFF),
    (Action.COMMENT, "an answer", lambda: answer(), MEMBERS),
    (Action.COMMENT, "my own question", lambda: answer(author=ME, number=1, asker=ME), MEMBERS),
    (Action.COMMENT, "a removed answer", lambda: answer(deleted=True), NOBODY),
    (Action.COMMENT, "a reply in a discussion", lambda: answer(kind="discussion"), NOBODY),
    (Action.COMMENT, "an answer in a locked question", lambda: answer(locked=True), STAFF),
    (Action.DELETE_COMMENT, "my comment", lambda: comment(author=ME), MEMBERS),
    (Action.DELETE_COMMENT, "someone else's comment", lambda: comment(), STAFF),
    (Action.DELETE_COMMENT, "a removed comment", lambda: comment(author=ME, deleted=True), NOBODY),
    (Action.VIEW, "a comment", lambda: comment(), MEMBERS),
    (Action.VIEW, "a removed comment", lambda: comment(deleted=True), STAFF),
    (Action.TAG_THREAD, "my question", lambda: question(asker=ME), MEMBERS),
    (Action.TAG_THREAD, "my discussion", lambda: question(asker=ME, kind="discussion"), MEMBERS),
    (Action.TAG_THREAD, "someone else's question", lambda: question(), STAFF),
    (Action.TAG_THREAD, "my locked question", lambda: question(asker=ME, locked=True), STAFF),
    (Action.TAG_THREAD, "my removed question", lambda: question(asker=ME, deleted=True), NOBODY),
    (Action.CONVERT_THREAD, "a question", lambda: question(), STAFF),
    (Action.CONVERT_THREAD, "my own discussion", lambda: question(asker=ME, kind="discussion"),
     STAFF),
    (Action.MANAGE_TAGS, "tags", lambda: None, STAFF),
    (Action.SEE_ANONYMOUS_AUTHOR, "an anonymous question", lambda: question(), STAFF),
]

MATRIX = [pytest.param(role, action, make, role in allowed, id=f"{role}-{action}-{case}")
          for action, case, make, allowed in CASES for role in ROLES]


@pytest.mark.parametrize("role,action,make,allowed", MATRIX)
def test_qa_policy(role, action, make, allowed):
    assert can(viewer(role), action, make()) is allowed


def test_every_qa_action_is_in_the_matrix():
    qa_actions = {Action.VOTE, Action.ACCEPT_ANSWER, Action.COMMENT, Action.DELETE_COMMENT,
                  Action.CONVERT_THREAD, Action.TAG_THREAD, Action.MANAGE_TAGS,
                  Action.SEE_ANONYMOUS_AUTHOR}
    assert qa_actions <= {action for action, *_ in CASES}
