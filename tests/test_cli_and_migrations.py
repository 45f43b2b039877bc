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
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "instance")}
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
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "instance")}
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
