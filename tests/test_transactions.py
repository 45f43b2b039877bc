"""One transaction per use case: a use case commits once, or leaves nothing behind."""
import pytest
from sqlalchemy import event

from forum.discussions import services as discussions
from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.files.models import StoredFile
from forum.jobs.models import Job
from forum.resources import services as resources
from forum.resources.models import Resource
from forum.transactions import NestedCommitError, dry_run, use_case

from .factories import make_category, make_member
from .resources import files
from .resources.helpers import upload
from .resources.test_views import stored_keys


@pytest.fixture
def commits(app):
    """How many times the session has committed since the fixture was asked for."""
    seen = []
    session = db.session()
    listener = lambda session: seen.append(1)  # noqa: E731
    event.listen(session, "after_commit", listener)
    yield seen
    event.remove(session, "after_commit", listener)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def share(author, category, **overrides):
    fields = dict(title="Harassment policy", description="Our policy.", category=category,
                  tags="policy", upload=upload("policy.pdf", files.pdf("Policy")))
    fields.update(overrides)
    return resources.share_resource(author, **fields)


def test_sharing_a_resource_with_its_discussion_is_one_commit(app, commits):
    author, category = make_member(), make_category()
    commits.clear()
    resource = share(author, category)
    assert len(commits) == 1
    assert resource.thread is not None and resource.thread.title == "Harassment policy"
    opening = db.session.scalar(db.select(Post).where(Post.thread_id == resource.thread_id))
    assert f"/resources/{resource.id}" in opening.body_source  # the id was known in time


def test_a_failure_between_the_resource_and_its_thread_leaves_nothing_half_made(
        app, monkeypatch):
    author, category = make_member(), make_category()

    def broken(*args, **kwargs):
        raise RuntimeError("the thread could not be opened")

    monkeypatch.setattr(resources.discussions, "open_thread", broken)
    with pytest.raises(RuntimeError):
        share(author, category)
    assert (count(Resource), count(Thread), count(StoredFile), count(Job)) == (0, 0, 0, 0)
    assert stored_keys(app) == []  # the file written to storage went with the rollback


def test_a_dry_run_is_the_real_call_rolled_back(app):
    author, category = make_member(), make_category()
    with dry_run():
        resource = share(author, category)
        assert resource.id is not None and resource.thread.post_count == 1
        assert count(Resource) == 1  # inside the run, it is all there
    assert (count(Resource), count(Thread), count(Post), count(StoredFile)) == (0, 0, 0, 0)
    assert stored_keys(app) == []


def test_a_use_case_inside_another_only_flushes(app, commits):
    author, category = make_member(), make_category()

    @use_case
    def two_threads():
        discussions.start_thread(author, category, title="One", body="1")
        discussions.start_thread(author, category, title="Two", body="2")

    commits.clear()
    two_threads()
    assert len(commits) == 1 and count(Thread) == 2


def test_a_building_block_never_commits(app, commits):
    author, category = make_member(), make_category()
    commits.clear()
    discussions.open_thread(author, category, title="Draft", body="Not yet")
    assert commits == []
    db.session.rollback()
    assert count(Thread) == 0


def test_committing_inside_a_use_case_is_refused(app):
    @use_case
    def sloppy():
        discussions.open_thread(make_member(), make_category(), title="x", body="y")
        db.session.commit()

    with pytest.raises(NestedCommitError):
        sloppy()
    assert count(Thread) == 0


def _conflict(message="database is locked", sqlstate=None):
    from sqlalchemy.exc import OperationalError

    class Orig(Exception):
        pass

    orig = Orig(message)
    orig.sqlstate = sqlstate
    return OperationalError("UPDATE thread", {}, orig)


def test_a_use_case_that_loses_a_write_race_runs_again_and_commits_once(app, commits):
    """SQLite's "database is locked" and PostgreSQL's serialisation failure or deadlock
    mean another worker got there first: the whole use case runs again (issue 18, item 2),
    and what the failed attempt added is gone."""
    author = make_member()
    category = make_category()
    attempts = []

    @use_case
    def start_once_after_a_conflict():
        attempts.append(1)
        thread = discussions.open_thread(author, category, title=f"Attempt {len(attempts)}",
                                         body="Body.")
        if len(attempts) < 3:
            raise _conflict() if len(attempts) == 1 else _conflict("deadlock", "40P01")
        return thread

    commits.clear()
    start_once_after_a_conflict()
    assert len(attempts) == 3 and len(commits) == 1
    assert db.session.scalars(db.select(Thread.title)).all() == ["Attempt 3"]


def test_other_errors_are_never_retried(app):
    attempts = []

    @use_case
    def broken():
        attempts.append(1)
        raise _conflict("no such table: nope")

    with pytest.raises(Exception):
        broken()
    assert attempts == [1]
