"""The job table: one row per piece of background work."""
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

QUEUED, RUNNING, FAILED = "queued", "running", "failed"
STATUSES = {QUEUED: "Waiting", RUNNING: "Running", FAILED: "Failed"}


class Job(TimestampMixin, db.Model):
    """Work to do later. Written in the same transaction as the change that needs it, so a
    crash can lose neither; deleted once it has run successfully."""

    __table_args__ = (Index("ix_job_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by: Mapped[str] = mapped_column(String(120), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status} attempt {self.attempts}>"
