"""Demo content for trying the forum: organisations, people, categories, threads.

`load_demo` is idempotent: it adds only what is missing, matched by email, name or title,
so a second run adds nothing and moves no date. Everything is dated on one `Timeline`
(forum/demo_clock.py) covering the months before the demo is loaded: people join before
they post, replies follow their thread by hours or days, and each thing is written at its
moment with `at(...)`, so posts, threads' latest posts, audit entries and the rest agree.
"""
from .accounts.models import Organisation, User
from .demo_clock import Timeline, at
from .discussions.models import Category, Post, Thread
from .discussions import services as discussions
from .extensions import db
from .rendering import quote_markdown

DEMO_PASSWORD = "equally-safe-demo"

ORGANISATIONS = [
    ("Close the Gap", "third", "network_member"),
    ("Eastfield City Council", "public", "accredited"),
    ("NHS Kingsmuir", "public", "working_towards"),
    ("Strathmore Council", "public", "working_towards"),
    ("Northern Isles Women's Aid", "third", "network_member"),
    ("Clyde Valley Housing Association", "third", "working_towards"),
    ("Caledonian Transport Ltd", "private", "network_member"),
]

# email, display name, role, organisation
DEMO_USERS = [
    ("admin@demo.example", "Morag Admin", "admin", "Close the Gap"),
    ("moderator@demo.example", "Ailsa Moderator", "moderator", "Close the Gap"),
    ("fiona@demo.example", "Fiona Campbell", "member", "Eastfield City Council"),
    ("raj@demo.example", "Raj Patel", "member", "NHS Kingsmuir"),
    ("eilidh@demo.example", "Eilidh MacLeod", "member", "Strathmore Council"),
    ("grace@demo.example", "Grace Okafor", "member", "Northern Isles Women's Aid"),
    ("tom@demo.example", "Tom Reid", "member", "Clyde Valley Housing Association"),
    ("aisha@demo.example", "Aisha Khan", "member", "Caledonian Transport Ltd"),
]
# The day each joined (see `_when`). Aisha is a newcomer, so a demo login sees "Start here"
# (shown to members in their first weeks).
JOINED = {"admin@demo.example": 0, "moderator@demo.example": 0.02, "fiona@demo.example": 2,
          "raj@demo.example": 4, "eilidh@demo.example": 6, "grace@demo.example": 9,
          "tom@demo.example": 12, "aisha@demo.example": -6}
JOB_ROLES = {
    "admin": "Programme officer", "moderator": "Equally Safe at Work lead",
    "member": "HR business partner",
}

CATEGORIES = [
    ("Start here", "Introductions, how the forum works and what the Community of Practice is."),
    ("Workplace culture", "Leadership, everyday sexism and building a culture where women thrive."),
    ("Sexual harassment and employment law",
     "Policies, the preventative duty, investigations and supporting staff who report."),
    ("Anti-racist practice", "Embedding an intersectional, anti-racist approach in gender "
                             "equality work."),
    ("Data and reporting", "Pay gap reporting, staff surveys, intersectional data and "
                           "reporting routes for VAW."),
    ("The accreditation journey", "Working towards Equally Safe at Work: evidence, actions, "
                                  "sharing what worked."),
]

# day of the history it was started (at `hour`), category, starter, title, body, replies
# as (author, text or None to quote the previous post, when: see `_when`). Days are counted
# on the demo's Timeline; day 0 is about nine and a half months before the demo is loaded.
THREADS = [
    (1, 10, "Start here", "moderator@demo.example",
     "Welcome to the Community of Practice forum",
     "This is the new home of our peer learning network, replacing the KHub group page.\n\n"
     "* **Ask** your peers practical questions in the categories.\n"
     "* **Share** policies, survey templates and slides.\n"
     "* Be kind: many of us work on sensitive cases. Never post details that could "
     "identify a colleague who has disclosed violence or harassment.\n\n"
     "Please introduce yourself below: your organisation and where you are on the "
     "Equally Safe at Work journey.",
     [("fiona@demo.example", "Hello all, I lead on gender equality at Eastfield City Council. "
       "We gained accreditation last year and are happy to share what we learned.", 1.2),
      ("grace@demo.example", "Hi from Northern Isles Women's Aid. We are a small team with no "
       "HR department, so the peer support here matters a lot to us.", 8.3),
      ("aisha@demo.example", "Hello from Caledonian Transport. I have just joined and am "
       "putting together our first action plan, so I will be reading a lot here.", -2.2)]),
    (20, 11, "Sexual harassment and employment law", "raj@demo.example",
     "How are you preparing for the preventative duty on sexual harassment?",
     "Since the duty to take *reasonable steps* to prevent sexual harassment came in, we have "
     "been reviewing our policy and training.\n\n"
     "1. Did you run a risk assessment by team or site?\n"
     "2. How did you cover harassment by third parties (patients, service users)?\n"
     "3. What does your reporting route look like for staff who do not want to go to "
     "their line manager?",
     [("fiona@demo.example", "We did a risk assessment by service area first. Front-line "
       "services with lone working came out highest, so we started there.\n\n"
       "For third parties we added a clear line to our customer charter and a simple "
       "incident form.", 1.1),
      ("eilidh@demo.example", None, 1.4)]),
    (41, 14, "Data and reporting", "eilidh@demo.example",
     "Getting good response rates on a VAW staff survey",
     "Our last staff survey on violence against women had a 9% response rate. How did "
     "others get more people to respond, especially in hard-to-reach groups such as shift "
     "workers and staff without a work email address?",
     [("tom@demo.example", "Paper copies in the depots with a sealed return box doubled our "
       "rate among maintenance staff. Trade union reps helped promote it too.", 2.3),
      ("raj@demo.example", "We offered the survey in protected time during shifts and "
       "said clearly that it was anonymous and who would see the results.", 2.6)]),
    (96, 10, "Workplace culture", "grace@demo.example",
     "The role of leaders in tackling workplace inequality",
     "At the last meeting we talked about leaders *modelling* the culture they want. Has "
     "anyone run sessions for senior managers that actually changed behaviour? What worked?",
     [("fiona@demo.example", "Short scenario-based sessions worked far better for us than "
       "slides. We used real (anonymised) examples from our own staff survey.", 3.2)]),
    (158, 9, "Anti-racist practice", "tom@demo.example",
     "Embedding an anti-racist approach in gender equality work",
     "We want to make sure our gender equality action plan does not only work for white "
     "women. Which data have you found most useful for seeing the experiences of Black and "
     "minority ethnic women in your workforce?",
     []),
    (214, 13, "The accreditation journey", "eilidh@demo.example",
     "What evidence did you submit for the flexible working standard?",
     "We are working towards accreditation and gathering evidence. For those already "
     "accredited: what did you submit to show flexible working is available at all levels, "
     "not only in junior roles?",
     [("fiona@demo.example", "| Evidence | Source |\n| --- | --- |\n"
       "| Flexible working requests by grade | HR system |\n"
       "| Adverts stating flexible options | Recruitment team |\n"
       "| Case studies from senior staff | Staff network |", 0.9)]),
]
# (thread title, post number): the post's author adds to it this many hours after posting.
EDITS = {
    ("What evidence did you submit for the flexible working standard?", 2): (
        3, "Added the pay gap data we used", "| Evidence | Source |\n| --- | --- |\n"
        "| Flexible working requests by grade | HR system |\n"
        "| Adverts stating flexible options | Recruitment team |\n"
        "| Case studies from senior staff | Staff network |\n"
        "| Pay gap by working pattern | Pay gap report |"),
}


def load_demo(timeline: Timeline | None = None) -> list[tuple[str, str]]:
    """Add the demo data that is missing; returns the demo logins as (email, role).

    `timeline` (default: one ending now) dates it all; every domain's demo shares it.
    """
    timeline = timeline or Timeline()
    founded = timeline.day(0, 8)
    organisations = {o.name: o for o in db.session.scalars(db.select(Organisation))}
    for name, sector, accreditation in ORGANISATIONS:
        if name not in organisations:
            organisations[name] = Organisation(name=name, sector=sector, created_at=founded,
                                               accreditation=accreditation)
            db.session.add(organisations[name])

    users = {u.email: u for u in db.session.scalars(db.select(User))}
    for email, name, role, organisation in DEMO_USERS:
        if email not in users:
            joined_at = _when(timeline, timeline.day(0), JOINED[email])
            user = User(email=email, display_name=name, role=role, status="active",
                        organisation=organisations[organisation], job_role=JOB_ROLES[role],
                        join_reason="Demo account", created_at=joined_at,
                        consented_at=joined_at, bio=f"{JOB_ROLES[role]} at {organisation}.")
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            users[email] = user

    categories = {c.name: c for c in db.session.scalars(db.select(Category))}
    for position, (name, description) in enumerate(CATEGORIES):
        if name not in categories:
            categories[name] = Category(name=name, description=description, position=position,
                                        created_at=founded)
            db.session.add(categories[name])
    db.session.commit()

    titles = set(db.session.scalars(db.select(Thread.title)))
    for day, hour, category, author, title, body, replies in THREADS:
        if title not in titles:
            _demo_thread(timeline, timeline.day(day, hour), categories[category], users,
                         author, title, body, replies)
    from .qa.demo import load_qa_demo
    load_qa_demo(timeline)
    from .resources.demo import load_resource_demo
    load_resource_demo(timeline)
    from .collections.demo import seed_collections
    seed_collections(timeline=timeline)
    from .moderation.demo import load_moderation_demo
    load_moderation_demo(timeline)
    from .meetings.demo import load_meetings_demo
    load_meetings_demo(timeline)
    from .polls.demo import load_polls_demo
    load_polls_demo(timeline)
    from .conversations.demo import load_conversations_demo
    load_conversations_demo(timeline)
    return [(email, role) for email, _, role, _ in DEMO_USERS]


def _when(timeline: Timeline, start, days: float):
    """`days` after `start`; a negative number is that many days before the demo is loaded
    (a newcomer's, so it stays recent however long after this code the demo runs)."""
    return timeline.ago(days=-days) if days < 0 else timeline.after(start, days=days)


def _demo_thread(timeline, started, category, users, author, title, body, replies) -> None:
    with at(started):
        thread = discussions.start_thread(users[author], category, title=title, body=body)
    for email, text, days in replies:
        if text is None:  # a reply quoting the previous post
            previous = db.session.scalar(db.select(Post).where(
                Post.thread_id == thread.id, Post.number == thread.post_count))
            text = (quote_markdown(previous.body_source, previous.author.display_name)
                    + "\nThis is really helpful, thank you. We are starting with lone "
                      "workers too.")
        with at(_when(timeline, started, days)):
            post = discussions.reply(users[email], thread, body=text)
        if (title, post.number) in EDITS:
            hours, reason, edited = EDITS[title, post.number]
            with at(timeline.after(post.created_at, hours=hours)):
                discussions.edit_post(post.author, post, body=edited, reason=reason)
