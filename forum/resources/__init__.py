"""Resource library: shared files (with versions) and links, each with a discussion thread."""
from flask import Blueprint

bp = Blueprint("resources", __name__)

from . import policy  # noqa: E402,F401  (registers the library rules)
from . import search  # noqa: E402,F401  (what it puts in the search index)
from . import views  # noqa: E402,F401  (routes register on import)
