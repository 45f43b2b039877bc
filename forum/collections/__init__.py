"""Curated collections: moderators gather resources, threads and links into ordered,
annotated collections, mark official Close the Gap material, pin collections to the home
page and choose "Start here" for newcomers; members follow collections."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy  # noqa: F401  (registers the collection rules)
from . import search  # noqa: F401  (what it puts in the search index)
from . import manage_views, views  # noqa: F401  (routes register on import)
from . import home  # noqa: F401  (its section of the members' home page)
