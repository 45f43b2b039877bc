"""Discussions: categories, threads, replies, quoting, editing with history."""
from flask import Blueprint

bp = Blueprint("discussions", __name__)

from . import admin_views, views  # noqa: E402,F401  (routes register on import)
