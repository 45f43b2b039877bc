"""Who may report what (hiding posts is a rule of forum/discussions/policy.py)."""
from ..discussions.models import Post
from ..permissions import Action, can, rule
from ..qa.models import Comment
from ..resources.models import Resource


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
