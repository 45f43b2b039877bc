"""Uploaded files, below every domain that uses them: receiving (capped while streaming,
typed by content, images re-encoded), storage by SHA-256, text extraction for search, and
serving as attachments. Resource versions and post attachments refer to `StoredFile` rows."""
from .filetypes import ACCEPT_ATTRIBUTE, ALLOWED_DESCRIPTION, human_size
from .uploads import install


def init_app(app) -> None:
    """Cap uploads per file as the body streams in; give templates the file field's hints."""
    install(app)
    # Globals, not a context processor: imported macros (the file field) see only globals.
    app.jinja_env.globals.update(upload_accept=ACCEPT_ATTRIBUTE,
                                 upload_types=ALLOWED_DESCRIPTION)
    app.jinja_env.filters["filesize"] = human_size
    from . import services  # noqa: F401  (registers the file jobs)
