"""Merging and splitting threads keep every post exactly once, in time order, with counts
and "latest post" right on both threads and both categories."""
import re

import pytest
from sqlalchemy import select

from forum.discussions import services as discussions
from forum.discussions.models import Category, Post, Thread
from forum.extensions import db
from forum.moderation import threads
from forum.moderation.models import AuditEntry
from forum.validation import DomainError

from ..factories import login, make_category, make_member, make_moderator, make_thread
from ..qa.factories import make_question
from ..search.test_search_pages import index_now


def _posts(thread_id) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(p.number, p.body_source) for p in db.session.scalars(
        select(Post).where(Post.thread_id == thread_id).order_by(Post.number))]


def _counts(*categories) -> list[tuple[int, int]]:
    db.session.expire_all()
    return [(db.session.get(Category, c.id).thread_count, db.session.get(Category, c.id)
             .post_count) for c in categories]


@pytest.fixture
def two_threads(app):
    """Two threads in two categories whose posts interleave in time: s1 t1 s2 t2 s3."""
    here, there = make_category(name="Pay"), make_category(name="Leave")
    member = make_member()
    source = make_thread(author=member, category=here, title="Pay gap data", body="s1")
    target = make_thread(author=member, category=there, title="Pay gap reporting", body="t1")
    for thread, body in ((source, "s2"), (target, "t2"), (source, "s3")):
        discussions.reply(member, thread, body=body)
    return source, target, here, there


def test_a_merge_keeps_every_post_once_in_time_order(client, two_threads):
    source, target, here, there = two_threads
    before = _counts(here, there)
    index_now()
    moderator = make_moderator()
    threads.merge_threads(moderator, source, target, "Same topic")
    assert _posts(target.id) == [(1, "s1"), (2, "t1"), (3, "s2"), (4, "t2"), (5, "s3")]
    assert _posts(source.id) == []
    merged = db.session.get(Thread, target.id)
    last = db.session.scalar(select(Post).where(Post.thread_id == target.id,
                                                Post.number == 5))
    assert merged.post_count == 5 and merged.last_post_at == last.created_at
    assert _counts(here, there) == [(before[0][0] - 1, before[0][1] - 3),
                                    (before[1][0], before[1][1] + 3)]
    gone = db.session.get(Thread, source.id)
    assert gone.is_deleted and gone.merged_into_id == target.id
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.reason) == ("thread.merged", "Same topic")

    login(client, make_member())
    response = client.get(f"/threads/{source.id}")
    assert response.status_code == 301 and response.location.endswith(f"/threads/{target.id}")
    index_now()
    html = client.get("/search?q=s3").get_data(as_text=True)
    assert "Pay gap reporting" in html and "Pay gap data" not in html


def test_a_split_moves_the_chosen_replies_into_a_new_thread(client, two_threads):
    source, _, here, there = two_threads
    for body in ("s4", "s5"):
        discussions.reply(make_member(), source, body=body)
    posts = {p.body_source: p.id for p in db.session.scalars(
        select(Post).where(Post.thread_id == source.id))}
    before = _counts(here, there)
    new = threads.split_thread(make_moderator(), source, [posts["s4"], posts["s2"]],
                               title="Pay gap: the s2 and s4 tangent", category=there,
                               reason="A different question")
    assert _posts(new.id) == [(1, "s2"), (2, "s4")]
    assert _posts(source.id) == [(1, "s1"), (2, "s3"), (3, "s5")]
    assert db.session.get(Thread, source.id).post_count == 3
    assert db.session.get(Thread, new.id).post_count == 2
    assert _counts(here, there) == [(before[0][0], before[0][1] - 2),
                                    (before[1][0] + 1, before[1][1] + 2)]
    login(client, make_member())
    assert "s4" in client.get(f"/threads/{new.id}").get_data(as_text=True)


def test_what_cannot_be_merged_or_split(app, two_threads):
    source, target, here, _ = two_threads
    moderator = make_moderator()
    with pytest.raises(DomainError):
        threads.merge_threads(moderator, source, source, "Itself")
    secret = make_question(anonymous=True, title="Anonymous: how do we handle disclosures?")
    with pytest.raises(DomainError, match="anonymous"):
        threads.merge_threads(moderator, secret, target, "Same")
    opening = db.session.scalar(select(Post).where(Post.thread_id == source.id,
                                                   Post.number == 1))
    with pytest.raises(DomainError, match="opening post"):
        threads.split_thread(moderator, source, [opening.id], title="New thread",
                             category=here, reason="x")
    with pytest.raises(DomainError):
        threads.split_thread(moderator, source, [], title="New thread", category=here,
                             reason="x")
    assert _posts(source.id) == [(1, "s1"), (2, "s2"), (3, "s3")]


def test_the_merge_and_split_pages(client, two_threads):
    source, target, here, _ = two_threads
    login(client, make_member())
    assert client.post(f"/moderation/threads/{source.id}/merge",
                       data={"target": str(target.id), "reason": "x"}).status_code == 403
    client.post("/logout")
    login(client, make_moderator())
    assert client.get(f"/moderation/threads/{source.id}/merge").status_code == 200
    assert client.get(f"/moderation/threads/{source.id}/split").status_code == 200
    for bad in ("javascript:alert(1)", "/threads/999999", "x" * 400, "/threads/abc"):
        response = client.post(f"/moderation/threads/{source.id}/merge",
                               data={"target": bad, "reason": "Duplicate"})
        assert response.status_code == 422, bad
    none_chosen = client.post(f"/moderation/threads/{source.id}/split",
                              data={"title": "A new thread", "category": here.id,
                                    "reason": "x"})
    assert none_chosen.status_code == 422 and b"at least one reply" in none_chosen.data
    done = client.post(f"/moderation/threads/{source.id}/merge",
                       data={"target": f"https://forum.example/threads/{target.id}",
                             "reason": "Duplicate"})
    assert done.status_code == 302
    assert _posts(target.id)[-1] == (5, "s3")


def test_the_split_page_is_paginated_at_a_fixed_number_of_queries(app, client, count_queries):
    app.config["SPLIT_PER_PAGE"] = 10
    member, moderator = make_member(), make_moderator()
    short = make_thread(author=member, title="A short thread", replies=4)
    long = make_thread(author=member, title="A long thread", replies=34,
                       reply_author=make_member())
    login(client, moderator)
    client.get(f"/moderation/threads/{short.id}/split")  # warm: the session's user
    costs = {}
    for name, thread, page in (("short", short, 1), ("long, first", long, 1),
                               ("long, middle", long, 2), ("long, last", long, 4)):
        with count_queries() as statements:
            response = client.get(f"/moderation/threads/{thread.id}/split?page={page}")
        assert response.status_code == 200, name
        costs[name] = len(statements)
        html = response.get_data(as_text=True)
        if thread is long:
            numbers = [int(n) for n in re.findall(r"Post (\d+) by", html)]
            first = (page - 1) * 10 + 2
            assert numbers == list(range(first, min(first + 10, 36))), (page, numbers)
            assert "one page per split" in html
    assert len(set(costs.values())) == 1, costs
    assert client.get(f"/moderation/threads/{long.id}/split?page=5").status_code == 404
    assert "Pages of replies" not in client.get(
        f"/moderation/threads/{short.id}/split").get_data(as_text=True)

    # A split from page 3 moves what was chosen there; an error keeps the moderator there.
    chosen = [p.id for p in db.session.scalars(select(Post).where(
        Post.thread_id == long.id, Post.number.in_([22, 25])))]
    again = client.post(f"/moderation/threads/{long.id}/split",
                        data={"page": "3", "posts": chosen, "title": "",
                              "category": long.category_id, "reason": "Tangent"})
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    assert "Post 22 by" in html and "Post 2 by" not in html
    assert html.count("checked") == 2
    done = client.post(f"/moderation/threads/{long.id}/split",
                       data={"page": "3", "posts": chosen, "title": "The tangent",
                             "category": long.category_id, "reason": "Tangent"})
    assert done.status_code == 302
    assert [body for _, body in _posts(long.id)][-1] == "Reply number 34."
    assert db.session.get(Thread, long.id).post_count == 33
