"""Serving stored files: always as attachments (or, for re-encoded images only, inline),
with headers that stop a browser from ever running or sniffing them."""
from flask import abort, request, send_file

from .models import StoredFile
from .storage import get_storage

# Served files may never run script or be sniffed into HTML, even if opened directly.
FILE_CSP = "sandbox; default-src 'none'"


def counts_as_download() -> bool:
    """A GET for the whole file, or for its start (resumed downloads are not counted)."""
    if request.method != "GET" or request.if_none_match or request.if_modified_since:
        return False
    ranges = request.range
    return ranges is None or (bool(ranges.ranges) and ranges.ranges[0][0] == 0)


def send_stored(stored: StoredFile | None, filename: str, *, inline: bool = False):
    """The response for one stored file (404 if it is gone, or inline but not an image)."""
    if stored is None or (inline and not stored.filetype.is_image):
        abort(404)  # only re-encoded images are ever shown inline
    path = get_storage().path(stored.sha256)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=stored.filetype.mime, as_attachment=not inline,
                         download_name=filename, conditional=True, etag=stored.sha256,
                         last_modified=stored.created_at)
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Like private pages: no browser or proxy cache keeps a copy of a member's file.
    response.headers["Cache-Control"] = "private, no-store"
    return response
