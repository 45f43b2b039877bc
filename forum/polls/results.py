"""Poll results: counts per option, the benchmark breakdown by organisation sector and
accreditation (with small groups suppressed), and the CSV export.

To protect who said what, a breakdown group is shown only when at least
`POLL_MIN_GROUP` organisations answered in it; smaller groups are merged into "Other".
Because the total is shown too, "Other" must not give a suppressed group away: if only
one group is suppressed ("Other" would be exactly that group), or "Other" has fewer than
the minimum, the smallest shown group is suppressed as well, until neither is true.
A benchmark poll's results show at all only once the minimum have answered; and no
organisation's own answer is ever shown to others unless the poll says answers are public.
"""
import csv
import io
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from ..accounts.models import ACCREDITATION, SECTORS, Organisation
from ..extensions import db
from .models import Poll, PollBallot, PollChoice

OTHER = "Other (smaller groups combined)"
DIMENSIONS = (("sector", "Sector", SECTORS), ("accreditation", "Accreditation status",
                                                ACCREDITATION))
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Line:
    """One option's count, and its share of those who answered."""

    option_id: int
    text: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        """Share of ballots choosing this option, as a whole number."""
        return round(100 * self.count / self.total) if self.total else 0

    @property
    def step(self) -> int:
        """The share rounded to 5% (the bar's width class)."""
        return 5 * round(self.percent / 5)


@dataclass
class Group:
    """One breakdown group (a sector, an accreditation status, or "Other")."""

    label: str
    organisations: int
    lines: list[Line] = field(default_factory=list)


def min_group() -> int:
    """The smallest number of organisations a group may be shown for."""
    return int(current_app.config.get("POLL_MIN_GROUP", 5))


def lines_for(poll: Poll, counts: dict[int, int], total: int) -> list[Line]:
    """Every option in order, with its count (0 when nobody chose it)."""
    return [Line(option.id, option.text, counts.get(option.id, 0), total)
            for option in poll.options]


def tally(poll: Poll) -> list[Line]:
    """Counts per option over every ballot (one query for both)."""
    rows = db.session.execute(
        select(PollChoice.option_id, func.count()).join(PollBallot,
                                                        PollBallot.id == PollChoice.ballot_id)
        .where(PollBallot.poll_id == poll.id).group_by(PollChoice.option_id)).all()
    total = db.session.scalar(select(func.count(PollBallot.id))
                              .where(PollBallot.poll_id == poll.id)) or 0
    return lines_for(poll, dict(rows), total)


def organisation_answers(poll: Poll) -> list[tuple[Organisation, list[int]]]:
    """Every answering organisation with the option ids it chose (benchmark polls)."""
    rows = db.session.execute(
        select(Organisation, PollChoice.option_id)
        .join(PollBallot, PollBallot.organisation_id == Organisation.id)
        .outerjoin(PollChoice, PollChoice.ballot_id == PollBallot.id)
        .where(PollBallot.poll_id == poll.id).order_by(Organisation.name)).all()
    answers: dict[int, tuple[Organisation, list[int]]] = {}
    for organisation, option_id in rows:
        entry = answers.setdefault(organisation.id, (organisation, []))
        if option_id is not None:
            entry[1].append(option_id)
    return list(answers.values())


def suppress(sizes: dict[str, int], minimum: int) -> set[str]:
    """Which groups to merge into "Other", given how many organisations each has.

    Groups under `minimum` go; then, while exactly one group is suppressed or the
    suppressed ones together are under `minimum`, the smallest shown group goes too (so
    the total less the shown groups never reveals a suppressed group).
    """
    hidden = {name for name, size in sizes.items() if size < minimum}
    shown = sorted((name for name in sizes if name not in hidden),
                   key=lambda name: (sizes[name], name))
    while hidden and shown and (len(hidden) == 1
                                or sum(sizes[name] for name in hidden) < minimum):
        hidden.add(shown.pop(0))
    return hidden


def breakdown(poll: Poll, answers=None, minimum: int | None = None):
    """For each dimension (sector, accreditation): (its label, its groups), smallest groups
    merged into "Other" (see `suppress`); with public answers nothing is merged."""
    answers = organisation_answers(poll) if answers is None else answers
    minimum = 0 if poll.answers_public else (min_group() if minimum is None else minimum)
    result = []
    for attribute, label, names in DIMENSIONS:
        members: dict[str, list[list[int]]] = {}
        for organisation, chosen in answers:
            key = names.get(getattr(organisation, attribute), getattr(organisation, attribute))
            members.setdefault(key, []).append(chosen)
        hidden = suppress({key: len(value) for key, value in members.items()}, minimum)
        merged: dict[str, list[list[int]]] = {}
        for key, value in members.items():
            merged.setdefault(OTHER if key in hidden else key, []).extend(value)
        groups = []
        for key in sorted(merged, key=lambda k: (k == OTHER, k)):
            ballots = merged[key]
            counts: dict[int, int] = {}
            for chosen in ballots:
                for option_id in chosen:
                    counts[option_id] = counts.get(option_id, 0) + 1
            groups.append(Group(key, len(ballots), lines_for(poll, counts, len(ballots))))
        result.append((label, groups))
    return result


def shown_to_members(poll: Poll, total: int) -> bool:
    """A benchmark poll's figures show once enough organisations answered (or if its
    answers are public); an ordinary poll's always do (subject to its results mode)."""
    return not poll.per_organisation or poll.answers_public or total >= min_group()


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def results_csv(poll: Poll) -> str:
    """The results as CSV: totals per option; for a benchmark poll the breakdown (same
    suppression as the page) and, only if answers are public, each organisation's answer."""
    out = io.StringIO()
    writer = csv.writer(out)

    def row(*cells):
        writer.writerow([safe_cell(cell) for cell in cells])

    options = poll.options
    row("Poll", poll.question)
    lines = tally(poll)
    total = lines[0].total if lines else 0
    row("Group", "Answered", *(option.text for option in options))
    if not shown_to_members(poll, total):
        row("All", f"fewer than {min_group()}", *("" for _ in options))
        return out.getvalue()
    row("All", total, *(line.count for line in lines))
    if poll.per_organisation:
        answers = organisation_answers(poll)
        for label, groups in breakdown(poll, answers):
            for group in groups:
                row(f"{label}: {group.label}", group.organisations,
                    *(line.count for line in group.lines))
        if poll.answers_public:
            row()
            row("Organisation", "Sector", "Accreditation", "Answer")
            texts = {option.id: option.text for option in options}
            for organisation, chosen in answers:
                row(organisation.name, organisation.sector_label,
                    organisation.accreditation_label,
                    "; ".join(texts[option_id] for option_id in sorted(chosen)))
    return out.getvalue()
