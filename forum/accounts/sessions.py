"""Logged-in sessions: starting and ending them, and loading the user for each request.

Each login creates a `LoginSession` row; the session cookie and the remember-me cookie
carry `user id : security stamp : token`. A request is logged in only while that row is
open, younger than REMEMBER_DAYS, and the stamp (which changes with the password or
email) still matches. So logging out ends the session for every copy of its cookies,
"Log out everywhere" and a suspension end them all, on every worker and app host, from
the very next request: there is no cache to wait for.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select, update

from ..database import utcnow
from ..extensions import db, login_manager
from ..transactions import in_use_case
from .models import LoginSession, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(user: User, *, remember: bool = False) -> None:
    """Log `user` in on this browser with a new LoginSession (commits it)."""
    token = secrets.token_urlsafe(24)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), created_at=utcnow()))
    db.session.commit()
    user.session_token = token
    login_user(user, remember=remember)


def sign_out() -> None:
    """End this browser's session for good (its cookies stop working anywhere)."""
    token = getattr(current_user, "session_token", "")
    if token:
        end_sessions(current_user.id, token_hash=_hash(token))
    logout_user()


def end_sessions(user_id: int, *, token_hash: str | None = None,
                 keep_token: str | None = None) -> int:
    """End `user_id`'s open sessions (only the one with `token_hash` if given; all but
    `keep_token`'s if that is given). Adds to the caller's transaction when inside a use
    case, else commits. Returns how many ended."""
    statement = update(LoginSession).where(LoginSession.user_id == user_id,
                                           LoginSession.ended_at.is_(None))
    if token_hash is not None:
        statement = statement.where(LoginSession.token_hash == token_hash)
    if keep_token:
        statement = statement.where(LoginSession.token_hash != _hash(keep_token))
    result = db.session.execute(statement.values(ended_at=utcnow()),
                                execution_options={"synchronize_session": False})
    if not in_use_case():
        db.session.commit()
    return result.rowcount or 0


def sign_out_everywhere(user: User) -> int:
    """End every session of `user`, this one included."""
    ended = end_sessions(user.id)
    logout_user()
    return ended


def _oldest_allowed():
    return utcnow() - timedelta(days=current_app.config["REMEMBER_DAYS"])


@login_manager.user_loader
def load_user(session_id: str):
    """The user a session names, if their account is active, the stamp still matches and
    the session is open and not too old (one query)."""
    user_id, _, rest = session_id.partition(":")
    stamp, _, token = rest.partition(":")
    if not user_id.isdigit() or not token or len(token) > 100:
        return None
    user = db.session.scalar(
        select(User).join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == int(user_id), LoginSession.token_hash == _hash(token),
               LoginSession.ended_at.is_(None), LoginSession.created_at > _oldest_allowed()))
    if user is None or user.status != "active" or user.security_stamp != stamp:
        return None
    user.session_token = token
    return user
