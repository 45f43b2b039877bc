"""Resource library: shared files (with versions) and links, each with a discussion thread."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy  # noqa: F401  (registers the library rules)
from . import search  # noqa: F401  (what it puts in the search index)
from . import views  # noqa: F401  (routes register on import)
from . import home  # noqa: F401  (its section of the members' home page)
