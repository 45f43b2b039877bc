"""Signed reply-to addresses: round trip, unforgeable, short enough, expiring."""
import base64
import time

import pytest

from forum import reply_tokens
from forum.reply_tokens import make_token, read_reply_address, read_token, reply_address


@pytest.fixture
def app_config(app_config):
    """A known inbound domain."""
    app_config["MAIL_IN_DOMAIN"] = "in.example.org"
    return app_config


def _tamper(token: str, user_id: int | None = None, thread_id: int | None = None) -> str:
    """`token` with its payload changed but its signature kept."""
    raw = bytearray(base64.b32decode(token.upper() + "===="))
    if user_id is not None:
        raw[0:4] = user_id.to_bytes(4, "big")
    if thread_id is not None:
        raw[4:8] = thread_id.to_bytes(4, "big")
    return base64.b32encode(bytes(raw)).decode().rstrip("=").lower()


def test_round_trip_and_shape(app):
    address = reply_address(42, 1234567)
    local, _, domain = address.partition("@")
    assert domain == "in.example.org"
    assert local.startswith("reply+") and len(local) <= 64
    assert local == local.lower() and local[6:].isalnum()
    assert read_reply_address(address) == (42, 1234567)
    assert read_reply_address(address.upper()) == (42, 1234567)
    assert read_reply_address(f'"A Member" <{address}>') == (42, 1234567)


def test_changed_ids_or_other_key_fail(app):
    token = make_token(7, 99)
    assert read_token(token) == (7, 99)
    assert read_token(_tamper(token, user_id=8)) is None
    assert read_token(_tamper(token, thread_id=100)) is None
    app.config["SECRET_KEY"] = "another-key"
    assert read_token(token) is None


@pytest.mark.parametrize("address", [
    "", "nobody@in.example.org", "reply+@in.example.org", "reply+abc@in.example.org",
    "reply+" + "a" * 36 + "@in.example.org", "reply+" + "1" * 36 + "@x",
    "reply+" + "a" * 37 + "@in.example.org", "not an address", "reply+x" * 80,
])
def test_malformed_addresses_fail(app, address):
    assert read_reply_address(address) is None


def test_tokens_expire_and_are_not_from_the_future(app):
    now = time.time()
    old = make_token(1, 2, issued=int(now - 10 * 86400))
    assert read_token(old, max_age_days=11) == (1, 2)
    assert read_token(old, max_age_days=9) is None
    assert read_token(make_token(1, 2, issued=int(now + 3600))) is None
    address = f"reply+{old}@in.example.org"
    assert read_reply_address(address, max_age_days=9) is None
    assert read_reply_address(address, max_age_days=reply_tokens.MAX_AGE_DAYS) == (1, 2)
