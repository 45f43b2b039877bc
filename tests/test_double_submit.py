"""A writing form sent twice — a double click, a browser retrying — stores once (issue
18, item 4): each form carries a one-time key, enforced by a unique constraint, so two
submits arriving together cannot both get through; the second is sent to the first's
result."""
import re
import threading

import pytest

from forum.discussions.models import Post, Thread
from forum.extensions import db

from .factories import login, make_category, make_member, make_thread

TRIALS = 6


def _key(client, path) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)


def _both_at_once(app, member, path, data):
    """POST `data` to `path` from two logged-in clients at the same moment."""
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        login(client, member)
    barrier, statuses = threading.Barrier(2), []

    def send(client):
        barrier.wait(timeout=10)
        statuses.append(client.post(path, data=data).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_a_reply_sent_twice_at_once_is_stored_once(app, client):
    member = make_member()
    thread_id = make_thread().id
    login(client, member)
    for trial in range(TRIALS):
        key = _key(client, f"/threads/{thread_id}")
        statuses = _both_at_once(app, member, f"/threads/{thread_id}/reply",
                                 {"body": f"Double click {trial}.", "submission_key": key})
        assert statuses == [302, 302]
    db.session.expire_all()
    bodies = db.session.scalars(db.select(Post.body_source).where(
        Post.thread_id == thread_id, Post.number > 1)).all()
    assert sorted(bodies) == [f"Double click {trial}." for trial in range(TRIALS)]


def test_a_new_thread_sent_twice_at_once_is_stored_once(app, client):
    member = make_member()
    category_id = make_category().id
    login(client, member)
    for trial in range(TRIALS):
        key = _key(client, f"/categories/{category_id}/new")
        statuses = _both_at_once(app, member, f"/categories/{category_id}/new", {
            "title": f"Twice sent {trial}", "body": "Once stored.", "submission_key": key})
        assert statuses == [302, 302]
    db.session.expire_all()
    titles = db.session.scalars(db.select(Thread.title).where(
        Thread.category_id == category_id)).all()
    assert sorted(titles) == [f"Twice sent {trial}" for trial in range(TRIALS)]


def test_the_repeat_lands_on_what_the_first_created(app, client):
    member = make_member()
    thread_id = make_thread().id
    login(client, member)
    key = _key(client, f"/threads/{thread_id}")
    first = client.post(f"/threads/{thread_id}/reply", data={"body": "Once.", "submission_key": key})
    again = client.post(f"/threads/{thread_id}/reply", data={"body": "Once.", "submission_key": key})
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "already sent" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_answers_and_questions_carry_keys_too(app, client):
    from forum.qa import services as qa
    member = make_member()
    category = make_category()
    question = qa.ask(make_member(), category, title="Keyed question?", body="Body.")
    login(client, member)
    key = _key(client, f"/questions/{question.id}")
    for _ in range(2):
        client.post(f"/questions/{question.id}/answers",
                    data={"body": "A keyed answer.", "submission_key": key})
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Post).where(
        Post.thread_id == question.id, Post.body_source == "A keyed answer.")) == 1
    assert _key(client, "/questions/ask")


@pytest.mark.parametrize("key", ["", "short", "x" * 65, "<script>", "a b c d e f g h i j k"])
def test_a_missing_or_odd_key_still_posts(app, client, key):
    member = make_member()
    thread_id = make_thread().id
    login(client, member)
    response = client.post(f"/threads/{thread_id}/reply",
                           data={"body": "Posted anyway.", "submission_key": key})
    assert response.status_code == 302
