"""Who may see meetings and topic rounds (each rule beside its query twin), attend, see
the joining link, propose, vote and see tallies.

Every member sees every meeting (cancelled ones too, marked) and every round and
proposal; what differs is what they may do, and when. Time-dependent rules ("the round
is open", "the meeting is not over") are decided at the moment of the request.
"""
from sqlalchemy import true

from ..database import utcnow
from ..permissions import Action, rule, view_rule
from .models import Meeting, TopicProposal, TopicRound


@view_rule(Meeting, query=lambda viewer, staff: true())
def _view_meeting(user, meeting, staff):
    """Every member sees the programme, cancelled meetings included."""
    return True


@view_rule(TopicRound, query=lambda viewer, staff: true())
def _view_round(user, round_, staff):
    """Every member sees every round, open or closed."""
    return True


@view_rule(TopicProposal, query=lambda viewer, staff: true())
def _view_proposal(user, proposal, staff):
    """Every member sees every proposal (a merged one says what it was merged into)."""
    return True


@rule(Action.ATTEND_MEETING, Meeting)
def _attend(user, meeting, staff):
    """Say going or not going while the meeting is scheduled and not over."""
    return not meeting.is_cancelled and not meeting.is_over()


@rule(Action.SEE_JOINING_LINK, Meeting)
def _joining_link(user, meeting, staff):
    """Members (the role gate) see how to join a meeting that is not cancelled."""
    return not meeting.is_cancelled


@rule(Action.PROPOSE_TOPIC, TopicRound)
def _propose(user, round_, staff):
    """Proposals are taken while the round is open."""
    return round_.is_open()


@rule(Action.VOTE_TOPIC, TopicProposal)
def _vote(user, proposal, staff):
    """Votes (and withdrawing them) while the round is open, on proposals not merged."""
    return proposal.round.is_open() and not proposal.is_merged


@rule(Action.SEE_TALLIES, TopicRound)
def _tallies(user, round_, staff):
    """Moderators always; members once the round has closed, or before if it says so."""
    return staff or round_.tallies_visible or not round_.is_open(utcnow())
