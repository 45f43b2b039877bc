"""Questions and answers: asking, answers ranked by helpful votes, accepting, comments, tags."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy  # noqa: F401  (registers the Q&A rules)
from . import tag_views, views  # noqa: F401  (routes register on import)
from . import home  # noqa: F401  (its section of the members' home page)
