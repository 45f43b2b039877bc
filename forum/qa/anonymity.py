"""Who wrote this, as far as the viewer may know: the one place anonymous questions are honoured.

An anonymous question keeps its real `author_id` (so the asker can edit it and accept
answers, and moderators can see who asked), but everyone else sees "A member". The asker's
answers and comments in their own anonymous thread are hidden the same way, or they would
give the asker away. Every template, JSON response, feed, email or search result that
names an author must go through `shown_author` (templates have it as a global).
"""
from dataclasses import dataclass

from ..permissions import Action, can

ANONYMOUS_NAME = "A member"
FORMER_MEMBER_NAME = "A former member"


@dataclass(frozen=True)
class Byline:
    """How to show an author: `user` is None when the viewer may not link to or name them."""

    user: object | None
    name: str
    # True when this byline belongs to an anonymous asker (shown as a note to those who may see).
    anonymous: bool = False


def _thread_of(item):
    kind = type(item).__name__
    if kind == "Thread":
        return item
    if kind == "Post":
        return item.thread
    if kind == "Comment":
        return item.post.thread
    raise TypeError(f"no author rule for {kind}")


def shown_author(item, viewer, *, last_post: bool = False) -> Byline:
    """The byline `viewer` may see for `item` (a Thread, Post or Comment).

    With `last_post=True` (threads only) it is the byline of the thread's latest post.
    """
    thread = _thread_of(item)
    if last_post:
        user, user_id = thread.last_post_author, thread.last_post_author_id
    else:
        user, user_id = item.author, item.author_id
    if user_id is None or user is None:
        return Byline(None, FORMER_MEMBER_NAME)
    if not (thread.is_anonymous and user_id == thread.author_id):
        return Byline(user, user.display_name)
    viewer_id = getattr(viewer, "id", None) if getattr(viewer, "is_authenticated", False) else None
    if viewer_id == user_id or can(viewer, Action.SEE_ANONYMOUS_AUTHOR):
        return Byline(user, user.display_name, anonymous=True)
    return Byline(None, ANONYMOUS_NAME, anonymous=True)


def author_name(item, viewer, **kwargs) -> str:
    """Just the name from `shown_author` (for text: quotes, emails, feeds)."""
    return shown_author(item, viewer, **kwargs).name
