"""The meeting programme and topic votes: moderators schedule meetings (agenda,
presenters, joining link; afterwards slides, notes and a recap discussion), members say
whether they are going and keep the programme in their calendars (.ics files and a
private feed); in topic rounds members propose and vote on the topics for next year's
meetings, and moderators merge duplicates, close the round and turn winners into meetings."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy  # noqa: F401  (registers the meeting and round rules)
from . import search  # noqa: F401  (what it puts in the search index)
from . import manage_views, round_views, views  # noqa: F401  (routes register on import)
from . import home  # noqa: F401  (its section of the members' home page)
