"""The one-tag-model migration keeps every resource tag, joining thread tags of the same name.

Runs on an empty database of the suite's kind (SQLite, or PostgreSQL in CI).
"""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from forum import create_app
from forum.extensions import db

from ..conftest import make_test_config


@pytest.fixture
def app_before_merge(tmp_path, smtp_server, empty_database_url):
    """A database at the revision before tags were merged, with threads and resources."""
    controller, _ = smtp_server
    app = create_app(make_test_config(tmp_path, controller.port, DATABASE_URL=empty_database_url))
    with app.app_context():
        upgrade(revision="merge_heads")
        with db.engine.begin() as connection:
            for statement in [
                "INSERT INTO category (id, name, description, position, thread_count, "
                "post_count, created_at) VALUES (1, 'C', '', 0, 0, 0, CURRENT_TIMESTAMP)",
                "INSERT INTO tag (name, created_at) VALUES ('policy', CURRENT_TIMESTAMP)",
                "INSERT INTO resource (id, title, description_source, description_html, "
                "category_id, kind, version_count, download_count, updated_at, created_at) "
                "VALUES (1, 'A', '', '', 1, 'link', 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
                " (2, 'B', '', '', 1, 'link', 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                "INSERT INTO resource_tag (id, resource_id, name) VALUES (1, 1, 'policy'), "
                "(2, 1, 'staff survey'), (3, 2, 'c++'), (4, 2, 'r&d'), "
                "(5, 2, 'a-very-long-tag-name-of-exactly-forty-c'), (6, 2, 'policy')",
            ]:
                connection.execute(text(statement))
        yield app
        db.session.remove()
        db.engine.dispose()


def _resource_tags(connection):
    return sorted(connection.execute(text(
        "SELECT resource_tag.resource_id, tag.name FROM resource_tag "
        "JOIN tag ON tag.id = resource_tag.tag_id")).all())


def test_every_resource_tag_becomes_a_link_to_the_one_tag_model(app_before_merge):
    with db.engine.connect() as connection:
        thread_tag_id = connection.execute(text("SELECT id FROM tag")).scalar_one()
    upgrade()
    with db.engine.connect() as connection:
        assert _resource_tags(connection) == [
            (1, "policy"), (1, "staff survey"), (2, "a-very-long-tag-name-of-exactly-forty-c"),
            (2, "c"), (2, "policy"), (2, "r d")]
        # The resource tag "policy" joined the thread tag "policy": one row, not two.
        assert connection.execute(text(
            "SELECT count(*) FROM tag WHERE name = 'policy'")).scalar() == 1
        assert connection.execute(text(
            "SELECT id FROM tag WHERE name = 'policy'")).scalar() == thread_tag_id


def test_the_merge_can_be_undone(app_before_merge):
    upgrade()
    downgrade(revision="merge_heads")
    with db.engine.connect() as connection:
        assert sorted(connection.execute(text(
            "SELECT resource_id, name FROM resource_tag")).all()) == [
            (1, "policy"), (1, "staff survey"), (2, "a-very-long-tag-name-of-exactly-forty-c"),
            (2, "c"), (2, "policy"), (2, "r d")]
