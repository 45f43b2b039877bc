"""What a notification says, as its recipient may be told it: one headline, an excerpt
and a link, shared by the list page, emails and the Atom feed. Authors are named through
forum/accounts/bylines.py, so an anonymous asker stays "A member"."""
from dataclasses import dataclass

from flask import url_for

from ..accounts.bylines import author_name
from ..meetings import times
from ..rendering import plain_text
from ..urls import absolute_url
from .models import (ACCEPTED, ANSWER, APPROVED, COLLECTION, HIDDEN, MEETING, MENTION,
                     MESSAGE, NEW_THREAD, REPLY, Notification)

EXCERPT = 300


@dataclass(frozen=True)
class Message:
    """A notification in words: `endpoint` and `values` build its link."""

    headline: str
    excerpt: str
    endpoint: str
    values: dict

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.values)

    @property
    def absolute_url(self) -> str:
        return absolute_url(self.endpoint, **self.values)


def _who(notification, viewer) -> str:
    if notification.post is not None:
        return author_name(notification.post, viewer)
    if notification.thread is not None:
        return author_name(notification.thread, viewer)
    return "Someone"


def _link(notification) -> tuple[str, dict]:
    if notification.conversation_id:
        anchor = {"_anchor": f"message-{notification.message.number}"} \
            if notification.message is not None else {}
        return "conversations.conversation", {"conversation_id": notification.conversation_id,
                                              **anchor}
    if notification.post_id:
        return "discussions.post", {"post_id": notification.post_id}
    if notification.thread_id:
        return "discussions.thread", {"thread_id": notification.thread_id}
    if notification.collection_id:
        return "collections.collection", {"collection_id": notification.collection_id}
    if notification.meeting_id:
        return "meetings.meeting", {"meeting_id": notification.meeting_id}
    return "discussions.index", {}


def describe(notification: Notification, viewer) -> Message:
    """The headline, excerpt and link of `notification` for `viewer` (its recipient)."""
    kind, thread, post = notification.kind, notification.thread, notification.post
    title = f"“{thread.title}”" if thread is not None else ""
    who = _who(notification, viewer)
    excerpt = plain_text(post.body_html, EXCERPT) if post is not None else ""
    if kind == REPLY:
        headline = f"{who} replied in {title}"
    elif kind == ANSWER:
        headline = f"{who} answered your question {title}"
    elif kind == ACCEPTED:
        headline = f"Your answer to {title} was accepted"
    elif kind == MENTION:
        headline = f"{who} mentioned you in {title}"
    elif kind == NEW_THREAD:
        category = thread.category.name if thread is not None else ""
        headline = f"{who} started {title} in {category}"
    elif kind == COLLECTION:
        collection = notification.collection
        headline = f"New in “{collection.title if collection else ''}”: {notification.detail}"
        excerpt = ""
    elif kind == APPROVED:
        headline = "Your membership is approved: welcome to the forum"
    elif kind == MEETING:
        meeting = notification.meeting
        headline = (f"“{meeting.title}” starts {times.describe(meeting.starts_at)}"
                    if meeting is not None else "A meeting you are going to starts soon")
    elif kind == MESSAGE:
        conversation, message = notification.conversation, notification.message
        sender = notification.actor.display_name if notification.actor else "Someone"
        subject = f"“{conversation.subject}”" if conversation is not None else ""
        headline = f"{sender} sent you a private message in {subject}"
        excerpt = plain_text(message.body_html, EXCERPT) if message is not None else ""
    elif kind == HIDDEN:
        headline = f"A moderator hid your post in {title}"
        excerpt = f"Reason: {notification.detail}" if notification.detail else ""
    else:
        headline = notification.kind_label
    endpoint, values = _link(notification)
    return Message(headline, excerpt, endpoint, values)
