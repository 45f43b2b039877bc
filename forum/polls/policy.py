"""Who may see a poll, add one, vote, close it early, see its results and export them.

A poll is visible exactly when its thread is (the thread's rule, and its query twin).
Time-dependent rules ("the poll is open") are decided at the moment of the request.
"""
from sqlalchemy import select

from ..discussions.models import Thread
from ..permissions import Action, can, rule, view_rule, visible
from .models import AFTER_VOTE, MODERATORS, Poll


def _poll_query(viewer, staff):
    return Poll.thread_id.in_(select(Thread.id).where(visible(viewer, Thread)))


@view_rule(Poll, query=_poll_query)
def _view_poll(user, poll, staff):
    """Whoever may see the thread sees its poll."""
    return can(user, Action.VIEW, poll.thread)


@rule(Action.ADD_POLL, Thread)
def _add(user, thread, staff):
    """The thread's author, or a moderator, on a thread they can see that is not removed."""
    return (can(user, Action.VIEW, thread) and not thread.is_deleted
            and (staff or (thread.author_id is not None and thread.author_id == user.id)))


@rule(Action.VOTE_POLL, Poll)
def _vote(user, poll, staff):
    """While the poll is open; a benchmark poll needs the member to have an organisation."""
    return poll.is_open() and (not poll.per_organisation or user.organisation_id is not None)


@rule(Action.EDIT_POLL, Poll)
def _edit(user, poll, staff):
    """Its author or a moderator, while it is open."""
    return poll.is_open() and (staff or (poll.author_id is not None
                                         and poll.author_id == user.id))


@rule(Action.CLOSE_POLL, Poll)
def _close(user, poll, staff):
    """Moderators (the role gate) close an open poll early."""
    return poll.is_open()


def results_visible(poll: Poll, staff: bool, answered: bool) -> bool:
    """The results-mode rule itself, for a viewer who has (or has not) answered: the page
    knows `answered` from the query it already made, so it needs no further one.

    Once the poll closes everyone sees the results. Before: "after voting" shows them to
    those who answered (and moderators), "only to moderators" to moderators, and "only
    after closing" to nobody, moderators included."""
    if not poll.is_open():
        return True
    if poll.results_mode == AFTER_VOTE:
        return staff or answered
    return staff and poll.results_mode == MODERATORS


@rule(Action.SEE_POLL_RESULTS, Poll)
def _results(user, poll, staff):
    """See `results_visible` (whether this member has answered is looked up only when the
    mode needs it)."""
    if staff or not poll.is_open() or poll.results_mode != AFTER_VOTE:
        return results_visible(poll, staff, False)
    from .services import ballot_of  # the rule needs one lookup only in this case
    return ballot_of(user, poll) is not None


@rule(Action.EXPORT_POLL, Poll)
def _export(user, poll, staff):
    """Moderators (the role gate) export whatever results they may see."""
    return results_visible(poll, staff, False)
