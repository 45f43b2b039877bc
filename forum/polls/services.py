"""Poll use cases: add a poll to a thread, vote (and change the vote), close early.

One ballot per member, or per organisation for a benchmark poll. A first vote inserts
the ballot inside a savepoint; if another request inserted it at the same moment (a
double click, two colleagues answering for one organisation), the UNIQUE constraint
refuses the second insert and it updates the ballot that won instead. Every change to a
ballot first UPDATEs its row, which serialises concurrent changes to one ballot, so its
choices are always exactly one request's.
"""
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .. import events
from ..database import utcnow
from ..extensions import db
from ..permissions import Action, require
from ..transactions import use_case
from ..validation import DomainError
from .models import (MAX_OPTIONS, MIN_OPTIONS, RESULT_MODES, Poll, PollBallot, PollChoice,
                     PollOption)

MAX_QUESTION, MAX_OPTION = 300, 200


def _clean_options(options) -> list[str]:
    texts = [" ".join((text or "").split()) for text in options]
    texts = [text for text in texts if text]
    if len(texts) < MIN_OPTIONS:
        raise DomainError(f"Give at least {MIN_OPTIONS} options.", field="options")
    if len(texts) > MAX_OPTIONS:
        raise DomainError(f"A poll can have at most {MAX_OPTIONS} options.", field="options")
    if any(len(text) > MAX_OPTION for text in texts):
        raise DomainError(f"Keep each option under {MAX_OPTION} characters.", field="options")
    if len({text.casefold() for text in texts}) != len(texts):
        raise DomainError("Two options are the same: make each one different.",
                          field="options")
    return texts


@use_case
def create_poll(actor, thread, *, question: str, options, multiple: bool = False,
                max_choices: int | None = None, closes_at: datetime | None = None,
                results_mode: str = "after_vote", per_organisation: bool = False,
                answers_public: bool = False) -> Poll:
    """Attach a poll to `thread` (its author or a moderator; one poll per thread)."""
    require(actor, Action.ADD_POLL, thread)
    question = " ".join((question or "").split())
    if not question:
        raise DomainError("Enter the poll's question.", field="question")
    if len(question) > MAX_QUESTION:
        raise DomainError(f"Keep the question under {MAX_QUESTION} characters.",
                          field="question")
    texts = _clean_options(options)
    if results_mode not in RESULT_MODES:
        raise DomainError("Choose when the results show.", field="results_mode")
    if multiple:
        max_choices = max_choices or len(texts)
        if not 1 <= max_choices <= len(texts):
            raise DomainError(f"The most choices a member may make is between 1 and "
                              f"{len(texts)}.", field="max_choices")
    else:
        max_choices = 1
    if closes_at is not None and closes_at <= utcnow():
        raise DomainError("The closing date must be in the future.", field="closes_on")
    if db.session.scalar(select(Poll.id).where(Poll.thread_id == thread.id)) is not None:
        raise DomainError("This thread already has a poll.")
    poll = Poll(thread_id=thread.id, author_id=actor.id, question=question,
                multiple=bool(multiple), max_choices=max_choices, closes_at=closes_at,
                results_mode=results_mode, per_organisation=bool(per_organisation),
                answers_public=bool(answers_public), created_at=utcnow(),
                options=[PollOption(position=n, text=text) for n, text in enumerate(texts)])
    try:
        with db.session.begin_nested():  # the same thread given a poll twice at once
            db.session.add(poll)
            db.session.flush()
    except IntegrityError:
        raise DomainError("This thread already has a poll.") from None
    db.session.expire(thread, ["poll_id"])  # the thread's row now names its poll
    events.poll_created.send(poll, actor=actor)
    return poll


def ballot_of(member, poll: Poll) -> PollBallot | None:
    """The ballot that counts for `member`: their own, or their organisation's."""
    if poll.per_organisation:
        if member.organisation_id is None:
            return None
        condition = PollBallot.organisation_id == member.organisation_id
    else:
        condition = PollBallot.user_id == member.id
    return db.session.scalar(select(PollBallot).where(PollBallot.poll_id == poll.id,
                                                      condition))


def chosen_ids(ballot: PollBallot | None) -> list[int]:
    """The option ids on a ballot, in option order."""
    if ballot is None:
        return []
    return sorted(db.session.scalars(select(PollChoice.option_id)
                                     .where(PollChoice.ballot_id == ballot.id)))


def _checked_choice(poll: Poll, option_ids) -> list[int]:
    valid = {option.id for option in poll.options}
    try:
        chosen = sorted({int(value) for value in option_ids})
    except (TypeError, ValueError):
        raise DomainError("Choose one of the poll's options.", field="option") from None
    if not chosen:
        raise DomainError("Choose an option before voting." if not poll.multiple else
                          "Choose at least one option before voting.", field="option")
    if not set(chosen) <= valid:
        raise DomainError("Choose one of the poll's options.", field="option")
    if len(chosen) > poll.max_choices:
        raise DomainError("Choose one option only." if poll.max_choices == 1 else
                          f"Choose at most {poll.max_choices} options.", field="option")
    return chosen


@use_case
def vote(member, poll: Poll, option_ids) -> PollBallot:
    """Cast or change `member`'s vote (their organisation's on a benchmark poll)."""
    require(member, Action.VIEW, poll)
    if not poll.is_open():
        raise DomainError("This poll is closed, so votes can no longer change.")
    if poll.per_organisation and member.organisation_id is None:
        raise DomainError("This poll is answered for an organisation, and your profile "
                          "names none. Ask a moderator to add your organisation.")
    require(member, Action.VOTE_POLL, poll)
    chosen = _checked_choice(poll, option_ids)
    now = utcnow()
    ballot, created = ballot_of(member, poll), False
    if ballot is None:
        ballot = PollBallot(poll_id=poll.id, answered_by_id=member.id, created_at=now,
                            updated_at=now)
        if poll.per_organisation:
            ballot.organisation_id = member.organisation_id
        else:
            ballot.user_id = member.id
        try:
            with db.session.begin_nested():  # the other request's insert wins
                db.session.add(ballot)
                db.session.flush()
            created = True
        except IntegrityError:
            ballot = ballot_of(member, poll)
    # Lock the ballot's row: concurrent changes to one ballot queue here.
    db.session.execute(update(PollBallot).where(PollBallot.id == ballot.id)
                       .values(updated_at=now, answered_by_id=member.id)
                       .execution_options(synchronize_session=False))
    old = [] if created else chosen_ids(ballot)
    db.session.execute(delete(PollChoice).where(PollChoice.ballot_id == ballot.id))
    db.session.add_all(PollChoice(ballot_id=ballot.id, option_id=option_id)
                       for option_id in chosen)
    db.session.flush()
    db.session.expire(ballot)
    if created or not old:
        events.poll_vote_cast.send(ballot, actor=member, option_ids=chosen)
    elif old != chosen:
        events.poll_vote_changed.send(ballot, actor=member, option_ids=chosen,
                                      old_option_ids=old)
    return ballot


@use_case
def edit_poll(actor, poll: Poll, *, question: str, closes_at: datetime | None,
              results_mode: str) -> Poll:
    """Change a poll's wording, closing date or results mode (its author or a moderator,
    while it is open). Its options never change once it exists, so no vote changes
    meaning."""
    require(actor, Action.EDIT_POLL, poll)
    question = " ".join((question or "").split())
    if not question or len(question) > MAX_QUESTION:
        raise DomainError(f"Enter the question, in {MAX_QUESTION} characters or fewer.",
                          field="question")
    if results_mode not in RESULT_MODES:
        raise DomainError("Choose when the results show.", field="results_mode")
    if closes_at is not None and closes_at <= utcnow():
        raise DomainError("The closing date must be in the future.", field="closes_on")
    old = {"old_question": poll.question, "old_closes_at": poll.closes_at,
           "old_results_mode": poll.results_mode}
    poll.question, poll.closes_at, poll.results_mode = question, closes_at, results_mode
    db.session.flush()
    events.poll_edited.send(poll, actor=actor, **old)
    return poll


@use_case
def close_poll(moderator, poll: Poll) -> Poll:
    """Close a poll before its closing date (moderators)."""
    require(moderator, Action.VIEW, poll)
    if not poll.is_open():
        raise DomainError("This poll is already closed.")
    require(moderator, Action.CLOSE_POLL, poll)
    poll.closed_at, poll.closed_by_id = utcnow(), moderator.id
    db.session.flush()
    events.poll_closed.send(poll, actor=moderator)
    return poll
