"""One-time submission keys: a form sent twice (a double click, a browser retrying a slow
request) stores what it carries once.

Each writing form carries a random `submission_key` (forum/web/forms.py
`SubmissionKeyField`). The view runs its use case inside `once(user_id, key)`; the use
case's first act, in its own transaction, is to insert `(user_id, key)` into
`submission`, whose primary key makes a second insert fail. So of two submits arriving
together exactly one commits, whatever the database: the other waits for it (PostgreSQL
holds the second insert until the first commits) or finds the row, rolls back everything
it did, and raises `DuplicateSubmission`; the view then shows the first one's result
(`record_result` notes where it went). A uniqueness check before inserting would let both
through; only the constraint cannot be raced.
"""
import re
import secrets
import time
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import ForeignKey, String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, utcnow
from .extensions import db

_PENDING = "forum.submission"  # session.info: (user_id, key) the next use case claims
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Submission(db.Model):
    """A form submission that was stored: who sent it, its key, and where it went."""

    __tablename__ = "submission"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    result_url: Mapped[str | None] = mapped_column(String(500))


class DuplicateSubmission(Exception):
    """This form was submitted before: nothing was stored this time."""


def new_key() -> str:
    """A fresh key for a form being shown."""
    return secrets.token_urlsafe(18)


@contextmanager
def once(user_id: int, key: str | None):
    """Run the use case in this block at most once for (`user_id`, `key`). A missing or
    malformed key (an old page, a script) runs it without the guard."""
    if not key or not _KEY.match(key):
        yield
        return
    info = db.session.info
    info[_PENDING] = (user_id, key)
    try:
        yield
    finally:
        info.pop(_PENDING, None)


def claim_pending() -> bool:
    """Called by `use_case` as each outermost attempt begins: claim the key, if any
    (True when one was claimed)."""
    pending = db.session.info.get(_PENDING)
    if pending is None:
        return False
    user_id, key = pending
    db.session.add(Submission(user_id=user_id, key=key, created_at=utcnow()))
    try:
        db.session.flush()
    except IntegrityError as error:
        raise DuplicateSubmission(key) from error
    return True


def record_result(user_id: int, key: str | None, url: str) -> None:
    """Remember where a stored submission went, for a repeat to be sent there too."""
    if not key or not _KEY.match(key):
        return
    db.session.execute(update(Submission).where(
        Submission.user_id == user_id, Submission.key == key).values(result_url=url[:500]))
    db.session.commit()


def result_of(user_id: int, key: str, *, wait: float = 3.0) -> str | None:
    """Where the first submission of `key` went; waits up to `wait` seconds for a first
    submission still finishing. None if it never says."""
    deadline = time.monotonic() + wait
    while True:
        db.session.rollback()  # a fresh snapshot each time
        found = db.session.get(Submission, (user_id, key))
        if found is not None and found.result_url:
            return found.result_url
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)
