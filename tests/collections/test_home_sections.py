"""The home page's collection sections: pinned collections in pin order and "Start here"
for newcomers (dismissible), each a fixed number of SQL queries, and the partial that
renders them."""
from datetime import timedelta

from flask import render_template
from flask_login import login_user

from forum.collections import members, services
from forum.database import utcnow
from forum.extensions import db

from ..factories import make_member
from ..resources.helpers import make_resource
from .factories import filled_collection, make_collection


def test_pinned_collections_come_in_pin_order_with_their_first_items(moderator, member):
    first = filled_collection(moderator, count=7, title="First")
    second = filled_collection(moderator, count=2, title="Second")
    draft = filled_collection(moderator, count=1, title="Draft", published=False)
    make_collection(moderator, title="Not pinned")
    for collection in (second, first, draft):
        services.set_pinned(moderator, collection, True)
    sections = services.pinned_collections(member)
    assert [s.collection.title for s in sections] == ["Second", "First"]
    assert [len(s.items) for s in sections] == [2, 5] and sections[1].item_count == 7
    assert [s.collection.title for s in services.pinned_collections(moderator)] == [
        "Second", "First"]  # the home page shows what members see


def test_pinned_collections_cost_the_same_queries_however_many(moderator, member,
                                                               count_queries):
    def queries():
        db.session.expire_all()
        _ = member.status  # the viewer is loaded once per request anyway
        with count_queries() as statements:
            sections = services.pinned_collections(member)
            for section in sections:
                for item in section.items:
                    _ = (item.title, item.kind_label, item.target_removed)
        return len(statements)

    services.set_pinned(moderator, filled_collection(moderator, count=1), True)
    few = queries()
    for n in range(4):
        collection = make_collection(moderator, title=f"C{n}",
                                     items=[make_resource(title=f"Resource {n}"),
                                            ("https://example.org", "A link")])
        services.set_pinned(moderator, collection, True)
    assert queries() == few <= 2


def test_start_here_is_for_newcomers_until_they_dismiss_it(moderator):
    collection = filled_collection(moderator, count=3, title="Start here")
    services.choose_start_here(moderator, collection)
    newcomer = make_member()
    old_hand = make_member(created_at=utcnow() - timedelta(days=90),
                           reviewed_at=utcnow() - timedelta(days=31))
    assert services.start_here_for(old_hand) is None
    section = services.start_here_for(newcomer)
    assert section.collection.id == collection.id and section.item_count == 3
    members.dismiss_start_here(newcomer, collection)
    members.dismiss_start_here(newcomer, collection)  # a double click is harmless
    assert services.start_here_for(newcomer) is None
    # A different Start here shows again.
    other = filled_collection(moderator, count=1, title="Begin here")
    services.choose_start_here(moderator, other)
    assert services.start_here_for(newcomer).collection.id == other.id
    services.set_published(moderator, other, False)
    assert services.start_here_for(newcomer) is None


def test_start_here_costs_at_most_two_queries(moderator, count_queries):
    collection = filled_collection(moderator, count=6)
    services.choose_start_here(moderator, collection)
    newcomer = make_member()
    db.session.expire_all()
    newcomer = db.session.get(type(newcomer), newcomer.id)
    with count_queries() as statements:
        section = services.start_here_for(newcomer)
        _ = [item.title for item in section.items]
    assert len(statements) == 2


def test_the_partial_renders_both_sections(app, moderator):
    collection = filled_collection(moderator, count=2, title="Start here", official=True)
    services.choose_start_here(moderator, collection)
    services.set_pinned(moderator, collection, True)
    newcomer = make_member()
    with app.test_request_context("/forum"):
        login_user(newcomer)
        html = render_template("collections/_home_sections.html",
                               start_here=services.start_here_for(newcomer),
                               pinned_collections=services.pinned_collections(newcomer))
    assert 'id="home-start-here-heading">Start here: Start here</h2>' in html
    assert "Don't show this again" in html and 'name="next" value="/forum"' in html
    assert html.count("Official · Close the Gap") == 2 and "Item 2" in html
    with app.test_request_context("/forum"):
        login_user(newcomer)
        empty = render_template("collections/_home_sections.html", start_here=None,
                                pinned_collections=[])
    assert empty.strip() == ""


def test_dismissing_returns_to_the_page_it_was_on(member_client, moderator, member):
    collection = filled_collection(moderator, count=1)
    response = member_client.post(f"/collections/{collection.id}/dismiss-start-here",
                                  data={"next": "/forum"})
    assert response.headers["Location"] == "/forum"
    response = member_client.post(f"/collections/{collection.id}/dismiss-start-here",
                                  data={"next": "//evil.example/"})
    assert response.headers["Location"] == "/collections"


def test_changing_start_here_is_announced_for_both_collections(moderator):
    from forum import events
    from ..test_events import listening
    first, second = (filled_collection(moderator, count=1, title=t) for t in ("One", "Two"))
    with listening(events.collection_start_here_chosen) as heard:
        services.choose_start_here(moderator, first)
        services.choose_start_here(moderator, first)  # no change, no event
        services.choose_start_here(moderator, second)
        services.choose_start_here(moderator, None)
    assert [(sender.title, kwargs["chosen"]) for sender, kwargs in heard] == [
        ("One", True), ("Two", True), ("One", False), ("Two", False)]
