"""Private conversations between members: start one with up to
CONVERSATION_MAX_PARTICIPANTS members, reply, add people, leave; an inbox with unread
counts; blocking and "known members only"; reports of messages go to the moderators
(forum/moderation), the only way a moderator may read a conversation."""
from .views import bp  # noqa: F401  (the blueprint lives with its routes)
from . import policy  # noqa: F401  (registers who may see and write in conversations)
