"""Stored files: one row per distinct content, and the columns every reference to a file shares."""
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import TimestampMixin, UTCDateTime
from ..extensions import db
from .filetypes import TYPES, human_size

# Text extraction states of a stored file.
TEXT_PENDING, TEXT_DONE, TEXT_FAILED, TEXT_NONE = "pending", "done", "failed", "none"


class StoredFile(TimestampMixin, db.Model):
    """One stored blob, named by the SHA-256 of its content, so identical uploads are kept
    once. Rows in other domains refer to it (resource versions, post attachments); when the
    last reference goes, the row is deleted and a job removes the file from storage."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))  # a key of filetypes.TYPES
    text_status: Mapped[str] = mapped_column(String(10), default=TEXT_PENDING)
    text: Mapped[str] = mapped_column(Text, default="")
    text_error: Mapped[str] = mapped_column(String(300), default="")
    text_truncated: Mapped[bool] = mapped_column(default=False)
    extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def filetype(self):
        return TYPES[self.kind]


class FileReference:
    """What every reference to a stored file shares (a resource version, an attachment):
    a cleaned display name, the type and size (kept on the row so lists need no join), and
    a download count. The referring model adds `stored_file_id` and `uploader_id`."""

    filename: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]
    download_count: Mapped[int] = mapped_column(default=0)

    @property
    def filetype(self):
        return TYPES[self.kind]

    @property
    def is_image(self) -> bool:
        return self.filetype.is_image

    @property
    def size_label(self) -> str:
        return human_size(self.size)
