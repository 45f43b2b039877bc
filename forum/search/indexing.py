"""Keeping the index in step with the database: index jobs, and the whole-index rebuild.

Domains call `queue_index(...)` from their change-event listeners: it only adds a job row
to the announcing use case's transaction. The worker (or, in the embedded default, the web
process after the response) runs the job, which builds fresh documents from the database
and writes them to the index: only jobs ever write, so several web workers never race for
an index's write lock.
"""
import logging
from typing import Callable, Iterable

from flask import current_app

from sqlalchemy import select

from ..extensions import db
from ..jobs import enqueue, handler
from ..jobs.models import FAILED, Job
from ..transactions import use_case
from .backend import SearchBackend
from .backends import create_backend
from .documents import key_of
from .registry import SEARCHABLES, group_keys

log = logging.getLogger(__name__)
BATCH = 500


def get_index() -> SearchBackend:
    """The app's search backend (one per process: opening an index is costly)."""
    extensions = current_app.extensions
    if "forum.search" not in extensions:
        extensions["forum.search"] = create_backend(current_app)
    return extensions["forum.search"]


def queue_index(*items) -> None:
    """Queue (re)indexing of model objects or "<prefix>:<id>" keys, in the caller's
    transaction. A key whose object is gone or not live is removed from the index."""
    keys = sorted({item if isinstance(item, str) else key_of(item) for item in items})
    for start in range(0, len(keys), BATCH):
        enqueue("search.index", keys=keys[start:start + BATCH])


def documents_for(keys: Iterable[str]):
    """(documents to index, keys to delete) for `keys`, built from the database now."""
    docs, gone = [], []
    for prefix, ids in group_keys(keys).items():
        searchable = SEARCHABLES[prefix]
        found = {row.id: row for row in searchable.load(ids)}
        for id_ in ids:
            row = found.get(id_)
            document = searchable.document(row) if row is not None else None
            if document is None:
                gone.append(f"{prefix}:{id_}")
            else:
                docs.append(document)
    return docs, gone


@handler("search.index")
def index_job(keys: list[str]) -> None:
    """Write fresh documents for `keys` (and delete those no longer indexable)."""
    docs, gone = documents_for(keys)
    index = get_index()
    if docs:
        index.index(docs)
    if gone:
        index.delete(gone)


def all_documents(progress: Callable[[int], None] | None = None):
    """Every document the database holds, in batches (for a rebuild)."""
    for prefix, searchable in SEARCHABLES.items():
        ids = list(searchable.all_ids())
        for start in range(0, len(ids), BATCH):
            docs, _ = documents_for(f"{prefix}:{id_}" for id_ in ids[start:start + BATCH])
            yield from docs


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Build the whole index afresh and swap it in; returns how many documents it holds."""
    return get_index().rebuild(all_documents(), progress=progress)


@handler("search.rebuild")
def rebuild_job() -> None:
    """Rebuild the index (queued when it is found missing or corrupt)."""
    count = rebuild_index()
    log.info("search index rebuilt: %s documents", count)


@use_case
def queue_rebuild() -> bool:
    """Queue a rebuild unless one is already waiting or running; True if one was queued."""
    waiting = db.session.scalar(select(Job.id).where(Job.kind == "search.rebuild",
                                                     Job.status != FAILED).limit(1))
    if waiting is not None:
        return False
    enqueue("search.rebuild")
    return True
