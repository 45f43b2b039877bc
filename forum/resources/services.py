"""Resource library rules: sharing (with the resource's discussion thread, in one
transaction), versions, editing, deleting, downloads and the library listing.

Files themselves (storing, releasing, extracting text) are forum/files' building blocks.
"""
import math
import re
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select, update

from .. import events
from ..accounts.models import Organisation
from ..database import utcnow
from ..discussions import services as discussions
from ..discussions.models import Category
from ..extensions import db
from ..files.filetypes import GROUPS, TYPES
from ..files.services import count_download, release, store_upload
from ..files.uploads import Upload
from ..permissions import Action, listed, require
from ..rendering import render_markdown
from ..transactions import use_case
from ..validation import DomainError
from ..tags.models import Tag
from ..tags.services import parse_tags, resolve_tags
from .models import Resource, ResourceVersion, resource_tag

MAX_TAGS = 10  # a resource may carry more tags than a thread; the naming rules are shared


# -- the library ----------------------------------------------------------------------------

def clean_tags(raw: str | list[str] | None) -> list[str]:
    """'Policy, survey;  #policy' -> ['policy', 'survey']: the tag rules (forum/tags), with
    semicolons and new lines accepted as separators and a leading # dropped."""
    if isinstance(raw, str):
        raw = re.split(r"[,;\n]", raw)
    return parse_tags([part.strip().lstrip("#") for part in raw or []], limit=MAX_TAGS)


def _set_tags(resource: Resource, raw) -> None:
    resource.tags = resolve_tags(clean_tags(raw), limit=MAX_TAGS)


def _add_version(resource: Resource, uploader, upload: Upload, note: str = "",
                 number: int = 1) -> ResourceVersion:
    stored = store_upload(upload)
    resource.version_count = number
    version = ResourceVersion(resource=resource, number=number,
                              stored_file=stored, uploader=uploader, filename=upload.filename,
                              kind=upload.filetype.key, size=upload.size, note=note,
                              created_at=utcnow())
    db.session.add(version)
    resource.kind = upload.filetype.key
    resource.updated_at = version.created_at
    return version


def _path(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


@use_case
def share_resource(author, *, title: str, description: str, category: Category,
                   tags: str | list[str] = "", upload: Upload | None = None,
                   url: str | None = None) -> Resource:
    """Add a resource (a file or a link) to the library, with a discussion thread for it."""
    require(author, Action.SHARE_RESOURCE)
    if (upload is None) == (not url):
        raise DomainError("Choose a file to upload or give a link (but not both).",
                          field="file")
    now = utcnow()
    resource = Resource(title=title, description_source=description or "",
                        description_html=render_markdown(description) if description else "",
                        category=category, author=author,
                        organisation_id=author.organisation_id, url=url or None,
                        kind="link", created_at=now, updated_at=now, version_count=0,
                        download_count=0)
    _set_tags(resource, tags)
    db.session.add(resource)
    if upload is not None:
        _add_version(resource, author, upload)
    db.session.flush()  # the resource's id goes into its thread's opening post
    resource.thread = discussions.open_thread(author, category, title=title,
                                              body=_discussion_opening(resource, author))
    events.resource_shared.send(resource, actor=author)
    return resource


def _discussion_opening(resource: Resource, author) -> str:
    link = _path("resources.resource", resource_id=resource.id)
    organisation = f" ({author.organisation.name})" if author.organisation else ""
    return (f"This is the discussion of the shared resource **[{_escape(resource.title)}]"
            f"({link})**, shared by {_escape(author.display_name)}{_escape(organisation)}.\n\n"
            "Ask questions about it, or tell others how you have used it.")


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+!<>|~-])", r"\\\1", text)


@use_case
def update_resource(editor, resource: Resource, *, title: str, description: str,
                    category: Category, tags: str | list[str] = "",
                    url: str | None = None) -> Resource:
    """Change a resource's details (a link resource's address too)."""
    require(editor, Action.EDIT_RESOURCE, resource)
    if resource.is_link and not url:
        raise DomainError("Enter the link's web address.", field="url")
    resource.title = title
    resource.description_source = description or ""
    resource.description_html = render_markdown(description) if description else ""
    resource.category = category
    if resource.is_link:
        resource.url = url
    _set_tags(resource, tags)
    resource.updated_at = utcnow()
    events.resource_updated.send(resource, actor=editor)
    return resource


@use_case
def add_version(editor, resource: Resource, upload: Upload, note: str = "") -> ResourceVersion:
    """Upload a new version of a file resource; earlier versions stay downloadable."""
    require(editor, Action.EDIT_RESOURCE, resource)
    if resource.is_link:
        raise DomainError("A link has no file versions. Edit the link instead.", field="file")
    # Claim the number with one atomic UPDATE (a row lock on PostgreSQL, the write lock on
    # SQLite), so two uploads at once never get the same version number.
    number = db.session.execute(
        update(Resource).where(Resource.id == resource.id)
        .values(version_count=Resource.version_count + 1).returning(Resource.version_count)
        .execution_options(synchronize_session=False)).scalar_one()
    db.session.refresh(resource)
    version = _add_version(resource, editor, upload, note, number=number)
    db.session.flush()
    events.resource_version_added.send(version, actor=editor)
    return version


@use_case
def delete_resource(actor, resource: Resource) -> Resource:
    """Soft-delete a resource. Its record stays (staff can still open it), but its files are
    unlinked and removed from storage unless something else uses the same content."""
    require(actor, Action.DELETE_RESOURCE, resource)
    resource.deleted_at, resource.deleted_by_id = utcnow(), actor.id
    for version in resource.versions:
        stored, version.stored_file = version.stored_file, None
        release(stored)
    events.resource_deleted.send(resource, actor=actor)
    return resource


@use_case
def record_download(version: ResourceVersion) -> None:
    """Count one download of a version, and of its resource (the view decides what counts)."""
    count_download(version)
    db.session.execute(update(Resource).where(Resource.id == version.resource_id)
                       .values(download_count=Resource.download_count + 1))


def version_of(resource: Resource, number: int | None) -> ResourceVersion | None:
    """Version `number` of `resource`, or its latest when number is None."""
    query = select(ResourceVersion).where(ResourceVersion.resource_id == resource.id)
    if number is None:
        query = query.order_by(ResourceVersion.number.desc()).limit(1)
    else:
        query = query.where(ResourceVersion.number == number)
    return db.session.scalar(query)


def versions(resource: Resource) -> list[ResourceVersion]:
    """All versions, newest first, with their uploaders (one query)."""
    return list(db.session.scalars(
        select(ResourceVersion).where(ResourceVersion.resource_id == resource.id)
        .options(db.joinedload(ResourceVersion.uploader))
        .order_by(ResourceVersion.number.desc())).unique())


SORTS = {"newest": "Newest first", "downloads": "Most downloaded"}


@dataclass
class LibraryQuery:
    """The library's filters, as chosen in its form (all optional)."""

    group: str = ""
    category_id: int | None = None
    tag: str = ""
    organisation_id: int | None = None
    sort: str = "newest"
    page: int = 1


def library_page(viewer, query: LibraryQuery) -> tuple[list[Resource], int, int]:
    """One page of live resources matching `query`; returns (resources, total, pages)."""
    per_page = current_app.config["RESOURCES_PER_PAGE"]
    conditions = [listed(viewer, Resource)]
    if query.group == "link":
        conditions.append(Resource.url.is_not(None))
    elif query.group in GROUPS:
        kinds = [t.key for t in TYPES.values() if t.group == query.group]
        conditions += [Resource.url.is_(None), Resource.kind.in_(kinds)]
    if query.category_id:
        conditions.append(Resource.category_id == query.category_id)
    if query.organisation_id:
        conditions.append(Resource.organisation_id == query.organisation_id)
    if query.tag:
        conditions.append(Resource.id.in_(
            select(resource_tag.c.resource_id).join(Tag, Tag.id == resource_tag.c.tag_id)
            .where(Tag.name == query.tag.lower())))
    total = db.session.scalar(select(func.count(Resource.id)).where(*conditions))
    order = ((Resource.download_count.desc(), Resource.created_at.desc())
             if query.sort == "downloads" else (Resource.created_at.desc(),))
    resources = db.session.scalars(
        select(Resource).where(*conditions)
        .options(db.joinedload(Resource.author), db.joinedload(Resource.organisation),
                 db.joinedload(Resource.category))
        .order_by(*order, Resource.id.desc())
        .limit(per_page).offset((query.page - 1) * per_page)).unique()
    return list(resources), total, max(1, math.ceil(total / per_page))


def library_choices(viewer) -> dict:
    """What the library's filters offer: categories, organisations and tags in use."""
    live = listed(viewer, Resource)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(select(Resource.organisation_id).where(live)))
        .order_by(Organisation.name)).all()
    tags = db.session.scalars(
        select(Tag.name).join(resource_tag, resource_tag.c.tag_id == Tag.id)
        .join(Resource, Resource.id == resource_tag.c.resource_id).where(live)
        .group_by(Tag.name).order_by(Tag.name).limit(200)).all()
    return {"categories": discussions.list_categories(), "organisations": organisations,
            "tags": list(tags)}
