"""Moderation use cases: reports from members, resolving them, hiding posts.

Each is one transaction that announces a change event; the audit log (audit.py) is a
listener on those events, so an action and its entry commit together or not at all.
"""
from flask import abort
from sqlalchemy import func, select

from .. import events
from ..conversations import services as conversations
from ..conversations.models import Conversation, ConversationMessage
from ..database import utcnow
from ..discussions import services as discussions
from ..discussions.models import Category, Post, Thread
from ..extensions import db
from ..permissions import Action, can, require
from ..qa.models import Comment
from ..resources.models import Resource
from ..transactions import use_case
from ..validation import DomainError
from .models import OPEN, RESOLVED, Report

TARGET_MODELS = {"post": Post, "comment": Comment, "resource": Resource,
                 "message": ConversationMessage}
REPORTS_PER_PAGE = 25


def load_target(target_type: str, target_id: int):
    """The reported object, or None (unknown type or id)."""
    model = TARGET_MODELS.get(target_type)
    return db.session.get(model, target_id) if model is not None else None


def target_type_of(obj) -> str:
    """The report target type of `obj` ("post", "comment", "resource", "message")."""
    for name, model in TARGET_MODELS.items():
        if isinstance(obj, model):
            return name
    raise ValueError(f"{type(obj).__name__} cannot be reported")


@use_case
def file_report(member, target, reason: str) -> Report:
    """A member reports something they can see and did not write. One open report per
    member and item: a second one is refused with a message, never stored twice."""
    require(member, Action.REPORT, target)
    target_type = target_type_of(target)
    existing = db.session.scalar(select(Report.id).where(
        Report.reporter_id == member.id, Report.target_type == target_type,
        Report.target_id == target.id, Report.status == OPEN).limit(1))
    if existing is not None:
        raise DomainError("You have already reported this. The moderators will look at it.")
    report = Report(reporter_id=member.id, target_type=target_type, target_id=target.id,
                    reason=reason.strip())
    db.session.add(report)
    db.session.flush()
    events.report_filed.send(report, actor=member)
    return report


def _set_hidden(moderator, post: Post, reason: str, hidden: bool) -> None:
    require(moderator, Action.HIDE_POST, post)
    if post.is_hidden == hidden:
        raise DomainError("This post is already hidden." if hidden
                          else "This post is not hidden.")
    now = utcnow() if hidden else None
    post.hidden_at, post.hidden_by_id = now, moderator.id if hidden else None
    post.hidden_reason = reason.strip() if hidden else ""
    if post.number == 1:  # the opening post stands for the whole thread
        post.thread.hidden_at = now
    # Hidden content is in no count or "latest post" members see.
    discussions.refresh_latest_post(post.thread)
    discussions.recount_categories(post.thread.category)
    (events.post_hidden if hidden else events.post_unhidden).send(
        post, actor=moderator, reason=reason.strip())


@use_case
def hide_post(moderator, post: Post, reason: str) -> Post:
    """Hide a post (an opening post hides its thread) with a reason shown to its author."""
    _set_hidden(moderator, post, reason, True)
    return post


@use_case
def unhide_post(moderator, post: Post, reason: str) -> Post:
    """Show a hidden post (and its thread) again."""
    _set_hidden(moderator, post, reason, False)
    return post


@use_case
def resolve_report(moderator, report: Report, note: str, *, hide: bool = False) -> Report:
    """Close a report with a note, hiding the reported post in the same transaction if
    asked (the note is the reason the author sees). Every open report of the same item
    is closed with it: the item has been dealt with."""
    require(moderator, Action.REVIEW_REPORTS)
    if not report.is_open:
        raise DomainError("This report has already been resolved.")
    target = load_target(report.target_type, report.target_id)
    if hide:
        if not isinstance(target, Post):
            raise DomainError("Only posts can be hidden: remove comments and resources instead.")
        if not target.is_hidden:
            _set_hidden(moderator, target, note, True)
    same_item = db.session.scalars(select(Report).where(
        Report.target_type == report.target_type, Report.target_id == report.target_id,
        Report.status == OPEN))
    for open_report in same_item:
        open_report.status, open_report.resolved_at = RESOLVED, utcnow()
        open_report.resolved_by_id, open_report.resolution_note = moderator.id, note.strip()
        events.report_resolved.send(open_report, actor=moderator, reason=note.strip())
    return report


@use_case
def read_reported_conversation(moderator, report: Report) -> Conversation:
    """The conversation a reported message is in, for a moderator, through that open
    report only. Each reading is announced (`conversation.read_by_moderator`), so the
    audit log records who read which conversation, when, and through which report."""
    if not can(moderator, Action.READ_REPORTED_CONVERSATION, report):
        abort(404)  # the conversation stays private: as if it did not exist
    message = load_target(report.target_type, report.target_id)
    if message is None:
        raise DomainError("The reported message no longer exists.")
    conversation = conversations.conversation_page(message.conversation_id)
    events.conversation_read_by_moderator.send(conversation, actor=moderator, report=report,
                                               reason=report.reason)
    return conversation


@use_case
def move_thread(moderator, thread: Thread, category: Category, reason: str) -> Thread:
    """Move a thread (and its posts) to another category, keeping both categories' counts
    right; its page keeps its address."""
    require(moderator, Action.MODERATE_THREAD, thread)
    if category.id == thread.category_id:
        raise DomainError("The thread is already in that category.", field="category")
    old = thread.category
    thread.category = category
    discussions.recount_categories(old, category)
    events.thread_moved.send(thread, actor=moderator, reason=reason.strip(),
                             old_category=old.name)
    return thread


def open_report_count() -> int:
    """How many reports wait (for the moderators' menu)."""
    return db.session.scalar(select(func.count()).where(Report.status == OPEN))


def report_queue(status: str, page: int) -> tuple[list[Report], int]:
    """(a page of reports, oldest open first or newest resolved first; pages)."""
    status = RESOLVED if status == RESOLVED else OPEN
    query = select(Report).where(Report.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // REPORTS_PER_PAGE))
    page = min(max(page, 1), pages)
    order = Report.created_at.asc() if status == OPEN else Report.resolved_at.desc()
    reports = list(db.session.scalars(query.order_by(order, Report.id)
                                      .offset((page - 1) * REPORTS_PER_PAGE)
                                      .limit(REPORTS_PER_PAGE)))
    return reports, pages


def targets_of(reports: list[Report]) -> dict[tuple[str, int], object]:
    """The reported objects of `reports`, one query per kind."""
    wanted = {}
    for report in reports:
        wanted.setdefault(report.target_type, set()).add(report.target_id)
    found = {}
    for target_type, ids in wanted.items():
        model = TARGET_MODELS[target_type]
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(target_type, obj.id)] = obj
    return found


def reports_on(target_type: str, target_id: int) -> list[Report]:
    """Every report of one item, newest first (its history of reports)."""
    return list(db.session.scalars(select(Report).where(
        Report.target_type == target_type, Report.target_id == target_id)
        .order_by(Report.created_at.desc())))
