"""Reports from members, and the audit log of what moderators and admins did."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import TimestampMixin, UTCDateTime
from ..extensions import db

OPEN, RESOLVED = "open", "resolved"
REPORT_TARGETS = ("post", "comment", "resource", "message")  # what a member can report
REASON_MAX = 1000


class Report(TimestampMixin, db.Model):
    """A member's report of a post (or answer), comment, resource or private message,
    until a moderator resolves it. The reporter is shown to moderators only, never to the reported member."""

    __table_args__ = (Index("ix_report_status_created", "status", "created_at"),
                      Index("ix_report_target", "target_type", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    target_type: Mapped[str] = mapped_column(String(20))  # one of REPORT_TARGETS
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


class AuditEntry(TimestampMixin, db.Model):
    """One moderator or admin action: who, what, on what, why, when, and the details the
    change event carried (before and after where it gives them). Written by a listener
    in the action's own transaction; the application has no way to edit or delete one."""

    __table_args__ = (Index("ix_audit_created", "created_at"),
                      Index("ix_audit_actor_created", "actor_id", "created_at"),
                      Index("ix_audit_target", "target_type", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(80))  # kept if the account goes
    action: Mapped[str] = mapped_column(String(60))  # the change event's name
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
