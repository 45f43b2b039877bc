"""Discussions through the Flask test client: reading, writing, editing, paging."""
import pytest

from forum.discussions.models import Post, Thread
from forum.extensions import db

from ..factories import (login, make_category, make_member, make_moderator, make_thread,
                         make_user)


@pytest.fixture
def member(client):
    user = make_member(display_name="Fiona Campbell")
    login(client, user)
    return user


def test_start_a_thread_and_reply(client, member):
    category = make_category(name="Data and reporting")
    response = client.post(f"/categories/{category.id}/new", data={
        "title": "Survey response rates", "body": "How do you get **more** responses?"})
    assert response.status_code == 302
    thread = db.session.scalar(db.select(Thread))
    page = client.get(response.headers["Location"]).data.decode()
    assert "Survey response rates" in page and "<strong>more</strong>" in page
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Paper copies helped."})
    assert response.headers["Location"].endswith("#post-2")
    listing = client.get(f"/categories/{category.id}").data.decode()
    assert "Survey response rates" in listing and "Fiona Campbell" in listing


@pytest.mark.parametrize("data,message", [
    ({"title": "", "body": "text"}, "Enter a title."),
    ({"title": "   ", "body": "text"}, "Enter a title."),
    ({"title": "ok title", "body": ""}, "Enter your message."),
    ({"title": "ok title", "body": " \n\t "}, "Enter your message."),
    ({"title": "x" * 201, "body": "text"}, "between 3 and 200"),
    ({"title": "ok title", "body": "x" * 50_001}, "50,000 characters or fewer"),
    ({"title": "\u202egnp.exe", "body": "text"}, "text-direction"),
    ({"title": "ok title", "body": "\u200b"}, "visible characters"),
])
def test_bad_thread_input_is_explained_and_nothing_is_written(client, member, data, message):
    category = make_category()
    response = client.post(f"/categories/{category.id}/new", data=data)
    assert response.status_code == 422
    assert message in response.data.decode()
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


def test_hostile_markdown_is_stored_sanitised(client, member):
    category = make_category()
    client.post(f"/categories/{category.id}/new", data={
        "title": "Hostile", "body": "<script>alert(1)</script> [x](javascript:alert(1))"})
    post = db.session.scalar(db.select(Post))
    assert "<script" not in post.body_html and "href=\"javascript" not in post.body_html
    page = client.get(f"/threads/{post.thread_id}").data.decode()
    assert "<script>alert(1)</script>" not in page


def test_quote_prefills_the_reply(client, member):
    other = make_member(display_name="Raj Patel")
    thread = make_thread(author=other, body="We ran a risk assessment by site.")
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    page = client.get(f"/threads/{thread.id}/reply?quote={post.id}").data.decode()
    assert "**Raj Patel** wrote:" in page
    assert "&gt; We ran a risk assessment by site." in page


def test_quote_of_a_post_in_another_thread_is_404(client, member):
    thread = make_thread()
    elsewhere = make_thread()
    post = db.session.scalar(db.select(Post).filter_by(thread_id=elsewhere.id))
    assert client.get(f"/threads/{thread.id}/reply?quote={post.id}").status_code == 404


def test_edit_shows_edited_and_history_to_author_only(app, client, member):
    thread = make_thread(author=member, body="Original text")
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    response = client.post(f"/posts/{post.id}/edit", data={"title": thread.title,
                                                          "body": "Corrected text"})
    assert response.status_code == 302
    page = client.get(f"/threads/{thread.id}").data.decode()
    assert "edited" in page and f"/posts/{post.id}/history" in page
    history = client.get(f"/posts/{post.id}/history").data.decode()
    assert "Original text" in history and "Corrected text" in history

    stranger = app.test_client()
    login(stranger, make_member())
    page = stranger.get(f"/threads/{thread.id}").data.decode()
    assert "edited" in page and f"/posts/{post.id}/history" not in page
    assert stranger.get(f"/posts/{post.id}/history").status_code == 403
    assert stranger.get(f"/posts/{post.id}/edit").status_code == 403

    moderator = app.test_client()
    login(moderator, make_moderator())
    assert "Original text" in moderator.get(f"/posts/{post.id}/history").data.decode()


def test_delete_leaves_a_placeholder(client, member):
    thread = make_thread(author=member, body="Regrettable words", replies=1)
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id, number=2))
    assert client.post(f"/posts/{post.id}/delete").status_code == 302
    page = client.get(f"/threads/{thread.id}").data.decode()
    assert "This post was removed." in page and "Reply number 1." not in page
    assert client.post(f"/posts/{post.id}/delete").status_code == 403


def test_long_threads_are_paginated_with_a_jump_to_newest(app, client, member):
    thread = make_thread(author=member, replies=45)  # 46 posts, 20 per page
    first = client.get(f"/threads/{thread.id}").data.decode()
    assert "Reply number 19." in first and "Reply number 20." not in first
    assert f"/threads/{thread.id}?page=last#post-46" in first.replace("&amp;", "&")
    last = client.get(f"/threads/{thread.id}?page=last").data.decode()
    assert "Reply number 45." in last and 'aria-current="page"' in last
    assert client.get(f"/threads/{thread.id}?page=9").status_code == 404
    assert client.get(f"/threads/{thread.id}?page=abc").status_code == 404


def test_category_lists_threads_by_latest_activity_and_paginates(app, client, member):
    app.config["THREADS_PER_PAGE"] = 3
    category = make_category()
    threads = [make_thread(author=member, category=category, title=f"Topic {i}")
               for i in range(5)]
    from forum.discussions import services
    services.reply(member, threads[0], body="Bump")
    page = client.get(f"/categories/{category.id}").data.decode()
    assert page.index("Topic 0") < page.index("Topic 4") < page.index("Topic 3")
    assert "Topic 1" not in page
    assert "Topic 1" in client.get(f"/categories/{category.id}?page=2").data.decode()


def test_moderator_locks_and_pins(client):
    login(client, make_moderator())
    thread = make_thread()
    client.post(f"/threads/{thread.id}/lock")
    client.post(f"/threads/{thread.id}/pin")
    db.session.refresh(thread)
    assert thread.is_locked and thread.is_pinned


def test_member_cannot_lock(client, member):
    thread = make_thread()
    assert client.post(f"/threads/{thread.id}/lock").status_code == 403


def test_preview_renders_with_the_same_pipeline(client, member):
    response = client.post("/preview", data={"body": "**bold** <img src=x onerror=alert(1)>"})
    html = response.get_json()["html"]
    assert "<strong>bold</strong>" in html and "<img" not in html


def test_admin_manages_categories(client):
    login(client, make_user("admin"))
    response = client.post("/admin/categories/new", data={
        "name": "Workplace culture", "description": "Culture", "position": "2"})
    assert response.status_code == 302
    assert b"Workplace culture" in client.get("/forum").data
    duplicate = client.post("/admin/categories/new", data={"name": "workplace culture",
                                                           "position": "1"})
    assert duplicate.status_code == 422 and b"already exists" in duplicate.data


def test_unknown_ids_are_404(client, member):
    for path in ["/threads/999", "/categories/999", "/posts/999", "/posts/999/edit",
                 "/members/999"]:
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("replies", [4, 99])
def test_thread_page_query_count_is_constant(client, member, count_queries, replies):
    thread = make_thread(author=member, replies=replies,
                         reply_author=make_member())
    with count_queries() as statements:
        response = client.get(f"/threads/{thread.id}?page=last")
    assert response.status_code == 200
    # 8 for the page, +1 the header's unread count, +1 the Watch button's state;
    # DESIGN.md allows at most 12
    assert len(statements) <= 10, statements


def test_thread_page_costs_the_same_for_5_and_100_posts(client, member, count_queries):
    costs = []
    for replies in (4, 99):
        thread = make_thread(author=member, replies=replies, reply_author=make_member())
        with count_queries() as statements:
            assert client.get(f"/threads/{thread.id}").status_code == 200
        costs.append(len(statements))
    assert costs[0] == costs[1], costs


def test_category_page_costs_the_same_for_5_and_100_threads(app, client, member,
                                                            count_queries):
    app.config["THREADS_PER_PAGE"] = 200
    costs = []
    for count in (5, 100):
        category = make_category()
        for i in range(count):
            make_thread(author=make_member() if i % 2 else member, category=category)
        with count_queries() as statements:
            assert client.get(f"/categories/{category.id}").status_code == 200
        costs.append(len(statements))
    assert costs[0] == costs[1], costs


def test_absurdly_nested_markdown_is_refused_with_a_message(client, member):
    category = make_category()
    response = client.post(f"/categories/{category.id}/new", data={
        "title": "Deep", "body": ">" * 200 + " hello"})
    assert response.status_code == 422
    assert b"levels deep" in response.data
