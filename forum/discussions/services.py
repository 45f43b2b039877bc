"""Discussion rules: categories, starting threads, replying, editing, deleting, attachments.

Use cases (decorated `@use_case`) commit once; the building blocks they share with other
domains (`open_thread`, `add_reply`, `attach_uploads`) only add and flush, so Q&A and
the resource library compose them inside their own single transaction.
"""
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, case, func, or_, select, update

from .. import events
from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..files.services import count_download, release, store_upload
from ..permissions import Action, listed, require, visible
from ..rendering import render_markdown
from ..tags.services import resolve_tags
from ..transactions import use_case
from ..validation import DomainError
from .models import PIN_CATEGORY, PIN_SCOPES, Attachment, Category, Post, PostRevision, Thread


def list_categories() -> list[Category]:
    """Categories in their chosen order."""
    return list(db.session.scalars(db.select(Category).order_by(Category.position, Category.name)))


@use_case
def save_category(admin, category: Category | None, *, name, description, position) -> Category:
    """Create (category=None) or update a category."""
    require(admin, Action.MANAGE_CATEGORIES)
    clash = db.session.scalar(db.select(Category.id).where(
        db.func.lower(Category.name) == name.lower(),
        Category.id != (category.id if category else -1)))
    if clash:
        raise DomainError("A category with that name already exists.", field="name")
    created = category is None
    category = category or Category()
    category.name, category.description, category.position = name, description, position
    db.session.add(category)
    db.session.flush()
    events.category_saved.send(category, actor=admin, created=created)
    return category


# -- writing: building blocks -------------------------------------------------------------

def open_thread(author, category: Category, *, title: str, body: str,
                kind: str = "discussion", anonymous: bool = False, tags=None,
                attachments=None) -> Thread:
    """Add a thread with `body` as its first post (a building block: flushes, no commit).

    `kind="question"` makes it a question (forum/qa); `anonymous` hides the asker from
    other members; `tags` is a comma-separated string or list of tag names (checked before
    anything is added); `attachments` are checked uploads for the first post.
    """
    require(author, Action.START_THREAD, category)
    now = utcnow()
    tag_rows = resolve_tags(tags) if tags else []
    thread = Thread(category=category, author=author, title=title, created_at=now,
                    last_post_at=now, last_post_author=author, post_count=1, kind=kind,
                    is_anonymous=anonymous, tags=tag_rows)
    db.session.add(thread)
    post = _add_post(thread, author, body, now, number=1)
    attach_uploads(post, author, attachments)
    category.thread_count = Category.thread_count + 1
    db.session.flush()
    events.thread_created.send(thread, actor=author, post=post)
    events.post_created.send(post, actor=author)
    return thread


def add_reply(author, thread: Thread, *, body: str, attachments=None) -> Post:
    """Add a post at the end of `thread` (a building block: flushes, no commit)."""
    require(author, Action.REPLY, thread)
    # Claim the next number with one atomic UPDATE: on PostgreSQL it holds the row lock until
    # commit, on SQLite it takes the write lock before anything is read, so two replies at
    # once never get the same number (a SELECT ... FOR UPDATE is ignored by SQLite).
    number = db.session.execute(
        update(Thread).where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1).returning(Thread.post_count)
        .execution_options(synchronize_session=False)).scalar_one()
    db.session.refresh(thread)
    post = _add_post(thread, author, body, utcnow(), number=number)
    attach_uploads(post, author, attachments)
    db.session.flush()
    events.post_created.send(post, actor=author)
    return post


def _add_post(thread: Thread, author, body: str, when, *, number: int) -> Post:
    post = Post(thread=thread, author=author, number=number, body_source=body,
                body_html=render_markdown(body), created_at=when)
    db.session.add(post)
    thread.last_post_at = when
    thread.last_post_author = author
    if not thread.is_hidden:  # a hidden thread's posts are in no count (see recount_categories)
        thread.category.post_count = Category.post_count + 1
    return post


def attach_uploads(post: Post, uploader, uploads) -> list[Attachment]:
    """Store checked uploads and attach them to a new post (a building block)."""
    if not uploads:
        return []
    require(uploader, Action.ATTACH_FILES)
    attachments = []
    for position, upload in enumerate(uploads):
        attachment = Attachment(post=post, position=position, stored_file=store_upload(upload),
                                uploader=uploader, filename=upload.filename,
                                kind=upload.filetype.key, size=upload.size,
                                created_at=utcnow())
        db.session.add(attachment)
        attachments.append(attachment)
    return attachments


# -- writing: use cases -------------------------------------------------------------------

@use_case
def start_thread(author, category: Category, *, title: str, body: str, tags=None,
                 attachments=None) -> Thread:
    """Open a discussion thread in `category` (see `open_thread`)."""
    return open_thread(author, category, title=title, body=body, tags=tags,
                       attachments=attachments)


@use_case
def reply(author, thread: Thread, *, body: str, attachments=None) -> Post:
    """Add a reply at the end of `thread` (with checked uploads as `attachments`)."""
    return add_reply(author, thread, body=body, attachments=attachments)


@use_case
def edit_post(editor, post: Post, *, body: str, title: str | None = None,
              reason: str = "") -> Post:
    """Change a post's text, keeping the previous version as a revision."""
    require(editor, Action.EDIT_POST, post)
    changed_title = title is not None and post.number == 1 and title != post.thread.title
    if body == post.body_source and not changed_title:
        raise DomainError("Nothing has changed.", field="body")
    if body != post.body_source:
        db.session.add(PostRevision(post_id=post.id, editor_id=post.edited_by_id or post.author_id,
                                    body_source=post.body_source, body_html=post.body_html,
                                    created_at=post.edited_at or post.created_at, reason=reason))
        post.body_source = body
        post.body_html = render_markdown(body)
        post.edited_at = utcnow()
        post.edited_by_id = editor.id
        events.post_edited.send(post, actor=editor, reason=reason)
    if changed_title:
        post.thread.title = title
        events.thread_edited.send(post.thread, actor=editor)
    return post


@use_case
def delete_post(actor, post: Post) -> Post:
    """Soft-delete a post: its place in the thread stays, its text is hidden."""
    require(actor, Action.DELETE_POST, post)
    post.deleted_at = utcnow()
    post.deleted_by_id = actor.id
    if post.thread.accepted_post_id == post.id:  # a removed answer stops being the accepted one
        post.thread.accepted_post_id = None
    events.post_deleted.send(post, actor=actor)
    return post


@use_case
def set_thread_flags(moderator, thread: Thread, *, locked: bool | None = None,
                     pinned: bool | None = None, scope: str = PIN_CATEGORY,
                     until: datetime | None = None) -> Thread:
    """Lock or unlock a thread; pin it (to the top of its category, or across the forum:
    `scope`; until the end `until`, if given, after which it stops counting as pinned) or
    unpin it. The change event carries the new values and the old ones that changed."""
    require(moderator, Action.MODERATE_THREAD, thread)
    details = {}
    if locked is not None:
        details["old_locked"], thread.is_locked = thread.is_locked, locked
    if pinned is not None:
        if pinned and scope not in PIN_SCOPES:
            raise DomainError("Choose where to pin the thread.", field="scope")
        if pinned and until is not None and until <= utcnow():
            raise DomainError("The end of the pin must be in the future.", field="until")
        details.update(old_pinned=thread.is_pinned, old_scope=thread.pin_scope,
                       old_until=thread.pinned_until)
        if pinned:
            details.update(scope=scope, until=until)
        thread.pin_scope, thread.pinned_until = (scope, until) if pinned else (None, None)
    events.thread_flags_changed.send(thread, actor=moderator, locked=locked, pinned=pinned,
                                     **details)
    return thread


@use_case
def set_thread_tags(user, thread: Thread, raw) -> Thread:
    """Replace the tags of `thread` (its starter or a moderator)."""
    require(user, Action.TAG_THREAD, thread)
    thread.tags = resolve_tags(raw)
    events.thread_tags_changed.send(thread, actor=user)
    return thread


@use_case
def delete_attachment(actor, attachment: Attachment) -> None:
    """Remove an attachment from its post; the file goes once nothing else uses it."""
    require(actor, Action.DELETE_ATTACHMENT, attachment)
    stored = attachment.stored_file
    events.attachment_removed.send(attachment, actor=actor)
    db.session.delete(attachment)
    release(stored)


@use_case
def record_attachment_download(attachment: Attachment) -> None:
    """Count one download of an attachment."""
    count_download(attachment)


# -- counts and "latest post": building blocks for moderation -----------------------------

def _counted(category_id):
    """The threads a category's counts include: live, and not hidden by a moderator."""
    return and_(Thread.category_id == category_id, Thread.deleted_at.is_(None),
                Thread.hidden_at.is_(None))


def recount_categories(*categories: Category | None) -> None:
    """Recompute the thread and post counts of `categories` from their rows (one UPDATE).

    Counted are the live threads no moderator hid and, in them, the posts no moderator hid:
    members see hidden content counted nowhere (moderators find it marked in the lists).
    Posts and threads added later keep the counts by increments (`open_thread`,
    `_add_post`), which count the same things. A building block: no commit.
    """
    ids = {category.id for category in categories if category is not None}
    if not ids:
        return
    db.session.flush()
    threads = (select(func.count(Thread.id)).where(_counted(Category.id))
               .correlate(Category).scalar_subquery())
    posts = (select(func.count(Post.id)).join(Thread, Post.thread_id == Thread.id)
             .where(_counted(Category.id), Post.hidden_at.is_(None))
             .correlate(Category).scalar_subquery())
    db.session.execute(update(Category).where(Category.id.in_(ids))
                       .values(thread_count=threads, post_count=posts)
                       .execution_options(synchronize_session=False))
    for category in categories:
        if category is not None:
            db.session.expire(category, ["thread_count", "post_count"])


def refresh_latest_post(thread: Thread) -> None:
    """Point the thread's "latest post" (time and author, which lists show and sort by) at
    its newest post that no moderator hid (the opening post stands in if every reply is
    hidden). A building block: flushes, no commit."""
    db.session.flush()
    latest = db.session.execute(
        select(Post.created_at, Post.author_id)
        .where(Post.thread_id == thread.id, or_(Post.hidden_at.is_(None), Post.number == 1))
        .order_by(Post.number.desc()).limit(1)).first()
    if latest is not None:
        thread.last_post_at, thread.last_post_author_id = latest
        db.session.expire(thread, ["last_post_author"])


# -- reading --------------------------------------------------------------------------

def revisions(post: Post) -> list[PostRevision]:
    """Earlier versions of a post, newest first."""
    return list(db.session.scalars(
        db.select(PostRevision).where(PostRevision.post_id == post.id)
        .options(db.joinedload(PostRevision.editor)).order_by(PostRevision.id.desc())))


def category_page_count(viewer, category: Category) -> int:
    """How many pages the category's thread list spans for `viewer`: its counted threads,
    and the hidden ones `viewer` may see marked hidden (moderators; an author their own)."""
    hidden = db.session.scalar(select(func.count(Thread.id)).where(
        Thread.category_id == category.id, Thread.deleted_at.is_(None),
        Thread.hidden_at.is_not(None), visible(viewer, Thread)))
    threads = category.thread_count + (hidden or 0)
    return max(1, -(-threads // current_app.config["THREADS_PER_PAGE"]))


def category_page(viewer, category: Category, page: int) -> list[Thread]:
    """Threads of a category for `page`: pinned first (whether to the category or across
    the forum, while the pin lasts), then by latest activity."""
    per_page = current_app.config["THREADS_PER_PAGE"]
    query = (db.select(Thread).where(Thread.category_id == category.id, listed(viewer, Thread))
             .options(db.joinedload(Thread.author), db.joinedload(Thread.last_post_author))
             .order_by(case((Thread.is_pinned, 1), else_=0).desc(), Thread.last_post_at.desc(),
                       Thread.id.desc())
             .limit(per_page).offset((page - 1) * per_page))
    return list(db.session.scalars(query).unique())


def thread_page(thread: Thread, page: int) -> list[Post]:
    """The posts of `thread` on `page` (one query, authors and organisations included).

    The caller has checked the viewer may see `thread`; its posts are seen where it is.
    """
    per_page = current_app.config["POSTS_PER_PAGE"]
    first = (page - 1) * per_page + 1
    query = (db.select(Post).where(Post.thread_id == thread.id,
                                   Post.number.between(first, first + per_page - 1))
             .options(db.joinedload(Post.author).joinedload(User.organisation))
             .order_by(Post.number))
    return list(db.session.scalars(query).unique())


def page_count(thread: Thread) -> int:
    """How many pages `thread` spans."""
    return max(1, -(-thread.post_count // current_app.config["POSTS_PER_PAGE"]))


def merged_into(thread_id: int) -> int | None:
    """The thread a merged thread's posts went to (following merges of merges), or None."""
    seen, current = set(), thread_id
    while current not in seen:
        seen.add(current)
        target = db.session.scalar(select(Thread.merged_into_id).where(Thread.id == current))
        if target is None:
            return None if current == thread_id else current
        current = target
    return None  # a loop: never made by the services, but never followed forever either


def page_of(post: Post) -> int:
    """The page of its thread that `post` is on."""
    return (post.number - 1) // current_app.config["POSTS_PER_PAGE"] + 1
