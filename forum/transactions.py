"""One transaction per use case.

A *use case* is what a view, a command or a job asks for: "post a reply", "share a
resource", "approve a member". It is a service function decorated with `@use_case`, and it
commits exactly once, when it returns; if it raises, everything it did is rolled back.
The building blocks it composes (`open_thread`, `add_post`, `store_upload`, ...) only add
and flush; they never commit, so no service ever commits another domain's half-finished
work. A use case called from inside another one just flushes: the outer one commits.

`dry_run()` runs use cases and rolls them back, so a preview ("what would this import
do?") is the very same call as the real thing, read before it is undone.

Guards, so a mistake shows up in tests rather than as half-written data:
- committing while a use case runs (other than its own final commit) raises;
- committing while a change-event listener runs (forum/events.py) raises.
"""
import random
import time
from contextlib import contextmanager
from functools import wraps

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from .extensions import db

_DEPTH = "forum.use_case_depth"
_COMMITTING = "forum.use_case_committing"
_DRY_RUN = "forum.dry_run"
LISTENING = "forum.listening"  # set by forum.events while listeners run


class NestedCommitError(RuntimeError):
    """Something committed inside a use case or a listener: only the use case may."""


ATTEMPTS = 5  # a use case that lost a write race is run again this many times in all


def is_write_conflict(error: BaseException) -> bool:
    """Did the database refuse this transaction because another one got there first?
    SQLite: "database is locked" (a transaction that read before another wrote cannot
    write, whatever the busy timeout). PostgreSQL: a serialisation failure or deadlock."""
    if not isinstance(error, DBAPIError):
        return False
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in ("40001", "40P01"):  # serialization_failure, deadlock_detected
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def claim_pending() -> bool:
    from .submissions import claim_pending as claim  # submissions' model needs db only
    return claim()


def use_case(function):
    """Make `function` a use case: commit once on success, roll back on any error.

    A use case that loses a write race to another worker (`is_write_conflict`) is rolled
    back and run again from the start, up to ATTEMPTS times: everything it does is in the
    database transaction (listeners only add rows; email and files wait for jobs), so a
    second run is as if the first never happened. Objects passed in are reloaded.
    """

    @wraps(function)
    def run(*args, **kwargs):
        info = db.session.info
        depth = info.get(_DEPTH, 0)
        outermost = depth == 0 and not info.get(_DRY_RUN)
        for attempt in range(1, ATTEMPTS + 1):
            info[_DEPTH] = depth + 1
            try:
                claimed = outermost and claim_pending()  # a one-time form key, first
                result = function(*args, **kwargs)
                if outermost:
                    info[_COMMITTING] = True
                    try:
                        db.session.commit()
                    finally:
                        info[_COMMITTING] = False
                    if claimed:  # later use cases in the same request are not repeats
                        info.pop("forum.submission", None)
                else:
                    db.session.flush()
                return result
            except BaseException as error:
                if not outermost:
                    raise
                db.session.rollback()
                if attempt == ATTEMPTS or not is_write_conflict(error):
                    raise
            finally:
                info[_DEPTH] = depth
            time.sleep(random.uniform(0.005, 0.03) * attempt)  # let the winner finish
        raise AssertionError("unreachable")

    run.is_use_case = True
    return run


def in_use_case() -> bool:
    """True while a use case is running in this session."""
    return db.session.info.get(_DEPTH, 0) > 0


@contextmanager
def dry_run():
    """Run use cases inside this block for real, then roll all of it back.

    Read whatever you need (counts, objects, errors) inside the block: when it ends the
    session is rolled back and the objects are expired.
    """
    info = db.session.info
    if info.get(_DRY_RUN):
        yield
        return
    info[_DRY_RUN] = True
    try:
        yield
    finally:
        info[_DRY_RUN] = False
        db.session.rollback()


@event.listens_for(Session, "before_commit")
def _refuse_nested_commits(session):
    if session.in_nested_transaction():
        return  # releasing a SAVEPOINT inside the use case is not a commit
    info = session.info
    if info.get(LISTENING):
        raise NestedCommitError("a change-event listener committed: listeners only add rows")
    if info.get(_DEPTH, 0) and not info.get(_COMMITTING):
        raise NestedCommitError("something committed inside a use case: building blocks "
                                "flush, only the use case commits")
    if info.get(_DRY_RUN) and not info.get(_DEPTH, 0):
        raise NestedCommitError("commit inside dry_run(): a dry run is always rolled back")
