"""Topic rounds: a moderator opens a round; while it is open members propose topics and
vote (up to the round's limit each, changing their votes as they like); moderators merge
duplicates, close the round, and link the winners to meetings.

Rules, checked when each request is made (no job runs at the closing time):
- a round is open until its closing time, or until a moderator closes it early;
- a proposal's title must be new to the round once normalised (case, accents of
  punctuation, spacing): `normalise_title`;
- a member votes at most once per proposal (a unique constraint) and at most
  `votes_per_member` times per round: each vote takes one from the member's ballot with a
  conditional UPDATE (`votes_used < limit`) in the vote's transaction, so two votes at
  once can never exceed the limit nor count twice;
- merging moves the merged proposal's votes to the kept one; a member who voted for both
  keeps one vote there and gets the other back.

Results rank proposals by votes, most first; a tie goes to the earlier proposal (then
the lower id), so the order never changes between two looks at the same votes.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import events
from ..database import utcnow
from ..extensions import db
from ..permissions import Action, require
from ..rendering import render_markdown
from ..transactions import use_case
from ..validation import DomainError
from . import times
from .attendance import dialect_insert
from .models import Meeting, TopicBallot, TopicProposal, TopicRound, TopicVote

MAX_VOTES = 10
MAX_PROPOSALS_PER_MEMBER = 10
MAX_DESCRIPTION = 2000
MAX_ROUND_DAYS = 366


@dataclass(frozen=True)
class Ranked:
    """One line of a round's results."""

    proposal: TopicProposal
    votes: int
    position: int
    tied: bool  # another proposal has as many votes (the earlier one is listed first)


def normalise_title(title: str) -> str:
    """What makes two titles the same topic: case, accents, punctuation and spacing
    aside. "Workplace culture!" and "  workplace   CULTURE" -> "workplace culture"."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())[:200]


def _closing(day: date, at: time) -> times.LocalStart:
    closing = times.to_utc(day, at)
    now = utcnow()
    if closing.utc <= now:
        raise DomainError("Choose a closing date and time in the future.", field="closes_on")
    if closing.utc > now + timedelta(days=MAX_ROUND_DAYS):
        raise DomainError("A round can stay open for at most a year.", field="closes_on")
    return closing


@use_case
def open_round(moderator, *, title: str, description: str = "", closes_on: date,
               closes_time: time, votes_per_member: int = 3,
               tallies_visible: bool = False) -> TopicRound:
    """Open a round for proposals and votes until the closing time (UK time)."""
    require(moderator, Action.MANAGE_TOPIC_ROUNDS)
    title = " ".join((title or "").split())
    if not 3 <= len(title) <= 200:
        raise DomainError("Title must be between 3 and 200 characters.", field="title")
    if not 1 <= (votes_per_member or 0) <= MAX_VOTES:
        raise DomainError(f"Give each member from 1 to {MAX_VOTES} votes.",
                          field="votes_per_member")
    closing = _closing(closes_on, closes_time)
    round_ = TopicRound(title=title, description=(description or "")[:MAX_DESCRIPTION],
                        closes_at=closing.utc, votes_per_member=votes_per_member,
                        tallies_visible=bool(tallies_visible), opened_by_id=moderator.id,
                        created_at=utcnow())
    db.session.add(round_)
    db.session.flush()
    events.round_opened.send(round_, actor=moderator)
    return round_


@use_case
def close_round(moderator, round_: TopicRound) -> TopicRound:
    """Close a round now, before its closing time: votes stop, results show."""
    require(moderator, Action.MANAGE_TOPIC_ROUNDS)
    if not round_.is_open():
        raise DomainError("This round is already closed.")
    round_.closed_at, round_.closed_by_id = utcnow(), moderator.id
    db.session.flush()
    events.round_closed.send(round_, actor=moderator)
    return round_


def _require_open(round_: TopicRound, doing: str) -> None:
    if round_.closed_at is not None or not round_.is_open():
        raise DomainError(f"This round closed on {times.short(round_.ended_at())}, so "
                          f"{doing} is no longer possible. The results are on this page.")


# -- proposals --------------------------------------------------------------------------

def _same_title(round_: TopicRound, normalised: str) -> TopicProposal | None:
    return db.session.scalar(select(TopicProposal).where(
        TopicProposal.round_id == round_.id, TopicProposal.normalised_title == normalised))


def _duplicate(existing: TopicProposal) -> DomainError:
    if existing.is_merged:
        where = f" (merged into “{existing.merged_into.title}”)"
    else:
        where = ""
    return DomainError(f"“{existing.title}”{where} has already been proposed in this round. "
                       "Vote for it instead, or give your topic a different title.",
                       field="title")


@use_case
def propose_topic(member, round_: TopicRound, *, title: str,
                  description: str = "") -> TopicProposal:
    """Add a topic to an open round (refused if its normalised title is there already)."""
    require(member, Action.VIEW, round_)
    _require_open(round_, "proposing topics")
    require(member, Action.PROPOSE_TOPIC, round_)
    title = " ".join((title or "").split())
    normalised = normalise_title(title)
    if not 3 <= len(title) <= 200 or len(normalised) < 3:
        raise DomainError("Title must be between 3 and 200 characters, with letters or "
                          "numbers.", field="title")
    if len(description or "") > MAX_DESCRIPTION:
        raise DomainError(f"The description must be {MAX_DESCRIPTION:,} characters or fewer.",
                          field="description")
    existing = _same_title(round_, normalised)
    if existing is not None:
        raise _duplicate(existing)
    mine = db.session.scalar(select(func.count(TopicProposal.id)).where(
        TopicProposal.round_id == round_.id, TopicProposal.author_id == member.id))
    if mine >= MAX_PROPOSALS_PER_MEMBER:
        raise DomainError(f"You can propose at most {MAX_PROPOSALS_PER_MEMBER} topics in "
                          "a round.", field="title")
    proposal = TopicProposal(
        round_id=round_.id, title=title, normalised_title=normalised, author_id=member.id,
        description_source=description or "", created_at=utcnow(),
        description_html=render_markdown(description) if description else "")
    try:
        with db.session.begin_nested():  # the same title proposed twice at once
            db.session.add(proposal)
            db.session.flush()
    except IntegrityError:
        existing = _same_title(round_, normalised)
        raise _duplicate(existing) if existing else DomainError(
            "That topic could not be added. Try again.", field="title")
    db.session.expire(round_, ["proposals"])
    events.topic_proposed.send(proposal, actor=member)
    return proposal


# -- votes ------------------------------------------------------------------------------

def _vote_of(member, proposal: TopicProposal) -> TopicVote | None:
    return db.session.scalar(select(TopicVote).where(TopicVote.proposal_id == proposal.id,
                                                     TopicVote.user_id == member.id))


@use_case
def cast_vote(member, proposal: TopicProposal) -> TopicVote:
    """Vote for a proposal (a repeat is a no-op); refused past the member's limit."""
    require(member, Action.VIEW, proposal)
    round_ = proposal.round
    _require_open(round_, "voting")
    if proposal.is_merged:
        raise DomainError(f"This topic was merged into “{proposal.merged_into.title}”: "
                          "vote for that one instead.")
    require(member, Action.VOTE_TOPIC, proposal)
    existing = _vote_of(member, proposal)
    if existing is not None:
        return existing
    db.session.execute(dialect_insert(TopicBallot)
                       .values(round_id=round_.id, user_id=member.id, votes_used=0)
                       .on_conflict_do_nothing(index_elements=["round_id", "user_id"]))
    vote = TopicVote(round_id=round_.id, proposal_id=proposal.id, user_id=member.id,
                     created_at=utcnow())
    try:
        with db.session.begin_nested():  # a double click: the first vote stands
            db.session.add(vote)
            db.session.flush()
    except IntegrityError:
        return _vote_of(member, proposal)
    # The count check: one statement, so concurrent votes by one member queue on the row.
    taken = db.session.execute(
        update(TopicBallot).where(TopicBallot.round_id == round_.id,
                                  TopicBallot.user_id == member.id,
                                  TopicBallot.votes_used < round_.votes_per_member)
        .values(votes_used=TopicBallot.votes_used + 1)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise DomainError(f"You have used all {round_.votes_per_member} of your votes in this "
                          "round. Withdraw one to vote for this topic.")
    events.topic_vote_cast.send(vote, actor=member)
    return vote


@use_case
def withdraw_vote(member, proposal: TopicProposal) -> None:
    """Take back a vote while the round is open (a no-op if there is none)."""
    require(member, Action.VIEW, proposal)
    _require_open(proposal.round, "changing votes")
    vote = _vote_of(member, proposal)
    if vote is None:
        return
    events.topic_vote_withdrawn.send(vote, actor=member)
    removed = db.session.execute(delete(TopicVote).where(TopicVote.id == vote.id)
                                 .execution_options(synchronize_session=False)).rowcount
    if removed:
        _give_back(proposal.round_id, [member.id])
    db.session.expire(vote)


def _give_back(round_id: int, user_ids: list[int]) -> None:
    if user_ids:
        db.session.execute(
            update(TopicBallot).where(TopicBallot.round_id == round_id,
                                      TopicBallot.user_id.in_(user_ids),
                                      TopicBallot.votes_used > 0)
            .values(votes_used=TopicBallot.votes_used - 1)
            .execution_options(synchronize_session=False))


# -- moderators: merging, linking -------------------------------------------------------

@use_case
def merge_proposals(moderator, kept: TopicProposal, merged: TopicProposal) -> TopicProposal:
    """Merge `merged` into `kept`: its votes move over; members who voted for both get
    one vote back; `merged` stays, saying "merged into ..."."""
    require(moderator, Action.MANAGE_TOPIC_ROUNDS)
    if kept.id == merged.id:
        raise DomainError("Choose two different proposals.", field="merged")
    if kept.round_id != merged.round_id:
        raise DomainError("Both proposals must be in the same round.", field="merged")
    if kept.is_merged or merged.is_merged:
        raise DomainError("One of these proposals has been merged already: choose proposals "
                          "that are still open.", field="merged")
    both = list(db.session.scalars(
        select(TopicVote.user_id).where(TopicVote.proposal_id == merged.id,
                                        TopicVote.user_id.in_(select(TopicVote.user_id).where(
                                            TopicVote.proposal_id == kept.id)))))
    try:
        with db.session.begin_nested():
            db.session.execute(delete(TopicVote).where(TopicVote.proposal_id == merged.id,
                                                       TopicVote.user_id.in_(both))
                               .execution_options(synchronize_session=False))
            moved = db.session.execute(
                update(TopicVote).where(TopicVote.proposal_id == merged.id)
                .values(proposal_id=kept.id)
                .execution_options(synchronize_session=False)).rowcount
    except IntegrityError:
        raise DomainError("Someone voted while you were merging. Try again.", field="merged")
    _give_back(kept.round_id, both)
    merged.merged_into, merged.merged_at = kept, utcnow()
    db.session.flush()
    events.topic_merged.send(kept.round, actor=moderator, kept=kept, merged=merged,
                             moved=moved, returned=len(both))
    return kept


@use_case
def link_topic(moderator, proposal: TopicProposal, meeting: Meeting | None) -> TopicProposal:
    """Link a topic to the meeting that takes it up (None: unlink)."""
    require(moderator, Action.MANAGE_TOPIC_ROUNDS)
    if proposal.is_merged:
        raise DomainError("Link the proposal this one was merged into instead.",
                          field="meeting")
    if proposal.meeting_id == (meeting.id if meeting else None):
        return proposal
    proposal.meeting = meeting
    db.session.flush()
    events.topic_linked.send(proposal, actor=moderator, meeting=meeting)
    return proposal


# -- reading ----------------------------------------------------------------------------

def results(round_: TopicRound) -> list[Ranked]:
    """The round's proposals (merged ones left out) ranked by votes, a tie going to the
    earlier proposal (then the lower id): one query."""
    votes = func.count(TopicVote.id)
    rows = db.session.execute(
        select(TopicProposal, votes).outerjoin(TopicVote, TopicVote.proposal_id
                                               == TopicProposal.id)
        .where(TopicProposal.round_id == round_.id, TopicProposal.merged_into_id.is_(None))
        .group_by(TopicProposal.id)
        .order_by(votes.desc(), TopicProposal.created_at, TopicProposal.id)).all()
    counts = [count for _, count in rows]
    return [Ranked(proposal, count, position, counts.count(count) > 1)
            for position, (proposal, count) in enumerate(rows, start=1)]


def proposals_of(round_: TopicRound) -> list[TopicProposal]:
    """The round's proposals in the order they were made, with their authors, meetings
    and what they were merged into (one query)."""
    return list(db.session.scalars(
        select(TopicProposal).where(TopicProposal.round_id == round_.id)
        .options(joinedload(TopicProposal.author), joinedload(TopicProposal.meeting),
                 joinedload(TopicProposal.merged_into))
        .order_by(TopicProposal.created_at, TopicProposal.id)))


def my_votes(member, round_: TopicRound) -> set[int]:
    """The ids of the proposals `member` has voted for in `round_`."""
    return set(db.session.scalars(select(TopicVote.proposal_id).where(
        TopicVote.round_id == round_.id, TopicVote.user_id == member.id)))


def votes_used(member, round_: TopicRound) -> int:
    """How many of their votes `member` has used in `round_`."""
    return db.session.scalar(select(TopicBallot.votes_used).where(
        TopicBallot.round_id == round_.id, TopicBallot.user_id == member.id)) or 0
