"""Demo questions for `forum demo`: answers, helpful votes, accepted answers, comments, tags.

Called from forum.demo.load_demo after the demo members and categories exist. Idempotent:
a question is added only if no thread has its title yet. Each question is asked on its day
of the demo's Timeline; answers follow it by hours or days, helpful votes follow what they
mark, the asker accepts an answer after the answers are in, and comments follow their post.
"""
from ..accounts.models import User
from ..demo_clock import Timeline, at
from ..discussions.models import Category, Post, Thread
from ..extensions import db
from . import services

# day of the demo's Timeline it was asked, category, asker, title, body, tags, anonymous,
# answers as (author, body, voters), index of the accepted answer or None,
# comments as (answer index or None for the question, author, text)
QUESTIONS = [
    (62, "Workplace culture", "fiona@demo.example",
     "How did you word your menopause policy?",
     "We are drafting a menopause policy and want it to feel supportive rather than "
     "procedural. How did you word the sections on **reasonable adjustments** and on "
     "talking to a line manager? Did you involve staff in drafting it?",
     "menopause, policy", False,
     [("raj@demo.example",
       "We wrote it with our women's staff network. The key change was replacing "
       "\"employees must inform their manager\" with \"you can talk to your manager, HR or "
       "occupational health, whoever you feel most comfortable with\".",
       ["grace@demo.example", "eilidh@demo.example", "tom@demo.example"]),
      ("eilidh@demo.example",
       "Ours lists example adjustments (desk fans, flexible start times, uniform changes) "
       "so managers do not have to guess. Happy to share the document.",
       ["grace@demo.example"])],
     0,
     [(None, "eilidh@demo.example", "Did you also train line managers before launch?"),
      (0, "fiona@demo.example", "This wording is exactly what we needed, thank you. "
                                "Our draft is at https://example.org/menopause-draft")]),
    (118, "Data and reporting", "grace@demo.example",
     "How do you get good response rates on a VAW staff survey?",
     "We are a small organisation and our last survey on violence against women had very "
     "few responses. What helped you get more people to take part, especially people who "
     "might be affected themselves?",
     "staff survey, data", False,
     [("tom@demo.example",
       "Say clearly who will see the results and that nothing is traced back to anyone. "
       "We also kept it to ten minutes.",
       ["fiona@demo.example", "raj@demo.example"]),
      ("raj@demo.example",
       "Protected time during shifts made the biggest difference for us.",
       ["fiona@demo.example", "grace@demo.example", "eilidh@demo.example"])],
     1, []),
    (176, "Sexual harassment and employment law", "eilidh@demo.example",
     "What should a reasonable steps risk assessment cover?",
     "For the preventative duty, what did your sexual harassment risk assessment cover? "
     "We are unsure how far to go on third-party harassment.",
     "preventative duty, risk assessment", False,
     [("fiona@demo.example",
       "We covered lone working, late shifts, events with alcohol and contact with the "
       "public, and recorded the actions against each risk.",
       ["raj@demo.example"])],
     None,
     [(None, "moderator@demo.example", "There is a good section on this in the "
                                       "accreditation handbook too.")]),
    (231, "Workplace culture", "tom@demo.example",
     "How do you support a colleague who discloses domestic abuse?",
     "A colleague has told me they are experiencing domestic abuse at home. What "
     "practical support have other employers offered, such as paid leave or changes to "
     "working patterns?",
     "domestic abuse, support", True,
     [("grace@demo.example",
       "Paid safe leave, a change of work location, diverting phone calls and agreeing a "
       "code word with a trusted colleague have all helped people we support.",
       ["fiona@demo.example", "raj@demo.example"])],
     0, []),
    (283, "The accreditation journey", "raj@demo.example",
     "Which evidence took longest to gather for accreditation?",
     "We are starting to collect evidence for Equally Safe at Work. Which part took you "
     "longest, so we can start on it early?",
     "accreditation", False, [], None, []),
]


def load_qa_demo(timeline: Timeline | None = None) -> None:
    """Add the demo questions that are missing, dated on `timeline`."""
    timeline = timeline or Timeline()
    users = {u.email: u for u in db.session.scalars(db.select(User))}
    categories = {c.name: c for c in db.session.scalars(db.select(Category))}
    titles = set(db.session.scalars(db.select(Thread.title)))
    for position, (day, category, asker, title, body, tags, anonymous, answers, accepted,
                   comments) in enumerate(QUESTIONS):
        if title in titles or category not in categories:
            continue
        asked = timeline.day(day, 9 + 2 * position, 15 * position)
        with at(asked):
            question = services.ask(users[asker], categories[category], title=title,
                                    body=body, tags=tags, anonymous=anonymous)
        posts = []
        for number, (author, text, voters) in enumerate(answers):
            with at(timeline.after(asked, hours=5 + 29 * number + 3 * position)):
                post = services.answer(users[author], question, body=text)
            posts.append(post)
            for order, voter in enumerate(voters):
                with at(timeline.after(post.created_at, hours=2 + 7 * order)):
                    services.vote(users[voter], post)
        for order, voter in enumerate(("tom@demo.example", "eilidh@demo.example")
                                      [:position % 3]):
            if voter != asker:  # some questions are themselves marked helpful
                with at(timeline.after(asked, hours=1 + 9 * order)):
                    services.vote(users[voter], _opening_post(question))
        if accepted is not None:
            with at(timeline.after(posts[-1].created_at, days=1, hours=6)):
                services.accept_answer(users[asker], posts[accepted])
        for order, (index, author, text) in enumerate(comments):
            target = _opening_post(question) if index is None else posts[index]
            with at(timeline.after(target.created_at, hours=4 + 6 * order)):
                services.add_comment(users[author], target, body=text)
        db.session.commit()


def _opening_post(question) -> Post:
    return db.session.scalar(db.select(Post).where(Post.thread_id == question.id,
                                                   Post.number == 1))
