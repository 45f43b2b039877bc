"""Change events: announced once per change, heard inside the announcing transaction.

Listeners here stand in for search, notifications and the audit log of later issues:
they add a row (a job) and must see it commit or roll back with the change.
"""
from contextlib import contextmanager

import pytest

from forum import events
from forum.accounts import services as accounts
from forum.discussions import services as discussions
from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.jobs import enqueue, handler
from forum.jobs.models import Job
from forum.qa import services as qa
from forum.transactions import NestedCommitError

from .factories import make_category, make_member, make_moderator, make_thread
from .qa.factories import make_answer, make_question
from .resources.helpers import make_resource


@handler("test.heard")
def _heard(**payload):
    """A job kind the test listeners queue (never run here)."""


@contextmanager
def listening(signal, listener=None):
    """Record what `signal` announces (and run `listener` too) while the block runs."""
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs))
        if listener is not None:
            listener(sender, **kwargs)

    signal.connect(receiver)
    try:
        yield heard
    finally:
        signal.disconnect(receiver)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_reply_is_announced_once_with_its_author(app):
    thread, replier = make_thread(), make_member()
    with listening(events.post_created) as heard:
        post = discussions.reply(replier, thread, body="Our approach was...")
    assert [(sender.id, kwargs["actor"].id) for sender, kwargs in heard] == [(post.id, replier.id)]


def test_a_new_thread_announces_the_thread_and_its_first_post_once_each(app):
    author = make_member()
    with listening(events.thread_created) as threads, listening(events.post_created) as posts:
        thread = discussions.start_thread(author, make_category(), title="Hello", body="First")
    assert [sender.id for sender, _ in threads] == [thread.id]
    assert len(posts) == 1 and posts[0][0].number == 1


def test_an_answer_and_a_question_are_posts_announced_once(app):
    with listening(events.post_created) as heard:
        question = make_question()
        make_answer(question)
    assert [sender.number for sender, _ in heard] == [1, 2]


@pytest.mark.parametrize("change,signal", [
    ("edit", events.post_edited), ("delete", events.post_deleted),
    ("lock", events.thread_flags_changed), ("accept", events.answer_accepted),
    ("vote", events.vote_changed), ("share", events.resource_shared),
    ("suspend", events.member_suspended),
])
def test_each_change_is_announced_once(app, change, signal):
    moderator = make_moderator()
    question = make_question()
    answer = make_answer(question)
    member = make_member()
    do = {
        "edit": lambda: discussions.edit_post(answer.author, answer, body="Better answer"),
        "delete": lambda: discussions.delete_post(answer.author, answer),
        "lock": lambda: discussions.set_thread_flags(moderator, question, locked=True),
        "accept": lambda: qa.accept_answer(question.author, answer),
        "vote": lambda: qa.vote(member, answer),
        "share": lambda: make_resource(author=member),
        "suspend": lambda: accounts.set_suspended(moderator, member, True),
    }[change]
    with listening(signal) as heard:
        do()
    assert len(heard) == 1


def test_what_a_listener_adds_commits_with_the_change(app):
    def queue_job(post, **kwargs):
        enqueue("test.heard", post_id=post.id)

    thread = make_thread()
    with listening(events.post_created, queue_job):
        post = discussions.reply(make_member(), thread, body="Reply")
    db.session.rollback()  # nothing is left pending: both were committed together
    job = db.session.scalar(db.select(Job).where(Job.kind == "test.heard"))
    assert job is not None and job.payload == {"post_id": post.id}


def test_a_failing_listener_rolls_the_whole_use_case_back(app):
    def fail(post, **kwargs):
        enqueue("test.heard", post_id=post.id)
        raise RuntimeError("the index is broken")

    thread = make_thread()
    posts_before = count(Post)
    with listening(events.post_created, fail), pytest.raises(RuntimeError):
        discussions.reply(make_member(), thread, body="Lost?")
    assert count(Post) == posts_before
    assert db.session.scalar(db.select(Job).where(Job.kind == "test.heard")) is None
    assert db.session.get(Thread, thread.id).post_count == 1


def test_a_listener_may_not_commit(app):
    def commit(post, **kwargs):
        db.session.commit()

    thread = make_thread()
    with listening(events.post_created, commit), pytest.raises(NestedCommitError):
        discussions.reply(make_member(), thread, body="Half-written?")
    assert count(Post) == 1  # only the opening post


def test_every_event_is_documented():
    for name, signal in events.all_events().items():
        assert signal.__doc__ and "sender" in signal.__doc__, name
