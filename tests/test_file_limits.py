"""Per-request file limits are declared by the view that takes the files.

Reported from outside: an answer with three files, each under the per-file cap, was
refused with 413 while the same files on a reply were accepted, because the multi-file
views were listed by endpoint name in the uploads module and the answer view was missing.
"""
import pytest

from forum.discussions.models import Attachment
from forum.extensions import db

from .factories import login, make_category, make_member, make_thread
from .qa.factories import make_question
from .resources.helpers import form_file

MB = 1024 * 1024


def three_files():
    """Three text files of 0.9 MB: each under a 1 MB cap, together over 2 MB."""
    return [form_file(f"notes-{n}.txt", (b"%d" % n) * int(0.9 * MB)) for n in range(3)]


@pytest.fixture
def small_caps(app):
    """A 1 MB per-file cap, so a plain request may carry at most about 2 MB."""
    app.config["MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 2 * MB


def post_files(client, url, **fields):
    return client.post(url, data={**fields, "attachments": three_files()},
                       content_type="multipart/form-data")


@pytest.mark.usefixtures("small_caps")
@pytest.mark.parametrize("where", ["answer", "reply", "new thread"])
def test_three_files_under_the_cap_are_accepted_wherever_posts_take_files(app, client, where):
    member = make_member()
    login(client, member)
    if where == "answer":
        question = make_question()
        response = post_files(client, f"/questions/{question.id}/answers",
                              body="Here are our three policies.")
    elif where == "reply":
        thread = make_thread()
        response = post_files(client, f"/threads/{thread.id}/reply", body="Three files.")
    else:
        category = make_category()
        response = post_files(client, f"/categories/{category.id}/new", title="Three files",
                              body="See attached.")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 3


@pytest.mark.usefixtures("small_caps")
def test_a_view_that_takes_one_file_keeps_the_single_file_cap(app, client):
    member = make_member()
    login(client, member)
    category = make_category()
    response = client.post("/resources/new", content_type="multipart/form-data", data={
        "title": "Too much", "description": "", "category": category.id, "tags": "",
        "url": "", "file": form_file("big.txt", b"a" * (3 * MB))})
    assert response.status_code == 413


@pytest.mark.usefixtures("small_caps")
def test_more_files_than_a_post_may_carry_are_refused_with_a_message(app, client):
    app.config["MAX_ATTACHMENTS"] = 2
    login(client, make_member())
    question = make_question()
    response = post_files(client, f"/questions/{question.id}/answers", body="Too many.")
    assert response.status_code == 422
    assert "You can attach up to 2 files at once; you chose 3." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
