"""The `forum` command and the migrations: a new database is built only by migrations,
and the migrated schema matches the models exactly."""
import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


from forum import create_app
from forum.accounts.models import User
from forum.cli import init_db
from forum.discussions.models import Thread
from forum.extensions import db

from .conftest import make_test_config


@pytest.fixture
def migrated_app(tmp_path, smtp_server, empty_database_url):
    controller, _ = smtp_server
    app = create_app(make_test_config(tmp_path, controller.port, DATABASE_URL=empty_database_url))
    with app.app_context():
        init_db()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_migrations_build_exactly_the_models_schema(migrated_app):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={
            "compare_type": True}), db.metadata)
    assert diff == []


def test_init_is_idempotent(migrated_app):
    init_db()
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_demo_is_idempotent_and_prints_logins(migrated_app):
    runner = migrated_app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.example" in first.output and "equally-safe-demo" in first.output
    counts = (db.session.scalar(db.select(db.func.count(User.id))),
              db.session.scalar(db.select(db.func.count(Thread.id))))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert counts == (db.session.scalar(db.select(db.func.count(User.id))),
                      db.session.scalar(db.select(db.func.count(Thread.id))))
    assert counts[1] >= 5


def test_create_user_prints_a_working_set_password_link(migrated_app):
    runner = migrated_app.test_cli_runner()
    result = runner.invoke(args=["create-user", "chief@org.example", "--role", "admin"])
    assert result.exit_code == 0, result.output
    link = [line for line in result.output.split() if "/password/set/" in line][0]
    client = migrated_app.test_client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, data={"password": "admin password 1",
                                             "confirm": "admin password 1"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="chief@org.example"))
    assert user.role == "admin" and user.status == "active"


def test_forum_console_script_runs_init(tmp_path):
    """The installed `forum` entry point works as a newcomer would use it."""
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "instance"),
           "FORUM_SEARCH_INDEX_DIR": str(tmp_path / "search_index")}  # not the checkout's
    env.pop("FORUM_DATABASE_URL", None)
    forum = os.path.join(os.path.dirname(sys.executable), "forum")
    result = subprocess.run([forum, "init"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Database ready" in result.stdout
    assert (tmp_path / "instance" / "forum.db").exists()


def test_forum_serve_starts_with_demo_content(tmp_path):
    """`forum serve` on an empty instance initialises, loads the demo and answers on 127.0.0.1."""
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "instance"),
           "FORUM_SEARCH_INDEX_DIR": str(tmp_path / "search_index")}  # not the checkout's
    env.pop("FORUM_DATABASE_URL", None)
    forum = os.path.join(os.path.dirname(sys.executable), "forum")
    server = subprocess.Popen([forum, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "forum serve did not answer in 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert b"Request to join" in response.read()
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "admin@demo.example" in output and "equally-safe-demo" in output


def test_rerender_restores_every_stored_html_field(app):
    """`forum rerender` rebuilds posts, revisions, resource descriptions and comments."""
    from forum.discussions import services as discussions
    from forum.discussions.models import Post, PostRevision
    from forum.qa import services as qa
    from forum.qa.models import Comment
    from forum.resources.models import Resource

    from .factories import make_member
    from .qa.factories import make_question
    from .resources.helpers import make_resource

    question = make_question(body="Is **this** bold?")
    opening = db.session.scalar(db.select(Post).where(Post.thread_id == question.id))
    discussions.edit_post(question.author, opening, body="Now *this* is emphasised.")
    comment = qa.add_comment(make_member(), opening, body="See https://example.org please")
    resource = make_resource(description="A **template**.")
    rows = [opening, db.session.scalar(db.select(PostRevision)), resource, comment]
    for row in rows:
        setattr(row, "description_html" if isinstance(row, Resource) else "body_html", "stale")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rerender"])
    assert result.exit_code == 0, result.output
    assert "Re-rendered 1 comments." in result.output
    db.session.expire_all()
    assert "<em>this</em>" in db.session.get(Post, opening.id).body_html
    assert "<strong>this</strong>" in db.session.scalar(db.select(PostRevision)).body_html
    assert "<strong>template</strong>" in db.session.get(Resource, resource.id).description_html
    assert 'href="https://example.org"' in db.session.get(Comment, comment.id).body_html


def test_the_migrations_have_exactly_one_head():
    """One linear history, so plain `forum db upgrade` knows where to go."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from forum.extensions import _project_migrations_dir
    config = Config()
    config.set_main_option("script_location", str(_project_migrations_dir()))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_plain_db_upgrade_works_on_an_empty_database(tmp_path, empty_database_url):
    """`forum db upgrade` with no revision builds the whole schema."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from forum import create_app
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "DATABASE_URL": empty_database_url, "SECRET_KEY": "test",
                      "SEARCH_INDEX_DIR": str(tmp_path / "index")})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"user", "thread", "post", "resource", "tag", "resource_tag", "job",
                "outbound_email"} <= tables
        db.engine.dispose()
