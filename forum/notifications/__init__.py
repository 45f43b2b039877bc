"""Notifications: in-app (unread count, list, mark read), watching threads, categories
and tags, @mentions, email now or in daily/weekly digests with one-click unsubscribe,
meeting reminders, and private Atom feeds. Listeners on the change events create
notifications in the change's transaction; jobs deliver them."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy  # noqa: F401  (registers the notification rule)
from . import listeners  # noqa: F401  (connects to the change events on import)
from . import delivery  # noqa: F401  (the job handlers)
from . import feed_views, views  # noqa: F401  (routes register on import)
