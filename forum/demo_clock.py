"""A clock for demo content, so `forum demo` carries a believable history.

The demo loaders (forum/demo.py and each domain's demo.py) build everything through the
real use cases, and those stamp what they write with the current time: the post, the
thread's latest post, the answer's vote, the report, the audit entry a listener adds, the
version, the collection item. Inside `at(when)`, every timestamp the session writes that
was read from the clock while the block ran is written as `when` instead, at the flush
(new rows, changed rows, and INSERT/UPDATE statements alike). So a reply posted "at" a
moment has that moment on the post, on its thread, in the category list and in the audit
log, with nothing patched afterwards. Times given on purpose (a past date copied from a
post, a pin's end in the future) are left alone. Job rows keep real times: they schedule
work, and a claim dated in the past would look abandoned to another worker.

`Timeline` is the demo's calendar: day 0 is `HISTORY_DAYS` before the demo is loaded
(mid-February for a demo loaded in early December), so the history stays recent whenever
the command runs, and no moment it gives is in the future.
"""
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .database import UTCDateTime, utcnow
from .extensions import db

HISTORY_DAYS = 290  # the demo's first day, counted back from the day it is loaded
UNSTAMPED_TABLES = {"job"}  # machinery, not history (see the module docstring)
_KEY = "forum.demo_clock"  # session.info: (when, the real time the block began)


class Timeline:
    """Moments in the demo's history, relative to `now` (the time the demo is loaded)."""

    def __init__(self, now: datetime | None = None):
        self.now = now or utcnow()
        first = self.now - timedelta(days=HISTORY_DAYS)
        self.start = first.replace(hour=0, minute=0, second=0, microsecond=0)

    def day(self, number: float, hour: int = 9, minute: int = 0) -> datetime:
        """`hour`:`minute` (UTC) on day `number` of the history (day 0 is its first)."""
        return self.past(self.start + timedelta(days=number, hours=hour, minutes=minute))

    def ago(self, days: float = 0, hours: float = 0) -> datetime:
        """That long before the demo is loaded."""
        return self.past(self.now - timedelta(days=days, hours=hours))

    def after(self, moment: datetime, days: float = 0, hours: float = 0,
              minutes: float = 0) -> datetime:
        """That long after `moment` (but never in the future)."""
        return self.past(moment + timedelta(days=days, hours=hours, minutes=minutes))

    def past(self, moment: datetime) -> datetime:
        """`moment`, or a minute before the demo is loaded if it would be later."""
        return min(moment, self.now - timedelta(minutes=1))


@contextmanager
def at(when: datetime):
    """Date everything written in this block `when` (see the module docstring). The
    block's pending changes are flushed as it ends, so none escapes the stamp."""
    info = db.session.info
    previous = info.get(_KEY)
    info[_KEY] = (when, utcnow())
    try:
        yield when
        db.session.flush()
    finally:
        if previous is None:
            info.pop(_KEY, None)
        else:
            info[_KEY] = previous


def replaying() -> datetime | None:
    """The moment being replayed when the session is inside `at(when)`, else None. What
    reacts to changes as they happen (notification emails) asks this: history that is
    being written now happened then, and nobody is emailed about it today."""
    stamp = db.session.info.get(_KEY)
    return stamp[0] if stamp else None


def _taken_from_clock(value, began: datetime, flushing: datetime) -> bool:
    """Was `value` read from the clock while the block ran (not a date given on purpose)?"""
    return (isinstance(value, datetime) and value.tzinfo is not None
            and began <= value <= flushing)


def _clock_columns(mapper):
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if (isinstance(column.type, UTCDateTime)
                and getattr(column, "table", None) is not None
                and column.table.name not in UNSTAMPED_TABLES):
            yield attribute.key, column


@event.listens_for(Session, "before_flush")
def _stamp_objects(session, flush_context, instances):
    """New and changed rows: clock times (and clock defaults not yet applied) become `when`."""
    stamp = session.info.get(_KEY)
    if stamp is None:
        return
    when, began = stamp
    flushing = utcnow()
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for key, column in _clock_columns(state.mapper):
            if state.pending:
                value = state.dict.get(key)
                if (value is None and column.default is not None) or \
                        _taken_from_clock(value, began, flushing):
                    setattr(obj, key, when)
            else:
                added = state.attrs[key].history.added
                if added and _taken_from_clock(added[0], began, flushing):
                    setattr(obj, key, when)


@event.listens_for(Session, "do_orm_execute")
def _stamp_statements(orm_execute_state):
    """INSERT and UPDATE statements (a stored file's row, a collection's revision)."""
    stamp = orm_execute_state.session.info.get(_KEY)
    if stamp is None or not (orm_execute_state.is_insert or orm_execute_state.is_update):
        return
    statement = orm_execute_state.statement
    table = getattr(statement, "table", None)
    if table is None or getattr(table, "name", None) in UNSTAMPED_TABLES:
        return
    when, began = stamp
    flushing = utcnow()
    dialect = orm_execute_state.session.get_bind().dialect
    params = statement.compile(dialect=dialect).params
    clock_columns = [column.name for column in table.columns
                     if isinstance(column.type, UTCDateTime)
                     and _taken_from_clock(params.get(column.name), began, flushing)]
    if clock_columns:
        orm_execute_state.statement = statement.values(
            **{name: when for name in clock_columns})
