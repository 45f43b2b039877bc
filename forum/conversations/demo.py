"""Demo conversations for `forum demo`, built through the real services and dated on the
demo's Timeline (forum/demo_clock.py): a few private conversations among the demo members
(one with three people, one started by a moderator), some read, some not, so a demo login
sees an inbox with unread counts. Idempotent: a conversation is added only if none has
its subject. Called from forum.demo.load_demo, after the rest of the demo.
"""
from sqlalchemy import select

from ..accounts.models import User
from ..demo_clock import Timeline, at
from ..extensions import db
from . import services
from .models import Conversation

# subject, days ago it started, starter, others, [(hours after the start, author, body)]
CONVERSATIONS = [
    ("Your staff survey questions", 20, "raj@demo.example", ["fiona@demo.example"], [
        (0, "raj@demo.example", "Hi Fiona, I enjoyed your presentation. Would you be "
         "willing to share the **wording** of the questions on disclosure? We are "
         "redesigning ours at NHS Kingsmuir."),
        (3, "fiona@demo.example", "Of course, Raj. I have put the question bank in the "
         "library; the disclosure ones are in section 4. Happy to talk it through."),
        (26, "raj@demo.example", "Thank you, that is really helpful."),
    ]),
    ("Safe leave policy: comparing notes", 9, "eilidh@demo.example",
     ["grace@demo.example", "tom@demo.example"], [
         (0, "eilidh@demo.example", "We are drafting a safe leave policy for staff "
          "experiencing domestic abuse. Could we compare what we each offer?\n\n"
          "- number of days\n- who approves it\n- how it is recorded"),
         (5, "grace@demo.example", "We give ten days, approved by any line manager, and "
          "recorded as *special leave* so it does not show in absence reports."),
         (30, "tom@demo.example", "Ours is similar. The recording point matters most: "
          "staff told us they feared it would appear on their sickness record."),
     ]),
    ("Welcome to the Community of Practice", 5, "moderator@demo.example",
     ["aisha@demo.example"], [
         (0, "moderator@demo.example", "Hello Aisha, welcome! The *Start here* collection "
          "is the best place to begin. Let me know if you have any questions."),
     ]),
    ("Workplace culture meeting", 2, "tom@demo.example", ["fiona@demo.example"], [
        (0, "tom@demo.example", "Fiona, are you presenting at the workplace culture "
         "meeting? I would like to bring a colleague from our HR team."),
    ]),
]


def load_conversations_demo(timeline: Timeline) -> None:
    """Add the demo's conversations (each once, whatever number of runs)."""
    users = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.like("%@demo.example")))}
    existing = set(db.session.scalars(select(Conversation.subject)))
    for subject, days_ago, starter, others, messages in CONVERSATIONS:
        if subject in existing or starter not in users or any(o not in users for o in others):
            continue
        started = timeline.ago(days=days_ago)
        (_, first_author, first_body), *replies = messages
        with at(started):
            conversation = services.start_conversation(
                users[starter], [users[o] for o in others], subject=subject, body=first_body)
        for hours, author, body in replies:
            with at(timeline.after(started, hours=hours)):
                services.reply(users[author], conversation, body=body)
