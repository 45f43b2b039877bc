"""Q&A rules: helpful votes, accepting answers, comments (with the comments' query twin)."""
from sqlalchemy import and_

from ..discussions.models import Post
from ..permissions import Action, can, rule, view_rule, visible
from .models import Comment


def _live_question_post(post) -> bool:
    thread = post.thread
    return thread.kind == "question" and not post.is_deleted and not thread.is_deleted


def _visible_comments(viewer, staff):
    on_visible_post = Comment.post.has(visible(viewer, Post))
    return on_visible_post if staff else and_(Comment.deleted_at.is_(None), on_visible_post)


@view_rule(Comment, query=_visible_comments)
def _view_comment(user, comment, staff):
    """A comment is seen where its post is, until it is removed (staff: always)."""
    return (staff or not comment.is_deleted) and can(user, Action.VIEW, comment.post)


@rule(Action.VOTE, Post)
def _vote(user, post, staff):
    """No votes on your own posts, nor on removed or locked ones (staff may vote when locked)."""
    return (_live_question_post(post) and post.author_id != user.id
            and (staff or not post.thread.is_locked))


@rule(Action.ACCEPT_ANSWER, Post)
def _accept(user, post, staff):
    """The asker (while the question is open) or staff decide which answer is accepted."""
    return (_live_question_post(post) and post.number > 1
            and (staff or (post.thread.author_id == user.id and not post.thread.is_locked)))


@rule(Action.COMMENT, Post)
def _comment(user, post, staff):
    return _live_question_post(post) and (staff or not post.thread.is_locked)


@rule(Action.DELETE_COMMENT, Comment)
def _delete_comment(user, comment, staff):
    return not comment.is_deleted and (staff or comment.author_id == user.id)


