"""Tag rules and the moderators' tag management: naming, resolving names to tags,
renaming and merging. Tagging a thread or a resource is its own domain's service, built on
`resolve_tags`."""
import re

from sqlalchemy import select

from .. import events
from ..extensions import db
from ..permissions import Action, require
from ..transactions import use_case
from ..validation import DomainError
from .models import TAG_MAX_LENGTH, TAGS_PER_ITEM, Tag

_TAG_CHARS = re.compile(r"^[^\W_]+(?:[ -][^\W_]+)*$")


def normalise_tag(raw: str) -> str:
    """Lowercase, trimmed, inner spaces collapsed; letters, digits, spaces and hyphens only."""
    name = " ".join((raw or "").split()).lower()
    name = re.sub(r"\s*-\s*", "-", name)
    if not name:
        raise DomainError("Enter a tag name.", field="tags")
    if len(name) > TAG_MAX_LENGTH:
        raise DomainError(f"Tag “{name[:TAG_MAX_LENGTH]}…” is too long: tags must be "
                          f"{TAG_MAX_LENGTH} characters or fewer.", field="tags")
    if not _TAG_CHARS.match(name):
        raise DomainError(f"Tag “{name}” can only contain letters, numbers, spaces and "
                          "hyphens.", field="tags")
    return name


def parse_tags(raw, limit: int = TAGS_PER_ITEM) -> list[str]:
    """Tag names from a comma-separated string (or a list): normalised, unique, at most
    `limit`."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw or [])
    names: list[str] = []
    for part in parts:
        if not (part or "").strip():
            continue
        name = normalise_tag(part)
        if name not in names:
            names.append(name)
    if len(names) > limit:
        raise DomainError(f"Choose up to {limit} tags (you entered {len(names)}).",
                          field="tags")
    return names


def resolve_tags(raw, limit: int = TAGS_PER_ITEM) -> list[Tag]:
    """The Tag rows for names in `raw`, creating new ones as needed (added, not committed).

    All names are checked before anything is added, so a DomainError leaves no trace.
    """
    names = parse_tags(raw, limit)
    existing = {tag.name: tag for tag in db.session.scalars(
        select(Tag).where(Tag.name.in_(names)))} if names else {}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = existing[name] = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def find_tag(name: str) -> Tag | None:
    """The tag called `name` (after normalising), or None."""
    try:
        name = normalise_tag(name)
    except DomainError:
        return None
    return db.session.scalar(select(Tag).where(Tag.name == name))


def _link_tables():
    """Every link table whose rows point at a tag (threads, resources, ...): found in the
    schema, so this package needs no list of who uses tags."""
    target = Tag.__table__.c.id
    links = []
    for table in db.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column is target:
                owner = next(c for c in table.primary_key.columns if c is not fk.parent)
                links.append((table, fk.parent, owner))
    return links


@use_case
def rename_tag(moderator, tag: Tag, new_name: str) -> Tag:
    """Rename `tag`; if another tag already has the name, say so (merge instead)."""
    require(moderator, Action.MANAGE_TAGS)
    name = normalise_tag(new_name)
    if name == tag.name:
        raise DomainError("That is already the tag's name.", field="name")
    clash = db.session.scalar(select(Tag).where(Tag.name == name))
    if clash is not None:
        raise DomainError(f"There is already a tag “{name}”. Merge into it instead.",
                          field="name")
    old_name, tag.name = tag.name, name
    events.tag_renamed.send(tag, actor=moderator, old_name=old_name)
    return tag


@use_case
def merge_tags(moderator, source: Tag, target: Tag) -> Tag:
    """Move everything tagged `source` to `target`, then delete `source`."""
    require(moderator, Action.MANAGE_TAGS)
    if source.id == target.id:
        raise DomainError("Choose a different tag to merge into.", field="target")
    for table, tag_column, owner in _link_tables():
        already = select(owner).where(tag_column == target.id)
        db.session.execute(table.update().where(tag_column == source.id,
                                                owner.not_in(already))
                           .values({tag_column.name: target.id}))
        db.session.execute(table.delete().where(tag_column == source.id))
    source_name = source.name
    db.session.delete(source)
    events.tags_merged.send(target, actor=moderator, source_name=source_name)
    db.session.flush()
    db.session.expire_all()  # tag collections in the session are now stale
    return target
