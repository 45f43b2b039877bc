"""Signed, expiring, single-use links (set password, reset password, confirm email).

A link carries the user's security stamp, which changes when the password or email
changes, so a link stops working once it has been used.
"""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from .models import User

SET_PASSWORD = "set-password"
CONFIRM_EMAIL = "confirm-email"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"forum.{purpose}")


def make_token(purpose: str, user: User, **extra) -> str:
    """A signed token for `purpose`, bound to `user` as they are now."""
    return _serializer(purpose).dumps({"uid": user.id, "stamp": user.security_stamp, **extra})


def read_token(purpose: str, token: str) -> tuple[User | None, dict]:
    """The user and payload a token names, or (None, {}) if it is forged, expired or used."""
    max_age = current_app.config["TOKEN_MAX_AGE_HOURS"] * 3600
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None, {}
    if not isinstance(payload, dict):
        return None, {}
    uid = payload.get("uid")
    # A payload without an integer id names nobody; looking it up would only warn.
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None or user.security_stamp != payload.get("stamp"):
        return None, {}
    return user, payload
