"""Demo content for trying the forum: organisations, people, categories, threads.

`load_demo` is idempotent: it adds only what is missing, matched by email, name or title.
"""
from datetime import timedelta

from .accounts.models import Organisation, User
from .database import utcnow
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
]
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

THREADS = [
    ("Start here", "moderator@demo.example", "Welcome to the Community of Practice forum",
     "This is the new home of our peer learning network, replacing the KHub group page.\n\n"
     "* **Ask** your peers practical questions in the categories.\n"
     "* **Share** policies, survey templates and slides.\n"
     "* Be kind: many of us work on sensitive cases. Never post details that could "
     "identify a colleague who has disclosed violence or harassment.\n\n"
     "Please introduce yourself below: your organisation and where you are on the "
     "Equally Safe at Work journey.",
     [("fiona@demo.example", "Hello all, I lead on gender equality at Eastfield City Council. "
       "We gained accreditation last year and are happy to share what we learned."),
      ("grace@demo.example", "Hi from Northern Isles Women's Aid. We are a small team with no "
       "HR department, so the peer support here matters a lot to us.")]),
    ("Sexual harassment and employment law", "raj@demo.example",
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
       "incident form."),
      ("eilidh@demo.example", None)]),
    ("Data and reporting", "eilidh@demo.example",
     "Getting good response rates on a VAW staff survey",
     "Our last staff survey on violence against women had a 9% response rate. How did "
     "others get more people to respond, especially in hard-to-reach groups such as shift "
     "workers and staff without a work email address?",
     [("tom@demo.example", "Paper copies in the depots with a sealed return box doubled our "
       "rate among maintenance staff. Trade union reps helped promote it too."),
      ("raj@demo.example", "We offered the survey in protected time during shifts and "
       "said clearly that it was anonymous and who would see the results.")]),
    ("Workplace culture", "grace@demo.example", "The role of leaders in tackling workplace "
     "inequality",
     "At the last meeting we talked about leaders *modelling* the culture they want. Has "
     "anyone run sessions for senior managers that actually changed behaviour? What worked?",
     [("fiona@demo.example", "Short scenario-based sessions worked far better for us than "
       "slides. We used real (anonymised) examples from our own staff survey.")]),
    ("Anti-racist practice", "tom@demo.example",
     "Embedding an anti-racist approach in gender equality work",
     "We want to make sure our gender equality action plan does not only work for white "
     "women. Which data have you found most useful for seeing the experiences of Black and "
     "minority ethnic women in your workforce?",
     []),
    ("The accreditation journey", "eilidh@demo.example",
     "What evidence did you submit for the flexible working standard?",
     "We are working towards accreditation and gathering evidence. For those already "
     "accredited: what did you submit to show flexible working is available at all levels, "
     "not only in junior roles?",
     [("fiona@demo.example", "| Evidence | Source |\n| --- | --- |\n"
       "| Flexible working requests by grade | HR system |\n"
       "| Adverts stating flexible options | Recruitment team |\n"
       "| Case studies from senior staff | Staff network |")]),
]


def load_demo() -> list[tuple[str, str]]:
    """Add the demo data that is missing; returns the demo logins as (email, role)."""
    organisations = {o.name: o for o in db.session.scalars(db.select(Organisation))}
    for name, sector, accreditation in ORGANISATIONS:
        if name not in organisations:
            organisations[name] = Organisation(name=name, sector=sector,
                                               accreditation=accreditation)
            db.session.add(organisations[name])

    users = {u.email: u for u in db.session.scalars(db.select(User))}
    for email, name, role, organisation in DEMO_USERS:
        if email not in users:
            user = User(email=email, display_name=name, role=role, status="active",
                        organisation=organisations[organisation], job_role=JOB_ROLES[role],
                        join_reason="Demo account", consented_at=utcnow(),
                        bio=f"{JOB_ROLES[role]} at {organisation}.")
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            users[email] = user

    categories = {c.name: c for c in db.session.scalars(db.select(Category))}
    for position, (name, description) in enumerate(CATEGORIES):
        if name not in categories:
            categories[name] = Category(name=name, description=description, position=position)
            db.session.add(categories[name])
    db.session.commit()

    titles = set(db.session.scalars(db.select(Thread.title)))
    for category, author, title, body, replies in THREADS:
        if title not in titles:
            _demo_thread(categories[category], users, author, title, body, replies)
    from .qa.demo import load_qa_demo
    load_qa_demo()
    from .resources.demo import load_resource_demo
    load_resource_demo()
    from .collections.demo import seed_collections
    seed_collections()
    from .moderation.demo import load_moderation_demo
    load_moderation_demo()
    return [(email, role) for email, _, role, _ in DEMO_USERS]


def _demo_thread(category, users, author, title, body, replies) -> None:
    thread = discussions.start_thread(users[author], category, title=title, body=body)
    for email, text in replies:
        if text is None:  # a reply quoting the previous post
            previous = db.session.scalar(db.select(Post).where(
                Post.thread_id == thread.id, Post.number == thread.post_count))
            text = (quote_markdown(previous.body_source, previous.author.display_name)
                    + "\nThis is really helpful, thank you. We are starting with lone "
                      "workers too.")
        discussions.reply(users[email], thread, body=text)
    # Spread demo activity over the past weeks so lists look lived-in.
    age = timedelta(days=len(title) % 20, hours=len(body) % 24)
    thread.created_at -= age
    thread.last_post_at -= age / 2
    db.session.commit()
