"""Replies by email count against the same posting rate limit as the web form."""
import pytest

from .conftest import posts_in
from .messages import message, send_smtp


@pytest.fixture
def app_config(app_config):
    """Rate limits on, at two posts a minute."""
    app_config.update(RATELIMIT_ENABLED=True, POST_RATE_LIMIT="2 per minute")
    return app_config


def test_the_posting_rate_limit_applies(app, smtp_port, member, thread, address, mailbox):
    for n in range(2):
        assert send_smtp(smtp_port, message(member.email, address, f"Reply {n}."))[0] == 250
    code, text = send_smtp(smtp_port, message(member.email, address, "One too many."))
    assert code == 550 and "too quickly" in text
    assert len(posts_in(thread)) == 3
    assert mailbox.to(member.email)  # told, by a bounce
