"""Membership: applications, approval, login, passwords, profiles, organisations, bylines."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy, sessions  # noqa: F401  (rules and the session loader register on import)
from . import search  # noqa: F401  (what it puts in the search index)
from . import staff_views, views  # noqa: F401  (routes register on import)
from .bylines import shown_author

# Every template that names an author asks this (templates/_macros/byline.html).
bp.add_app_template_global(shown_author, "shown_author")
