"""Members, their organisations and their join applications."""
import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import TimestampMixin, UTCDateTime
from ..extensions import db

SECTORS = {
    "public": "Public sector",
    "third": "Third sector",
    "private": "Private sector",
    "other": "Other",
}
ACCREDITATION = {
    "working_towards": "Working towards accreditation",
    "accredited": "Accredited",
    "network_member": "Network member",
}
ROLES = {"member": "Member", "moderator": "Moderator", "admin": "Admin"}
STATUSES = {
    "pending": "Awaiting approval",
    "active": "Active",
    "declined": "Declined",
    "suspended": "Suspended",
}


class Organisation(TimestampMixin, db.Model):
    """An employer taking part in the Community of Practice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str] = mapped_column(String(20), default="public")
    accreditation: Mapped[str] = mapped_column(String(20), default="network_member")

    members: Mapped[list["User"]] = relationship(back_populates="organisation",
                                                 order_by="User.display_name")

    @property
    def sector_label(self) -> str:
        return SECTORS.get(self.sector, self.sector)

    @property
    def accreditation_label(self) -> str:
        return ACCREDITATION.get(self.accreditation, self.accreditation)


class User(UserMixin, TimestampMixin, db.Model):
    """A person: applicant, member, moderator or admin, by `status` and `role`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    job_role: Mapped[str] = mapped_column(String(120), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    profile_visible: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # A suspension's reason (shown to the member at login) and optional end, after which
    # it lifts by itself (at their next login).
    suspension_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_hash: Mapped[str | None] = mapped_column(String(255))

    # The application, kept as the consent record.
    join_reason: Mapped[str] = mapped_column(Text, default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    def set_password(self, password: str) -> None:
        """Hash with scrypt (Werkzeug's default KDF)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def security_stamp(self) -> str:
        """Changes whenever the password or email changes: used to expire links and sessions."""
        material = f"{self.password_hash or ''}|{self.email}".encode()
        return hashlib.sha256(material).hexdigest()[:16]

    # The LoginSession token of the browser this user object was loaded or logged in for
    # (forum/accounts/sessions.py sets it); Flask-Login stores get_id() in the cookies.
    session_token = ""

    def get_id(self) -> str:
        # Sessions name the stamp too, so a password change logs out other sessions, and
        # their own LoginSession, so logging out ends this one for good.
        return f"{self.id}:{self.security_stamp}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login: only active accounts may hold a session
        return self.status == "active"

    @property
    def is_authenticated(self) -> bool:
        # Flask-Login derives this from is_active; the policy needs the two kept apart so
        # a suspended account is "suspended", not "anonymous".
        return True

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.status}/{self.role}>"


def find_user_by_email(email: str) -> User | None:
    """Look a user up by email, ignoring case."""
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email.strip().lower()))


class LoginSession(db.Model):
    """One logged-in browser: the session and remember-me cookies name it (by a random
    token whose SHA-256 alone is stored), so logging out, "Log out everywhere", a password
    change or a suspension can end it for good on every worker and host."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of user {self.user_id}{' ended' if self.ended_at else ''}>"
