"""Demo meetings for `forum demo`, built through the real services and dated on the
demo's Timeline (forum/demo_clock.py): last year's topic round (closed, its winners
linked to meetings), two past meetings with slides, notes and recap discussions, an
upcoming meeting with answers from members, and this year's open round with proposals
and votes. Idempotent: each meeting or round is added only if none has its title.
Called from forum.demo.load_demo, after the threads, resources and collections.
"""
from datetime import time, timedelta

from sqlalchemy import select

from ..accounts.models import Organisation, User
from ..demo_clock import Timeline, at
from ..discussions.models import Category
from ..extensions import db
from ..resources.models import Resource
from . import attendance, rounds, services, times
from .models import Meeting, TopicProposal, TopicRound

MODERATOR = "moderator@demo.example"
LAST_ROUND = "Topics for this year's meetings"
OPEN_ROUND = "Topics for next year's meetings"

# title, days from the demo's loading (negative: past), presenters (emails and
# organisations), agenda, slides (library titles), notes, recap category
MEETINGS = [
    ("Embedding an anti-racist approach in gender equality practice", -84,
     ["fiona@demo.example"], ["Eastfield City Council"],
     "1. Welcome and introductions\n2. **Eastfield City Council**: what intersectional "
     "data showed us\n3. Small groups: one change each of us can make\n4. Close",
     ["VAW staff survey: question bank"],
     "* Fiona shared how Eastfield broke its staff survey down by ethnicity and sex.\n"
     "* Several members will ask their networks of Black and minority ethnic staff to "
     "review their action plans.\n* Next step: share anonymised survey questions in the "
     "library.", "Anti-racist practice"),
    ("The role of leaders in tackling women's workplace inequality", -28,
     ["raj@demo.example"], ["NHS Kingsmuir"],
     "1. Why leaders' behaviour matters\n2. **NHS Kingsmuir**: scenario-based sessions "
     "for senior managers\n3. Discussion: holding leaders to account",
     ["Preventative duty: risk assessment checklist"],
     "* Short scenario sessions changed behaviour more than slide-based training.\n"
     "* Leaders' objectives now include one equality action each.\n"
     "* Members asked for the session plan: Raj will share it.", "Workplace culture"),
    ("Sexual harassment and employment law: the preventative duty a year on", 19,
     ["eilidh@demo.example"], ["Strathmore Council"],
     "1. What the duty asks of employers\n2. **Strathmore Council**: our risk "
     "assessment, team by team\n3. Third-party harassment: what has worked\n"
     "4. Questions", [], "", ""),
]
ATTENDING = {"fiona@demo.example": True, "raj@demo.example": True,
             "grace@demo.example": True, "tom@demo.example": False}

# author, title, description, voters
LAST_PROPOSALS = [
    ("grace@demo.example", "Embedding an anti-racist approach in gender equality practice",
     "How do we make sure our action plans work for Black and minority ethnic women?",
     ["fiona@demo.example", "raj@demo.example", "tom@demo.example", "eilidh@demo.example"]),
    ("fiona@demo.example", "The role of leaders in tackling women's workplace inequality",
     "What senior leaders can do, and how to hold them to it.",
     ["grace@demo.example", "raj@demo.example", "tom@demo.example"]),
    ("raj@demo.example", "Sexual harassment and employment law: the preventative duty a year "
     "on", "What the duty asks of us, and what employers are doing.",
     ["fiona@demo.example", "grace@demo.example", "eilidh@demo.example"]),
    ("tom@demo.example", "Workplace culture on the frontline",
     "Depots, wards and call centres: culture where staff are not at desks.",
     ["tom@demo.example"]),
]
OPEN_PROPOSALS = [
    ("fiona@demo.example", "Menopause and flexible working",
     "Policies that work for staff on shifts as well as in offices.",
     ["raj@demo.example", "grace@demo.example"]),
    ("grace@demo.example", "Supporting staff experiencing domestic abuse",
     "Safe leave, safety planning at work, and training line managers.",
     ["fiona@demo.example", "tom@demo.example", "eilidh@demo.example"]),
    ("raj@demo.example", "Intersectional pay gap reporting",
     "Going beyond the gender pay gap: ethnicity, disability, working pattern.",
     ["fiona@demo.example"]),
    ("tom@demo.example", "Harassment by customers and service users",
     "Third-party harassment after the preventative duty.", ["raj@demo.example"]),
]


def load_meetings_demo(timeline: Timeline | None = None) -> int:
    """Add the demo rounds and meetings that are missing; returns how many were added."""
    timeline = timeline or Timeline()
    users = {u.email: u for u in db.session.scalars(select(User))}
    moderator = users.get(MODERATOR)
    if moderator is None:
        return 0
    added = 0
    existing = set(db.session.scalars(select(TopicRound.title)))
    if LAST_ROUND not in existing:
        _last_round(timeline, moderator, users)
        added += 1
    titles = set(db.session.scalars(select(Meeting.title)))
    for spec in MEETINGS:
        if spec[0] not in titles:
            _meeting(timeline, moderator, users, *spec)
            added += 1
    if OPEN_ROUND not in existing:
        _open_round(timeline, moderator, users)
        added += 1
    return added


def _local(timeline: Timeline, days: int, hour: int = 10):
    """(UK date, time) `days` from the demo's loading, at `hour` o'clock UK time."""
    day = times.london(timeline.now + timedelta(days=days)).date()
    return day, time(hour, 0)


def _propose_and_vote(timeline, round_, users, proposals, start):
    for n, (author, title, description, voters) in enumerate(proposals):
        with at(timeline.after(start, days=1 + n, hours=3)):
            proposal = rounds.propose_topic(users[author], round_, title=title,
                                            description=description)
        for k, voter in enumerate(voters):
            with at(timeline.after(start, days=2 + n + k, hours=5)):
                rounds.cast_vote(users[voter], proposal)


def _last_round(timeline, moderator, users) -> None:
    """Last year's round: opened and closed months ago, its winners became meetings."""
    opened = timeline.ago(days=150)
    closing = timeline.now + timedelta(days=1)
    with at(opened):
        round_ = rounds.open_round(moderator, title=LAST_ROUND, closes_on=closing.date(),
                                   closes_time=time(17, 0), votes_per_member=3,
                                   description="Propose the topics you would like our "
                                               "meetings to cover this year.")
    _propose_and_vote(timeline, round_, users, LAST_PROPOSALS, opened)
    closed = timeline.after(opened, days=21)
    with at(closed):
        rounds.close_round(moderator, round_)
    round_.closes_at = round_.closed_at  # closed on the day it was due to close
    db.session.commit()


def _meeting(timeline, moderator, users, title, days, emails, organisations, agenda, slides,
             notes, recap_category) -> None:
    day, start = _local(timeline, days)
    organisation_ids = list(db.session.scalars(
        select(Organisation.id).where(Organisation.name.in_(organisations))))
    topic = db.session.scalar(select(TopicProposal).join(TopicRound).where(
        TopicRound.title == LAST_ROUND, TopicProposal.title == title))
    details = services.MeetingDetails(
        title=title, day=day, start_time=start, duration_minutes=90, agenda=agenda,
        joining_url="https://meet.example.org/community-of-practice",
        presenter_emails=", ".join(e for e in emails if e in users),
        organisation_ids=organisation_ids)
    scheduled = timeline.ago(days=max(-days, 0) + 40)
    with at(scheduled):
        meeting = services.schedule_meeting(moderator, details, topic=topic).meeting
    if days > 0:  # members answer "are you going?" until the meeting
        for n, (email, going) in enumerate(ATTENDING.items()):
            if email in users:
                with at(timeline.after(scheduled, days=2 + n)):
                    attendance.set_attendance(users[email], meeting, going)
        return
    after = timeline.after(meeting.ends_at, hours=2)
    library = {r.title: r for r in db.session.scalars(
        select(Resource).where(Resource.deleted_at.is_(None)))}
    with at(after):
        for slide in slides:
            if slide in library:
                services.link_slides(moderator, meeting, str(library[slide].id))
        services.save_notes(moderator, meeting, notes)
    category = db.session.scalar(select(Category).filter_by(name=recap_category))
    if category is not None:
        with at(timeline.after(after, hours=1)):
            services.start_recap(
                moderator, meeting, category=category,
                body=f"Thank you to everyone who came to “{title}”. The slides and notes "
                     "are on the meeting's page.\n\nWhat will you take back to your "
                     "organisation?")


def _open_round(timeline, moderator, users) -> None:
    """This year's round: open for two more weeks, with proposals and votes so far."""
    opened = timeline.ago(days=12)
    closing = times.london(timeline.now + timedelta(days=14)).date()
    with at(opened):
        round_ = rounds.open_round(moderator, title=OPEN_ROUND, closes_on=closing,
                                   closes_time=time(17, 0), votes_per_member=3,
                                   description="What should next year's meetings cover? "
                                               "Propose a topic, or vote for up to three.")
    _propose_and_vote(timeline, round_, users, OPEN_PROPOSALS, opened)
