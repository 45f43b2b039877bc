"""Two members of one organisation answering a benchmark poll at the same moment store
one answer (the UNIQUE (poll_id, organisation_id) constraint, the insert in a savepoint
and the update of the ballot that won); one member's double click stores one ballot too.
Each worker thread has its own app context, so its own session and connection, as two
gunicorn workers would. Run against PostgreSQL with FORUM_TEST_DATABASE_URL."""
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.extensions import db
from forum.polls import services
from forum.polls.models import Poll, PollBallot, PollChoice

from ..collections.test_concurrency import run_concurrently
from ..factories import make_member
from .factories import make_poll, organisation_members


def _rows(model, poll_id):
    if model is PollChoice:
        return db.session.scalar(select(func.count()).select_from(PollChoice).join(
            PollBallot, PollBallot.id == PollChoice.ballot_id).where(
            PollBallot.poll_id == poll_id))
    return db.session.scalar(select(func.count(model.id)).where(model.poll_id == poll_id))


def test_two_colleagues_answering_at_once_store_one_answer(app):
    poll = make_poll(per_organisation=True, options=("Yes", "No"))
    poll_id, option_ids = poll.id, [option.id for option in poll.options]
    member_ids = [member.id for member in organisation_members(2)]

    def answer(n):
        services.vote(db.session.get(User, member_ids[n]), db.session.get(Poll, poll_id),
                      [option_ids[n]])

    assert run_concurrently(app, answer, count=2) == []
    db.session.expire_all()
    assert _rows(PollBallot, poll_id) == 1
    assert _rows(PollChoice, poll_id) == 1  # exactly one of the two answers, not both


def test_many_colleagues_at_once_still_one_answer(app):
    poll = make_poll(per_organisation=True, multiple=True, options=("A", "B", "C"))
    poll_id, option_ids = poll.id, [option.id for option in poll.options]
    member_ids = [member.id for member in organisation_members(4)]

    def answer(n):
        services.vote(db.session.get(User, member_ids[n]), db.session.get(Poll, poll_id),
                      option_ids[: 1 + n % 3])

    assert run_concurrently(app, answer, count=4) == []
    db.session.expire_all()
    ballot = db.session.scalar(select(PollBallot).where(PollBallot.poll_id == poll_id))
    assert _rows(PollBallot, poll_id) == 1
    chosen = services.chosen_ids(ballot)
    assert chosen in [option_ids[: 1 + n % 3] for n in range(4)]  # one request's choice


def test_a_double_click_stores_one_ballot(app):
    poll = make_poll(options=("Yes", "No"))
    poll_id, yes = poll.id, poll.options[0].id
    member_id = make_member().id

    def vote(n):
        services.vote(db.session.get(User, member_id), db.session.get(Poll, poll_id), [yes])

    assert run_concurrently(app, vote, count=3) == []
    db.session.expire_all()
    assert _rows(PollBallot, poll_id) == 1 and _rows(PollChoice, poll_id) == 1
