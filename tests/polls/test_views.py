"""Poll pages over HTTP, with CSRF protection on as in production: the role matrix,
adding a poll through the form, voting with a plain form POST (no JavaScript), the
results chart and table, closing and the CSV export."""
import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.polls import services
from forum.polls.models import Poll, PollBallot

from ..factories import (PASSWORD, make_category, make_member, make_moderator, make_thread,
                         make_user)
from .factories import make_poll, option_ids, organisation_members


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def _csrf(client, path="/login"):
    page = client.get(path, follow_redirects=True)
    return re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()


def log_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": _csrf(client)})
    assert response.status_code == 302


def _ballots(poll):
    return db.session.scalar(select(func.count(PollBallot.id)).filter_by(poll_id=poll.id))


def _paths(poll):
    return {"new": f"/threads/{poll.thread_id}/poll/new", "vote": f"/polls/{poll.id}/vote",
            "close": f"/polls/{poll.id}/close", "results": f"/polls/{poll.id}/results",
            "csv": f"/polls/{poll.id}/results.csv"}


def test_anonymous_and_pending_go_to_the_login_page(app, client):
    poll = make_poll()
    pending = make_user(status="pending")
    assert client.post("/login", data={"email": pending.email, "password": "x",
                                       "csrf_token": _csrf(client)}).status_code != 302
    for path in _paths(poll).values():
        response = client.get(path) if not path.endswith(("vote", "close")) else \
            client.post(path, data={"csrf_token": _csrf(client)})
        assert response.status_code == 302 and "/login" in response.location, path


def test_a_suspended_member_cannot_vote(app, client):
    poll = make_poll()
    member = make_member()
    log_in(client, member)
    token = _csrf(client, f"/threads/{poll.thread_id}")
    member.status = "suspended"
    db.session.commit()
    response = client.post(f"/polls/{poll.id}/vote",
                           data={"csrf_token": token, "option": option_ids(poll, "Yes")})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login" in response.location
    assert _ballots(poll) == 0


def test_who_can_open_each_page(app, client):
    author = make_member()
    poll = make_poll(author, results_mode="after_vote")
    paths = _paths(poll)
    other_thread = make_thread(author=author)
    # another member: sees the poll, cannot add one to the author's thread, nor moderate
    log_in(client, make_member())
    assert client.get(f"/threads/{other_thread.id}/poll/new").status_code == 403
    assert client.get(paths["results"]).status_code == 403  # not voted yet
    assert client.get(paths["csv"]).status_code == 403
    assert client.post(paths["close"], data={"csrf_token": _csrf(client)}).status_code == 403
    # the author may add a poll to their other thread
    client = app.test_client()
    log_in(client, author)
    assert client.get(f"/threads/{other_thread.id}/poll/new").status_code == 200
    assert f"/threads/{other_thread.id}/poll/new" in client.get(
        f"/threads/{other_thread.id}").get_data(as_text=True)


def test_a_member_who_cannot_see_the_thread_gets_404_everywhere(app, client):
    poll = make_poll()
    thread = poll.thread
    from forum.database import utcnow
    thread.deleted_at = utcnow()
    db.session.commit()
    log_in(client, make_member())
    token = _csrf(client, "/")
    for name, path in _paths(poll).items():
        if name in ("vote", "close"):
            response = client.post(path, data={"csrf_token": token})
        else:
            response = client.get(path)
        assert response.status_code == 404, path


def test_a_moderator_adds_a_poll_through_the_form(app, client):
    thread = make_thread(title="Flexible working")
    log_in(client, make_moderator())
    page = client.get(f"/threads/{thread.id}/poll/new").get_data(as_text=True)
    assert page.count("<h1") == 1 and 'for="options-0"' in page and 'id="options-0"' in page
    data = {"csrf_token": _csrf(client, f"/threads/{thread.id}/poll/new"),
            "question": "Do you offer compressed hours?", "options-0": "Yes",
            "options-1": "No", "options-2": "", "multiple": "single",
            "results_mode": "after_close", "closes_on": "01/07/2099", "closes_time": "17:00"}
    response = client.post(f"/threads/{thread.id}/poll/new", data=data)
    assert response.status_code == 302, response.data[:2000]
    poll = db.session.scalar(select(Poll).filter_by(thread_id=thread.id))
    assert [option.text for option in poll.options] == ["Yes", "No"]
    assert poll.results_mode == "after_close"
    assert poll.closes_at.hour == 16  # 17:00 BST on 1 July 2099 is 16:00 UTC
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Poll: Do you offer compressed hours?" in page and "Closes 1 Jul 2099, 17:00 BST" in page


def test_the_form_refuses_a_poll_with_one_option(app, client):
    author = make_member()
    thread = make_thread(author=author)
    log_in(client, author)
    response = client.post(f"/threads/{thread.id}/poll/new", data={
        "csrf_token": _csrf(client), "question": "Q?", "options-0": "Only",
        "multiple": "single", "results_mode": "after_vote"})
    assert response.status_code == 400
    assert "Give at least 2 options." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Poll.id))) == 0


def test_voting_without_javascript_and_seeing_the_results(app, client):
    poll = make_poll(question="Do you run a staff network?")
    thread_page = f"/threads/{poll.thread_id}"
    voter = make_member()
    log_in(client, voter)
    page = client.get(thread_page).get_data(as_text=True)
    assert "<fieldset" in page and "<legend>Do you run a staff network?</legend>" in page
    yes = option_ids(poll, "Yes")[0]
    assert f'type="radio" name="option" id="poll-{poll.id}-option-{yes}"' in page
    assert f'<label for="poll-{poll.id}-option-{yes}">Yes</label>' in page
    assert "poll-chart" not in page  # results show after voting
    response = client.post(f"/polls/{poll.id}/vote",
                           data={"csrf_token": _csrf(client, thread_page), "option": yes})
    assert response.status_code == 302 and response.location.endswith("#poll")
    page = client.get(thread_page).get_data(as_text=True)
    assert "poll-w-100" in page and "1 (100%)" in page and "<table" in page
    assert "Change your answer" in page and "style=" not in page.split('id="poll"')[1][:4000]
    results = client.get(f"/polls/{poll.id}/results").get_data(as_text=True)
    assert "<caption>All answers</caption>" in results and results.count("<h1") == 1
    no = option_ids(poll, "No")[0]
    client.post(f"/polls/{poll.id}/vote", data={"csrf_token": _csrf(client, thread_page),
                                                "option": no})
    assert _ballots(poll) == 1
    assert services.chosen_ids(db.session.scalar(select(PollBallot))) == [no]


def test_a_vote_without_a_csrf_token_is_refused(app, client):
    poll = make_poll()
    log_in(client, make_member())
    response = client.post(f"/polls/{poll.id}/vote", data={"option": poll.options[0].id})
    assert response.status_code == 400 and _ballots(poll) == 0


def test_the_poll_on_a_question_page(app, client):
    from forum.qa import services as qa
    author = make_member()
    question = qa.ask(author, make_category(), title="How do you measure pay gaps?",
                      body="We are starting out.")
    poll = make_poll(author, question)
    log_in(client, make_member())
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert f"Poll: {poll.question}" in page and 'name="option"' in page


def test_a_moderator_closes_early_and_exports_csv(app, client):
    poll = make_poll(per_organisation=True, options=["=cmd", "Fine"])
    for _ in range(5):
        services.vote(organisation_members(1)[0], poll, option_ids(poll, "Fine"))
    log_in(client, make_moderator())
    thread_page = f"/threads/{poll.thread_id}"
    assert "Close poll now" in client.get(thread_page).get_data(as_text=True)
    response = client.post(f"/polls/{poll.id}/close",
                           data={"csrf_token": _csrf(client, thread_page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Poll, poll.id).closed_at is not None
    response = client.get(f"/polls/{poll.id}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert "'=cmd" in text and "All,5,0,5" in text


def test_benchmark_results_page_shows_the_breakdown_to_a_voter(app, client):
    poll = make_poll(per_organisation=True)
    for _ in range(5):
        services.vote(organisation_members(1, sector="public")[0], poll, option_ids(poll, "Yes"))
    colleague, me = organisation_members(2, sector="third")
    services.vote(colleague, poll, option_ids(poll, "No"))
    log_in(client, me)
    page = client.get(f"/threads/{poll.thread_id}").get_data(as_text=True)
    assert f"{colleague.display_name} answered for your organisation" in page
    results = client.get(f"/polls/{poll.id}/results").get_data(as_text=True)
    assert "By sector" in results and "Third sector" not in results  # 1 organisation
    assert "Other (smaller groups combined) (6 organisations)" in results
    assert "Organisation 1" not in results


@pytest.mark.parametrize("replies", [3, 60])
def test_a_poll_adds_at_most_two_queries_to_the_thread_page(app, client, count_queries,
                                                            replies):
    author = make_member()
    plain = make_thread(author=author, replies=replies)
    with_poll = make_thread(author=author, replies=replies)
    poll = make_poll(author, with_poll, per_organisation=True)
    services.vote(author, poll, option_ids(poll, "Yes"))
    log_in(client, author)
    client.get(f"/threads/{plain.id}")  # warm up (the session's first page)
    with count_queries() as without:
        assert client.get(f"/threads/{plain.id}").status_code == 200
    with count_queries() as with_one:
        page = client.get(f"/threads/{with_poll.id}")
    assert page.status_code == 200 and b"Poll: Do you run a staff network?" in page.data
    assert len(with_one) - len(without) <= 2, with_one


def test_the_author_edits_the_wording_and_closing_date_but_another_member_cannot(app, client):
    author = make_member()
    poll = make_poll(author)
    outsider = app.test_client()
    log_in(outsider, make_member())
    assert outsider.get(f"/polls/{poll.id}/edit").status_code == 403
    log_in(client, author)
    page = client.get(f"/polls/{poll.id}/edit").get_data(as_text=True)
    assert page.count("<h1") == 1 and "Do you run a staff network?" in page
    response = client.post(f"/polls/{poll.id}/edit", data={
        "csrf_token": _csrf(client, f"/polls/{poll.id}/edit"),
        "question": "Do you have a staff network?", "closes_on": "2099-01-15",
        "closes_time": "12:00", "results_mode": "after_close"})
    assert response.status_code == 302
    db.session.expire_all()
    poll = db.session.get(Poll, poll.id)
    assert poll.question == "Do you have a staff network?" and poll.closes_at.hour == 12
    assert poll.results_mode == "after_close" and len(poll.options) == 3
