"""Who may see and do what with categories, threads, posts and attachments.

Each view rule sits beside its query twin (the same rule as a WHERE condition); the
policy matrix tests check the two agree for every role and object.
"""
from sqlalchemy import and_, true

from ..permissions import Action, public_to_members, rule, view_rule
from .models import Attachment, Category, Post, Thread

public_to_members(Category)


def _live_threads():
    return Thread.deleted_at.is_(None)


@view_rule(Thread, query=lambda viewer, staff: true() if staff else _live_threads())
def _view_thread(user, thread, staff):
    """Members see live threads; moderators and admins also open removed ones."""
    return staff or not thread.is_deleted


@view_rule(Post, query=lambda viewer, staff: true() if staff
           else Post.thread.has(_live_threads()))
def _view_post(user, post, staff):
    """A post is seen where its thread is (a removed post shows as "removed")."""
    return _view_thread(user, post.thread, staff)


def _attachments_query(viewer, staff):
    if staff:
        return true()
    return Attachment.post.has(and_(Post.deleted_at.is_(None), Post.thread.has(_live_threads())))


@view_rule(Attachment, query=_attachments_query)
def _view_attachment(user, attachment, staff):
    """Whoever may read the post, while the post is not removed (staff: always)."""
    if staff:
        return True
    return not attachment.post.is_deleted and not attachment.post.thread.is_deleted


@rule(Action.REPLY, Thread)
def _reply(user, thread, staff):
    return not thread.is_deleted and (staff or not thread.is_locked)


@rule(Action.TAG_THREAD, Thread)
def _tag_thread(user, thread, staff):
    """The thread's starter (while it is open) or a moderator."""
    return not thread.is_deleted and (staff or (thread.author_id == user.id
                                                and not thread.is_locked))


@rule(Action.EDIT_POST, Post)
def _edit_post(user, post, staff):
    if staff:
        return not post.is_deleted
    return post.author_id == user.id and not post.is_deleted and not post.thread.is_locked


@rule(Action.DELETE_POST, Post)
def _delete_post(user, post, staff):
    return not post.is_deleted and (staff or post.author_id == user.id)


@rule(Action.VIEW_HISTORY, Post)
def _view_history(user, post, staff):
    return staff or post.author_id == user.id


@rule(Action.DOWNLOAD, Attachment)
def _download_attachment(user, attachment, staff):
    return _view_attachment(user, attachment, staff)


@rule(Action.DELETE_ATTACHMENT, Attachment)
def _delete_attachment(user, attachment, staff):
    post = attachment.post
    return not post.is_deleted and (staff or (attachment.uploader_id == user.id
                                              and not post.thread.is_locked))


@rule(Action.SEE_TEXT_STATUS, Attachment)
def _attachment_text_status(user, attachment, staff):
    """"Text could not be extracted" is for the uploader and moderators."""
    return staff or attachment.uploader_id == user.id
