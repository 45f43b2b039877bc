"""Receiving uploaded files: capped while streaming, checked by content, images re-encoded.

Flow: Werkzeug parses the request body into our `CappedUpload` spool, which stops keeping
bytes once a file passes MAX_UPLOAD_MB (the whole body is capped by MAX_CONTENT_LENGTH
too). `receive` copies the spool to scratch space in the upload folder (enforcing the cap
again, for callers outside a request), decides the type from the content, re-encodes
images, and returns an `Upload` ready to be stored under its SHA-256. Nothing touches the
database until every file of a form has passed.
"""
import hashlib
import os
import tempfile
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from flask import Request, current_app

from ..validation import DomainError
from .filetypes import FileRejected, FileType, clean_filename, detect
from .images import reencode
from .metadata import strip_metadata
from .storage import CHUNK, file_digest, get_storage

# The attribute `forum.web.toolkit.accepts_files` sets on a view taking several files.
MAX_FILES_ATTRIBUTE = "max_files_per_request"


class CappedUpload(SpooledTemporaryFile):
    """A spool for one uploaded file that stops storing bytes past `limit` and remembers
    that it overflowed, so the form can say so instead of keeping an oversized file."""

    def __init__(self, limit: int):
        super().__init__(max_size=512 * 1024, mode="w+b")
        self.limit, self.received, self.overflowed = limit, 0, False

    def write(self, data) -> int:
        self.received += len(data)
        if self.overflowed:
            return len(data)
        if self.received > self.limit:
            self.overflowed = True
            self.seek(0)
            self.truncate()  # drop what we kept: it will never be used
            return len(data)
        return super().write(data)


class UploadRequest(Request):
    """The app's request class: caps each uploaded file while the body streams in, and lets
    a view that declares it takes several files (`accepts_files`) receive that many."""

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        return CappedUpload(current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024)

    def _load_form_data(self) -> None:
        files = max_files_for(self)
        if files > 1:
            self.max_content_length = (current_app.config["MAX_UPLOAD_MB"] * files
                                       + 1) * 1024 * 1024
        super()._load_form_data()


def max_files_for(request) -> int:
    """How many files the view serving `request` takes (1 unless it declares more)."""
    if request.url_rule is None:
        return 1
    view = current_app.view_functions.get(request.url_rule.endpoint)
    declared = getattr(view, MAX_FILES_ATTRIBUTE, 1)
    return declared() if callable(declared) else declared


def install(app) -> None:
    """Use `UploadRequest` for every request of `app`."""
    app.request_class = UploadRequest


@dataclass
class Upload:
    """A received, checked file waiting in scratch space to be stored."""

    key: str  # SHA-256 of the (re-encoded) content: its storage name
    filename: str  # cleaned display name
    size: int
    filetype: FileType
    temp_path: str


def limit_message(name: str) -> str:
    """The message for a file over the size cap."""
    mb = current_app.config["MAX_UPLOAD_MB"]
    return f"“{name}” is larger than {mb} MB. Files must be {mb} MB or smaller."


def receive(file_storage) -> Upload:
    """Check one uploaded file (a Werkzeug FileStorage); raises FileRejected."""
    config = current_app.config
    limit = config["MAX_UPLOAD_MB"] * 1024 * 1024
    name = clean_filename(file_storage.filename)
    if getattr(file_storage.stream, "overflowed", False):
        raise FileRejected(limit_message(name))
    scratch = get_storage().temp_dir()
    handle, temp_path = tempfile.mkstemp(dir=scratch, prefix="upload-")
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(handle, "wb") as out:
            while chunk := file_storage.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FileRejected(limit_message(name))
                digest.update(chunk)
                out.write(chunk)
        filetype = detect(temp_path, name)
        if filetype.is_image:
            clean_path = reencode(temp_path, filetype, name, config["MAX_IMAGE_PIXELS"],
                                  scratch)
            os.unlink(temp_path)
            temp_path = clean_path
            return Upload(file_digest(temp_path), name, os.path.getsize(temp_path), filetype,
                          temp_path)
        # Documents lose their metadata (author, last modified by, company…) before the
        # checksum: the stored bytes and the dedup key are those of the clean copy.
        clean_path = strip_metadata(temp_path, filetype, name, scratch)
        if clean_path is not None:
            os.unlink(temp_path)
            temp_path = clean_path
            return Upload(file_digest(temp_path), name, os.path.getsize(temp_path), filetype,
                          temp_path)
        return Upload(digest.hexdigest(), name, size, filetype, temp_path)
    except BaseException:
        _unlink(temp_path)
        raise


def receive_all(files, max_files: int | None = None, field: str | None = None) -> list[Upload]:
    """Check every chosen file of a form (empty file inputs are skipped); all or nothing.
    Errors name `field`, the form field the files came from."""
    chosen = [f for f in files or [] if f is not None and getattr(f, "filename", "")]
    max_files = max_files or current_app.config["MAX_ATTACHMENTS"]
    uploads: list[Upload] = []
    try:
        if len(chosen) > max_files:
            raise DomainError(f"You can attach up to {max_files} files at once; you chose "
                              f"{len(chosen)}.")
        for file_storage in chosen:
            uploads.append(receive(file_storage))
    except DomainError as error:
        discard(uploads)
        error.field = error.field or field
        raise
    except BaseException:
        discard(uploads)
        raise
    return uploads


def discard(uploads) -> None:
    """Remove scratch files that were not stored (stored ones were moved already)."""
    for upload in uploads or []:
        _unlink(upload.temp_path)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
