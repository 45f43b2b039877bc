"""Fixtures for reply by email: a member, a thread they were emailed about, listeners."""
import socket

import pytest

from forum.discussions.models import Post
from forum.extensions import db
from forum.mailin.server import make_listener, stop_listener
from forum.reply_tokens import reply_address

from ..factories import make_member, make_thread


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def member(app):
    """The member replying by email (a mixed-case address, as people type it)."""
    return make_member(email="Sam.Member@Example.org", display_name="Sam Member")


@pytest.fixture
def thread(app):
    """A discussion started by someone else, that the member was emailed about."""
    return make_thread(title="Flexible working policies", body="What do your policies say?")


@pytest.fixture
def address(member, thread):
    """The member's reply address for the thread."""
    return reply_address(member.id, thread.id)


def _listener(app, lmtp):
    controller = make_listener(app, port=free_port(), lmtp=lmtp)
    controller.start()
    return controller


@pytest.fixture
def smtp_port(app):
    """A running `forum mail-in serve` SMTP listener (in this process), stopped afterwards."""
    controller = _listener(app, lmtp=False)
    yield controller.port
    stop_listener(controller)


@pytest.fixture
def lmtp_port(app):
    """A running LMTP listener, stopped afterwards."""
    controller = _listener(app, lmtp=True)
    yield controller.port
    stop_listener(controller)


def posts_in(thread) -> list[Post]:
    """The thread's posts, read afresh (the listener wrote them in its own session)."""
    db.session.commit()  # end any snapshot this session holds, and re-read everything
    return list(db.session.scalars(db.select(Post).where(Post.thread_id == thread.id)
                                   .order_by(Post.number)))


def cli_environment(app) -> dict:
    """Environment for a `forum` subprocess using this test's database, folders and keys."""
    import os
    config = app.config
    env = dict(os.environ)
    env.update({
        "FORUM_DATABASE_URL": config["DATABASE_URL"], "FORUM_SECRET_KEY": config["SECRET_KEY"],
        "FORUM_INSTANCE_PATH": app.instance_path, "FORUM_UPLOAD_DIR": config["UPLOAD_DIR"],
        "FORUM_SEARCH_INDEX_DIR": config["SEARCH_INDEX_DIR"],
        "FORUM_MAIL_SERVER": config["MAIL_SERVER"], "FORUM_MAIL_PORT": str(config["MAIL_PORT"]),
        "FORUM_RATELIMIT_ENABLED": "false", "FORUM_BASE_URL": config["BASE_URL"],
        "FORUM_JOBS_INLINE": "false",
    })
    for name in ("ORIGINAL_RECIPIENT", "RECIPIENT", "SENDER"):
        env.pop(name, None)
    return env


def bounces(mailbox, address: str) -> list:
    """Bounce emails sent to `address` so far."""
    return [m for m in mailbox.to(address) if m["Subject"] == "Your reply was not posted"]
