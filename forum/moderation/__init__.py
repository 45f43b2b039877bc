"""Moderation: members' reports and the moderators' queue, hiding posts, and the audit
log of every moderator and admin action (written by a listener on the change events)."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import audit  # noqa: F401  (connects the audit listener to every change event)
from . import policy  # noqa: F401  (registers who may report and hide)
from . import thread_views  # noqa: F401  (lock, pin, merge, split register on the blueprint)
from . import member_views  # noqa: F401  (members, suspensions and roles, likewise)
