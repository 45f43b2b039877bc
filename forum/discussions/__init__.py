"""Discussions: categories, threads, replies, quoting, editing with history, attachments."""
from flask import Blueprint

bp = Blueprint("discussions", __name__)

from . import policy  # noqa: E402,F401  (registers the discussion rules)
from . import search  # noqa: E402,F401  (what it puts in the search index)
from . import admin_views, attachment_views, views  # noqa: E402,F401  (routes register on import)
