"""Questions and answers: asking, answers ranked by helpful votes, accepting, comments, tags."""
from flask import Blueprint

bp = Blueprint("qa", __name__)

from . import tag_views, views  # noqa: E402,F401  (routes register on import)
from .anonymity import shown_author  # noqa: E402

# Every template that names an author asks this, so anonymous askers stay anonymous.
bp.add_app_template_global(shown_author, "shown_author")
