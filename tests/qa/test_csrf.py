"""With CSRF protection on (as in production), votes need the token: in the form, or in
the X-CSRFToken header that qa.js sends with fetch."""
import re

import pytest

from forum.extensions import db
from forum.qa.models import HelpfulVote

from ..factories import PASSWORD, make_member
from .factories import make_answer, make_question


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def csrf_token(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def log_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def test_fetch_votes_with_the_csrf_header(client, app):
    answer = make_answer(make_question())
    log_in(client, make_member())
    token = csrf_token(client, f"/questions/{answer.thread_id}")
    response = client.post(f"/posts/{answer.id}/helpful",
                           headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["count"] == 1


def test_form_votes_with_the_csrf_field(client, app):
    answer = make_answer(make_question())
    log_in(client, make_member())
    token = csrf_token(client, f"/questions/{answer.thread_id}")
    response = client.post(f"/posts/{answer.id}/helpful", data={"csrf_token": token})
    assert response.status_code == 302


def test_votes_without_a_token_are_refused(client, app):
    answer = make_answer(make_question())
    log_in(client, make_member())
    response = client.post(f"/posts/{answer.id}/helpful", headers={"Accept": "application/json"})
    assert response.status_code == 400 and b"This form has expired" in response.data
    assert db.session.scalar(db.select(db.func.count(HelpfulVote.id))) == 0
