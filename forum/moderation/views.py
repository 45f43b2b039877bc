"""Moderation pages: report an item, the reports queue, hide and show posts, the audit
log. Every page but the report form is for moderators and admins."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..discussions import services as discussions
from ..discussions.models import Category, Post, Thread
from ..extensions import db, limiter
from ..permissions import Action, require
from ..validation import DomainError
from ..web.forms import add_form_error
from ..web.toolkit import QueryArgs, load_or_404, page_number, post_limit
from . import audit, services
from .forms import AuditFilterForm, HideForm, MoveForm, ReportForm, ResolveForm
from .models import OPEN, RESOLVED, Report

bp = Blueprint("moderation", __name__)


def item_url(target) -> str:
    """Where a reportable item is read."""
    target_type = services.target_type_of(target)
    if target_type == "post":
        return url_for("discussions.post", post_id=target.id)
    if target_type == "comment":
        return url_for("discussions.post", post_id=target.post_id) + f"#comment-{target.id}"
    if target_type == "message":  # for its participants: moderators go through the report
        return url_for("conversations.conversation", conversation_id=target.conversation_id,
                       _anchor=f"message-{target.number}")
    return url_for("resources.resource", resource_id=target.id)


def _reportable(target_type: str, target_id: int):
    target = services.load_target(target_type, target_id)
    if target is None:
        abort(404)
    require(current_user, Action.VIEW, target)
    require(current_user, Action.REPORT, target)
    return target


# -- reporting (any member) ---------------------------------------------------------------

@bp.get("/report/<any(post, comment, resource, message):target_type>/<int:target_id>")
@login_required
def report(target_type, target_id):
    """The form to report a post, answer, comment, resource or message to the moderators."""
    target = _reportable(target_type, target_id)
    return render_template("moderation/report.html", form=ReportForm(), target=target,
                           target_type=target_type, back=item_url(target))


@bp.post("/report/<any(post, comment, resource, message):target_type>/<int:target_id>")
@login_required
@limiter.limit(post_limit)
def file_report(target_type, target_id):
    """File the report; the reporter is told it arrived (and never who else reported)."""
    target = _reportable(target_type, target_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.file_report(current_user, target, form.reason.data)
        except DomainError as error:
            add_form_error(form, error, "reason")
        else:
            flash("Thank you. Your report has gone to the moderators, who will look at it.",
                  "success")
            return redirect(item_url(target))
    return render_template("moderation/report.html", form=form, target=target,
                           target_type=target_type, back=item_url(target)), 422


# -- the queue ----------------------------------------------------------------------------

@bp.get("/moderation/reports")
@login_required
def reports():
    """Open reports, oldest first (or resolved ones, newest first)."""
    require(current_user, Action.REVIEW_REPORTS)
    status = QueryArgs().choice("status", {OPEN, RESOLVED}, OPEN)
    queue, pages = services.report_queue(status, page_number())
    return render_template("moderation/reports.html", reports=queue, status=status,
                           targets=services.targets_of(queue), pages=pages,
                           page=min(page_number(), pages), item_url=item_url)


def _report_or_404(report_id: int) -> Report:
    require(current_user, Action.REVIEW_REPORTS)
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    return report


def _report_page(report: Report, form: ResolveForm, status: int = 200):
    target = services.load_target(report.target_type, report.target_id)
    history, _ = audit.entries(target_type=report.target_type, target_id=report.target_id)
    return render_template(
        "moderation/report_detail.html", report=report, target=target, form=form,
        others=[r for r in services.reports_on(report.target_type, report.target_id)
                if r.id != report.id], history=history,
        url=_moderator_url(report, target)), status


def _moderator_url(report: Report, target) -> str | None:
    """Where a moderator reads the reported item (a message: through the report, audited)."""
    if target is None:
        return None
    if report.target_type == "message":
        return url_for("moderation.reported_conversation", report_id=report.id)
    return item_url(target)


@bp.get("/moderation/reports/<int:report_id>")
@login_required
def report_detail(report_id):
    """One report: the item, who reported it and why, its history, and resolving."""
    return _report_page(_report_or_404(report_id), ResolveForm())


@bp.post("/moderation/reports/<int:report_id>")
@login_required
def resolve(report_id):
    """Resolve the report with a note (and hide the post, if asked)."""
    report = _report_or_404(report_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            services.resolve_report(current_user, report, form.note.data,
                                    hide=bool(form.hide.data))
        except DomainError as error:
            add_form_error(form, error, "note")
        else:
            flash("The report is resolved." + (" The post is hidden." if form.hide.data
                                                else ""), "success")
            return redirect(url_for("moderation.reports"))
    return _report_page(report, form, 422)


@bp.get("/moderation/reports/<int:report_id>/conversation")
@login_required
def reported_conversation(report_id):
    """The conversation a reported message is in, read through its open report (each
    reading is recorded in the audit log; a resolved report no longer opens it)."""
    report = _report_or_404(report_id)
    if report.target_type != "message" or not report.is_open:
        abort(404)
    try:
        conversation = services.read_reported_conversation(current_user, report)
    except DomainError:
        abort(404)
    return render_template("moderation/reported_conversation.html", report=report,
                           conversation=conversation, report_links=False)


# -- hiding posts -------------------------------------------------------------------------

@bp.get("/moderation/posts/<int:post_id>/<any(hide, unhide):change>")
@login_required
def hide(post_id, change):
    """The form to hide a post (or show it again), with the reason for its author."""
    post = load_or_404(Post, post_id, Action.HIDE_POST)
    return render_template("moderation/hide.html", post=post, form=HideForm(), change=change)


@bp.post("/moderation/posts/<int:post_id>/<any(hide, unhide):change>")
@login_required
def set_hidden(post_id, change):
    """Hide the post (or show it again)."""
    post = load_or_404(Post, post_id, Action.HIDE_POST)
    form = HideForm()
    if form.validate_on_submit():
        try:
            action = services.hide_post if change == "hide" else services.unhide_post
            action(current_user, post, form.reason.data)
        except DomainError as error:
            add_form_error(form, error, "reason")
        else:
            flash("The post is hidden from members." if change == "hide"
                  else "The post is shown to members again.", "success")
            return redirect(url_for("discussions.post", post_id=post.id))
    return render_template("moderation/hide.html", post=post, form=form, change=change), 422


# -- moving threads -----------------------------------------------------------------------

def _move_page(thread: Thread, form: MoveForm, status: int = 200):
    return render_template("moderation/move.html", thread=thread, form=form), status


@bp.get("/moderation/threads/<int:thread_id>/move")
@login_required
def move(thread_id):
    """The form to move a thread to another category."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    form = MoveForm()
    form.fill_categories(discussions.list_categories())
    return _move_page(thread, form)


@bp.post("/moderation/threads/<int:thread_id>/move")
@login_required
def move_thread(thread_id):
    """Move the thread."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    form = MoveForm()
    form.fill_categories(discussions.list_categories())
    if form.validate_on_submit():
        category = db.session.get(Category, form.category.data or 0)
        try:
            if category is None:
                raise DomainError("Choose a category.", field="category")
            services.move_thread(current_user, thread, category, form.reason.data)
        except DomainError as error:
            add_form_error(form, error, "category")
        else:
            flash(f"The thread is now in {category.name}.", "success")
            return redirect(url_for("discussions.thread", thread_id=thread.id))
    return _move_page(thread, form, 422)


# -- the audit log ------------------------------------------------------------------------

@bp.get("/moderation/audit")
@login_required
def audit_log():
    """Every moderator and admin action, filtered by person, action, target and date."""
    require(current_user, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.args)
    form.fill(*audit.filter_choices())
    form.validate()  # bad dates are ignored with a message beside the field
    args = QueryArgs()
    entries, pages = audit.entries(
        actor_id=args.id("person"), action=form.action.data or "",
        target_type=form.target.data or "", target_id=args.id("target_id"),
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None, page=page_number())
    kept = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("moderation/audit.html", form=form, entries=entries, pages=pages,
                           page=min(page_number(), pages), kept=kept)
