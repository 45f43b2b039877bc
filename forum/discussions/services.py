"""Discussion rules: categories, starting threads, replying, editing, deleting."""
from flask import current_app

from ..database import utcnow
from ..extensions import db
from ..permissions import Action, require
from ..rendering import render_markdown
from ..validation import DomainError
from .models import Category, Post, PostRevision, Thread


def list_categories() -> list[Category]:
    """Categories in their chosen order."""
    return list(db.session.scalars(db.select(Category).order_by(Category.position, Category.name)))


def save_category(admin, category: Category | None, *, name, description, position) -> Category:
    """Create (category=None) or update a category."""
    require(admin, Action.MANAGE_CATEGORIES)
    clash = db.session.scalar(db.select(Category.id).where(
        db.func.lower(Category.name) == name.lower(),
        Category.id != (category.id if category else -1)))
    if clash:
        raise DomainError("A category with that name already exists.", field="name")
    category = category or Category()
    category.name, category.description, category.position = name, description, position
    db.session.add(category)
    db.session.commit()
    return category


def start_thread(author, category: Category, *, title: str, body: str, kind: str = "discussion",
                 anonymous: bool = False, tags=None, attachments=None) -> Thread:
    """Open a thread in `category` with `body` as its first post.

    `kind="question"` makes it a question (forum/qa); `anonymous` hides the asker from other
    members; `tags` is a comma-separated string or list of tag names; `attachments` are
    checked uploads (forum.resources.uploads.receive_all) for the first post.
    """
    require(author, Action.START_THREAD, category)
    now = utcnow()
    thread = Thread(category=category, author=author, title=title, created_at=now,
                    last_post_at=now, last_post_author=author, post_count=0, kind=kind,
                    is_anonymous=anonymous)
    if tags:
        from ..qa.services import tag_thread  # Q&A owns tags; a late import avoids a cycle
        tag_thread(thread, tags)  # checks the names first: a DomainError writes nothing
    db.session.add(thread)
    post = _add_post(thread, author, body, now)
    _attach(post, author, attachments)
    category.thread_count = Category.thread_count + 1
    db.session.commit()
    return thread


def reply(author, thread: Thread, *, body: str, attachments=None) -> Post:
    """Add a reply at the end of `thread` (with checked uploads as `attachments`)."""
    require(author, Action.REPLY, thread)
    # Lock the thread row (PostgreSQL) so two simultaneous replies get distinct numbers.
    db.session.execute(db.select(Thread.id).where(Thread.id == thread.id).with_for_update())
    db.session.refresh(thread)
    post = _add_post(thread, author, body, utcnow())
    _attach(post, author, attachments)
    db.session.commit()
    return post


def _attach(post: Post, author, attachments) -> None:
    """Attach files to a new post in the same transaction (forum/resources owns files)."""
    if attachments:
        from ..resources.services import attach_uploads  # a late import avoids a cycle
        attach_uploads(post, author, attachments)


def _add_post(thread: Thread, author, body: str, when) -> Post:
    post = Post(thread=thread, author=author, number=thread.post_count + 1, body_source=body,
                body_html=render_markdown(body), created_at=when)
    db.session.add(post)
    thread.post_count += 1
    thread.last_post_at = when
    thread.last_post_author = author
    thread.category.post_count = Category.post_count + 1
    return post


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
    if changed_title:
        post.thread.title = title
    db.session.commit()
    return post


def delete_post(actor, post: Post) -> Post:
    """Soft-delete a post: its place in the thread stays, its text is hidden."""
    require(actor, Action.DELETE_POST, post)
    post.deleted_at = utcnow()
    post.deleted_by_id = actor.id
    if post.thread.accepted_post_id == post.id:  # a removed answer stops being the accepted one
        post.thread.accepted_post_id = None
    db.session.commit()
    return post


def set_thread_flags(moderator, thread: Thread, *, locked: bool | None = None,
                     pinned: bool | None = None) -> Thread:
    """Lock/unlock or pin/unpin a thread."""
    require(moderator, Action.MODERATE_THREAD, thread)
    if locked is not None:
        thread.is_locked = locked
    if pinned is not None:
        thread.is_pinned = pinned
    db.session.commit()
    return thread


def revisions(post: Post) -> list[PostRevision]:
    """Earlier versions of a post, newest first."""
    return list(db.session.scalars(
        db.select(PostRevision).where(PostRevision.post_id == post.id)
        .options(db.joinedload(PostRevision.editor)).order_by(PostRevision.id.desc())))


# -- reading --------------------------------------------------------------------------

def category_page_count(category: Category) -> int:
    """How many pages the category's thread list spans."""
    return max(1, -(-category.thread_count // current_app.config["THREADS_PER_PAGE"]))


def category_page(category: Category, page: int) -> list[Thread]:
    """Threads of a category for `page`: pinned first, then by latest activity."""
    per_page = current_app.config["THREADS_PER_PAGE"]
    query = (db.select(Thread).where(Thread.category_id == category.id,
                                     Thread.deleted_at.is_(None))
             .options(db.joinedload(Thread.author), db.joinedload(Thread.last_post_author))
             .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
             .limit(per_page).offset((page - 1) * per_page))
    return list(db.session.scalars(query).unique())


def thread_page(thread: Thread, page: int) -> list[Post]:
    """The posts of `thread` on `page` (one query, authors and organisations included)."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    first = (page - 1) * per_page + 1
    from ..accounts.models import User
    query = (db.select(Post).where(Post.thread_id == thread.id,
                                   Post.number.between(first, first + per_page - 1))
             .options(db.joinedload(Post.author).joinedload(User.organisation))
             .order_by(Post.number))
    return list(db.session.scalars(query).unique())


def page_count(thread: Thread) -> int:
    """How many pages `thread` spans."""
    return max(1, -(-thread.post_count // current_app.config["POSTS_PER_PAGE"]))


def page_of(post: Post) -> int:
    """The page of its thread that `post` is on."""
    return (post.number - 1) // current_app.config["POSTS_PER_PAGE"] + 1
