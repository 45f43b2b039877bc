"""Poll pages: add a poll to a thread or question (its author, moderators); vote and
change the vote (a plain form POST: works without JavaScript); the full results with the
benchmark breakdown; close early and export as CSV (moderators). Anyone who may not see
the thread gets 404 on every poll address."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request
from flask_login import current_user, login_required

from ..discussions.models import Thread
from ..extensions import limiter
from ..permissions import Action, can
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import load_or_404, post_limit, require_action_form
from . import reading, results, services
from .forms import EditPollForm, PollForm, uk_parts, uk_time
from .links import thread_url
from .models import Poll

bp = Blueprint("polls", __name__)


@bp.app_template_global()
def poll_panel(thread):
    """The thread's poll as the current user sees it (None: no poll). One query when the
    thread has no poll, two when it has one."""
    return reading.load_panel(current_user, thread)


@bp.app_template_global()
def may_edit_poll(poll) -> bool:
    """Show "Edit poll" (its author and moderators, while open; no query)."""
    return can(current_user, Action.EDIT_POLL, poll)


@bp.app_template_global()
def may_add_poll(thread) -> bool:
    """Show "Add a poll" (the thread's author and moderators; no query)."""
    return can(current_user, Action.ADD_POLL, thread)


bp.add_app_template_filter(uk_time, "poll_time")


@bp.route("/threads/<int:thread_id>/poll/new", methods=["GET", "POST"])
@login_required
@limiter.limit(post_limit, methods=["POST"])
def new_poll(thread_id):
    """Add a poll to a thread or question."""
    thread = load_or_404(Thread, thread_id, Action.ADD_POLL)
    existing = reading.load_panel(current_user, thread)
    if existing is not None:
        flash("This thread already has a poll.")
        return redirect(thread_url(thread, "poll"))
    form = PollForm()
    if form.validate_on_submit():
        try:
            services.create_poll(
                current_user, thread, question=form.question.data,
                options=[entry.data for entry in form.options.entries],
                multiple=form.multiple.data == "multiple", max_choices=form.max_choices.data,
                closes_at=form.closes_at(), results_mode=form.results_mode.data,
                per_organisation=form.per_organisation.data,
                answers_public=form.answers_public.data)
        except DomainError as error:
            add_form_error(form, error, "question")
        else:
            flash("Poll added.")
            return redirect(thread_url(thread, "poll"))
    status = 400 if form.errors else 200
    return render_template("polls/new.html", form=form, thread=thread,
                           thread_link=thread_url(thread)), status


@bp.route("/polls/<int:poll_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(post_limit, methods=["POST"])
def edit(poll_id):
    """Change a poll's wording, closing date or results mode (its author, moderators)."""
    poll = load_or_404(Poll, poll_id, Action.EDIT_POLL)
    form = EditPollForm(obj=poll)
    if request.method == "GET" and poll.closes_at is not None:
        local = uk_parts(poll.closes_at)
        form.closes_on.data, form.closes_time.data = local
    if form.validate_on_submit():
        try:
            services.edit_poll(current_user, poll, question=form.question.data,
                               closes_at=form.closes_at(), results_mode=form.results_mode.data)
        except DomainError as error:
            add_form_error(form, error, "question")
        else:
            flash("Poll updated.")
            return redirect(thread_url(poll.thread, "poll"))
    return render_template("polls/edit.html", form=form, poll=poll,
                           thread_link=thread_url(poll.thread)), 400 if form.errors else 200


@bp.post("/polls/<int:poll_id>/vote")
@login_required
@limiter.limit(post_limit)
def vote(poll_id):
    """Cast or change a vote (the organisation's, on a benchmark poll)."""
    poll = load_or_404(Poll, poll_id)
    require_action_form()
    try:
        services.vote(current_user, poll, request.form.getlist("option"))
    except DomainError as error:
        flash(str(error), "error")
        return redirect(thread_url(poll.thread, "poll"))
    flash("Your organisation's answer is saved." if poll.per_organisation else
          "Your vote is saved.")
    return redirect(thread_url(poll.thread, "poll"))


@bp.post("/polls/<int:poll_id>/close")
@login_required
def close(poll_id):
    """Close a poll before its closing date (moderators)."""
    poll = load_or_404(Poll, poll_id, Action.CLOSE_POLL)
    require_action_form()
    try:
        services.close_poll(current_user, poll)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash("Poll closed.")
    return redirect(thread_url(poll.thread, "poll"))


@bp.get("/polls/<int:poll_id>/results")
@login_required
def results_page(poll_id):
    """The results in full: a chart, a table and (benchmark polls) the breakdown."""
    poll = load_or_404(Poll, poll_id)
    panel = reading.load_panel(current_user, poll.thread)
    if panel is None:
        abort(404)
    if not panel.show_results:
        abort(403)
    groups = (results.breakdown(poll)
              if poll.per_organisation and panel.enough else [])
    answers = (results.organisation_answers(poll)
               if poll.per_organisation and poll.answers_public else [])
    return render_template("polls/results.html", poll=poll, panel=panel, groups=groups,
                           answers=answers, minimum=results.min_group(),
                           thread_link=thread_url(poll.thread, "poll"),
                           action_form=ActionForm())


@bp.get("/polls/<int:poll_id>/results.csv")
@login_required
def export(poll_id):
    """The results as CSV (moderators), with the same small-group rule as the page."""
    poll = load_or_404(Poll, poll_id, Action.EXPORT_POLL)
    return Response(results.results_csv(poll), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="poll-{poll.id}-results.csv"'})
