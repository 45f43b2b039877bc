"""Demo polls: a benchmark poll ("answer for your organisation") on the flexible working
thread, answered by enough organisations that the public sector is shown while the
smaller sectors are combined into "Other", and an ordinary multiple-choice poll on the
accreditation question. A few extra organisations (each with one member who cannot log
in) make the benchmark groups big enough. Dated on the demo's Timeline; nothing is added
twice."""
from sqlalchemy import select

from ..accounts.models import Organisation, User
from ..demo_clock import Timeline, at
from ..discussions.models import Thread
from ..extensions import db
from . import services
from .models import Poll

BENCHMARK_THREAD = "What evidence did you submit for the flexible working standard?"
QUESTION_THREAD = "Which evidence took longest to gather for accreditation?"
# name, sector, accreditation, the member answering for it
EXTRA_ORGANISATIONS = [
    ("Glenmore District Council", "public", "working_towards", "Isla Grant"),
    ("Lothian Fire and Rescue", "public", "accredited", "Callum Fraser"),
    ("Tayside Colleges", "public", "network_member", "Shona Ritchie"),
    ("Highland Carers Network", "third", "working_towards", "Mairi Stewart"),
    ("Forth Community Trust", "third", "network_member", "Ewan Murray"),
]
BENCHMARK_OPTIONS = ["Yes, for every role", "For some roles", "Not yet"]
# who answers for their organisation, and which option (index into BENCHMARK_OPTIONS)
BENCHMARK_ANSWERS = [
    ("fiona@demo.example", 0), ("raj@demo.example", 1), ("eilidh@demo.example", 1),
    ("grace@demo.example", 0), ("tom@demo.example", 2), ("aisha@demo.example", 2),
    ("moderator@demo.example", 0),
    ("Isla Grant", 1), ("Callum Fraser", 0), ("Shona Ritchie", 1), ("Mairi Stewart", 2),
    ("Ewan Murray", 0),
]
QUESTION_OPTIONS = ["Pay gap data", "Policy reviews", "Staff survey results",
                    "Training records"]
QUESTION_VOTES = [("fiona@demo.example", [0, 2]), ("grace@demo.example", [2]),
                  ("tom@demo.example", [1, 2]), ("eilidh@demo.example", [0])]


def _extra_voters(timeline: Timeline) -> dict[str, User]:
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    users = {u.display_name: u for u in db.session.scalars(
        select(User).where(User.email.like("%@poll-demo.example")))}
    joined = timeline.day(30)
    for n, (name, sector, accreditation, person) in enumerate(EXTRA_ORGANISATIONS, 1):
        if name not in organisations:
            organisations[name] = Organisation(name=name, sector=sector,
                                               accreditation=accreditation, created_at=joined)
            db.session.add(organisations[name])
        if person not in users:
            users[person] = User(email=f"member{n}@poll-demo.example", display_name=person,
                                 role="member", status="active", job_role="HR adviser",
                                 organisation=organisations[name], created_at=joined,
                                 consented_at=joined, join_reason="Demo account",
                                 bio=f"HR adviser at {name}.")
            db.session.add(users[person])
    db.session.commit()
    return users


def _thread(title: str) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.title == title,
                                                  Thread.deleted_at.is_(None)))


def _has_poll(thread: Thread) -> bool:
    return db.session.scalar(select(Poll.id).where(Poll.thread_id == thread.id)) is not None


def _benchmark(timeline: Timeline, people: dict[str, User]) -> None:
    thread = _thread(BENCHMARK_THREAD)
    if thread is None or _has_poll(thread) or thread.author is None:
        return
    opened = timeline.after(thread.created_at, hours=2)
    with at(opened):
        poll = services.create_poll(
            thread.author, thread, question="Does your organisation offer flexible working "
            "from the first day of employment?", options=BENCHMARK_OPTIONS,
            per_organisation=True, results_mode="after_vote")
    for k, (who, choice) in enumerate(BENCHMARK_ANSWERS):
        with at(timeline.after(opened, days=1 + k // 3, hours=k % 5)):
            services.vote(people[who], poll, [poll.options[choice].id])


def _question_poll(timeline: Timeline, people: dict[str, User]) -> None:
    thread = _thread(QUESTION_THREAD)
    if thread is None or _has_poll(thread) or thread.author is None:
        return
    opened = timeline.after(thread.created_at, hours=1)
    with at(opened):
        poll = services.create_poll(
            thread.author, thread, question="Which evidence took longest for you?",
            options=QUESTION_OPTIONS, multiple=True, max_choices=2, results_mode="after_vote")
    for k, (who, choices) in enumerate(QUESTION_VOTES):
        with at(timeline.after(opened, days=k + 1)):
            services.vote(people[who], poll, [poll.options[c].id for c in choices])


def load_polls_demo(timeline: Timeline) -> None:
    """Add the demo's polls and their votes (skipping any already there)."""
    people = {u.email: u for u in db.session.scalars(
        select(User).where(User.email.like("%@demo.example")))}
    people.update(_extra_voters(timeline))
    if not all(who in people for who, _ in BENCHMARK_ANSWERS + QUESTION_VOTES):
        return
    _benchmark(timeline, people)
    _question_poll(timeline, people)
