"""Who may see and do what with categories, threads, posts and attachments.

Each view rule sits beside its query twin (the same rule as a WHERE condition); the
policy matrix tests check the two agree for every role and object.
"""
from sqlalchemy import and_, or_, true

from ..permissions import Action, public_to_members, rule, view_rule
from .models import Attachment, Category, Post, Thread

public_to_members(Category)


def _live_threads(viewer):
    """Not removed, and not hidden by a moderator unless `viewer` started it."""
    return and_(Thread.deleted_at.is_(None),
                or_(Thread.hidden_at.is_(None), Thread.author_id == viewer.id))


@view_rule(Thread, query=lambda viewer, staff: true() if staff else _live_threads(viewer))
def _view_thread(user, thread, staff):
    """Members see live threads (a hidden one only if they started it); moderators and
    admins also open removed and hidden ones."""
    return staff or (not thread.is_deleted
                     and (not thread.is_hidden or thread.author_id == user.id))


@view_rule(Post, query=lambda viewer, staff: true() if staff
           else Post.thread.has(_live_threads(viewer)))
def _view_post(user, post, staff):
    """A post is seen where its thread is (a removed post shows as "removed")."""
    return _view_thread(user, post.thread, staff)


def _attachments_query(viewer, staff):
    if staff:
        return true()
    return Attachment.post.has(and_(
        Post.deleted_at.is_(None), or_(Post.hidden_at.is_(None), Post.author_id == viewer.id),
        Post.thread.has(_live_threads(viewer))))


@view_rule(Attachment, query=_attachments_query)
def _view_attachment(user, attachment, staff):
    """Whoever may read the post, while the post is not removed or hidden (its author still
    sees a hidden post's files; staff: always)."""
    if staff:
        return True
    post = attachment.post
    return (not post.is_deleted and (not post.is_hidden or post.author_id == user.id)
            and _view_thread(user, post.thread, staff))


@rule(Action.REPLY, Thread)
def _reply(user, thread, staff):
    return not thread.is_deleted and (staff or not (thread.is_locked or thread.is_hidden))


@rule(Action.TAG_THREAD, Thread)
def _tag_thread(user, thread, staff):
    """The thread's starter (while it is open) or a moderator."""
    return not thread.is_deleted and (staff or (thread.author_id == user.id
                                                and not thread.is_locked))


@rule(Action.EDIT_POST, Post)
def _edit_post(user, post, staff):
    if staff:
        return not post.is_deleted
    return (post.author_id == user.id and not post.is_deleted and not post.is_hidden
            and not post.thread.is_locked)


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


@rule(Action.READ_HIDDEN, Post)
def _read_hidden(user, post, staff):
    """A post hidden by a moderator is still shown, with the reason, to its author."""
    return staff or post.author_id == user.id


@rule(Action.HIDE_POST, Post)
def _hide_post(user, post, staff):
    """(Moderators and admins, by role: forum/moderation.) A removed post has nothing
    left to hide."""
    return not post.is_deleted
