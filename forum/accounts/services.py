"""Membership rules: applying, approving, inviting, logging in, passwords, profiles."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from .. import events
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..permissions import Action, require, visible
from ..transactions import use_case
from ..urls import absolute_url
from ..validation import DomainError
from . import tokens
from .models import Organisation, User, find_user_by_email
from .sessions import end_sessions

MIN_PASSWORD_LENGTH = 10


def list_organisations() -> list[Organisation]:
    """All organisations, by name."""
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.name)))


def _organisation(organisation_id: int | None, new_name: str, sector: str) -> Organisation:
    if new_name:
        existing = db.session.scalar(
            db.select(Organisation).where(db.func.lower(Organisation.name) == new_name.lower()))
        if existing:
            return existing
        organisation = Organisation(name=new_name, sector=sector or "other",
                                    accreditation="network_member")
        db.session.add(organisation)
        return organisation
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        raise DomainError("Choose your organisation, or enter its name if it is not listed.")
    return organisation


def staff_emails() -> list[str]:
    """Addresses of active moderators and admins (who review applications)."""
    return list(db.session.scalars(db.select(User.email).where(
        User.status == "active", User.role.in_(["moderator", "admin"]))))


@use_case
def apply_to_join(*, name, email, job_role, reason, organisation_id=None,
                  new_organisation="", sector="") -> User | None:
    """Record a join application and tell the moderators.

    Whatever the address's history, the applicant sees the same reply, so the form never
    reveals who is a member: an existing member is emailed a reminder instead, and a
    repeated pending application is updated rather than duplicated.
    """
    email = email.strip()
    existing = find_user_by_email(email)
    if existing is not None and existing.status in {"active", "suspended"}:
        # key=None: each application is a new reminder, like the staff notice below.
        queue_email(existing.email, "You already have an account", "already_member",
                    user=existing, reset_url=absolute_url("accounts.forgot_password"))
        return None
    organisation = _organisation(organisation_id, new_organisation, sector)
    applicant = existing or User(email=email)
    applicant.display_name = name
    applicant.job_role = job_role
    applicant.organisation = organisation
    applicant.join_reason = reason
    applicant.status = "pending"
    applicant.role = "member"
    now = utcnow()
    applicant.consented_at = now
    applicant.applied_at = now
    applicant.decline_reason = ""
    db.session.add(applicant)
    db.session.flush()
    events.member_applied.send(applicant, actor=None)
    queue_email(staff_emails(), f"New request to join from {applicant.display_name}",
                "application_received", key=f"member.applied:{applicant.id}:{now.isoformat()}",
                applicant=applicant, queue_url=absolute_url("accounts.applications"))
    return applicant


def pending_applications() -> list[User]:
    """Applications awaiting a decision, oldest first."""
    return list(db.session.scalars(
        db.select(User).where(User.status == "pending")
        .options(db.joinedload(User.organisation)).order_by(User.applied_at)))


def _set_password_url(user: User) -> str:
    return absolute_url("accounts.set_password", token=tokens.make_token(tokens.SET_PASSWORD, user))


@use_case
def approve_application(moderator: User, applicant: User) -> User:
    """Make the applicant a member and email them a link to set their password."""
    require(moderator, Action.REVIEW_APPLICATIONS)
    if applicant.status != "pending":
        raise DomainError("This application has already been decided.")
    applicant.status = "active"
    applicant.reviewed_at = utcnow()
    applicant.reviewed_by_id = moderator.id
    events.member_approved.send(applicant, actor=moderator)
    queue_email(applicant.email, "Welcome: your request to join was approved", "approved",
                key=f"member.approved:{applicant.id}:{applicant.reviewed_at.isoformat()}",
                user=applicant, set_password_url=_set_password_url(applicant),
                hours=current_app.config["TOKEN_MAX_AGE_HOURS"])
    return applicant


@use_case
def decline_application(moderator: User, applicant: User, reason: str) -> User:
    """Decline an application, emailing the applicant the reason."""
    require(moderator, Action.REVIEW_APPLICATIONS)
    if applicant.status != "pending":
        raise DomainError("This application has already been decided.")
    applicant.status = "declined"
    applicant.decline_reason = reason
    applicant.reviewed_at = utcnow()
    applicant.reviewed_by_id = moderator.id
    events.member_declined.send(applicant, actor=moderator, reason=reason)
    queue_email(applicant.email, "Your request to join", "declined",
                key=f"member.declined:{applicant.id}:{applicant.reviewed_at.isoformat()}",
                user=applicant, reason=reason)
    return applicant


@use_case
def invite_member(moderator: User, *, email, name, organisation_id=None, new_organisation="",
                  sector="", role="member") -> User:
    """Create an approved account directly and email a set-password link."""
    require(moderator, Action.INVITE_MEMBER)
    if role != "member":
        require(moderator, Action.MANAGE_ROLES)
    existing = find_user_by_email(email)
    if existing is not None and existing.status != "declined":
        raise DomainError("That email address already has an account or a pending request.")
    user = existing or User(email=email.strip())
    user.display_name = name
    user.organisation = _organisation(organisation_id, new_organisation, sector)
    user.status = "active"
    user.role = role
    user.reviewed_at = utcnow()
    user.reviewed_by_id = moderator.id
    db.session.add(user)
    db.session.flush()
    events.member_invited.send(user, actor=moderator)
    queue_email(user.email, "You are invited to the Community of Practice forum", "invited",
                key=f"member.invited:{user.id}:{user.reviewed_at.isoformat()}",
                user=user, inviter=moderator, set_password_url=_set_password_url(user),
                hours=current_app.config["TOKEN_MAX_AGE_HOURS"])
    return user


@use_case
def create_user(email: str, role: str, name: str | None = None) -> tuple[User, str]:
    """For the CLI: an active account with `role` and a set-password link."""
    if role not in {"member", "moderator", "admin"}:
        raise DomainError("Role must be member, moderator or admin.")
    user = find_user_by_email(email) or User(email=email.strip())
    user.display_name = user.display_name or name or email.split("@")[0]
    user.role = role
    user.status = "active"
    db.session.add(user)
    db.session.flush()  # the link names the user's id
    return user, _set_password_url(user)


def check_new_password(password: str, confirm: str) -> None:
    """Raise DomainError unless `password` is acceptable and confirmed."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Use at least {MIN_PASSWORD_LENGTH} characters for your password.")
    if password != confirm:
        raise DomainError("The two passwords do not match.")


@use_case
def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or DomainError with a safe message."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        raise DomainError("The email address or password is not right.")
    if user.status == "suspended" and user.suspended_until is not None \
            and user.suspended_until <= utcnow():  # the suspension has ended: lift it
        user.status, user.suspension_reason, user.suspended_until = "active", "", None
        events.member_reinstated.send(user, actor=None, reason="The suspension ended.")
    if user.status == "suspended":
        zone = ZoneInfo(current_app.config["TIMEZONE"])
        until = (f" until {user.suspended_until.astimezone(zone):%-d %B %Y}"
                 if user.suspended_until else "")
        why = f" Reason: {user.suspension_reason}" if user.suspension_reason else ""
        raise DomainError(f"This account is suspended{until}.{why} Contact the moderators "
                          "if you think this is a mistake.")
    if user.status != "active":
        raise DomainError("The email address or password is not right.")
    user.last_login_at = utcnow()
    return user


DEAD_LINK = ("This link has expired or has already been used. Ask for a new one from the "
             "“Forgotten your password?” page.")


def password_link_works(token: str) -> bool:
    """Can this set-password link still be used (right signature, not expired, not used:
    using it changes the password, which changes the stamp it carries)?"""
    user, _ = tokens.read_token(tokens.SET_PASSWORD, token)
    return user is not None and user.status == "active"


@use_case
def set_password_from_token(token: str, password: str, confirm: str) -> User:
    """Use a set/reset link once; raises DomainError if it is invalid, expired or used."""
    user, _ = tokens.read_token(tokens.SET_PASSWORD, token)
    if user is None or user.status != "active":
        raise DomainError(DEAD_LINK)
    check_new_password(password, confirm)
    user.set_password(password)
    end_sessions(user.id)  # a reset also logs out whoever else was in (the view signs in)
    return user


@use_case
def request_password_reset(email: str) -> None:
    """Email a reset link if the address belongs to an active member; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or user.status != "active":
        return
    queue_email(user.email, "Reset your password", "reset_password", user=user,
                set_password_url=_set_password_url(user),
                hours=current_app.config["TOKEN_MAX_AGE_HOURS"])


@use_case
def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Change a password after checking the current one."""
    if not user.check_password(current):
        raise DomainError("Your current password is not right.", field="current")
    check_new_password(new, confirm)
    user.set_password(new)
    end_sessions(user.id)  # other browsers are logged out (the view signs this one in anew)


@use_case
def request_email_change(user: User, new_email: str, password: str) -> None:
    """Email a confirmation link to the new address; nothing changes until it is used."""
    if not user.check_password(password):
        raise DomainError("Your password is not right.", field="password")
    if new_email.lower() == user.email.lower():
        raise DomainError("That is already your email address.")
    if find_user_by_email(new_email) is None:
        link = absolute_url("accounts.confirm_email", token=tokens.make_token(
            tokens.CONFIRM_EMAIL, user, email=new_email))
        queue_email(new_email, "Confirm your new email address", "confirm_email",
                    user=user, confirm_url=link, hours=current_app.config["TOKEN_MAX_AGE_HOURS"])
    # An address already in use gets no email and no error: the page must not reveal it.


@use_case
def confirm_email_change(token: str) -> User:
    """Apply an email change from its confirmation link."""
    user, payload = tokens.read_token(tokens.CONFIRM_EMAIL, token)
    if user is None:
        raise DomainError("This link has expired or has already been used.")
    if find_user_by_email(payload["email"]) is not None:
        raise DomainError("That email address is now in use by another account.")
    user.email = payload["email"]
    end_sessions(user.id)  # the old address's sessions end (the view signs in anew)
    return user


@use_case
def update_profile(actor: User, user: User, *, display_name, job_role, organisation_id,
                   new_organisation="", sector="", bio, profile_visible) -> User:
    """Edit a profile (the member themselves, or an admin)."""
    require(actor, Action.EDIT_PROFILE, user)
    user.display_name = display_name
    user.job_role = job_role
    user.organisation = _organisation(organisation_id, new_organisation, sector)
    user.bio = bio
    user.profile_visible = profile_visible
    events.profile_updated.send(user, actor=actor)
    return user


@use_case
def set_suspended(moderator: User, user: User, suspended: bool, *, reason: str = "",
                  until: datetime | None = None) -> User:
    """Suspend a member (they lose access at once), with a reason they are shown and an
    optional end after which the suspension lifts by itself; or reinstate them."""
    require(moderator, Action.SUSPEND_MEMBER)
    if suspended and until is not None and until <= utcnow():
        raise DomainError("The end of the suspension must be in the future.", field="until")
    if user.id == moderator.id:
        raise DomainError("You cannot suspend yourself.")
    if user.role == "admin" and moderator.role != "admin":
        raise DomainError("Only an admin can suspend an admin.")
    if user.status not in {"active", "suspended"}:
        raise DomainError("Only members can be suspended.")
    user.status = "suspended" if suspended else "active"
    if suspended:  # every browser of theirs is logged out for good, not just paused
        end_sessions(user.id)
    user.suspension_reason = reason.strip()[:500] if suspended else ""
    user.suspended_until = until if suspended else None
    (events.member_suspended if suspended else events.member_reinstated).send(
        user, actor=moderator, reason=reason.strip(), until=until)
    return user


@use_case
def set_role(admin: User, user: User, role: str) -> User:
    """Change a member's role."""
    require(admin, Action.MANAGE_ROLES)
    if role not in {"member", "moderator", "admin"}:
        raise DomainError("Unknown role.")
    if user.id == admin.id and role != "admin":
        raise DomainError("You cannot remove your own admin role.")
    old_role, user.role = user.role, role
    events.member_role_changed.send(user, actor=admin, old_role=old_role)
    return user


def members_to_manage() -> list[User]:
    """Active and suspended accounts, by name, with their organisations (one query)."""
    return list(db.session.scalars(
        db.select(User).where(User.status.in_(["active", "suspended"]))
        .options(db.joinedload(User.organisation)).order_by(User.display_name)))


def directory(viewer) -> list[tuple[Organisation, list[User]]]:
    """Every organisation with the active members `viewer` may see (two queries in all)."""
    organisations = list(db.session.scalars(db.select(Organisation).order_by(Organisation.name)))
    members: dict[int, list[User]] = {}
    for user in db.session.scalars(
            db.select(User).where(visible(viewer, User), User.status == "active",
                                  User.organisation_id.is_not(None))
            .order_by(User.display_name, User.id)):
        members.setdefault(user.organisation_id, []).append(user)
    return [(organisation, members.get(organisation.id, [])) for organisation in organisations]


@use_case
def update_organisation(admin: User, organisation: Organisation, *, name, sector,
                        accreditation) -> Organisation:
    """Rename an organisation or change its sector or accreditation status."""
    require(admin, Action.MANAGE_ORGANISATIONS)
    clash = db.session.scalar(db.select(Organisation).where(
        db.func.lower(Organisation.name) == name.lower(), Organisation.id != organisation.id))
    if clash:
        raise DomainError("Another organisation already has that name.", field="name")
    organisation.name, organisation.sector, organisation.accreditation = name, sector, accreditation
    events.organisation_updated.send(organisation, actor=admin)
    return organisation
