"""Hidden content is in no count and no "latest post" members see: hiding an opening post
takes its thread (and all its posts) out of the category's counts, hiding a reply takes
that post out, and a thread's "latest post" is its newest post no moderator hid. The
counts stay right through showing again, moving, merging, splitting and replying.
Moderators still find hidden threads in the lists, marked hidden."""
import re

import pytest
from sqlalchemy import func, select

from forum.discussions import services as discussions
from forum.discussions.models import Category, Post, Thread
from forum.extensions import db
from forum.moderation import services as moderation, threads

from ..factories import login, make_category, make_member, make_moderator, make_thread


def _counts(category) -> tuple[int, int]:
    db.session.expire_all()
    row = db.session.get(Category, category.id)
    return row.thread_count, row.post_count


def _true_counts(category) -> tuple[int, int]:
    """What members can read in the category, counted from the rows."""
    live = select(Thread.id).where(Thread.category_id == category.id,
                                   Thread.deleted_at.is_(None), Thread.hidden_at.is_(None))
    return (db.session.scalar(select(func.count()).select_from(live.subquery())),
            db.session.scalar(select(func.count(Post.id)).where(
                Post.thread_id.in_(live), Post.hidden_at.is_(None))))


def _opening(thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def _post(thread, number) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                Post.number == number))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def place(app):
    category = make_category(name="Workplace culture")
    author, replier = make_member(display_name="Ava Author"), make_member(display_name="Rob Replier")
    kept = make_thread(author=author, category=category, title="Staff networks that work")
    hidden = make_thread(author=author, category=category, title="Naming and shaming",
                         replies=2, reply_author=replier)
    return {"category": category, "author": author, "replier": replier, "kept": kept,
            "hidden": hidden, "moderator": make_moderator()}


def test_hiding_an_opening_post_takes_its_thread_out_of_every_count_members_see(
        client, place):
    category, moderator = place["category"], place["moderator"]
    assert _counts(category) == (2, 4)
    moderation.hide_post(moderator, _opening(place["hidden"]), "Names a colleague")
    assert _counts(category) == (1, 1) == _true_counts(category)

    login(client, make_member())
    index = _text(client.get("/forum").get_data(as_text=True))
    assert "1 thread · 1 post" in index and "2 threads" not in index
    page = client.get(f"/categories/{category.id}").get_data(as_text=True)
    assert "Naming and shaming" not in page
    client.post("/logout")

    login(client, moderator)  # moderators still find it, marked hidden
    page = client.get(f"/categories/{category.id}").get_data(as_text=True)
    row = page[page.index("Naming and shaming") - 600:page.index("Naming and shaming")]
    assert "Hidden" in row

    moderation.unhide_post(moderator, _opening(place["hidden"]), "Names removed")
    assert _counts(category) == (2, 4)


def test_a_hidden_reply_is_not_counted_nor_the_thread_s_latest_post(client, place):
    category, thread = place["category"], place["hidden"]
    before = db.session.get(Thread, thread.id).last_post_at
    last = _post(thread, 3)
    moderation.hide_post(place["moderator"], last, "Personal details")
    assert _counts(category) == (2, 3) == _true_counts(category)
    db.session.expire_all()
    refreshed = db.session.get(Thread, thread.id)
    assert refreshed.last_post_at == _post(thread, 2).created_at <= before
    assert refreshed.last_post_author_id == place["replier"].id

    moderation.hide_post(place["moderator"], _post(thread, 2), "Personal details")
    db.session.expire_all()
    refreshed = db.session.get(Thread, thread.id)
    assert refreshed.last_post_author_id == place["author"].id  # only the opening post is left
    login(client, make_member())
    page = client.get(f"/categories/{category.id}").get_data(as_text=True)
    row = page[page.index("Naming and shaming"):]
    row = row[:row.index("</tr>")]
    assert "Rob Replier" not in row and "Ava Author" in row

    moderation.unhide_post(place["moderator"], _post(thread, 2), "Fine")
    moderation.unhide_post(place["moderator"], _post(thread, 3), "Fine")
    assert _counts(category) == (2, 4)
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).last_post_at == _post(thread, 3).created_at


def test_replies_to_a_hidden_thread_are_not_counted(place):
    category, thread = place["category"], place["hidden"]
    moderation.hide_post(place["moderator"], _opening(thread), "Off topic")
    discussions.reply(place["moderator"], db.session.get(Thread, thread.id),
                      body="We have hidden this while we check it.")
    assert _counts(category) == (1, 1) == _true_counts(category)
    moderation.unhide_post(place["moderator"], _opening(thread), "Checked")
    assert _counts(category) == (2, 5) == _true_counts(category)


def test_moving_merging_and_splitting_keep_hidden_content_uncounted(place):
    category, moderator = place["category"], place["moderator"]
    elsewhere = make_category(name="Elsewhere")
    moderation.hide_post(moderator, _opening(place["hidden"]), "Off topic")
    moderation.move_thread(moderator, db.session.get(Thread, place["hidden"].id), elsewhere,
                           "Belongs there")
    assert _counts(category) == (1, 1) == _true_counts(category)
    assert _counts(elsewhere) == (0, 0) == _true_counts(elsewhere)
    moderation.unhide_post(moderator, _opening(place["hidden"]), "Fine there")
    assert _counts(elsewhere) == (1, 3)

    reply = _post(place["hidden"], 2)
    moderation.hide_post(moderator, reply, "Personal details")
    assert _counts(elsewhere) == (1, 2)
    threads.merge_threads(moderator, db.session.get(Thread, place["hidden"].id),
                          db.session.get(Thread, place["kept"].id), "One topic")
    assert _counts(category) == (1, 3) == _true_counts(category)  # 4 posts, 1 hidden
    assert _counts(elsewhere) == (0, 0) == _true_counts(elsewhere)

    moved = db.session.get(Post, reply.id)
    new = threads.split_thread(moderator, db.session.get(Thread, place["kept"].id),
                               [moved.id, _post(place["kept"], 4).id], title="A tangent",
                               category=elsewhere, reason="Another question")
    assert _counts(category) == (1, 2) == _true_counts(category)
    # The hidden reply became the new thread's opening post: the thread is hidden with it.
    assert db.session.get(Thread, new.id).is_hidden
    assert _counts(elsewhere) == (0, 0) == _true_counts(elsewhere)


def test_moderators_page_through_hidden_threads_too(app, client, place):
    app.config["THREADS_PER_PAGE"] = 2
    category, moderator = place["category"], place["moderator"]
    make_thread(category=category, title="A third thread")
    moderation.hide_post(moderator, _opening(place["hidden"]), "Off topic")
    login(client, make_member())
    assert client.get(f"/categories/{category.id}?page=2").status_code == 404  # 2 threads
    client.post("/logout")
    login(client, moderator)
    second = client.get(f"/categories/{category.id}?page=2")
    assert second.status_code == 200  # 3 threads for moderators, one of them hidden
    client.post("/logout")
    login(client, place["author"])  # its author finds their own hidden thread too
    assert client.get(f"/categories/{category.id}?page=2").status_code == 200
