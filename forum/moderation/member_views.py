"""Moderators' pages for members: the list of members, suspending (with a reason and an
optional end) and reinstating them, and admins changing roles. The services stay with the
accounts they change (forum/accounts/services.py); their change events are audited."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..accounts.models import User
from ..permissions import Action, require
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import load_or_404, require_action_form
from .forms import RoleForm, SuspendForm
from .views import bp


@bp.get("/moderation/members")
@login_required
def members():
    """Moderators: members with their roles and status."""
    require(current_user, Action.SUSPEND_MEMBER)
    return render_template("accounts/members.html", users=accounts.members_to_manage(),
                           form=ActionForm(), role_form=RoleForm())


@bp.get("/moderation/members/<int:user_id>/suspend")
@login_required
def suspend_form(user_id):
    """Moderators: the form to suspend a member, with a reason and an optional end."""
    user = load_or_404(User, user_id, Action.SUSPEND_MEMBER)
    return render_template("accounts/suspend.html", member=user, form=SuspendForm())


@bp.post("/moderation/members/<int:user_id>/suspend")
@login_required
def suspend(user_id):
    """Moderators: suspend a member (their sessions end at once)."""
    user = load_or_404(User, user_id, Action.SUSPEND_MEMBER)
    form = SuspendForm()
    if form.validate_on_submit():
        # The end is a whole day in the forum's time zone: the suspension lifts as it ends.
        until = (datetime.combine(form.until.data, time.max, ZoneInfo(
            current_app.config["TIMEZONE"])) if form.until.data else None)
        try:
            accounts.set_suspended(current_user, user, True, reason=form.reason.data,
                                   until=until)
        except DomainError as error:
            add_form_error(form, error, "until")
        else:
            flash(f"{user.display_name} is suspended.", "success")
            return redirect(url_for("moderation.members"))
    return render_template("accounts/suspend.html", member=user, form=form), 422


@bp.post("/moderation/members/<int:user_id>/reinstate")
@login_required
def reinstate(user_id):
    """Moderators: reinstate a suspended member."""
    require(current_user, Action.SUSPEND_MEMBER)
    require_action_form()
    user = load_or_404(User, user_id)
    try:
        accounts.set_suspended(current_user, user, False)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(f"{user.display_name} is reinstated.", "success")
    return redirect(url_for("moderation.members"))


@bp.post("/moderation/members/<int:user_id>/role")
@login_required
def change_role(user_id):
    """Admins: change a member's role."""
    require(current_user, Action.MANAGE_ROLES)
    form = RoleForm()
    user = load_or_404(User, user_id)
    if form.validate_on_submit():
        try:
            accounts.set_role(current_user, user, form.role.data)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(f"{user.display_name} is now {user.role_label.lower()}.", "success")
    else:
        flash("Choose a role from the list.", "error")
    return redirect(url_for("moderation.members"))
