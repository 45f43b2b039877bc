"""Questions and answers: asking, answers ranked by helpful votes, accepting, comments, tags."""
from flask import Blueprint

bp = Blueprint("qa", __name__)

from . import policy  # noqa: E402,F401  (registers the Q&A rules)
from . import tag_views, views  # noqa: E402,F401  (routes register on import)
