"""Public pages and a member's own account: landing, join, login, passwords, profile."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import failed_login, limiter, login_account_key, no_login_account
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import load_or_404
from ..permissions import Action, require
from ..urls import safe_next
from ..validation import DomainError
from . import services
from .forms import (ChangeEmailForm, ChangePasswordForm, ForgotPasswordForm, JoinForm,
                    LoginForm, ProfileForm, SetPasswordForm)
from .models import User
from .sessions import sign_in, sign_out, sign_out_everywhere

bp = Blueprint("accounts", __name__)


def _limit(setting):
    from flask import current_app
    return lambda: current_app.config[setting]


def _join_form():
    form = JoinForm()
    form.fill_organisations(services.list_organisations())
    return form


@bp.get("/")
def landing():
    """The public landing page (members go straight to the forum)."""
    if current_user.is_authenticated:
        return redirect(url_for("discussions.index"))
    return render_template("accounts/landing.html", form=_join_form())


@bp.get("/join")
def join():
    """The request-to-join form."""
    return render_template("accounts/join.html", form=_join_form())


@bp.post("/join")
@limiter.limit(_limit("JOIN_RATE_LIMIT"), methods=["POST"])
def join_post():
    """Record a request to join (the reply never reveals who is a member)."""
    form = _join_form()
    if form.validate_on_submit():
        try:
            services.apply_to_join(
                name=form.name.data, email=form.email.data, job_role=form.job_role.data,
                reason=form.reason.data, organisation_id=form.organisation_id.data,
                new_organisation=form.new_organisation.data, sector=form.sector.data)
        except DomainError as error:
            add_form_error(form, error, "organisation_id")
        else:
            return redirect(url_for("accounts.join_received"))
    return render_template("accounts/join.html", form=form), 422


@bp.get("/join/received")
def join_received():
    """Thanks for asking to join."""
    return render_template("accounts/join_received.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_limit("LOGIN_ACCOUNT_RATE_LIMIT"), methods=["POST"], key_func=login_account_key,
               exempt_when=no_login_account, deduct_when=failed_login, scope="login-account")
def login():
    """Log in (and go on to a safe ?next= page)."""
    if current_user.is_authenticated:
        return redirect(url_for("discussions.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            add_form_error(form, error, "email")
        else:
            sign_in(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("discussions.index"))


@bp.post("/logout")
def logout():
    """Log out: this browser's session ends for good (a copied cookie stops working too)."""
    sign_out()
    flash("You have logged out.", "success")
    return redirect(url_for("accounts.login"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    """Log out on every device and browser, this one included."""
    count = sign_out_everywhere(current_user._get_current_object())
    flash(f"You have logged out everywhere ({count} session{'s' if count != 1 else ''} "
          "ended).", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT"), methods=["POST"])
def forgot_password():
    """Ask for a reset link (the reply is the same whether or not the address exists)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/forgot_password_sent.html", email=form.email.data)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT"), methods=["POST"])
def set_password(token):
    """Set a password from an emailed, single-use link (a dead link says so at once,
    before anyone types a new password twice)."""
    if not services.password_link_works(token):
        return render_template("accounts/link_invalid.html", message=services.DEAD_LINK,
                               offer_new_link=True), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_from_token(token, form.password.data, form.confirm.data)
        except DomainError as error:
            add_form_error(form, error, "password")
        else:
            logout_user()
            sign_in(user)
            flash("Your password is set. Welcome to the Community of Practice.", "success")
            return redirect(url_for("discussions.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/set_password.html", form=form), status


@bp.get("/account")
@login_required
def account():
    """Your account: password and email."""
    return render_template("accounts/account.html", password_form=ChangePasswordForm(),
                           email_form=ChangeEmailForm())


@bp.post("/account/password")
@login_required
def change_password():
    """Change your password (other sessions end)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data,
                                     form.confirm.data)
        except DomainError as error:
            add_form_error(form, error, "password")
        else:
            sign_in(current_user._get_current_object())  # the others ended: a new session
            flash("Your password has been changed.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=form,
                           email_form=ChangeEmailForm(formdata=None)), 422


@bp.post("/account/email")
@login_required
def change_email():
    """Ask to change your email (confirmed by a link to the new address)."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.email.data, form.password.data)
        except DomainError as error:
            add_form_error(form, error, "email")
        else:
            flash(f"We will email a confirmation link to {form.email.data}. Your email address "
                  "changes when you open it.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=ChangePasswordForm(formdata=None),
                           email_form=form), 422


@bp.get("/account/email/confirm/<token>")
def confirm_email(token):
    """Confirm a new email address from its link."""
    try:
        user = services.confirm_email_change(token)
    except DomainError as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 400
    logout_user()
    sign_in(user)
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("accounts.account"))


@bp.get("/members/<int:user_id>")
@login_required
def profile(user_id):
    """A member's profile."""
    user = load_or_404(User, user_id)
    return render_template("accounts/profile.html", user=user, form=ActionForm())


def _profile_form(user, formdata=None):
    form = ProfileForm(obj=user) if formdata is None else ProfileForm()
    form.fill_organisations(services.list_organisations())
    if formdata is None:
        form.organisation_id.data = user.organisation_id or 0
    return form


@bp.get("/members/<int:user_id>/edit")
@login_required
def edit_profile(user_id):
    """The profile form (the member, or an admin)."""
    user = load_or_404(User, user_id, Action.EDIT_PROFILE)
    return render_template("accounts/edit_profile.html", user=user, form=_profile_form(user))


@bp.post("/members/<int:user_id>/edit")
@login_required
def edit_profile_post(user_id):
    """Save a profile."""
    user = load_or_404(User, user_id, Action.EDIT_PROFILE)
    form = _profile_form(user, formdata=True)
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user, user, display_name=form.display_name.data,
                job_role=form.job_role.data, organisation_id=form.organisation_id.data,
                new_organisation=form.new_organisation.data, sector=form.sector.data,
                bio=form.bio.data, profile_visible=form.profile_visible.data)
        except DomainError as error:
            add_form_error(form, error, "organisation_id")
        else:
            flash("Profile saved.", "success")
            return redirect(url_for("accounts.profile", user_id=user.id))
    return render_template("accounts/edit_profile.html", user=user, form=form), 422


@bp.get("/directory")
@login_required
def directory():
    """Organisations and their members (hidden profiles left out)."""
    require(current_user, Action.VIEW_DIRECTORY)
    return render_template("accounts/directory.html",
                           organisations=services.directory(current_user))


@bp.get("/privacy")
def privacy():
    """The privacy notice (public)."""
    return render_template("pages/privacy.html")


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement (public)."""
    return render_template("pages/accessibility.html")
