"""Tags on threads: normalising names, tagging, renaming and merging (moderators)."""
import re

from sqlalchemy import and_, func, select

from ..discussions.models import Thread
from ..extensions import db
from ..permissions import Action, require
from ..validation import DomainError
from .models import TAG_MAX_LENGTH, TAGS_PER_THREAD, Tag, thread_tag

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


def parse_tags(raw) -> list[str]:
    """Tag names from a comma-separated string (or a list): normalised, unique, at most five."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw or [])
    names: list[str] = []
    for part in parts:
        if not (part or "").strip():
            continue
        name = normalise_tag(part)
        if name not in names:
            names.append(name)
    if len(names) > TAGS_PER_THREAD:
        raise DomainError(f"Choose up to {TAGS_PER_THREAD} tags (you entered {len(names)}).",
                          field="tags")
    return names


def tag_thread(thread: Thread, raw) -> list[Tag]:
    """Set `thread`'s tags from names, creating new tags as needed. Does not commit.

    All names are checked before anything changes, so a DomainError leaves no trace.
    """
    names = parse_tags(raw)
    existing = {tag.name: tag for tag in db.session.scalars(
        select(Tag).where(Tag.name.in_(names)))} if names else {}
    tags = [existing.get(name) or Tag(name=name) for name in names]
    thread.tags = tags
    return tags


def set_thread_tags(user, thread: Thread, raw) -> Thread:
    """Replace the tags of `thread` (its starter or a moderator)."""
    require(user, Action.TAG_THREAD, thread)
    tag_thread(thread, raw)
    db.session.commit()
    return thread


def find_tag(name: str) -> Tag | None:
    try:
        name = normalise_tag(name)
    except DomainError:
        return None
    return db.session.scalar(select(Tag).where(Tag.name == name))


def list_tags() -> list[tuple[Tag, int]]:
    """Every tag with how many visible threads carry it, most used first."""
    count = func.count(Thread.id)
    rows = db.session.execute(
        select(Tag, count).outerjoin(thread_tag, thread_tag.c.tag_id == Tag.id)
        .outerjoin(Thread, and_(Thread.id == thread_tag.c.thread_id, Thread.deleted_at.is_(None)))
        .group_by(Tag.id).order_by(count.desc(), Tag.name))
    return [(tag, n) for tag, n in rows]


def rename_tag(moderator, tag: Tag, new_name: str) -> Tag:
    """Rename `tag`; if another tag already has the name, merge into it instead."""
    require(moderator, Action.MANAGE_TAGS)
    name = normalise_tag(new_name)
    if name == tag.name:
        raise DomainError("That is already the tag's name.", field="name")
    clash = db.session.scalar(select(Tag).where(Tag.name == name))
    if clash is not None:
        raise DomainError(f"There is already a tag “{name}”. Merge into it instead.",
                          field="name")
    tag.name = name
    db.session.commit()
    return tag


def merge_tags(moderator, source: Tag, target: Tag) -> Tag:
    """Move every thread tagged `source` to `target`, then delete `source`."""
    require(moderator, Action.MANAGE_TAGS)
    if source.id == target.id:
        raise DomainError("Choose a different tag to merge into.", field="target")
    already = select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == target.id)
    db.session.execute(thread_tag.update().where(
        thread_tag.c.tag_id == source.id, thread_tag.c.thread_id.not_in(already))
        .values(tag_id=target.id))
    db.session.execute(thread_tag.delete().where(thread_tag.c.tag_id == source.id))
    db.session.delete(source)
    db.session.commit()
    db.session.expire_all()  # Thread.tags collections in the session are now stale
    return target
