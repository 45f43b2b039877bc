"""Who may report what (hiding posts is a rule of forum/discussions/policy.py), and when a
moderator may read a private conversation: only through an open report of its message."""
from ..conversations.models import ConversationMessage
from ..discussions.models import Post
from ..permissions import Action, can, rule
from ..qa.models import Comment
from ..resources.models import Resource
from .models import Report


@rule(Action.REPORT, Post)
def _report_post(user, post, staff):
    """Someone else's live post that the member can see."""
    return (post.author_id != user.id and not post.is_deleted
            and can(user, Action.VIEW, post))


@rule(Action.REPORT, Comment)
def _report_comment(user, comment, staff):
    return (comment.author_id != user.id and not comment.is_deleted
            and can(user, Action.VIEW, comment))


@rule(Action.REPORT, Resource)
def _report_resource(user, resource, staff):
    return (resource.author_id != user.id and not resource.is_deleted
            and can(user, Action.VIEW, resource))


@rule(Action.REPORT, ConversationMessage)
def _report_message(user, message, staff):
    """Someone else's message in a conversation the member takes part in."""
    return message.author_id != user.id and can(user, Action.VIEW, message)


@rule(Action.READ_REPORTED_CONVERSATION, Report)
def _read_reported(user, report, staff):
    """Moderators (the role gate) read a conversation only through an open report of one
    of its messages; every reading is in the audit log."""
    return report.is_open and report.target_type == "message"
