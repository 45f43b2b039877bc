"""Reshaping threads: merging one into another, and splitting replies off into a new one.

Every post is kept exactly once, in time order, and renumbered 1..n in its thread (post
numbers drive paging). Renumbering goes through negative numbers first, so the unique
(thread, number) constraint holds after every statement. Thread and category counts and
"latest post" are recomputed from the posts (what a moderator hid is counted nowhere), and
a thread is hidden exactly when its opening post is. An anonymous asker's posts never move
to a thread where they would be named.
"""
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import events
from ..accounts.models import User
from ..database import utcnow
from ..discussions import services as discussions
from ..discussions.models import Category, Post, Thread
from ..extensions import db
from ..permissions import Action, require
from ..transactions import use_case
from ..validation import DomainError

SPLIT_PER_PAGE = 50  # replies offered on one page of the split form


def split_per_page() -> int:
    """How many replies one page of the split form offers (SPLIT_PER_PAGE, or the app's
    SPLIT_PER_PAGE setting)."""
    return current_app.config.get("SPLIT_PER_PAGE", SPLIT_PER_PAGE)


def split_page_count(thread: Thread) -> int:
    """How many pages of replies the split form of `thread` has."""
    return max(1, -(-thread.reply_count // split_per_page()))


def split_page(thread: Thread, page: int) -> list[Post]:
    """The replies of `thread` on `page` of the split form, in order, with their authors
    and organisations (one query, plus the attachments the model loads with posts)."""
    per_page = split_per_page()
    first = (page - 1) * per_page + 2  # post 1 is the opening post: it stays
    return list(db.session.scalars(
        select(Post).where(Post.thread_id == thread.id,
                           Post.number.between(first, first + per_page - 1))
        .options(joinedload(Post.author).joinedload(User.organisation))
        .order_by(Post.number)).unique())


def _in_time_order(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda post: (post.created_at, post.id))


def _renumber(threads_posts: list[tuple[Thread, list[Post]]]) -> None:
    """Give each thread its posts, numbered 1..n in the order given."""
    everything = [post for _, posts in threads_posts for post in posts]
    for index, post in enumerate(everything, start=1):
        post.number = -index
    db.session.flush()
    for thread, posts in threads_posts:
        for number, post in enumerate(posts, start=1):
            post.thread, post.number = thread, number
        db.session.flush()
        thread.post_count = len(posts)
        if posts:
            thread.hidden_at = posts[0].hidden_at  # the opening post stands for the thread
            discussions.refresh_latest_post(thread)


def _posts_of(thread: Thread) -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.thread_id == thread.id)))


def _conceals(thread: Thread, posts: list[Post]) -> bool:
    """Would moving `posts` out of `thread` name its anonymous asker?"""
    concealed = thread.concealed_author_id
    return concealed is not None and any(post.author_id == concealed for post in posts)


@use_case
def merge_threads(moderator, source: Thread, target: Thread, reason: str) -> Thread:
    """Move every post of `source` into `target` (in time order with target's own) and
    remove `source`, whose address then redirects to `target`."""
    require(moderator, Action.MODERATE_THREAD, source)
    require(moderator, Action.MODERATE_THREAD, target)
    if source.id == target.id:
        raise DomainError("Choose a different thread to merge into.", field="target")
    if source.is_deleted or target.is_deleted:
        raise DomainError("Removed threads cannot be merged.", field="target")
    moved = _posts_of(source)
    if _conceals(source, moved):
        raise DomainError("This is an anonymous question: merging would show who asked it.",
                          field="target")
    merged = _in_time_order(_posts_of(target) + moved)
    if source.accepted_post_id is not None:
        source.accepted_post_id = None  # the target's own choice stands
    _renumber([(target, merged), (source, [])])
    source.deleted_at, source.deleted_by_id = utcnow(), moderator.id
    source.merged_into_id = target.id
    discussions.recount_categories(source.category, target.category)
    events.thread_merged.send(target, actor=moderator, reason=reason.strip(), source=source)
    return target


@use_case
def split_thread(moderator, source: Thread, post_ids: list[int], *, title: str,
                 category: Category, reason: str) -> Thread:
    """Move the chosen replies of `source` into a new discussion titled `title`; the first
    of them (in time) becomes its opening post."""
    require(moderator, Action.MODERATE_THREAD, source)
    posts = _posts_of(source)
    chosen = [post for post in posts if post.id in set(post_ids)]
    if not chosen:
        raise DomainError("Choose at least one reply to split off.", field="posts")
    if any(post.number == 1 for post in chosen):
        raise DomainError("The opening post stays: choose replies only.", field="posts")
    if _conceals(source, chosen):
        raise DomainError("Some of these are the anonymous asker's own posts: moving them "
                          "would show who asked.", field="posts")
    chosen, staying = _in_time_order(chosen), _in_time_order(
        [post for post in posts if post not in chosen])
    first = chosen[0]
    new = Thread(category=category, author_id=first.author_id, title=title.strip(),
                 created_at=first.created_at, last_post_at=first.created_at, post_count=0)
    db.session.add(new)
    db.session.flush()
    if source.accepted_post_id in {post.id for post in chosen}:
        source.accepted_post_id = None
    _renumber([(source, staying), (new, chosen)])
    discussions.recount_categories(source.category, category)
    events.thread_split.send(new, actor=moderator, reason=reason.strip(), source=source,
                             moved=len(chosen))
    return new
