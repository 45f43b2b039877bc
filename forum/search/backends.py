"""Choosing the search backend from the configuration (SEARCH_BACKEND, SEARCH_INDEX_DIR).

whoosh (default): embedded, an index folder written only by the worker.
tantivy: the fast single-host engine, an index folder too.
postgres: a table with a weighted tsvector in the forum's own PostgreSQL database, for
several app hosts sharing one database.
"""
from flask import current_app

from .backend import SearchBackend

BACKENDS = ("whoosh", "tantivy", "postgres")


def create_backend(app=None) -> SearchBackend:
    """A new backend object for `app` (default: the current app) as its config says."""
    app = app or current_app
    name = app.config["SEARCH_BACKEND"]
    path = app.config["SEARCH_INDEX_DIR"]
    if name == "whoosh":
        from .whoosh_backend import WhooshBackend
        return WhooshBackend(path, app.config["SEARCH_REBUILD_PROCESSES"])
    if name == "tantivy":
        from .tantivy_backend import TantivyBackend
        return TantivyBackend(path)
    if name == "postgres":
        from ..extensions import db
        from .postgres_backend import PostgresBackend
        with app.app_context():
            return PostgresBackend(db.engine)
    raise ValueError(f"unknown SEARCH_BACKEND {name!r}: choose one of {', '.join(BACKENDS)}")
