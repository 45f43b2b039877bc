"""Every meetings route over the roles: anonymous, pending, member, moderator, admin.
Members cannot reach any moderator page or action, not even by a direct POST carrying a
valid CSRF token (CSRF protection is on here, as in production). Routes are found from
the URL map, so a new route is checked too."""
import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.meetings import attendance, rounds, services
from forum.meetings.models import (Meeting, MeetingSlide, TopicProposal, TopicRound,
                                   TopicVote)

from ..factories import PASSWORD, make_admin, make_member, make_moderator, make_user
from ..resources.helpers import make_resource
from .factories import make_meeting, make_round, propose

MEMBER_ENDPOINTS = {"meetings.index", "meetings.past", "meetings.meeting", "meetings.going",
                    "meetings.not_going", "meetings.meeting_ics", "meetings.calendar_settings",
                    "meetings.reset_feed", "meetings.stop_feed", "meetings.rounds_index",
                    "meetings.round_page", "meetings.propose", "meetings.vote",
                    "meetings.unvote", "meetings.results"}
PUBLIC_ENDPOINTS = {"meetings.feed"}  # its secret address is the key


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    app_config["JOBS_INLINE"] = False
    return app_config


def csrf_token(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def log_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


@pytest.fixture
def world(app):
    moderator = make_moderator()
    meeting = make_meeting(moderator)
    slide = services.link_slides(moderator, meeting, str(make_resource().id))
    round_ = make_round(moderator, votes=3)
    author = make_member()
    topic = propose(author, round_, "Workplace culture")
    propose(author, round_, "Workplace culture at depots")
    rounds.cast_vote(author, topic)
    return {"meeting": meeting, "slide": slide, "round": round_, "topic": topic,
            "token": attendance.reset_feed(author)}


def routes(app, world, endpoints=None):
    """(endpoint, method, url) for the blueprint's routes (`endpoints`: only those)."""
    values = {"meeting_id": world["meeting"].id, "slide_id": world["slide"].id,
              "round_id": world["round"].id, "topic_id": world["topic"].id,
              "token": world["token"]}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != "meetings":
            continue
        if endpoints is not None and rule.endpoint not in endpoints:
            continue
        url = rule.build({name: values[name] for name in rule.arguments},
                         append_unknown=False)[1]
        found += [(rule.endpoint, method, url) for method in
                  sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def snapshot():
    return (db.session.execute(select(Meeting.id, Meeting.title, Meeting.status,
                                      Meeting.sequence, Meeting.notes_source,
                                      Meeting.recap_thread_id)).all(),
            db.session.execute(select(MeetingSlide.id)).all(),
            db.session.execute(select(TopicRound.id, TopicRound.closed_at)).all(),
            db.session.execute(select(TopicProposal.id, TopicProposal.merged_into_id,
                                      TopicProposal.meeting_id)).all(),
            db.session.execute(select(TopicVote.id, TopicVote.proposal_id)).all())


HOSTILE = {"title": "Taken over", "day": "2027-05-04", "start_time": "10:00",
           "duration_minutes": "60", "reason": "no", "notes": "x", "reference": "1",
           "category": "1", "body": "x", "closes_on": "2030-01-01", "closes_time": "10:00",
           "votes_per_member": "3", "merged": "2", "kept": "1", "meeting": "1"}


def test_the_blueprint_has_the_routes_this_test_checks(app, world):
    found = routes(app, world)
    moderator_only = [r for r in found if r[0] not in MEMBER_ENDPOINTS | PUBLIC_ENDPOINTS]
    assert len(found) >= 34 and len(moderator_only) == 18


def test_members_are_refused_every_moderator_page_and_action(client, app, world):
    log_in(client, make_member())
    token = csrf_token(client, "/meetings")
    before = snapshot()
    answers = {}
    for endpoint, method, url in routes(app, world):
        if endpoint in MEMBER_ENDPOINTS | PUBLIC_ENDPOINTS:
            continue
        if method == "GET":
            answers[(method, url)] = client.get(url).status_code
        else:
            answers[(method, url)] = client.post(url, data={"csrf_token": token, **HOSTILE},
                                                 headers={"X-CSRFToken": token}).status_code
    assert len(answers) == 18 and set(answers.values()) == {403}, answers
    db.session.expire_all()
    assert snapshot() == before


def test_the_same_posts_with_the_token_work_for_a_moderator(client, app, world):
    """The refusals above are the policy's, not a broken token or form."""
    log_in(client, make_moderator())
    token = csrf_token(client, "/meetings")
    response = client.post(f"/meetings/{world['meeting'].id}/notes",
                           data={"csrf_token": token, "notes": "Our notes"})
    assert response.status_code == 302
    response = client.post(f"/meetings/rounds/{world['round'].id}/close",
                           data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert world["meeting"].notes_source == "Our notes" and world["round"].closed_at


@pytest.mark.parametrize("who", ["anonymous", "pending", "suspended"])
def test_people_who_are_not_members_reach_nothing(client, app, world, who):
    if who != "anonymous":
        person = make_user(status=who)
        person.set_password(PASSWORD)
        db.session.commit()
        client.post("/login", data={"email": person.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client)})
    token = csrf_token(client)
    before = snapshot()
    for endpoint, method, url in routes(app, world):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, **HOSTILE})
        assert response.status_code == 302 and "/login" in response.headers["Location"], \
            (who, method, url, response.status_code)
    db.session.expire_all()
    assert snapshot() == before


@pytest.mark.parametrize("role", ["member", "moderator", "admin"])
def test_every_member_page_opens_for_every_member_role(client, app, world, role):
    person = {"member": make_member, "moderator": make_moderator, "admin": make_admin}[role]()
    log_in(client, person)
    for endpoint, method, url in routes(app, world, MEMBER_ENDPOINTS):
        if method != "GET":
            continue
        response = client.get(url)
        expected = 403 if endpoint == "meetings.results" and role == "member" else 200
        assert response.status_code == expected, (role, url)
    staff_only = [r for r in routes(app, world) if r[1] == "GET"
                  and r[0] not in MEMBER_ENDPOINTS | PUBLIC_ENDPOINTS]
    for endpoint, method, url in staff_only:
        assert client.get(url).status_code == (403 if role == "member" else 200), (role, url)


def test_the_feed_needs_its_secret_address_not_a_login(client, app, world):
    assert client.get(f"/meetings/calendar/{world['token']}.ics").status_code == 200
    for wrong in ("nope", world["token"][:-1], "x" * 300):
        assert client.get(f"/meetings/calendar/{wrong}.ics").status_code == 404
