"""Stored files: keeping an upload (once per content), letting it go when nothing refers to
it, counting downloads, and the background jobs that read a file's text and remove files.

Building blocks only: they add rows and flush, and the calling use case commits.
"""
from flask import current_app
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import events
from ..database import utcnow
from ..extensions import db
from ..jobs import enqueue, handler
from . import extraction
from .models import TEXT_DONE, TEXT_FAILED, TEXT_NONE, TEXT_PENDING, StoredFile
from .storage import get_storage, local_copy
from .uploads import Upload


_NEW_FILES = "forum.files_written"


def store_upload(upload: Upload) -> StoredFile:
    """Move a checked upload into storage and return its StoredFile row (one per content).
    A new row queues text extraction in the same transaction. The caller commits; if the
    transaction rolls back instead, a file this call added to storage is removed again."""
    storage = get_storage()
    if not storage.exists(upload.key):
        db.session.info.setdefault(_NEW_FILES, set()).add(upload.key)
    storage.put(upload.key, upload.temp_path)
    stored = db.session.scalar(select(StoredFile).where(StoredFile.sha256 == upload.key))
    if stored is not None:
        return stored
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    status = TEXT_NONE if upload.filetype.is_image else TEXT_PENDING
    # Two uploads of the same new file at once: one inserts, the other finds it.
    created_id = db.session.execute(
        insert(StoredFile).values(sha256=upload.key, size=upload.size, kind=upload.filetype.key,
                                  text_status=status, text="", text_error="",
                                  text_truncated=False, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["sha256"])
        .returning(StoredFile.id)).scalar()
    stored = db.session.scalar(select(StoredFile).where(StoredFile.sha256 == upload.key))
    if created_id is not None and status == TEXT_PENDING:
        enqueue("files.extract_text", stored_file_id=stored.id)
    return stored


@event.listens_for(Session, "after_commit")
def _keep_new_files(session):
    session.info.pop(_NEW_FILES, None)


@event.listens_for(Session, "after_rollback")
def _remove_new_files(session):
    """Files stored by a use case that rolled back (an error, a dry run) go again, unless
    another transaction has committed a row for the same content meanwhile."""
    keys = session.info.pop(_NEW_FILES, None)
    if not keys:
        return
    table = StoredFile.__table__
    with session.get_bind().connect() as connection:  # the session itself is mid-rollback
        kept = set(connection.scalars(select(table.c.sha256).where(table.c.sha256.in_(keys))))
    storage = get_storage()
    for key in keys - kept:
        storage.delete(key)


def _referring_columns():
    """Every column in the schema that refers to a stored file (whichever domain owns it),
    so this lower module need not know who uses files."""
    target = StoredFile.__table__.c.id
    return [fk.parent for table in db.metadata.tables.values()
            for fk in table.foreign_keys if fk.column is target]


def release(stored: StoredFile | None) -> None:
    """Forget `stored` if nothing refers to it any more; a job then removes the file.
    Call after dropping a reference, inside the use case."""
    if stored is None:
        return
    db.session.flush()
    for column in _referring_columns():
        if db.session.scalar(select(func.count()).where(column == stored.id)):
            return
    enqueue("files.remove_file", sha256=stored.sha256)
    db.session.delete(stored)


def count_download(target) -> None:
    """Add one to `target`'s download count, in SQL so concurrent downloads add up."""
    model = type(target)
    db.session.execute(update(model).where(model.id == target.id)
                       .values(download_count=model.download_count + 1))


@handler("files.extract_text")
def extract_text_job(stored_file_id: int) -> None:
    """Read the text of a stored file for search; a bad file is recorded, not retried."""
    stored = db.session.get(StoredFile, stored_file_id)
    if stored is None or stored.text_status != TEXT_PENDING:
        return
    if not get_storage().exists(stored.sha256):
        raise FileNotFoundError(f"stored file {stored.sha256} is missing from storage")
    config = current_app.config
    with local_copy(stored.sha256) as path:
        result = extraction.extract(
            stored.kind, path, timeout=config["EXTRACTION_TIMEOUT"],
            max_chars=config["EXTRACTION_MAX_CHARS"], max_pages=config["EXTRACTION_MAX_PAGES"],
            memory_mb=config["EXTRACTION_MEMORY_MB"])
    stored.extracted_at = utcnow()
    if result.ok:
        stored.text_status, stored.text, stored.text_error = TEXT_DONE, result.text, ""
        stored.text_truncated = result.truncated
    else:
        stored.text_status, stored.text, stored.text_error = TEXT_FAILED, "", result.reason[:300]
    # Search listens: the resources and posts using this file are reindexed.
    events.file_text_extracted.send(stored, actor=None)


@handler("files.remove_file")
def remove_file_job(sha256: str) -> None:
    """Delete a file from storage unless it has been uploaded again since it was released."""
    if db.session.scalar(select(StoredFile.id).where(StoredFile.sha256 == sha256)) is None:
        get_storage().delete(sha256)


# Jobs queued before these moved here from forum/resources keep their old names.
handler("resources.extract_text")(extract_text_job)
handler("resources.remove_file")(remove_file_job)
