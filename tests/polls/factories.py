"""Polls for tests, made through the real services."""
from datetime import timedelta

from forum.database import utcnow
from forum.extensions import db
from forum.polls import services
from forum.polls.models import Poll

from ..factories import make_member, make_organisation, make_thread


def make_poll(author=None, thread=None, options=("Yes", "No", "Not sure"), **settings) -> Poll:
    """A poll on a new thread by `author` (a new member by default)."""
    thread = thread or make_thread(author=author or make_member())
    author = author or thread.author
    settings.setdefault("question", "Do you run a staff network?")
    return services.create_poll(author, thread, options=list(options), **settings)


def option_ids(poll: Poll, *texts) -> list[int]:
    """The ids of the options with these texts."""
    by_text = {option.text: option.id for option in poll.options}
    return [by_text[text] for text in texts]


def expire(poll: Poll, minutes_ago: int = 1) -> None:
    """Move the poll's closing time into the past (as if time had passed)."""
    poll.closes_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()


def organisation_members(count, **organisation):
    """`count` members of one new organisation."""
    org = make_organisation(**organisation)
    return [make_member(organisation=org) for _ in range(count)]


def policy_matrix_rows(threads) -> list:
    """A poll on each thread of the policy matrix (live, locked, removed, anonymous
    question, hidden), so the poll's view twin is checked in every thread state."""
    from forum.polls.models import PollOption
    return [Poll(thread=thread, question=f"Poll {n}?", author_id=thread.author_id,
                 options=[PollOption(position=0, text="A"), PollOption(position=1, text="B")])
            for n, thread in enumerate(threads)]
