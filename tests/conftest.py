"""Shared fixtures: an app with a fresh database per test, a real SMTP server, factories."""
import contextvars
import os
import uuid

import pytest
from sqlalchemy import create_engine, event, text

from flask import has_app_context
from flask.testing import FlaskClient

from forum import create_app
from forum.extensions import db, limiter

from .mailbox import Mailbox, start_smtp_server

POSTGRES_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
_schema_ready = False


def _reset_database() -> None:
    """SQLite gets a new file per test; PostgreSQL keeps one schema and is truncated."""
    global _schema_ready
    if db.engine.dialect.name != "postgresql":
        db.create_all()
        return
    if not _schema_ready:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        _schema_ready = True
        return
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path}/migrated.db"
        return
    name = f"forum_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def smtp_server():
    controller, mailbox = start_smtp_server()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    """Messages delivered to the test SMTP server during this test."""
    _, mailbox = smtp_server
    mailbox.clear()
    mailbox.before_read = None
    return mailbox


def _send_queued_email(app) -> None:
    """Run due `mail.send` jobs as a worker would: in an app context of their own."""
    from forum.jobs import run_pending
    with app.app_context():
        try:
            run_pending(kinds=["mail.send"])
        finally:
            db.session.remove()


def make_test_config(tmp_path, smtp_port, **overrides) -> dict:
    """App settings for tests: isolated instance folder, real SMTP, CSRF and limits off."""
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": POSTGRES_URL or f"sqlite:///{tmp_path}/test.db",
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "BASE_URL": "http://localhost",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config(tmp_path, smtp_server):
    """Overridable settings; a test can update this dict before asking for `app`."""
    controller, _ = smtp_server
    return make_test_config(tmp_path, controller.port)


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    The test itself holds an app context (for factories and assertions). Without this,
    requests would share its `g` and database session, hiding bugs such as a user cached
    from an earlier request. After each request the test's session is expired so it
    re-reads what the request changed.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # a followed redirect re-enters open() outside the test's context
            db.session.expire_all()
        return response


@pytest.fixture
def app(app_config, mailbox):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_database()
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()
        mailbox.before_read = lambda: _send_queued_email(app)
        yield app
        mailbox.before_read = None
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """A context manager counting SQL statements run inside it."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter
