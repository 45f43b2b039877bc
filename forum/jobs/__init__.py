"""Background jobs: a durable queue in the database, drained by `forum worker` (or, in the
embedded default, by the web process after the request that queued the work)."""
from .queue import enqueue, handler, init_inline, run_pending  # noqa: F401
# The blueprint lives with its routes, so views.py never imports this package back.
from .views import bp

bp.record_once(lambda state: init_inline(state.app))
