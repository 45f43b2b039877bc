"""Threads and posts in the search index: their documents, how results show, and the
change events that queue them for (re)indexing."""
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import events
from ..accounts.bylines import author_name
from ..extensions import db
from ..rendering import plain_text
from ..search.documents import MAX_BODY_CHARS, MAX_FILE_CHARS, SearchDoc, key_of
from ..search.indexing import queue_index
from ..search.registry import ResultView, Searchable, register, register_facet_labels
from .models import Attachment, Category, Post, Thread, thread_tag


def _files(attachments) -> tuple[str, str, tuple[str, ...]]:
    """The extracted text of a post's files, which files it came from, and their types."""
    texts, labels, kinds = [], [], []
    for attachment in attachments:
        kinds.append(attachment.kind)
        stored = attachment.stored_file
        if stored is not None and stored.text:
            texts.append(stored.text[:MAX_FILE_CHARS])
            labels.append(attachment.filename)
    return "\n\n".join(texts)[:MAX_FILE_CHARS], ", ".join(labels), tuple(sorted(set(kinds)))


def _author_fields(item, concealed: bool) -> dict:
    author = None if concealed else item.author
    return {"author_name": author_name(item, None), "author_id": author.id if author else None,
            "organisation_id": author.organisation_id if author else None}


# -- threads ------------------------------------------------------------------------------

def load_threads(ids, condition=None) -> list[Thread]:
    """Threads with what their documents and results need, opening posts included."""
    query = (select(Thread).where(Thread.id.in_(ids))
             .options(selectinload(Thread.tags), joinedload(Thread.category),
                      joinedload(Thread.author)))
    if condition is not None:
        query = query.where(condition)
    threads = list(db.session.scalars(query).unique())
    openings = {post.thread_id: post for post in db.session.scalars(
        select(Post).where(Post.thread_id.in_([t.id for t in threads]), Post.number == 1)
        .options(selectinload(Post.attachments)))} if threads else {}
    for thread in threads:
        thread.search_opening = openings.get(thread.id)  # a plain attribute, not mapped
    return threads


def thread_document(thread: Thread) -> SearchDoc | None:
    """A question or discussion: its title and opening post (None if it is not live)."""
    opening = getattr(thread, "search_opening", None)
    if thread.is_deleted or thread.is_hidden or opening is None:
        return None
    file_text, file_label, file_kinds = _files(opening.attachments)
    return SearchDoc(
        key=key_of(thread), kind="question" if thread.is_question else "discussion",
        title=thread.title,
        body="" if opening.is_deleted else plain_text(opening.body_html, MAX_BODY_CHARS),
        created_at=thread.created_at, **_author_fields(thread, thread.is_anonymous),
        category_id=thread.category_id, thread_id=thread.id,
        tags=tuple(tag.name for tag in thread.tags),
        accepted=thread.accepted_post_id is not None, file_text=file_text,
        file_label=file_label, file_kinds=file_kinds, official=thread.is_official)


def thread_result(thread: Thread) -> ResultView:
    """A thread hit: links to the question or discussion page."""
    opening = getattr(thread, "search_opening", None)
    files = ", ".join(a.filename for a in opening.attachments) if opening else ""
    if thread.is_question:
        return ResultView("Question", url_for("qa.question", question_id=thread.id),
                          thread.category.name, thread, date=thread.created_at,
                          file_label=files)
    return ResultView("Discussion", url_for("discussions.thread", thread_id=thread.id),
                      thread.category.name, thread, date=thread.created_at, file_label=files)


# -- posts --------------------------------------------------------------------------------

def load_posts(ids, condition=None) -> list[Post]:
    """Replies and answers with their threads, authors and files."""
    query = (select(Post).where(Post.id.in_(ids), Post.number > 1)
             .options(joinedload(Post.thread).joinedload(Thread.category),
                      joinedload(Post.thread).selectinload(Thread.tags),
                      joinedload(Post.author), selectinload(Post.attachments)))
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


def post_document(post: Post) -> SearchDoc | None:
    """An answer or a reply (None if it or its thread is not live)."""
    thread = post.thread
    if post.number == 1 or post.is_deleted or post.is_hidden or thread.is_deleted \
            or thread.is_hidden:
        return None
    file_text, file_label, file_kinds = _files(post.attachments)
    concealed = post.concealed_author_id is not None and post.author_id == post.concealed_author_id
    return SearchDoc(
        key=key_of(post), kind="answer" if thread.is_question else "reply",
        title=thread.title, body=plain_text(post.body_html, MAX_BODY_CHARS),
        created_at=post.created_at, **_author_fields(post, concealed),
        category_id=thread.category_id, thread_id=thread.id,
        tags=tuple(tag.name for tag in thread.tags),
        accepted=thread.accepted_post_id == post.id, file_text=file_text,
        file_label=file_label, file_kinds=file_kinds)


def post_result(post: Post) -> ResultView:
    """An answer or reply hit: links to its place in the thread."""
    thread = post.thread
    label = "Answer" if thread.is_question else "Reply"
    return ResultView(label, url_for("discussions.post", post_id=post.id),
                      f"{thread.title} · {thread.category.name}", post, date=post.created_at,
                      file_label=", ".join(a.filename for a in post.attachments))


def _category_names(ids: list[str]) -> dict[str, str]:
    numbers = [int(i) for i in ids if i.isdigit()]
    return {str(id_): name for id_, name in db.session.execute(
        select(Category.id, Category.name).where(Category.id.in_(numbers)))}


register(Searchable("thread", Thread, load_threads, thread_document, thread_result,
                    lambda: db.session.scalars(select(Thread.id).order_by(Thread.id))))
register(Searchable("post", Post, load_posts, post_document, post_result,
                    lambda: db.session.scalars(select(Post.id).where(Post.number > 1)
                                               .order_by(Post.id))))
register_facet_labels("category_id", _category_names)


# -- listeners: what changed is queued for indexing in the same transaction ---------------

def _post_key(post: Post):
    return post.thread if post.number == 1 else post


def _thread_and_posts(thread: Thread) -> list:
    """A thread's own document and its posts' (they carry its title, tags and kind)."""
    ids = db.session.scalars(select(Post.id).where(Post.thread_id == thread.id,
                                                   Post.number > 1))
    return [thread, *(f"post:{id_}" for id_ in ids)]


@events.thread_created.connect
def _thread_created(thread, **extra):
    queue_index(thread)


@events.post_created.connect
def _post_created(post, **extra):
    if post.number > 1:
        queue_index(post)


@events.post_edited.connect
@events.post_deleted.connect
def _post_changed(post, **extra):
    queue_index(_post_key(post))


@events.thread_edited.connect
@events.thread_moved.connect
@events.thread_tags_changed.connect
@events.thread_converted.connect
@events.acceptance_withdrawn.connect
def _thread_changed(thread, **extra):
    queue_index(*_thread_and_posts(thread))


@events.post_hidden.connect
@events.post_unhidden.connect
def _post_hidden_or_shown(post, **extra):
    """Hiding an opening post hides its thread, and so every post's document."""
    queue_index(*(_thread_and_posts(post.thread) if post.number == 1 else [post]))


@events.thread_merged.connect
@events.thread_split.connect
def _threads_reshaped(thread, source, **extra):
    """Merging and splitting move posts between threads: both threads and all their posts."""
    queue_index(*_thread_and_posts(thread), *_thread_and_posts(source))


@events.answer_accepted.connect
def _answer_accepted(answer, **extra):
    queue_index(*_thread_and_posts(answer.thread))


@events.attachment_removed.connect
def _attachment_removed(attachment, **extra):
    queue_index(_post_key(attachment.post))


@events.file_text_extracted.connect
def _file_read(stored, **extra):
    posts = db.session.scalars(select(Post).join(Attachment, Attachment.post_id == Post.id)
                               .where(Attachment.stored_file_id == stored.id))
    queue_index(*(_post_key(post) for post in posts))


@events.tag_renamed.connect
@events.tags_merged.connect
def _tag_changed(tag, **extra):
    threads = db.session.scalars(select(Thread).join(thread_tag).where(
        thread_tag.c.tag_id == tag.id))
    queue_index(*(item for thread in threads for item in _thread_and_posts(thread)))
