"""Topic rounds: proposals, vote limits, no voting after close, merges, ranking."""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from forum import events
from forum.database import utcnow
from forum.extensions import db
from forum.meetings import rounds
from forum.meetings.models import TopicBallot, TopicVote
from forum.validation import DomainError

from ..factories import make_member
from .factories import local_day, make_round, propose


def ranking(round_):
    return [(line.proposal.title, line.votes, line.position) for line in rounds.results(round_)]


def ballot(member, round_) -> int:
    return db.session.scalar(select(TopicBallot.votes_used).filter_by(
        round_id=round_.id, user_id=member.id)) or 0


def vote_rows(member, round_) -> int:
    return db.session.scalar(select(func.count(TopicVote.id)).filter_by(
        round_id=round_.id, user_id=member.id))


def test_a_member_votes_up_to_the_limit_and_no_further(moderator, member):
    round_ = make_round(moderator, votes=2)
    topics = [propose(member, round_, f"Topic number {n}") for n in range(3)]
    rounds.cast_vote(member, topics[0])
    rounds.cast_vote(member, topics[1])
    with pytest.raises(DomainError, match="used all 2 of your votes"):
        rounds.cast_vote(member, topics[2])
    assert rounds.my_votes(member, round_) == {topics[0].id, topics[1].id}
    assert ballot(member, round_) == vote_rows(member, round_) == 2


def test_withdrawing_a_vote_gives_it_back_to_use_again(moderator, member):
    round_ = make_round(moderator, votes=1)
    first, second = propose(member, round_, "First topic"), propose(member, round_, "Second")
    rounds.cast_vote(member, first)
    rounds.withdraw_vote(member, first)
    rounds.cast_vote(member, second)
    assert rounds.my_votes(member, round_) == {second.id} and ballot(member, round_) == 1


def test_voting_twice_for_the_same_topic_counts_once(moderator, member):
    round_ = make_round(moderator, votes=3)
    topic = propose(member, round_, "Menopause at work")
    rounds.cast_vote(member, topic)
    rounds.cast_vote(member, topic)
    assert ranking(round_) == [("Menopause at work", 1, 1)] and ballot(member, round_) == 1


def test_no_votes_or_proposals_after_the_closing_time(moderator, member):
    round_ = make_round(moderator)
    topic = propose(member, round_, "Workplace culture")
    round_.closes_at = utcnow() - timedelta(seconds=1)  # the time has passed: no job needed
    db.session.commit()
    for attempt in (lambda: rounds.cast_vote(member, topic),
                    lambda: rounds.withdraw_vote(member, topic),
                    lambda: propose(member, round_, "A late topic")):
        with pytest.raises(DomainError, match="closed on"):
            attempt()
    assert vote_rows(member, round_) == 0


def test_a_moderator_closes_a_round_early_and_voting_stops(moderator, member):
    round_ = make_round(moderator)
    topic = propose(member, round_, "Workplace culture")
    rounds.cast_vote(member, topic)
    rounds.close_round(moderator, round_)
    assert not round_.is_open() and round_.closed_by_id == moderator.id
    with pytest.raises(DomainError, match="no longer possible"):
        rounds.withdraw_vote(member, topic)
    with pytest.raises(DomainError, match="already closed"):
        rounds.close_round(moderator, round_)


@pytest.mark.parametrize("second", ["workplace culture", "  Workplace   CULTURE!! ",
                                    "Workplace-culture", "Wórkplace culture"])
def test_a_duplicate_title_is_refused_with_a_clear_message(moderator, member, second):
    round_ = make_round(moderator)
    propose(member, round_, "Workplace culture")
    with pytest.raises(DomainError) as error:
        propose(make_member(), round_, second)
    assert "“Workplace culture” has already been proposed" in str(error.value)
    assert error.value.field == "title"


def test_the_same_title_in_another_round_is_fine(moderator, member):
    propose(member, make_round(moderator), "Workplace culture")
    propose(member, make_round(moderator, title="Another round"), "Workplace culture")


def test_merging_moves_votes_and_gives_back_a_double_vote(moderator):
    round_ = make_round(moderator, votes=3)
    both, only_merged, only_kept = make_member(), make_member(), make_member()
    kept = propose(only_kept, round_, "Sexual harassment law")
    merged = propose(only_merged, round_, "The preventative duty")
    for voter in (both, only_kept):
        rounds.cast_vote(voter, kept)
    for voter in (both, only_merged):
        rounds.cast_vote(voter, merged)
    with_events = []
    events.topic_merged.connect(lambda sender, **kw: with_events.append(kw), weak=False)
    rounds.merge_proposals(moderator, kept, merged)
    assert ranking(round_) == [("Sexual harassment law", 3, 1)]  # merged ones left out
    assert merged.merged_into_id == kept.id and merged.is_merged
    assert rounds.my_votes(both, round_) == {kept.id} and ballot(both, round_) == 1
    assert rounds.my_votes(only_merged, round_) == {kept.id} and ballot(only_merged, round_) == 1
    assert with_events[-1]["moved"] == 1 and with_events[-1]["returned"] == 1


def test_merge_rules(moderator, member):
    round_, other = make_round(moderator), make_round(moderator, title="Other round")
    a, b, c = (propose(member, round_, t) for t in ("Topic A", "Topic B", "Topic C"))
    elsewhere = propose(member, other, "Topic D")
    with pytest.raises(DomainError, match="two different"):
        rounds.merge_proposals(moderator, a, a)
    with pytest.raises(DomainError, match="same round"):
        rounds.merge_proposals(moderator, a, elsewhere)
    rounds.merge_proposals(moderator, a, b)
    with pytest.raises(DomainError, match="merged already"):
        rounds.merge_proposals(moderator, b, c)  # into a merged one
    with pytest.raises(DomainError, match="merged into “Topic A”"):
        rounds.cast_vote(member, b)
    with pytest.raises(DomainError, match=r"“Topic B” \(merged into “Topic A”\)"):
        propose(member, round_, "topic b")


def test_members_cannot_merge_close_or_open_rounds(moderator, member):
    from werkzeug.exceptions import Forbidden
    round_ = make_round(moderator)
    a, b = propose(member, round_, "Topic A"), propose(member, round_, "Topic B")
    for attempt in (lambda: rounds.merge_proposals(member, a, b),
                    lambda: rounds.close_round(member, round_),
                    lambda: make_round(member)):
        with pytest.raises(Forbidden):
            attempt()


def test_ties_go_to_the_earlier_proposal_then_the_lower_id(moderator):
    round_ = make_round(moderator, votes=3)
    voters = [make_member() for _ in range(3)]
    late, early, middle = (propose(voters[0], round_, t) for t in ("Late", "Early", "Middle"))
    now = utcnow()
    early.created_at, middle.created_at, late.created_at = (
        now - timedelta(hours=3), now - timedelta(hours=2), now - timedelta(hours=1))
    db.session.commit()
    for topic in (late, early, middle):
        rounds.cast_vote(voters[0], topic)
    rounds.cast_vote(voters[1], late)  # Late leads; Early and Middle tie on one vote
    assert ranking(round_) == [("Late", 2, 1), ("Early", 1, 2), ("Middle", 1, 3)]
    assert [line.tied for line in rounds.results(round_)] == [False, True, True]
    middle.created_at = early.created_at  # the same moment: the lower id first
    db.session.commit()
    first_id = min(early.id, middle.id)
    assert rounds.results(round_)[1].proposal.id == first_id
    assert rounds.results(round_) == rounds.results(round_)  # stable between looks


def test_opening_a_round_checks_its_closing_time_and_votes(moderator):
    with pytest.raises(DomainError, match="in the future"):
        rounds.open_round(moderator, title="Past", closes_on=local_day(-1),
                          closes_time=time(17, 0))
    with pytest.raises(DomainError, match="from 1 to 10 votes"):
        rounds.open_round(moderator, title="Too many", closes_on=local_day(3),
                          closes_time=time(17, 0), votes_per_member=11)
    with pytest.raises(DomainError, match="does not exist in UK time"):
        rounds.open_round(moderator, title="Skipped", closes_on=_next_march_change(),
                          closes_time=time(1, 30))


def _next_march_change():
    """The next last Sunday of March (the clocks go forward at 01:00 that night)."""
    from datetime import date
    year = local_day(0).year + 1
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_tallies_are_seen_by_moderators_always_and_by_members_when_allowed(moderator, member):
    from forum.permissions import Action, can
    hidden, live = make_round(moderator), make_round(moderator, title="Live", tallies=True)
    assert can(moderator, Action.SEE_TALLIES, hidden) and not can(member, Action.SEE_TALLIES,
                                                                  hidden)
    assert can(member, Action.SEE_TALLIES, live)
    rounds.close_round(moderator, hidden)
    assert can(member, Action.SEE_TALLIES, hidden)
