"""Factories for conversations, through the real services."""
from forum.conversations import services
from forum.database import utcnow
from forum.conversations.models import (Conversation, ConversationMessage,
                                        ConversationParticipant)

from ..factories import make_member


def make_conversation(starter=None, *others, subject="Safe leave", body="Hello there."):
    """A conversation started by `starter` (a new member if None) with `others` (one new
    member if none given)."""
    starter = starter or make_member()
    others = others or (make_member(),)
    return services.start_conversation(starter, list(others), subject=subject, body=body)


def policy_matrix_rows(members) -> list:
    """Raw rows for tests/test_policy_twin.py: a conversation among `members[0]` and
    `members[1]` (who left), with a message each, and one among others only."""
    first, second = members[0], members[1]
    talk = Conversation(subject="Matrix talk", starter=first, message_count=2)
    talk.participants = [ConversationParticipant(user=first),
                         ConversationParticipant(user=second, left_at=utcnow())]
    talk.messages = [ConversationMessage(number=1, author=first, body_source="a",
                                         body_html="<p>a</p>"),
                     ConversationMessage(number=2, author=second, body_source="b",
                                         body_html="<p>b</p>")]
    return [talk]
