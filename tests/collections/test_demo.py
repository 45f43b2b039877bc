"""`forum demo` has an official "Start here" collection (chosen as Start here, pinned
first) and the official "Equally Safe at Work toolkit" of demo resources."""
from forum.collections import reading
from forum.collections.demo import seed_collections
from forum.collections.models import Collection
from forum.demo import load_demo
from forum.extensions import db
from forum.resources.models import Resource

from .factories import titles


def test_demo_collections_are_official_published_pinned_and_idempotent(app):
    load_demo()
    collections = {c.title: c for c in db.session.scalars(db.select(Collection))}
    start, toolkit = collections["Start here"], collections["Equally Safe at Work toolkit"]
    assert all(c.is_official and c.is_published for c in (start, toolkit))
    assert (start.pin_position, toolkit.pin_position) == (1, 2)
    assert reading.start_here_id() == start.id
    library = set(db.session.scalars(db.select(Resource.title).where(Resource.url.is_(None))))
    assert len(titles(toolkit)) == 4 and set(titles(toolkit)) <= library
    assert "Welcome to the Community of Practice forum" in titles(start)
    assert len(titles(start)) == 4
    assert db.session.scalar(db.select(db.func.count(Resource.id))
                             .where(Resource.is_official)) == 2
    assert seed_collections() == 0
    assert db.session.scalar(db.select(db.func.count(Collection.id))) == 2
