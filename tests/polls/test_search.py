"""Polls in search: found by their question and options, shown only to those who may see
the thread, linking to the poll on its page."""
from flask import current_app

from forum.database import utcnow
from forum.extensions import db
from forum.search import services as search
from forum.search.query import SearchQuery

from ..factories import make_member, make_thread
from ..search.test_search_pages import index_now
from .factories import make_poll


def found(viewer, text) -> list[tuple[str, str, str]]:
    with current_app.test_request_context():
        results = search.search(viewer, SearchQuery(text=text))
    return sorted((r.view.type_label, r.obj.title, r.view.url) for r in results.results)


def test_a_poll_is_found_by_its_question_and_options(app, member):
    thread = make_thread(author=member, title="Staff networks")
    poll = make_poll(member, thread, question="Do you fund an okapi network?",
                     options=["Narwhal budget", "No budget"])
    index_now()
    hit = ("Poll", "Do you fund an okapi network?", f"/threads/{thread.id}#poll")
    assert hit in found(member, "okapi")
    assert hit in found(member, "narwhal")
    thread.deleted_at = utcnow()
    db.session.commit()
    assert found(make_member(), "okapi") == []  # a removed thread's poll is not shown
    assert poll.id
