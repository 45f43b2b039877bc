"""What the poll partial needs on a thread or question page, in few queries: one to find
the thread's poll with its options (none when there is no poll), and one more, only when
there is one, for the counts per option, the number of ballots and the viewer's own
ballot, all in one UNION."""
from dataclasses import dataclass, field

from sqlalchemy import String, case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..extensions import db
from ..permissions import Action, can, is_staff
from .models import Poll, PollBallot, PollChoice
from .policy import results_visible
from .results import Line, lines_for, shown_to_members


@dataclass
class PollPanel:
    """A poll as one viewer sees it on its thread."""

    poll: Poll
    lines: list[Line]
    total: int
    mine: set[int] = field(default_factory=set)
    answered_by: str = ""  # who (in the viewer's organisation) gave its answer
    show_results: bool = False
    can_vote: bool = False
    can_close: bool = False
    can_export: bool = False
    enough: bool = True  # a benchmark poll: enough organisations answered to show figures


def _mine_condition(viewer, poll: Poll):
    if poll.per_organisation:
        if viewer.organisation_id is None:
            return literal(False)
        return PollBallot.organisation_id == viewer.organisation_id
    return PollBallot.user_id == viewer.id


def load_panel(viewer, thread) -> PollPanel | None:
    """The thread's poll for `viewer` (None without one, or if they may not see it)."""
    if getattr(thread, "poll_id", None) is None:
        return None  # known from the thread's own row: no query
    poll = db.session.scalars(select(Poll).where(Poll.thread_id == thread.id)
                              .options(joinedload(Poll.options))).unique().first()
    if poll is None or not can(viewer, Action.VIEW, thread):
        return None
    mine = _mine_condition(viewer, poll)
    per_option = (select(PollChoice.option_id.label("key"), func.count().label("n"),
                         func.max(case((mine, 1), else_=0)).label("mine"),
                         cast(null(), String).label("name"))
                  .join(PollBallot, PollBallot.id == PollChoice.ballot_id)
                  .where(PollBallot.poll_id == poll.id).group_by(PollChoice.option_id))
    overall = (select(literal(-1).label("key"), func.count(PollBallot.id).label("n"),
                      func.max(case((mine, 1), else_=0)).label("mine"),
                      func.max(case((mine, User.display_name), else_=null())).label("name"))
               .select_from(PollBallot)
               .outerjoin(User, User.id == PollBallot.answered_by_id)
               .where(PollBallot.poll_id == poll.id))
    counts, chosen, total, answered, name = {}, set(), 0, False, ""
    for key, n, is_mine, who in db.session.execute(union_all(per_option, overall)).all():
        if key == -1:
            total, answered, name = n or 0, bool(is_mine), who or ""
        else:
            counts[key] = n
            if is_mine:
                chosen.add(key)
    staff = is_staff(viewer)
    enough = shown_to_members(poll, total)
    return PollPanel(
        poll=poll, lines=lines_for(poll, counts, total), total=total, mine=chosen,
        answered_by=name, enough=enough,
        show_results=results_visible(poll, staff, answered) and (enough or staff),
        can_vote=can(viewer, Action.VOTE_POLL, poll),
        can_close=can(viewer, Action.CLOSE_POLL, poll),
        can_export=can(viewer, Action.EXPORT_POLL, poll))
