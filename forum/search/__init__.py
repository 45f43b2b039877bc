"""Search: one index over everything members may find, behind a small backend interface.

Core, below the domains: backends (Whoosh, tantivy, PostgreSQL) index plain `SearchDoc`s;
each domain registers its searchable models (forum/<domain>/search.py) and queues index
jobs from its change-event listeners; the page re-checks the policy for every hit.
"""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import indexing, views  # noqa: F401  (the index jobs and the page register on import)
