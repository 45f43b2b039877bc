"""Loading the logged-in user for each request (Flask-Login)."""
from ..extensions import db, login_manager
from .models import User


@login_manager.user_loader
def load_user(session_id: str):
    """The user a session names, if their account is active and the stamp still matches.

    The stamp changes with the password or email, so a password change ends every other
    session; a suspension ends them at the next request.
    """
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.status != "active" or user.security_stamp != stamp:
        return None
    return user
