"""Demo collections for `forum demo`: an official "Start here" (chosen as Start here,
pinned first) and the official "Equally Safe at Work toolkit" of demo resources, built
through the real services. Idempotent: a collection is added only if none has its title.
Called from forum.demo.load_demo, after the demo threads, questions and resources.
"""
from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import User
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


def seed_collections(moderator_email: str = "moderator@demo.example") -> int:
    """Add the demo collections that are missing; returns how many were added."""
    moderator = db.session.scalar(select(User).filter_by(email=moderator_email))
    if moderator is None:
        return 0
    resources = {r.title: r for r in db.session.scalars(
        select(Resource).where(Resource.deleted_at.is_(None)))}
    threads = {t.title: t for t in db.session.scalars(
        select(Thread).where(Thread.deleted_at.is_(None)))}
    for title in OFFICIAL_RESOURCES:
        if title in resources:
            services.set_official(moderator, resources[title], True)
    for title in OFFICIAL_THREADS:
        if title in threads:
            services.set_official(moderator, threads[title], True)
    existing = set(db.session.scalars(select(Collection.title)))
    added = 0
    for age, (title, description, items) in enumerate(COLLECTIONS):
        if title in existing:
            continue
        collection = services.create_collection(moderator, title=title,
                                                description=description, is_official=True)
        for kind, target, note in items:
            if kind == "link":
                services.add_item(moderator, collection, kind=kind, url=target[0],
                                  link_title=target[1], note=note)
            elif target in (resources if kind == "resource" else threads):
                found = (resources if kind == "resource" else threads)[target]
                services.add_item(moderator, collection, kind=kind, reference=str(found.id),
                                  note=note)
        services.set_published(moderator, collection, True)
        services.set_pinned(moderator, collection, True)
        if title == START_HERE:
            services.choose_start_here(moderator, collection)
        _age(collection, timedelta(days=10 - 3 * age))
        added += 1
    return added


def _age(collection: Collection, age: timedelta) -> None:
    """Date the collection and its items a little in the past, as if made last week."""
    collection.created_at -= age
    collection.published_at -= age
    for item in collection.items:
        item.created_at -= age
    db.session.commit()
