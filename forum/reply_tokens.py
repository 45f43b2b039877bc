"""Signed reply-to addresses for reply by email: `reply+<token>@<MAIL_IN_DOMAIN>`.

The token names one recipient and one thread and says when it was issued, so a reply
mailed to it can be posted as that member in that thread (forum/mailin checks the rest:
the sender, the member, the thread). It is signed with the app's SECRET_KEY through
itsdangerous (key derivation with a salt used for nothing else), so a changed user or
thread id, or a token made without the key, is refused.

Encoding, chosen to fit an address's local part (at most 64 characters) and to survive
mail servers: the payload is 12 bytes (user id, thread id and issue time in seconds, each
an unsigned 32-bit big-endian integer) followed by the first 10 bytes (80 bits) of its
HMAC-SHA256 signature. Those 22 bytes are written in lowercase base32 without padding:
36 characters, so the local part `reply+<token>` is 42. Base32 rather than base64
because local parts are often lowercased or compared case-insensitively on the way in,
and base32 has only letters and digits (no `-`, `_` or `.` to confuse an address
parser). An 80-bit tag is far beyond guessing by mail (each guess is one delivered
message; guessing needs about 2**79), while the full 256-bit tag would need 52 more
characters. Tokens older than `max_age_days` (or dated in the future) are refused.
"""
import base64
import hashlib
import hmac
import re
import struct
import time
from email.utils import parseaddr

from flask import current_app
from itsdangerous import Signer

SALT = "forum.reply-by-email"
LOCAL_PREFIX = "reply+"
MAX_AGE_DAYS = 90
_PAYLOAD = struct.Struct(">III")  # user id, thread id, issued (Unix seconds)
_TAG_BYTES = 10
_TOKEN_CHARS = 36  # base32 of 22 bytes, padding removed
_CLOCK_SKEW = 300  # seconds a token may seem to come from the future (clock drift)
_LOCAL = re.compile(r"^reply\+([a-z2-7]{%d})$" % _TOKEN_CHARS)


def _signer() -> Signer:
    """The itsdangerous signer for reply tokens (the app's secret key, this salt)."""
    return Signer(current_app.config["SECRET_KEY"], salt=SALT,
                  key_derivation="hmac", digest_method=hashlib.sha256)


def _tag(payload: bytes) -> bytes:
    """The truncated signature of `payload`."""
    signer = _signer()
    return signer.algorithm.get_signature(signer.derive_key(), payload)[:_TAG_BYTES]


def _domain() -> str:
    """The domain reply addresses are written with."""
    return current_app.config.get("MAIL_IN_DOMAIN") or "localhost"


def make_token(user_id: int, thread_id: int, issued: int | None = None) -> str:
    """The 36-character token for this recipient and thread, issued now (or at `issued`)."""
    issued = int(time.time()) if issued is None else int(issued)
    payload = _PAYLOAD.pack(int(user_id), int(thread_id), issued)
    raw = payload + _tag(payload)
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def reply_address(user_id: int, thread_id: int) -> str:
    """The signed reply-to address for `user_id` replying in `thread_id`."""
    return f"{LOCAL_PREFIX}{make_token(user_id, thread_id)}@{_domain()}"


def read_token(token: str, max_age_days: int = MAX_AGE_DAYS,
               now: float | None = None) -> tuple[int, int] | None:
    """(user id, thread id) from a token, or None if forged, malformed or expired."""
    if not isinstance(token, str) or len(token) != _TOKEN_CHARS:
        return None
    try:
        raw = base64.b32decode(token.upper() + "====")
    except (ValueError, TypeError):
        return None
    if len(raw) != _PAYLOAD.size + _TAG_BYTES:
        return None
    payload, tag = raw[:_PAYLOAD.size], raw[_PAYLOAD.size:]
    if not hmac.compare_digest(tag, _tag(payload)):
        return None
    user_id, thread_id, issued = _PAYLOAD.unpack(payload)
    now = time.time() if now is None else now
    if issued > now + _CLOCK_SKEW or now - issued > max_age_days * 86400:
        return None
    if not user_id or not thread_id:
        return None
    return user_id, thread_id


def read_reply_address(address: str, max_age_days: int = MAX_AGE_DAYS,
                       now: float | None = None) -> tuple[int, int] | None:
    """(user id, thread id) named by a reply address, or None if forged, malformed or
    expired. Accepts a bare address or one with a display name (`Name <reply+…@…>`);
    the local part is read case-insensitively. The domain is not compared: the mail
    server decides which domains it hands to `forum mail-in`, and the signature is what
    makes the address trustworthy."""
    if not isinstance(address, str) or len(address) > 320:
        return None
    _, bare = parseaddr(address.strip())
    local, at, domain = bare.rpartition("@")
    if not at or not domain:
        return None
    match = _LOCAL.match(local.lower())
    if not match:
        return None
    return read_token(match.group(1), max_age_days=max_age_days, now=now)
