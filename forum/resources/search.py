"""Library resources in the search index: documents (with their latest file's text), how
results show, and the change events that queue them for (re)indexing."""
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import events
from ..accounts.bylines import author_name
from ..extensions import db
from ..rendering import plain_text
from ..search.documents import MAX_BODY_CHARS, MAX_FILE_CHARS, SearchDoc, key_of
from ..search.indexing import queue_index
from ..search.registry import ResultView, Searchable, register
from .models import Resource, ResourceVersion, resource_tag


def load_resources(ids, condition=None) -> list[Resource]:
    """Resources with their versions (and stored files), tags and category."""
    query = (select(Resource).where(Resource.id.in_(ids))
             .options(selectinload(Resource.versions), joinedload(Resource.category)))
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


def _latest(resource: Resource):
    return resource.versions[0] if resource.versions else None


def resource_document(resource: Resource) -> SearchDoc | None:
    """Title, description and the text of the latest version's file (None once removed)."""
    if resource.is_deleted:
        return None
    latest = _latest(resource)
    file_text = file_label = ""
    if latest is not None and latest.stored_file is not None and latest.stored_file.text:
        file_text = latest.stored_file.text[:MAX_FILE_CHARS]
        file_label = f"{latest.filename}, version {latest.number}"
    return SearchDoc(
        key=key_of(resource), kind="resource", title=resource.title,
        body=plain_text(resource.description_html, MAX_BODY_CHARS)
        if resource.description_html else "",
        created_at=resource.created_at, author_name=author_name(resource, None),
        author_id=resource.author_id, organisation_id=resource.organisation_id,
        category_id=resource.category_id, tags=tuple(resource.tag_names),
        file_text=file_text, file_label=file_label,
        file_kinds=() if resource.is_link else (resource.kind,), official=resource.is_official)


def resource_result(resource: Resource) -> ResultView:
    """A resource hit: links to its page in the library."""
    latest = _latest(resource)
    return ResultView("Resource", url_for("resources.resource", resource_id=resource.id),
                      f"Library · {resource.category.name}", resource, date=resource.created_at,
                      file_label=f"{latest.filename}, version {latest.number}" if latest else "")


register(Searchable("resource", Resource, load_resources, resource_document, resource_result,
                    lambda: db.session.scalars(select(Resource.id).order_by(Resource.id))))


@events.resource_shared.connect
@events.resource_updated.connect
@events.resource_deleted.connect
def _resource_changed(resource, **extra):
    queue_index(resource)


@events.resource_version_added.connect
def _version_added(version, **extra):
    queue_index(version.resource)


@events.file_text_extracted.connect
def _file_read(stored, **extra):
    ids = db.session.scalars(select(ResourceVersion.resource_id)
                             .where(ResourceVersion.stored_file_id == stored.id))
    queue_index(*(f"resource:{id_}" for id_ in set(ids)))


@events.tag_renamed.connect
@events.tags_merged.connect
def _tag_changed(tag, **extra):
    ids = db.session.scalars(select(resource_tag.c.resource_id)
                             .where(resource_tag.c.tag_id == tag.id))
    queue_index(*(f"resource:{id_}" for id_ in ids))
