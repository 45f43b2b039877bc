"""Who may see members and organisations, and edit profiles (with the query twins)."""
from sqlalchemy import and_, or_, true

from ..permissions import Action, Role, public_to_members, role_of, rule, view_rule
from .models import Organisation, User

public_to_members(Organisation)


def _visible_users(viewer, staff):
    if staff:
        return true()
    return or_(User.id == viewer.id, and_(User.status == "active", User.profile_visible.is_(True)))


@view_rule(User, query=_visible_users)
def _view_user(user, member, staff):
    """Members see themselves and active members with a visible profile; staff see all."""
    return member.id == user.id or staff or (member.status == "active" and member.profile_visible)


@rule(Action.EDIT_PROFILE, User)
def _edit_profile(user, member, staff):
    return member.id == user.id or role_of(user) is Role.ADMIN


@rule(Action.SUSPEND_MEMBER, User)
def _suspend(user, member, staff):
    """Staff (the role gate) suspend or reinstate members, never themselves; only an admin
    suspends an admin. The service gives the reasons as messages."""
    return (member.id != user.id and member.status in {"active", "suspended"}
            and (member.role != "admin" or role_of(user) is Role.ADMIN))


@rule(Action.MANAGE_ROLES, User)
def _change_role(user, member, staff):
    """Admins (the role gate) change anyone's role but their own."""
    return member.id != user.id
