"""Every notification route for each role (anonymous, pending, member, moderator),
POSTs with a valid CSRF token, the list page's fixed query count, mark read."""
import re

import pytest

from forum.discussions import services as discussions
from forum.notifications import services
from tests.factories import PASSWORD, make_category, make_member, make_moderator, make_thread, \
    make_user

from .helpers import notifications_of


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def _csrf(client, path="/notifications"):
    page = client.get(path)
    return re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()


def login(client, user):
    """Log in through the real form, with its CSRF token."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": _csrf(client, "/login")})
    assert response.status_code == 302


def _world():
    owner = make_member(display_name="Owner Person")
    thread = make_thread(author=owner, title="Watched thread")
    discussions.reply(make_member(), thread, body="A reply.")
    [notification] = notifications_of(owner)
    return owner, thread, notification


GETS = ["/notifications", "/notifications/preferences", "/notifications/watching",
        "/notifications/feeds", "/notifications/member-names?q=ow",
        "/notifications/watch/thread/{thread}", "/notifications/watch/category/{category}"]


@pytest.mark.parametrize("role", ["anonymous", "pending", "member", "moderator"])
def test_every_get_route_by_role(app, client, role):
    """Anonymous and pending: to the login page; members and moderators: 200."""
    owner, thread, notification = _world()
    if role == "member":
        login(client, make_member())
    elif role == "moderator":
        login(client, make_moderator())
    elif role == "pending":
        pending = make_user(status="pending")
        assert client.post("/login", data={"email": pending.email,
                                           "password": "x"}).status_code != 302
    for template in GETS:
        path = template.format(thread=thread.id, category=thread.category_id)
        response = client.get(path)
        if role in ("anonymous", "pending"):
            assert response.status_code == 302 and "/login" in response.location, path
        else:
            assert response.status_code == 200, path
    # Someone else's notification is a 404, for members and moderators alike.
    if role in ("member", "moderator"):
        assert client.get(f"/notifications/{notification.id}").status_code == 404


def test_the_owner_opens_marks_and_marks_all_read_with_csrf(app, client):
    """Opening goes to the post and marks it read; the POSTs need the CSRF token."""
    owner, thread, notification = _world()
    discussions.reply(make_member(), thread, body="Another.")
    login(client, owner)
    page = client.get("/notifications")
    assert b"2<span class=\"visually-hidden\"> unread</span>" in page.data
    token = _csrf(client)
    assert client.post(f"/notifications/{notification.id}/read").status_code == 400
    response = client.get(f"/notifications/{notification.id}")
    assert response.status_code == 302 and f"/posts/{notification.post_id}" in response.location
    assert services.unread_count(owner) == 1
    response = client.post("/notifications/read-all", data={"csrf_token": token})
    assert response.status_code == 302
    assert services.unread_count(owner) == 0
    other, client = make_member(), app.test_client()
    login(client, other)
    token = _csrf(client)
    assert client.post(f"/notifications/{notification.id}/read",
                       data={"csrf_token": token}).status_code == 404


def test_mark_one_read(app, client):
    owner, thread, notification = _world()
    login(client, owner)
    token = _csrf(client)
    response = client.post(f"/notifications/{notification.id}/read",
                           data={"csrf_token": token})
    assert response.status_code == 302
    assert services.unread_count(owner) == 0


def test_watch_and_unwatch_with_csrf(app, client):
    member = make_member()
    category = make_category()
    login(client, member)
    token = _csrf(client)
    assert client.post(f"/notifications/watch/category/{category.id}").status_code == 400
    assert client.post(f"/notifications/watch/category/{category.id}",
                       data={"csrf_token": token}).status_code == 302
    assert services.is_watching(member, "category", category.id)
    assert b">Stop watching<" in client.get("/notifications/watching").data
    assert client.post(f"/notifications/unwatch/category/{category.id}",
                       data={"csrf_token": token}).status_code == 302
    assert not services.is_watching(member, "category", category.id)
    assert client.post("/notifications/watch/planet/1",
                       data={"csrf_token": token}).status_code == 404
    assert client.post("/notifications/watch/thread/99999",
                       data={"csrf_token": token}).status_code == 404


def _watch_form(page: bytes) -> tuple[str, dict]:
    """The page's watch form: (action, fields)."""
    form = re.search(rb'<form method="post" action="([^"]+)" class="inline-form watch-form">'
                     rb'(.*?)</form>', page, re.S)
    assert form, "no watch button on the page"
    fields = dict(re.findall(rb'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    return form.group(1).decode(), {k.decode(): v.decode() for k, v in fields.items()}


@pytest.mark.parametrize("page_of", ["thread", "question", "category", "tag"])
def test_watch_buttons_on_the_pages_themselves(app, client, page_of):
    """Thread, question, category and tag pages carry Watch / Stop watching, which comes
    back to the same page and shows the new state."""
    from forum.qa import services as qa
    member = make_member()
    category = make_category()
    if page_of == "question":
        question = qa.ask(make_member(), category, title="How do we start?",
                                   body="Asking for a friend.", tags="policy-review")
        path, target = f"/questions/{question.id}", ("thread", question.id)
    elif page_of == "thread":
        thread = make_thread(category=category)
        path, target = f"/threads/{thread.id}", ("thread", thread.id)
    elif page_of == "category":
        path, target = f"/categories/{category.id}", ("category", category.id)
    else:
        question = qa.ask(make_member(), category, title="Tagged one?",
                                   body="Tagged.", tags="policy-review")
        path = "/tags/policy-review"
        target = ("tag", question.tags[0].id)
    login(client, member)
    page = client.get(path)
    assert page.status_code == 200, path
    action, fields = _watch_form(page.data)
    assert action == f"/notifications/watch/{target[0]}/{target[1]}"
    assert b">Watch this " + target[0].encode() + b"<" in page.data
    response = client.post(action, data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    assert services.is_watching(member, *target)
    page = client.get(path)
    action, fields = _watch_form(page.data)
    assert action == f"/notifications/unwatch/{target[0]}/{target[1]}"
    assert b">Stop watching<" in page.data
    assert client.post(action, data=fields).status_code == 302
    assert not services.is_watching(member, *target)


def test_the_watch_form_never_returns_to_another_site(app, client):
    member = make_member()
    category = make_category()
    login(client, member)
    for hostile in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]:
        response = client.post(f"/notifications/watch/category/{category.id}",
                               data={"csrf_token": _csrf(client), "next": hostile})
        assert response.status_code == 302
        assert response.headers["Location"] == "/notifications/watching", hostile


def test_preferences_form_saves_and_refuses_bad_choices(app, client):
    member = make_member()
    login(client, member)
    token = _csrf(client, "/notifications/preferences")
    response = client.post("/notifications/preferences", data={
        "csrf_token": token, "delivery_reply": "daily", "auto_watch": ""})
    assert response.status_code == 302
    settings = services.settings_for(member)
    assert settings.delivery_for("reply") == "daily" and not settings.auto_watch
    bad = client.post("/notifications/preferences", data={
        "csrf_token": token, "delivery_reply": "<script>"})
    assert bad.status_code == 422 and b"There is a problem" in bad.data
    assert services.settings_for(member).delivery_for("reply") == "daily"


def test_unsubscribe_post_needs_no_csrf_or_login(app, client):
    """One-click needs no login or token; the confirm page's button carries its token."""
    member = make_member()
    token = services.unsubscribe_token(member)
    path = f"/notifications/unsubscribe/{token}"
    assert client.post(path).status_code == 400
    assert services.settings_for(member).unsubscribed_at is None
    assert client.post(path, data={"csrf_token": _csrf(client, path)}).status_code == 200
    assert services.settings_for(member).unsubscribed_at is not None
    other = services.unsubscribe_token(make_member())
    assert client.post(f"/notifications/unsubscribe/{other}",
                       data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert services.settings_for(member).unsubscribed_at is not None


def test_list_page_costs_a_fixed_number_of_queries(app, client, count_queries):
    """Two notifications or thirty: the same number of SQL statements."""
    owner = make_member()
    thread = make_thread(author=owner)
    login(client, owner)
    costs = []
    for replies in (2, 28):
        for n in range(replies):
            discussions.reply(make_member(), thread, body=f"Reply {n}.")
        with count_queries() as statements:
            assert client.get("/notifications").status_code == 200
        costs.append(len(statements))
    assert costs[0] == costs[1], costs
    assert costs[0] <= 8, costs
