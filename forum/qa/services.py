"""Q&A rules: asking, answering, helpful votes, accepting, comments, tags, lists, similar titles.

Use cases commit once (`@use_case`); asking and answering compose the discussions'
building blocks (`open_thread`, `add_reply`) inside that one transaction. Rule breaches a
member can cause (a removed post, their own post, a duplicate) raise `DomainError` with a
message meant for them; authority is checked with `require`, as everywhere else.
"""
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import events
from ..accounts.models import User
from ..database import utcnow
from ..discussions import services as discussions
from ..discussions.models import Category, Post, Thread, thread_tag
from ..extensions import db
from ..permissions import Action, can, is_staff, listed, require
from ..rendering import linkify_plain_text
from ..search.services import similar_keys
from ..tags.models import Tag
from ..tags.services import parse_tags
from ..transactions import use_case
from ..validation import DomainError
from .models import COMMENT_MAX_LENGTH, Comment, HelpfulVote

QUESTION, DISCUSSION = "question", "discussion"
KINDS = {QUESTION: "Question", DISCUSSION: "Discussion"}
# A second identical submission within this window is treated as a double submit.
DUPLICATE_WINDOW = timedelta(minutes=10)
SIMILAR_LIMIT = 5


class DuplicateSubmission(DomainError):
    """The same thing was just submitted by the same person; `existing` is what they made."""

    def __init__(self, message: str, existing):
        super().__init__(message)
        self.existing = existing


# -- asking and answering ---------------------------------------------------------------

@use_case
def ask(author, category: Category, *, title: str, body: str, tags="",
        anonymous: bool = False) -> Thread:
    """Post a question. Asking the same title twice within minutes returns the first one."""
    require(author, Action.START_THREAD, category)
    parse_tags(tags)  # report bad tags before anything is written
    recent = db.session.scalar(
        select(Thread).where(Thread.author_id == author.id, Thread.kind == QUESTION,
                             Thread.title == title, Thread.deleted_at.is_(None),
                             Thread.created_at >= utcnow() - DUPLICATE_WINDOW))
    if recent is not None:
        raise DuplicateSubmission("You have just asked this question.", recent)
    return discussions.open_thread(author, category, title=title, body=body, kind=QUESTION,
                                   anonymous=anonymous, tags=tags)


@use_case
def answer(author, question: Thread, *, body: str, attachments=None) -> Post:
    """Add an answer to `question`. Posting the same answer twice returns the first one."""
    if not question.is_question:
        raise DomainError("This thread is a discussion, not a question.", field="body")
    require(author, Action.REPLY, question)
    body = (body or "").strip()
    if not body:
        raise DomainError("Enter your answer.", field="body")
    latest = db.session.scalar(
        select(Post).where(Post.thread_id == question.id, Post.author_id == author.id,
                           Post.number > 1, Post.deleted_at.is_(None))
        .order_by(Post.number.desc()).limit(1))
    if latest is not None and latest.body_source == body:
        raise DuplicateSubmission("You have already posted this answer.", latest)
    return discussions.add_reply(author, question, body=body, attachments=attachments)


# -- helpful votes ----------------------------------------------------------------------

def _check_votable(user, post: Post) -> None:
    if post.is_deleted or post.thread.is_deleted:
        raise DomainError("This post has been removed, so it can no longer be marked helpful.")
    if not post.thread.is_question:
        raise DomainError("Only questions and answers can be marked helpful.")
    if post.author_id is not None and post.author_id == getattr(user, "id", None):
        raise DomainError("You cannot mark your own post as helpful.")


def has_voted(user, post: Post) -> bool:
    """Has `user` marked `post` helpful?"""
    return db.session.scalar(select(HelpfulVote.id).where(
        HelpfulVote.post_id == post.id, HelpfulVote.user_id == user.id)) is not None


@use_case
def vote(user, post: Post) -> Post:
    """Mark `post` helpful for `user` (once: a repeat is a no-op)."""
    require(user, Action.VIEW, post)
    _check_votable(user, post)
    require(user, Action.VOTE, post)
    if has_voted(user, post):
        return post
    try:
        with db.session.begin_nested():  # a savepoint: a duplicate undoes only itself
            db.session.add(HelpfulVote(post_id=post.id, user_id=user.id))
            db.session.flush()
    except IntegrityError:  # the same member voting twice at once: the first vote stands
        return post
    post.helpful_count = Post.helpful_count + 1  # in SQL, so concurrent votes add up
    db.session.flush()
    db.session.refresh(post)
    events.vote_changed.send(post, actor=user, helpful=True)
    return post


@use_case
def withdraw_vote(user, post: Post) -> Post:
    """Take back `user`'s helpful vote on `post` (a no-op if there is none)."""
    require(user, Action.VIEW, post)
    if post.is_deleted:
        raise DomainError("This post has been removed, so its votes can no longer change.")
    deleted = db.session.execute(HelpfulVote.__table__.delete().where(
        HelpfulVote.post_id == post.id, HelpfulVote.user_id == user.id)).rowcount
    if deleted:
        post.helpful_count = Post.helpful_count - deleted
        db.session.flush()
        events.vote_changed.send(post, actor=user, helpful=False)
    db.session.refresh(post)
    return post


# -- accepting --------------------------------------------------------------------------

@use_case
def accept_answer(user, answer_post: Post) -> Post:
    """Mark `answer_post` as the accepted answer of its question (replacing any earlier one)."""
    require(user, Action.VIEW, answer_post)
    question = answer_post.thread
    if not question.is_question or answer_post.number == 1:
        raise DomainError("Only an answer to a question can be accepted.")
    if answer_post.is_deleted:
        raise DomainError("This answer has been removed, so it cannot be accepted.")
    require(user, Action.ACCEPT_ANSWER, answer_post)
    question.accepted_post_id = answer_post.id
    events.answer_accepted.send(answer_post, actor=user)
    return answer_post


@use_case
def withdraw_acceptance(user, question: Thread) -> Thread:
    """Un-accept the accepted answer of `question` (a no-op if none is accepted)."""
    require(user, Action.VIEW, question)
    if question.accepted_post_id is None:
        return question
    accepted = db.session.get(Post, question.accepted_post_id)
    require(user, Action.ACCEPT_ANSWER, accepted)
    question.accepted_post_id = None
    events.acceptance_withdrawn.send(question, actor=user)
    return question


# -- comments ---------------------------------------------------------------------------

def render_comment(text: str) -> str:
    """Plain text to HTML: everything escaped, http(s) URLs made into nofollow links."""
    return linkify_plain_text(text)


@use_case
def add_comment(author, post: Post, *, body: str) -> Comment:
    """Add a short comment under a question or answer."""
    require(author, Action.VIEW, post)
    body = " ".join((body or "").split())  # one paragraph: comments are short asides
    if not body:
        raise DomainError("Enter your comment.", field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise DomainError(f"Comments must be {COMMENT_MAX_LENGTH} characters or fewer "
                          f"(yours has {len(body)}).", field="body")
    if post.is_deleted:
        raise DomainError("This post has been removed, so it can no longer be commented on.",
                          field="body")
    require(author, Action.COMMENT, post)
    duplicate = db.session.scalar(select(Comment).where(
        Comment.post_id == post.id, Comment.author_id == author.id, Comment.body == body,
        Comment.deleted_at.is_(None), Comment.created_at >= utcnow() - DUPLICATE_WINDOW))
    if duplicate is not None:
        raise DuplicateSubmission("You have already posted this comment.", duplicate)
    comment = Comment(post=post, author=author, body=body, body_html=render_comment(body))
    db.session.add(comment)
    db.session.flush()
    events.comment_added.send(comment, actor=author)
    return comment


@use_case
def delete_comment(actor, comment: Comment) -> Comment:
    """Remove a comment (its author or a moderator)."""
    require(actor, Action.DELETE_COMMENT, comment)
    comment.deleted_at = utcnow()
    comment.deleted_by_id = actor.id
    events.comment_deleted.send(comment, actor=actor)
    return comment


# -- moderation -------------------------------------------------------------------------

@use_case
def convert_thread(moderator, thread: Thread, kind: str) -> Thread:
    """Turn a discussion into a question or back. A discussion has no accepted answer."""
    require(moderator, Action.CONVERT_THREAD, thread)
    if kind not in KINDS:
        raise DomainError("Choose question or discussion.")
    if thread.kind == kind:
        raise DomainError(f"This thread is already a {kind}.")
    thread.kind = kind
    if kind == DISCUSSION:
        thread.accepted_post_id = None
    events.thread_converted.send(thread, actor=moderator, kind=kind)
    return thread


# -- reading: the question page ---------------------------------------------------------

@dataclass
class QuestionPage:
    question_post: Post | None
    answers: list[Post]
    comments: dict[int, list[Comment]]
    voted: set[int]
    answer_count: int


def question_page(question: Thread, viewer) -> QuestionPage:
    """Everything the question page shows, in a fixed number of queries.

    Answers: the accepted one first, then most helpful, then oldest. Removed answers are
    shown (as removed) only to moderators.
    """
    staff = is_staff(viewer)
    accepted_first = case((Post.id == question.accepted_post_id, 0), else_=1) \
        if question.accepted_post_id else None
    order = [case((Post.number == 1, 0), else_=1)]  # the question itself comes first
    if accepted_first is not None:
        order.append(accepted_first)
    order += [Post.deleted_at.is_not(None), Post.helpful_count.desc(), Post.created_at,
              Post.number]
    query = (select(Post).where(Post.thread_id == question.id)
             .options(joinedload(Post.author).joinedload(User.organisation))
             .order_by(*order))
    if not staff:
        query = query.where(or_(Post.deleted_at.is_(None), Post.number == 1))
    posts = list(db.session.scalars(query).unique())
    question_post = posts[0] if posts and posts[0].number == 1 else None
    answers = [post for post in posts if post.number > 1]

    comments: dict[int, list[Comment]] = {}
    comment_query = (select(Comment).join(Post, Post.id == Comment.post_id)
                     .where(Post.thread_id == question.id, listed(viewer, Comment))
                     .options(joinedload(Comment.author))
                     .order_by(Comment.created_at, Comment.id))
    for comment in db.session.scalars(comment_query):
        comments.setdefault(comment.post_id, []).append(comment)

    voted: set[int] = set()
    if getattr(viewer, "is_authenticated", False):
        voted = set(db.session.scalars(
            select(HelpfulVote.post_id).join(Post, Post.id == HelpfulVote.post_id)
            .where(Post.thread_id == question.id, HelpfulVote.user_id == viewer.id)))
    live = sum(1 for post in answers if not post.is_deleted)
    return QuestionPage(question_post, answers, comments, voted, live)


# -- reading: lists ---------------------------------------------------------------------

SHOW = {
    "all": "All questions",
    "unanswered": "Unanswered",
    "unaccepted": "No accepted answer",
    "mine": "Asked by me",
    "answered-by-me": "Answered by me",
}
SORT = {"newest": "Newest", "activity": "Latest activity", "helpful": "Most helpful"}


def _answer_count():
    answer = Post.__table__.alias("answer")
    return (select(func.count(answer.c.id))
            .where(answer.c.thread_id == Thread.id, answer.c.number > 1,
                   answer.c.deleted_at.is_(None))
            .correlate(Thread).scalar_subquery())


@dataclass
class QuestionRow:
    thread: Thread
    answer_count: int
    helpful_count: int


def question_list(viewer, *, show="all", sort="activity", category_id=None, tag=None,
                  page=1, per_page=25) -> tuple[list[QuestionRow], int, int]:
    """Questions for a list page: (rows, total, pages). Costs three queries at any length."""
    opening = Post.__table__.alias("opening")
    conditions = [Thread.kind == QUESTION, listed(viewer, Thread)]
    if category_id:
        conditions.append(Thread.category_id == category_id)
    if tag is not None:
        conditions.append(exists().where(thread_tag.c.thread_id == Thread.id,
                                         thread_tag.c.tag_id == tag.id))
    live_answer = exists().where(Post.thread_id == Thread.id, Post.number > 1,
                                 Post.deleted_at.is_(None))
    if show == "unanswered":
        conditions.append(~live_answer)
    elif show == "unaccepted":
        conditions.append(Thread.accepted_post_id.is_(None))
    elif show == "mine":
        conditions.append(Thread.author_id == viewer.id)
    elif show == "answered-by-me":
        conditions.append(exists().where(Post.thread_id == Thread.id, Post.number > 1,
                                         Post.author_id == viewer.id, Post.deleted_at.is_(None)))
    total = db.session.scalar(select(func.count(Thread.id)).where(*conditions))
    pages = max(1, -(-total // per_page))
    order = {
        "newest": [Thread.created_at.desc(), Thread.id.desc()],
        "helpful": [opening.c.helpful_count.desc(), Thread.last_post_at.desc(), Thread.id.desc()],
    }.get(sort, [Thread.last_post_at.desc(), Thread.id.desc()])
    answers = _answer_count()
    query = (select(Thread, answers, opening.c.helpful_count)
             .outerjoin(opening, and_(opening.c.thread_id == Thread.id, opening.c.number == 1))
             .where(*conditions)
             .options(joinedload(Thread.author), joinedload(Thread.last_post_author),
                      joinedload(Thread.category), selectinload(Thread.tags))
             .order_by(*order).limit(per_page).offset((page - 1) * per_page))
    rows = [QuestionRow(thread, n or 0, helpful or 0)
            for thread, n, helpful in db.session.execute(query).unique()]
    return rows, total, pages


def tagged_threads(viewer, tag: Tag, *, page=1, per_page=25) -> tuple[list[QuestionRow], int, int]:
    """Questions and discussions carrying `tag`, latest activity first."""
    conditions = [listed(viewer, Thread),
                  exists().where(thread_tag.c.thread_id == Thread.id,
                                 thread_tag.c.tag_id == tag.id)]
    total = db.session.scalar(select(func.count(Thread.id)).where(*conditions))
    pages = max(1, -(-total // per_page))
    query = (select(Thread, _answer_count()).where(*conditions)
             .options(joinedload(Thread.author), joinedload(Thread.last_post_author),
                      joinedload(Thread.category), selectinload(Thread.tags))
             .order_by(Thread.last_post_at.desc(), Thread.id.desc())
             .limit(per_page).offset((page - 1) * per_page))
    rows = [QuestionRow(thread, n or 0, 0) for thread, n in db.session.execute(query).unique()]
    return rows, total, pages


# -- similar questions ------------------------------------------------------------------

_STOP_WORDS = frozenset("""
a an and are as at be but by can could did do does for from had has have how i if in
into is it its me my no not of on or our should so that the their them there these they
this to was we were what when where which who why will with would you your any anyone
anybody else other others has been get got use used using us
""".split())
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _stem(word: str) -> str:
    """A crude stem, so "policies" finds "policy" and "wording" finds "word" (substring match)."""
    for suffix, keep in (("ies", 4), ("ing", 4), ("ed", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            return word[:-len(suffix)]
    return word


def _keywords(title: str) -> list[str]:
    words = []
    for word in _WORD.findall((title or "").lower()):
        if len(word) >= 3 and word not in _STOP_WORDS and _stem(word) not in words:
            words.append(_stem(word))
    return words[:8]


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def similar_questions(viewer, title: str, *, exclude_id: int | None = None,
                      limit: int = SIMILAR_LIMIT) -> list[QuestionRow]:
    """Up to `limit` questions like `title`: from the search index (stemmed, ranked, the
    opening post's text counts too), topped up by a title-word match in the database when
    the index has fewer or cannot answer."""
    words = _keywords(title)
    if not words:
        return []
    significant = [w for w in _WORD.findall(title.lower()) if len(w) >= 3 and w not in _STOP_WORDS]
    keys = similar_keys(" ".join(significant[:12]), ("question",), limit + 1)
    ids = [int(key.split(":")[1]) for key in keys or [] if key.startswith("thread:")]
    ids = [id_ for id_ in ids if id_ != exclude_id][:limit]
    rows = []
    if ids:
        found = {thread.id: QuestionRow(thread, n or 0, 0) for thread, n in db.session.execute(
            select(Thread, _answer_count()).where(Thread.id.in_(ids), Thread.kind == QUESTION,
                                                  listed(viewer, Thread)))}
        rows = [found[id_] for id_ in ids if id_ in found]
    if len(rows) < limit:
        seen = {row.thread.id for row in rows} | ({exclude_id} if exclude_id else set())
        rows += [row for row in _similar_by_title(viewer, words, limit + len(seen))
                 if row.thread.id not in seen][:limit - len(rows)]
    return rows


def _similar_by_title(viewer, words: list[str], limit: int) -> list[QuestionRow]:
    """Questions whose titles share the most of `words` (one query): each word found in a
    title scores a point."""
    lowered = func.lower(Thread.title)
    score = sum((case((lowered.like(_like_pattern(word), escape="\\"), 1), else_=0)
                 for word in words), start=0)
    needed = max(1, (len(words) + 1) // 3)  # longer titles must share more words
    query = (select(Thread, _answer_count())
             .where(Thread.kind == QUESTION, listed(viewer, Thread), score >= needed)
             .order_by(score.desc(), Thread.accepted_post_id.is_(None), Thread.last_post_at.desc())
             .limit(limit))
    return [QuestionRow(thread, n or 0, 0) for thread, n in db.session.execute(query)]


def visible_categories(user) -> list[Category]:
    """The categories `user` may start a question in."""
    return [c for c in discussions.list_categories() if can(user, Action.START_THREAD, c)]
