"""Polls in threads and questions, including benchmark polls ("answer for your
organisation": one answer per organisation, results broken down by sector and
accreditation with small groups suppressed): see forum/polls/models.py."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy  # noqa: F401  (registers the poll rules)
from . import search  # noqa: F401  (what it puts in the search index)
