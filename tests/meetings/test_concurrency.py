"""Votes at the same moment never exceed a member's limit nor count twice: the unique
(proposal, member) constraint and the ballot's conditional UPDATE inside each vote's
transaction. Each worker thread has its own app context, so its own session and
connection, as two gunicorn workers would."""
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.extensions import db
from forum.meetings import rounds
from forum.meetings.models import TopicBallot, TopicProposal, TopicVote
from forum.validation import DomainError

from ..collections.test_concurrency import run_concurrently
from ..factories import make_member
from .factories import make_round, propose


def _votes(member) -> int:
    return db.session.scalar(select(func.count(TopicVote.id)).filter_by(user_id=member.id))


def _ballot(member) -> int:
    return db.session.scalar(select(TopicBallot.votes_used).filter_by(user_id=member.id))


def test_concurrent_votes_for_different_topics_stop_at_the_limit(app, moderator):
    member = make_member()
    round_ = make_round(moderator, votes=2)
    topic_ids = [propose(member, round_, f"Topic number {n}").id for n in range(4)]
    refused = []

    def vote(n):
        me = db.session.get(User, member.id)
        try:
            rounds.cast_vote(me, db.session.get(TopicProposal, topic_ids[n]))
        except DomainError:
            refused.append(n)

    assert run_concurrently(app, vote, count=4) == []
    db.session.expire_all()
    assert _votes(member) == 2 and _ballot(member) == 2 and len(refused) == 2


def test_concurrent_votes_for_the_same_topic_count_once(app, moderator):
    member = make_member()
    round_ = make_round(moderator, votes=3)
    topic_id = propose(member, round_, "Workplace culture").id

    def vote(n):
        rounds.cast_vote(db.session.get(User, member.id),
                         db.session.get(TopicProposal, topic_id))

    assert run_concurrently(app, vote, count=3) == []
    db.session.expire_all()
    assert _votes(member) == 1 and _ballot(member) == 1


def test_concurrent_votes_and_withdrawals_keep_the_ballot_honest(app, moderator):
    member = make_member()
    round_ = make_round(moderator, votes=2)
    topic_ids = [propose(member, round_, f"Topic number {n}").id for n in range(3)]

    def churn(n):
        me = db.session.get(User, member.id)
        for k in range(6):
            topic = db.session.get(TopicProposal, topic_ids[(n + k) % 3])
            try:
                (rounds.cast_vote if k % 2 == 0 else rounds.withdraw_vote)(me, topic)
            except DomainError:
                pass

    assert run_concurrently(app, churn, count=3) == []
    db.session.expire_all()
    assert _votes(member) == _ballot(member) <= 2
