"""Resource library and post attachments: uploads checked by content, stored by hash,
served only through authorised views, with their text extracted for search."""
from flask import Blueprint

bp = Blueprint("resources", __name__)

from . import views  # noqa: E402,F401  (routes register on import)
from .uploads import install  # noqa: E402

# Uploaded files are capped per file while the request body streams in (see uploads.py).
bp.record_once(lambda state: install(state.app))
