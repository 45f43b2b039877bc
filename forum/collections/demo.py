"""Demo collections for `forum demo`: an official "Start here" (chosen as Start here,
pinned first) and the official "Equally Safe at Work toolkit" of demo resources, built
through the real services. Idempotent: a collection is added only if none has its title.
Called from forum.demo.load_demo, after the demo threads, questions and resources. Dated
on the demo's Timeline after what they gather: material is marked official a day after it
appears, a collection is made a few days after the newest of its items, and the new ones
are pinned (and Start here chosen) once the last of them is published.
"""
from sqlalchemy import select

from ..accounts.models import User
from ..demo_clock import Timeline, at
from ..discussions.models import Thread
from ..extensions import db
from ..resources.models import Resource
from . import services
from .models import Collection

START_HERE = "Start here"
TOOLKIT = "Equally Safe at Work toolkit"

# title, description, items as (kind, thread or resource title, or (url, link title), note)
COLLECTIONS = [
    (START_HERE,
     "New to the Community of Practice? Begin with these: how the forum works, the "
     "questions members ask most, and where Close the Gap's own material lives.\n\n"
     "Everything marked **Official · Close the Gap** comes from the Close the Gap team.",
     [("thread", "Welcome to the Community of Practice forum",
       "Read this first: what the forum is for, and how we keep it a safe space."),
      ("thread", "What should a reasonable steps risk assessment cover?",
       "The question members ask most since the preventative duty came in."),
      ("resource", "Close the Gap: research and resources on women's employment",
       "Close the Gap's research on women's employment and the programme itself."),
      ("link", ("https://www.gov.scot/publications/equally-safe-scotlands-strategy-prevent-"
                "eradicate-violence-against-women-girls/",
                "Equally Safe: Scotland's strategy on violence against women and girls"),
       "The national strategy that Equally Safe at Work puts into practice at work.")]),
    (TOOLKIT,
     "Templates, checklists and guidance that members have used on their way to Equally "
     "Safe at Work accreditation. Adapt them to your organisation.",
     [("resource", "Model sexual harassment policy (template)",
       "A full policy with the parts to adapt marked in brackets."),
      ("resource", "Preventative duty: risk assessment checklist",
       "Use it with service managers, team by team."),
      ("resource", "VAW staff survey: question bank",
       "Questions that worked for shift workers too."),
      ("resource", "Supporting employees experiencing domestic abuse: guidance for managers",
       "Close the Gap's guidance for line managers.")]),
]
OFFICIAL_RESOURCES = ["Supporting employees experiencing domestic abuse: guidance for managers",
                      "Close the Gap: research and resources on women's employment"]
OFFICIAL_THREADS = ["Welcome to the Community of Practice forum"]


def seed_collections(moderator_email: str = "moderator@demo.example",
                     timeline: Timeline | None = None) -> int:
    """Add the demo collections that are missing; returns how many were added."""
    timeline = timeline or Timeline()
    moderator = db.session.scalar(select(User).filter_by(email=moderator_email))
    if moderator is None:
        return 0
    resources = {r.title: r for r in db.session.scalars(
        select(Resource).where(Resource.deleted_at.is_(None)))}
    threads = {t.title: t for t in db.session.scalars(
        select(Thread).where(Thread.deleted_at.is_(None)))}
    for title, found in [(t, resources.get(t)) for t in OFFICIAL_RESOURCES] + \
            [(t, threads.get(t)) for t in OFFICIAL_THREADS]:
        if found is not None and not found.is_official:
            with at(timeline.after(found.created_at, days=1, hours=2)):
                services.set_official(moderator, found, True)
    existing = set(db.session.scalars(select(Collection.title)))
    added = []
    for title, description, items in COLLECTIONS:
        if title in existing:
            continue
        targets = [(kind, (resources if kind == "resource" else threads).get(target), target,
                    note) for kind, target, note in items]
        made = timeline.after(_newest(targets, moderator), days=3, hours=2)
        with at(made):
            collection = services.create_collection(moderator, title=title,
                                                    description=description,
                                                    is_official=True)
        for minutes, (kind, found, target, note) in enumerate(targets, start=1):
            with at(timeline.after(made, minutes=4 * minutes)):
                if kind == "link":
                    services.add_item(moderator, collection, kind=kind, url=target[0],
                                      link_title=target[1], note=note)
                elif found is not None:
                    services.add_item(moderator, collection, kind=kind,
                                      reference=str(found.id), note=note)
        with at(timeline.after(made, hours=1)):
            services.set_published(moderator, collection, True)
        added.append(collection)
    if added:
        pinned = timeline.after(max(c.published_at for c in added), hours=1)
        for minutes, collection in enumerate(added):
            with at(timeline.after(pinned, minutes=minutes)):
                services.set_pinned(moderator, collection, True)
                if collection.title == START_HERE:
                    services.choose_start_here(moderator, collection)
    return len(added)


def _newest(targets, moderator):
    """When the newest of the items (for a resource, its latest version) appeared, or the
    moderator's account if that is newer: a collection is made after what it gathers."""
    moments = [moderator.created_at]
    for kind, found, _, _ in targets:
        if found is not None:
            moments.append(found.updated_at if kind == "resource" else found.created_at)
    return max(moments)
