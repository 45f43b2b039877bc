"""Poll rules without HTTP: choices and their limits, changing a vote, closing, when
results show, benchmark polls (one answer per organisation), the small-group
suppression of the breakdown and the CSV export."""
import csv
import io

import pytest
from sqlalchemy import func, select

from forum import events
from forum.extensions import db
from forum.permissions import Action, can
from forum.polls import results, services
from forum.polls.models import PollBallot
from forum.polls.reading import load_panel
from forum.validation import DomainError

from ..factories import make_member, make_thread
from .factories import expire, make_poll, option_ids, organisation_members


def _ballots(poll) -> int:
    return db.session.scalar(select(func.count(PollBallot.id)).filter_by(poll_id=poll.id))


def _counts(poll) -> dict[str, int]:
    return {line.text: line.count for line in results.tally(poll)}


# -- creating ---------------------------------------------------------------------------

def test_a_poll_needs_two_to_twenty_distinct_options(app, member):
    thread = make_thread(author=member)
    for options in (["Only one"], ["Same", "same"], [f"O{n}" for n in range(21)]):
        with pytest.raises(DomainError) as error:
            services.create_poll(member, thread, question="Q?", options=options)
        assert error.value.field == "options"
    poll = services.create_poll(member, thread, question="Q?", options=["A", " ", "B"])
    assert [option.text for option in poll.options] == ["A", "B"]


def test_one_poll_per_thread_and_only_its_author_or_a_moderator(app, member, moderator):
    thread = make_thread(author=member)
    other = make_member()
    assert not can(other, Action.ADD_POLL, thread)
    assert can(member, Action.ADD_POLL, thread) and can(moderator, Action.ADD_POLL, thread)
    with pytest.raises(Exception):
        services.create_poll(other, thread, question="Q?", options=["A", "B"])
    make_poll(member, thread)
    with pytest.raises(DomainError):
        services.create_poll(moderator, thread, question="Again?", options=["A", "B"])


def test_max_choices_must_fit_the_options(app, member):
    with pytest.raises(DomainError) as error:
        make_poll(member, multiple=True, max_choices=5)
    assert error.value.field == "max_choices"
    assert make_poll(member, multiple=True).max_choices == 3  # default: every option


# -- voting -----------------------------------------------------------------------------

def test_single_choice_takes_exactly_one_option(app, member):
    poll = make_poll(member)
    voter = make_member()
    for wrong in ([], option_ids(poll, "Yes", "No"), [999999]):
        with pytest.raises(DomainError):
            services.vote(voter, poll, wrong)
    services.vote(voter, poll, option_ids(poll, "Yes"))
    assert _counts(poll) == {"Yes": 1, "No": 0, "Not sure": 0}


def test_multiple_choice_stops_at_the_maximum(app, member):
    poll = make_poll(member, multiple=True, max_choices=2)
    voter = make_member()
    with pytest.raises(DomainError, match="at most 2"):
        services.vote(voter, poll, option_ids(poll, "Yes", "No", "Not sure"))
    services.vote(voter, poll, option_ids(poll, "Yes", "Not sure"))
    assert _counts(poll) == {"Yes": 1, "No": 0, "Not sure": 1}
    assert _ballots(poll) == 1


def test_changing_a_vote_replaces_it_and_announces_the_change(app, member):
    poll = make_poll(member)
    voter = make_member()
    heard = []
    events.poll_vote_cast.connect(cast := lambda ballot, **kw: heard.append(("cast", kw)))
    events.poll_vote_changed.connect(
        changed := lambda ballot, **kw: heard.append(("changed", kw)))
    try:
        services.vote(voter, poll, option_ids(poll, "Yes"))
        services.vote(voter, poll, option_ids(poll, "No"))
    finally:
        events.poll_vote_cast.disconnect(cast)
        events.poll_vote_changed.disconnect(changed)
    assert _counts(poll) == {"Yes": 0, "No": 1, "Not sure": 0} and _ballots(poll) == 1
    assert [kind for kind, _ in heard] == ["cast", "changed"]
    assert heard[1][1]["old_option_ids"] == option_ids(poll, "Yes")


def test_no_votes_after_closing_early_or_by_date(app, member, moderator):
    poll = make_poll(member)
    voter = make_member()
    services.vote(voter, poll, option_ids(poll, "Yes"))
    with pytest.raises(Exception):
        services.close_poll(member, poll)  # only moderators close early
    services.close_poll(moderator, poll)
    with pytest.raises(DomainError, match="closed"):
        services.vote(voter, poll, option_ids(poll, "No"))
    dated = make_poll(member)
    expire(dated)
    with pytest.raises(DomainError, match="closed"):
        services.vote(voter, dated, option_ids(dated, "No"))
    assert _counts(poll)["Yes"] == 1


@pytest.mark.parametrize("mode, before_vote, after_vote, after_close, moderator_before", [
    ("after_vote", False, True, True, True),
    ("after_close", False, False, True, False),
    ("moderators", False, False, True, True),
])
def test_results_visibility_modes(app, member, moderator, mode, before_vote, after_vote,
                                  after_close, moderator_before):
    poll = make_poll(member, results_mode=mode)
    voter = make_member()
    assert can(voter, Action.SEE_POLL_RESULTS, poll) is before_vote
    assert load_panel(voter, poll.thread).show_results is before_vote
    assert can(moderator, Action.SEE_POLL_RESULTS, poll) is moderator_before
    assert load_panel(moderator, poll.thread).show_results is moderator_before
    assert can(moderator, Action.EXPORT_POLL, poll) is moderator_before
    services.vote(voter, poll, option_ids(poll, "Yes"))
    assert can(voter, Action.SEE_POLL_RESULTS, poll) is after_vote
    assert load_panel(voter, poll.thread).show_results is after_vote
    services.close_poll(moderator, poll)
    assert can(voter, Action.SEE_POLL_RESULTS, poll) is after_close
    assert load_panel(voter, poll.thread).show_results is after_close


def test_the_panel_knows_the_viewers_choice_and_the_counts(app, member):
    poll = make_poll(member, multiple=True)
    voter = make_member()
    services.vote(voter, poll, option_ids(poll, "Yes", "No"))
    services.vote(make_member(), poll, option_ids(poll, "No"))
    panel = load_panel(voter, poll.thread)
    assert panel.total == 2 and panel.mine == set(option_ids(poll, "Yes", "No"))
    assert [(line.count, line.percent, line.step) for line in panel.lines] == [
        (1, 50, 50), (2, 100, 100), (0, 0, 0)]


# -- benchmark polls --------------------------------------------------------------------

def test_one_answer_per_organisation_any_member_may_change_it(app, member):
    poll = make_poll(member, per_organisation=True)
    first, second = organisation_members(2)
    services.vote(first, poll, option_ids(poll, "Yes"))
    services.vote(second, poll, option_ids(poll, "No"))
    assert _ballots(poll) == 1 and _counts(poll) == {"Yes": 0, "No": 1, "Not sure": 0}
    panel = load_panel(first, poll.thread)
    assert panel.mine == set(option_ids(poll, "No"))
    assert panel.answered_by == second.display_name  # who in their organisation answered
    outsider = make_member()
    assert load_panel(outsider, poll.thread).mine == set()
    assert load_panel(outsider, poll.thread).answered_by == ""


def test_a_member_without_an_organisation_cannot_answer_a_benchmark_poll(app, member):
    poll = make_poll(member, per_organisation=True)
    loner = make_member(organisation=None)
    assert not can(loner, Action.VOTE_POLL, poll)
    with pytest.raises(DomainError, match="organisation"):
        services.vote(loner, poll, option_ids(poll, "Yes"))


def test_suppress_hides_small_groups_and_the_complement():
    assert results.suppress({"a": 6, "b": 7, "c": 5}, 5) == set()
    # "c" alone below the minimum: "Other" would be c itself, so the smallest shown goes
    assert results.suppress({"a": 9, "b": 6, "c": 2}, 5) == {"b", "c"}
    # two small groups, together still under the minimum: another goes with them
    assert results.suppress({"a": 9, "b": 6, "c": 2, "d": 1}, 5) == {"b", "c", "d"}
    # two small groups that together reach the minimum: nothing more to hide
    assert results.suppress({"a": 9, "b": 3, "c": 2}, 5) == {"b", "c"}
    # every group small: all merged
    assert results.suppress({"a": 1, "b": 2}, 5) == {"a", "b"}


def _answer(poll, option, count, **organisation):
    for _ in range(count):
        services.vote(organisation_members(1, **organisation)[0], poll, option_ids(poll, option))


def _benchmark(member, **settings):
    poll = make_poll(member, per_organisation=True, **settings)
    _answer(poll, "Yes", 5, sector="public", accreditation="accredited")
    _answer(poll, "No", 5, sector="third", accreditation="accredited")
    _answer(poll, "Yes", 2, sector="private", accreditation="working_towards")
    return poll


def test_the_breakdown_never_shows_a_group_under_the_minimum(app, member):
    poll = _benchmark(member)
    (sector_label, sectors), (_, accreditation) = results.breakdown(poll)
    shown = {group.label: group.organisations for group in sectors}
    # private (2) is too small, and alone it would be derivable (total less the shown
    # groups): the smallest shown group (public, 5, first by name) joins it
    assert shown == {"Third sector": 5, results.OTHER: 7}
    # accredited 10, working towards 2: hiding one alone gives it away, so both merge
    assert [(group.label, group.organisations) for group in accreditation] == [
        (results.OTHER, 12)]


def test_public_answers_are_not_suppressed(app, member):
    poll = _benchmark(member, answers_public=True)
    (_, sectors), _ = results.breakdown(poll)
    assert {group.label for group in sectors} == {"Public sector", "Third sector",
                                                  "Private sector"}


def test_a_benchmark_poll_shows_no_figures_until_enough_organisations_answer(app, member):
    poll = make_poll(member, per_organisation=True)
    voter = organisation_members(1)[0]
    services.vote(voter, poll, option_ids(poll, "Yes"))
    assert not load_panel(voter, poll.thread).show_results
    assert "fewer than 5" in results.results_csv(poll)


def _csv(poll) -> list[list[str]]:
    return list(csv.reader(io.StringIO(results.results_csv(poll))))


def test_the_csv_obeys_the_minimum_group_rule(app, member):
    rows = _csv(_benchmark(member))
    labels = [row[0] for row in rows]
    assert ["All", "12", "7", "5", "0"] in rows
    assert "Sector: Third sector" in labels and f"Sector: {results.OTHER}" in labels
    assert "Sector: Private sector" not in labels and "Sector: Public sector" not in labels
    assert "Organisation" not in labels  # no organisation's own answer
    group_sizes = [int(row[1]) for row in rows[3:] if row]
    assert group_sizes and min(group_sizes) >= 5


def test_the_csv_lists_organisations_only_when_answers_are_public(app, member):
    poll = _benchmark(member, answers_public=True)
    labels = [row[0] for row in _csv(poll) if row]
    assert "Organisation" in labels and "Sector: Private sector" in labels


def test_csv_cells_cannot_run_as_formulas(app, member):
    poll = make_poll(member, question="=HYPERLINK(\"http://x\")",
                     options=["+1", "-1", "@SUM(A1)", "Plain"])
    rows = _csv(poll)
    assert rows[0][1].startswith("'=")
    assert rows[1][2:] == ["'+1", "'-1", "'@SUM(A1)", "Plain"]
    for dangerous in ("=", "+", "-", "@", "\t", "\r"):
        assert results.safe_cell(dangerous + "x") == "'" + dangerous + "x"
    assert results.safe_cell("x=1") == "x=1"


def test_the_audit_log_records_closing_by_a_moderator_but_not_their_vote(app, member,
                                                                       moderator):
    from forum.moderation.models import AuditEntry
    poll = make_poll(member, per_organisation=True)
    services.vote(moderator, poll, option_ids(poll, "Yes"))
    services.close_poll(moderator, poll)
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions == ["poll.closed"]


def test_editing_announces_what_changed_and_stops_once_closed(app, member, moderator):
    poll = make_poll(member)
    heard = []
    events.poll_edited.connect(listener := lambda poll, **kw: heard.append(kw))
    try:
        services.edit_poll(member, poll, question="Reworded?", closes_at=None,
                           results_mode="moderators")
    finally:
        events.poll_edited.disconnect(listener)
    assert heard[0]["old_question"] == "Do you run a staff network?"
    assert heard[0]["old_results_mode"] == "after_vote"
    assert poll.question == "Reworded?" and poll.results_mode == "moderators"
    with pytest.raises(Exception):
        services.edit_poll(make_member(), poll, question="Hijacked?", closes_at=None,
                           results_mode="after_vote")
    services.close_poll(moderator, poll)
    with pytest.raises(Exception):
        services.edit_poll(member, poll, question="Too late?", closes_at=None,
                           results_mode="after_vote")
    assert poll.question == "Reworded?"
