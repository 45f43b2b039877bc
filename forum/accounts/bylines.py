"""Who is shown as the author of anything, as far as the viewer may know: the one place
bylines are decided, for every template, JSON response, email, feed and search result.

- A member's byline is their display name (linked to their profile where the viewer may
  see it).
- A *concealed* author is one the object says no other member may be told of: an
  anonymous question's asker, and the asker's own answers and comments in that thread
  (they would give the asker away). They are shown as "A member" to everyone but
  themselves and moderators. Objects say whom they conceal through a
  `concealed_author_id` property; this module needs to know nothing else about them.
- An author whose account is gone (the id was cleared) is "Former member".
"""
from dataclasses import dataclass

from ..permissions import Action, can

ANONYMOUS_NAME = "A member"
FORMER_MEMBER_NAME = "Former member"


@dataclass(frozen=True)
class Byline:
    """How to show an author: `user` is None when the viewer may not link to or name them."""

    user: object | None
    name: str
    # True when this byline belongs to a concealed (anonymous) author.
    anonymous: bool = False

    @property
    def organisation(self):
        """The author's organisation, when the viewer may know who the author is."""
        return getattr(self.user, "organisation", None) if self.user else None


def _viewer_id(viewer):
    return getattr(viewer, "id", None) if getattr(viewer, "is_authenticated", False) else None


def shown_author(item, viewer, *, last_post: bool = False, role: str = "author") -> Byline:
    """The byline `viewer` may see for `item`'s `role` ("author", "uploader", "editor").

    With `last_post=True` (threads) it is the byline of the thread's latest post.
    `viewer=None` means "anyone": use it for text published to everyone (quotes, emails).
    """
    if last_post:
        role = "last_post_author"
    user, user_id = getattr(item, role), getattr(item, f"{role}_id")
    if user_id is None or user is None:
        return Byline(None, FORMER_MEMBER_NAME)
    concealed = getattr(item, "concealed_author_id", None)
    if concealed is None or user_id != concealed:
        return Byline(user, user.display_name)
    if _viewer_id(viewer) == user_id or can(viewer, Action.SEE_ANONYMOUS_AUTHOR):
        return Byline(user, user.display_name, anonymous=True)
    return Byline(None, ANONYMOUS_NAME, anonymous=True)


def author_name(item, viewer, **kwargs) -> str:
    """Just the name from `shown_author` (for text: quotes, emails, feeds)."""
    return shown_author(item, viewer, **kwargs).name
