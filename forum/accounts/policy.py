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
