"""`/healthz`: is the app up, can it reach its database, and can search answer?

A broken search index does not make the app unhealthy (everything else works): it is
reported, and a rebuild is queued."""
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, limiter
from .search.backend import Health
from .search.indexing import get_index, queue_rebuild

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 when the database answers (with the search index's state), 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return jsonify(status="error", database="unreachable",
                       detail=type(error).__name__), 503
    try:
        search = get_index().health()
    except Exception as error:  # a broken index must never make the app look down
        search = Health(ok=False, detail=type(error).__name__)
    if not search.ok:
        queue_rebuild()
    return jsonify(status="ok", database="ok",
                   search={"ok": search.ok, "documents": search.documents,
                           "detail": search.detail})
