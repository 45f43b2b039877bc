"""Polls in the search index: the question and its options, found as part of the thread
or question they belong to (same kind, category and thread), linking to the poll on its
page. Results are filtered by the poll's view rule (its thread's) when shown."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import events
from ..extensions import db
from ..search.documents import MAX_BODY_CHARS, SearchDoc, key_of
from ..search.indexing import queue_index
from ..search.registry import ResultView, Searchable, register
from ..discussions.models import Thread
from .links import thread_url
from .models import Poll


def load_polls(ids, condition=None) -> list[Poll]:
    """Polls with their options and thread (one query)."""
    query = (select(Poll).where(Poll.id.in_(ids))
             .options(joinedload(Poll.options), joinedload(Poll.thread).joinedload(Thread.author)))
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


def poll_document(poll: Poll) -> SearchDoc | None:
    """A poll's question and options (None while its thread is removed or hidden)."""
    thread = poll.thread
    if thread is None or thread.is_deleted or thread.is_hidden:
        return None
    body = "\n".join([thread.title] + [option.text for option in poll.options])
    return SearchDoc(key=key_of(poll), kind="question" if thread.kind == "question"
                     else "discussion", title=f"Poll: {poll.question}",
                     body=body[:MAX_BODY_CHARS], created_at=poll.created_at,
                     category_id=thread.category_id, thread_id=thread.id)


def poll_result(poll: Poll) -> ResultView:
    """A poll hit: links to the poll on its thread's page."""
    # The byline is the thread's (which hides an anonymous question's author).
    return ResultView("Poll", thread_url(poll.thread, "poll"), poll.thread.title,
                      poll.thread, date=poll.created_at)


register(Searchable("poll", Poll, load_polls, poll_document, poll_result,
                    lambda: db.session.scalars(select(Poll.id).order_by(Poll.id))))


@events.poll_created.connect
@events.poll_edited.connect
@events.poll_closed.connect
def _poll_changed(poll, **extra):
    queue_index(poll)


@events.thread_edited.connect
@events.thread_moved.connect
def _thread_changed(thread, **extra):
    """The thread's title and category are in its poll's document."""
    poll_id = db.session.scalar(select(Poll.id).where(Poll.thread_id == thread.id))
    if poll_id is not None:
        queue_index(f"poll:{poll_id}")
