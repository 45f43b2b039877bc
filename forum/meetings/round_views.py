"""Topic round pages: every round; one round (propose, vote and unvote while it is open);
its ranked results; and moderators' pages to open, close and merge, and to link a
winning topic to a meeting (or schedule one from it: manage_views.new)."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import limiter
from ..permissions import Action, can, require
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import load_or_404, post_limit, require_action_form
from . import reading, rounds, times
from .forms import LinkTopicForm, MergeForm, ProposalForm, RoundForm
from .models import Meeting, TopicProposal, TopicRound
from .views import bp


def _round_url(round_: TopicRound, anchor: str | None = None) -> str:
    return url_for("meetings.round_page", round_id=round_.id, _anchor=anchor)


@bp.get("/meetings/rounds")
@login_required
def rounds_index():
    """Open rounds (closing soonest first) and closed ones (most recent first)."""
    require(current_user, Action.VIEW)
    open_rounds, closed = reading.rounds(current_user)
    return render_template("meetings/rounds.html", open_rounds=open_rounds, closed=closed)


def _render_round(round_: TopicRound, form: ProposalForm | None = None, status: int = 200):
    tallies = can(current_user, Action.SEE_TALLIES, round_)
    ranked = rounds.results(round_) if tallies else []
    return render_template(
        "meetings/round.html", round=round_, form=form or ProposalForm(),
        action_form=ActionForm(), proposals=rounds.proposals_of(round_), tallies=tallies,
        counts={line.proposal.id: line.votes for line in ranked},
        mine=rounds.my_votes(current_user, round_),
        votes_used=rounds.votes_used(current_user, round_), is_open=round_.is_open()), status


@bp.get("/meetings/rounds/<int:round_id>")
@login_required
def round_page(round_id):
    """A round's proposals: propose and vote while it is open."""
    return _render_round(load_or_404(TopicRound, round_id))


@bp.post("/meetings/rounds/<int:round_id>/proposals")
@login_required
@limiter.limit(post_limit)
def propose(round_id):
    """Propose a topic."""
    round_ = load_or_404(TopicRound, round_id)
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            proposal = rounds.propose_topic(current_user, round_, title=form.title.data,
                                            description=form.description.data or "")
        except DomainError as error:
            add_form_error(form, error, "title")
        else:
            flash(f"Your topic “{proposal.title}” is proposed. Members can vote for it now.",
                  "success")
            return redirect(_round_url(round_, f"topic-{proposal.id}"))
    return _render_round(round_, form, 422)


def _vote(topic_id: int, voting: bool):
    proposal = load_or_404(TopicProposal, topic_id)
    require_action_form()
    try:
        if voting:
            rounds.cast_vote(current_user, proposal)
        else:
            rounds.withdraw_vote(current_user, proposal)
    except DomainError as error:
        flash(str(error), "error")
    else:
        left = proposal.round.votes_per_member - rounds.votes_used(current_user, proposal.round)
        flash(f"{'You voted for' if voting else 'You withdrew your vote for'} "
              f"“{proposal.title}”. You have {left} vote{'s' if left != 1 else ''} left.",
              "success")
    return redirect(_round_url(proposal.round, f"topic-{proposal.id}"))


@bp.post("/meetings/topics/<int:topic_id>/vote")
@login_required
def vote(topic_id):
    """Vote for a topic."""
    return _vote(topic_id, True)


@bp.post("/meetings/topics/<int:topic_id>/unvote")
@login_required
def unvote(topic_id):
    """Withdraw your vote for a topic."""
    return _vote(topic_id, False)


@bp.get("/meetings/rounds/<int:round_id>/results")
@login_required
def results(round_id):
    """The ranked results (members: once the round closes, or live if the round allows)."""
    round_ = load_or_404(TopicRound, round_id, Action.SEE_TALLIES)
    manage = can(current_user, Action.MANAGE_TOPIC_ROUNDS)
    link_form = LinkTopicForm()
    if manage:
        link_form.fill_meetings(reading.scheduled_choices(), times.short)
    return render_template("meetings/results.html", round=round_,
                           ranked=rounds.results(round_), link_form=link_form,
                           manage=manage, is_open=round_.is_open())


# -- moderators -------------------------------------------------------------------------

@bp.get("/meetings/rounds/new")
@login_required
def new_round():
    """The form for a new topic round."""
    require(current_user, Action.MANAGE_TOPIC_ROUNDS)
    form = RoundForm(data={"title": "Topics for next year's meetings", "votes_per_member": 3})
    return render_template("meetings/round_new.html", form=form)


@bp.post("/meetings/rounds/new")
@login_required
def new_round_post():
    """Open a topic round."""
    require(current_user, Action.MANAGE_TOPIC_ROUNDS)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            round_ = rounds.open_round(
                current_user, title=form.title.data, description=form.description.data or "",
                closes_on=form.closes_on.data, closes_time=form.closes_time.data,
                votes_per_member=form.votes_per_member.data,
                tallies_visible=form.tallies_visible.data)
        except DomainError as error:
            add_form_error(form, error, "closes_on")
        else:
            flash(f"The round is open until {times.short(round_.closes_at)}.", "success")
            return redirect(_round_url(round_))
    return render_template("meetings/round_new.html", form=form), 422


@bp.post("/meetings/rounds/<int:round_id>/close")
@login_required
def close_round(round_id):
    """Close the round now (before its closing time)."""
    round_ = load_or_404(TopicRound, round_id, Action.MANAGE_TOPIC_ROUNDS)
    require_action_form()
    try:
        rounds.close_round(current_user, round_)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(_round_url(round_))
    flash("The round is closed. These are the results.", "success")
    return redirect(url_for("meetings.results", round_id=round_.id))


def _merge_form(round_: TopicRound) -> MergeForm:
    form = MergeForm()
    form.fill_proposals([p for p in rounds.proposals_of(round_) if not p.is_merged])
    return form


@bp.get("/meetings/rounds/<int:round_id>/merge")
@login_required
def merge(round_id):
    """Choose two duplicate proposals to merge."""
    round_ = load_or_404(TopicRound, round_id, Action.MANAGE_TOPIC_ROUNDS)
    return render_template("meetings/merge.html", round=round_, form=_merge_form(round_))


@bp.post("/meetings/rounds/<int:round_id>/merge")
@login_required
def merge_post(round_id):
    """Merge one proposal into another (votes move; voters for both get one back)."""
    round_ = load_or_404(TopicRound, round_id, Action.MANAGE_TOPIC_ROUNDS)
    form = _merge_form(round_)
    if form.validate_on_submit():
        by_id = {p.id: p for p in round_.proposals}
        try:
            kept = rounds.merge_proposals(current_user, by_id[form.kept.data],
                                          by_id[form.merged.data])
        except DomainError as error:
            add_form_error(form, error, "merged")
        else:
            flash(f"Merged into “{kept.title}”. Members who voted for both have one vote "
                  "back.", "success")
            return redirect(_round_url(round_, f"topic-{kept.id}"))
    return render_template("meetings/merge.html", round=round_, form=form), 422


@bp.post("/meetings/topics/<int:topic_id>/link")
@login_required
def link_topic(topic_id):
    """Link a topic to the meeting that takes it up (or unlink it)."""
    proposal = load_or_404(TopicProposal, topic_id)
    require(current_user, Action.MANAGE_TOPIC_ROUNDS)
    form = LinkTopicForm()
    form.fill_meetings(reading.scheduled_choices(), times.short)
    target = url_for("meetings.results", round_id=proposal.round_id,
                     _anchor=f"result-{proposal.id}")
    if not form.validate_on_submit():
        flash("Choose a meeting from the list.", "error")
        return redirect(target)
    meeting = load_or_404(Meeting, form.meeting.data) if form.meeting.data else None
    try:
        rounds.link_topic(current_user, proposal, meeting)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(f"“{proposal.title}” is linked to “{meeting.title}”." if meeting
              else f"“{proposal.title}” is no longer linked to a meeting.", "success")
    return redirect(target)
