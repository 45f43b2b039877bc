"""Background jobs: a durable queue in the database, drained by `forum worker` (or, in the
embedded default, by the web process after the request that queued the work)."""
from flask import Blueprint

bp = Blueprint("jobs", __name__)

from . import views  # noqa: E402,F401  (routes register on import)
from .queue import enqueue, handler, init_inline, run_pending  # noqa: E402,F401

bp.record_once(lambda state: init_inline(state.app))
