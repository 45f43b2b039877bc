"""The qa migration upgrades a database that already has threads, and downgrades cleanly."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from forum import create_app
from forum.extensions import db

from ..conftest import make_test_config


@pytest.fixture
def foundation_app(tmp_path, smtp_server, empty_database_url):
    controller, _ = smtp_server
    app = create_app(make_test_config(tmp_path, controller.port, DATABASE_URL=empty_database_url))
    with app.app_context():
        upgrade(revision="foundation")
        yield app
        db.session.remove()
        db.engine.dispose()


def test_existing_threads_become_discussions_and_posts_have_no_votes(foundation_app):
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO category (id, name, description, position, thread_count, post_count, "
            "created_at) VALUES (1, 'C', '', 0, 1, 1, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO thread (id, category_id, title, is_locked, is_pinned, post_count, "
            "last_post_at, created_at) VALUES (1, 1, 'Old thread', false, false, 1, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO post (id, thread_id, number, body_source, body_html, created_at) "
            "VALUES (1, 1, 1, 'x', '<p>x</p>', CURRENT_TIMESTAMP)"))
    upgrade(revision="qa")
    with db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT kind, is_anonymous, accepted_post_id FROM thread")).one() == (
            "discussion", False, None)
        assert connection.execute(text("SELECT helpful_count FROM post")).scalar() == 0
    tables = set(inspect(db.engine).get_table_names())
    assert {"helpful_vote", "comment", "tag", "thread_tag"} <= tables

    downgrade(revision="foundation")
    inspector = inspect(db.engine)
    assert not {"helpful_vote", "comment", "tag", "thread_tag"} & set(
        inspector.get_table_names())
    assert "kind" not in {c["name"] for c in inspector.get_columns("thread")}
    assert "helpful_count" not in {c["name"] for c in inspector.get_columns("post")}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM thread")).scalar() == "Old thread"
