"""Moderators' membership pages: the application queue, invitations and organisations.
(Managing members, suspending them and changing roles are moderation: forum/moderation/
member_views.py.)"""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..permissions import Action, require
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import load_or_404, require_action_form
from . import services
from .views import bp
from .forms import DeclineForm, InviteForm, OrganisationForm
from .models import Organisation, User


def _pending_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.status != "pending":
        abort(404)
    return user


@bp.get("/moderation/applications")
@login_required
def applications():
    """Moderators: requests to join awaiting a decision."""
    require(current_user, Action.REVIEW_APPLICATIONS)
    return render_template("accounts/applications.html",
                           applicants=services.pending_applications(), form=ActionForm())


@bp.post("/moderation/applications/<int:user_id>/approve")
@login_required
def approve(user_id):
    """Moderators: approve a request; the member is emailed a set-password link."""
    require(current_user, Action.REVIEW_APPLICATIONS)
    require_action_form()
    applicant = _pending_or_404(user_id)
    services.approve_application(current_user, applicant)
    # The email goes out from the job queue: say what will happen, not what did
    # (a failure is retried and shown on Admin → Jobs).
    flash(f"{applicant.display_name} is now a member and will be emailed a link to set "
          "a password.", "success")
    return redirect(url_for("accounts.applications"))


@bp.get("/moderation/applications/<int:user_id>/decline")
@login_required
def decline(user_id):
    """Moderators: the form for declining a request with a reason."""
    require(current_user, Action.REVIEW_APPLICATIONS)
    return render_template("accounts/decline.html", applicant=_pending_or_404(user_id),
                           form=DeclineForm())


@bp.post("/moderation/applications/<int:user_id>/decline")
@login_required
def decline_post(user_id):
    """Moderators: decline a request; the applicant is emailed the reason."""
    require(current_user, Action.REVIEW_APPLICATIONS)
    applicant = _pending_or_404(user_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return render_template("accounts/decline.html", applicant=applicant, form=form), 422
    services.decline_application(current_user, applicant, form.reason.data)
    flash(f"The application from {applicant.display_name} was declined.", "success")
    return redirect(url_for("accounts.applications"))


def _invite_form():
    form = InviteForm()
    form.fill_organisations(services.list_organisations())
    return form


@bp.get("/moderation/invite")
@login_required
def invite():
    """Moderators: the invitation form."""
    require(current_user, Action.INVITE_MEMBER)
    return render_template("accounts/invite.html", form=_invite_form())


@bp.post("/moderation/invite")
@login_required
def invite_post():
    """Moderators: invite someone directly."""
    require(current_user, Action.INVITE_MEMBER)
    form = _invite_form()
    if form.validate_on_submit():
        try:
            user = services.invite_member(
                current_user, email=form.email.data, name=form.name.data,
                organisation_id=form.organisation_id.data,
                new_organisation=form.new_organisation.data, sector=form.sector.data,
                role=form.role.data)
        except DomainError as error:
            add_form_error(form, error, "email")
        else:
            flash(f"{user.email} is invited and will be emailed a link to set a password.",
                  "success")
            return redirect(url_for("moderation.members"))
    return render_template("accounts/invite.html", form=form), 422


@bp.get("/admin/organisations")
@login_required
def organisations():
    """Moderators: the organisations."""
    require(current_user, Action.MANAGE_ORGANISATIONS)
    return render_template("accounts/organisations.html",
                           organisations=services.list_organisations(), form=OrganisationForm())


@bp.route("/admin/organisations/<int:organisation_id>", methods=["GET", "POST"])
@login_required
def edit_organisation(organisation_id):
    """Moderators: rename an organisation or change its sector or status."""
    require(current_user, Action.MANAGE_ORGANISATIONS)
    organisation = load_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.update_organisation(current_user, organisation, name=form.name.data,
                                         sector=form.sector.data,
                                         accreditation=form.accreditation.data)
        except DomainError as error:
            add_form_error(form, error, "name")
        else:
            flash("Organisation saved.", "success")
            return redirect(url_for("accounts.organisations"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/edit_organisation.html", organisation=organisation,
                           form=form), status
