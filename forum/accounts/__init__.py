"""Membership: applications, approval, login, passwords, profiles, organisations, bylines."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import policy, sessions  # noqa: E402,F401  (rules and the session loader register on import)
from . import search  # noqa: E402,F401  (what it puts in the search index)
from . import staff_views, views  # noqa: E402,F401  (routes register on import)
from .bylines import shown_author  # noqa: E402

# Every template that names an author asks this (templates/_macros/byline.html).
bp.add_app_template_global(shown_author, "shown_author")
