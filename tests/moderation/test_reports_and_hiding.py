"""Reports through the real pages, and hidden posts as each kind of reader sees them."""
import pytest
from sqlalchemy import select

from forum.discussions.models import Post
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import Report
from forum.qa import services as qa
from forum.validation import DomainError

from ..factories import login, make_member, make_moderator, make_thread
from ..qa.factories import make_question
from ..resources.helpers import make_resource
from ..search.test_search_pages import index_now


@pytest.fixture
def world(app):
    author = make_member(display_name="Ava Author")
    thread = make_thread(author=author, title="Carers leave policies")
    reply = __import__("forum.discussions.services", fromlist=["reply"]).reply(
        author, thread, body="Our carers leave is five days, ask Jo Bloggs on 0131 496 0000.")
    return {"author": author, "thread": thread, "reply": reply,
            "reporter": make_member(display_name="Rita Reporter"),
            "moderator": make_moderator(display_name="Maggie Moderator")}


def test_a_member_reports_a_post_and_a_moderator_hides_it_from_the_queue(client, world):
    login(client, world["reporter"])
    thread_page = client.get(f"/threads/{world['thread'].id}").get_data(as_text=True)
    assert f"/report/post/{world['reply'].id}" in thread_page
    form = client.get(f"/report/post/{world['reply'].id}")
    assert form.status_code == 200 and "Report to the moderators" in form.get_data(as_text=True)
    sent = client.post(f"/report/post/{world['reply'].id}",
                       data={"reason": "It shares a colleague's phone number."})
    assert sent.status_code == 302
    again = client.post(f"/report/post/{world['reply'].id}", data={"reason": "Again"})
    assert again.status_code == 422 and "already reported" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 1

    client.post("/logout")
    login(client, world["moderator"])
    queue = client.get("/moderation/reports").get_data(as_text=True)
    assert "Rita Reporter" in queue and "phone number" in queue
    report = db.session.scalar(select(Report))
    detail = client.get(f"/moderation/reports/{report.id}").get_data(as_text=True)
    assert "0131 496 0000" in detail  # the item itself, for judging it
    done = client.post(f"/moderation/reports/{report.id}",
                       data={"note": "Personal details removed from view.", "hide": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Report, report.id).is_open
    assert db.session.get(Post, world["reply"].id).is_hidden


def test_a_hidden_post_as_each_reader_sees_it(client, world):
    moderation.hide_post(world["moderator"], world["reply"], "Shares personal details")
    url = f"/threads/{world['thread'].id}"
    login(client, world["reporter"])
    page = client.get(url).get_data(as_text=True)
    assert "This post was hidden by a moderator." in page and "0131" not in page
    assert "Shares personal details" not in page
    client.post("/logout")
    login(client, world["author"])
    page = client.get(url).get_data(as_text=True)
    assert "Your post is hidden from members by a moderator." in page
    assert "Shares personal details" in page and "0131" in page
    client.post("/logout")
    login(client, world["moderator"])
    page = client.get(url).get_data(as_text=True)
    assert "Hidden from members by a moderator." in page and "0131" in page
    assert f"/moderation/posts/{world['reply'].id}/unhide" in page


def test_a_hidden_post_leaves_search_and_comes_back_when_shown(client, world):
    index_now()
    login(client, world["reporter"])
    assert "Bloggs" in client.get("/search?q=bloggs").get_data(as_text=True)
    moderation.hide_post(world["moderator"], world["reply"], "Personal details")
    index_now()
    assert "Nothing matched" in client.get("/search?q=bloggs").get_data(as_text=True)
    moderation.unhide_post(world["moderator"], db.session.get(Post, world["reply"].id), "Fixed")
    index_now()
    assert "Bloggs" in client.get("/search?q=bloggs").get_data(as_text=True)


def test_hiding_an_opening_post_hides_the_thread_from_other_members(client, world):
    opening = db.session.scalar(select(Post).where(Post.thread_id == world["thread"].id,
                                                   Post.number == 1))
    index_now()
    moderation.hide_post(world["moderator"], opening, "Off topic")
    index_now()
    category = f"/categories/{world['thread'].category_id}"
    login(client, world["reporter"])
    assert "Carers leave policies" not in client.get(category).get_data(as_text=True)
    assert client.get(f"/threads/{world['thread'].id}").status_code == 404
    assert "Nothing matched" in client.get("/search?q=carers").get_data(as_text=True)
    client.post("/logout")
    login(client, world["author"])  # the author still finds it, with the reason
    assert "Carers leave policies" in client.get(category).get_data(as_text=True)
    page = client.get(f"/threads/{world['thread'].id}").get_data(as_text=True)
    assert "Off topic" in page


def test_reporting_rules(app, world):
    with pytest.raises(Exception):  # one's own post
        moderation.file_report(world["author"], world["reply"], "Mine")
    question = make_question(title="How do you run menopause cafes?")
    answer_post = db.session.scalar(select(Post).where(Post.thread_id == question.id))
    comment = qa.add_comment(world["author"], answer_post, body="Monthly, over lunch.")
    resource = make_resource(author=world["author"])
    for target in (comment, resource):
        moderation.file_report(world["reporter"], target, "Please check this.")
    assert {r.target_type for r in db.session.scalars(select(Report))} == {"comment", "resource"}
    with pytest.raises(DomainError):
        moderation.file_report(world["reporter"], resource, "Twice")


@pytest.mark.parametrize("path,data", [
    ("/moderation/posts/{reply}/hide", {"reason": "x"}),
    ("/moderation/posts/{reply}/unhide", {"reason": "x"}),
    ("/moderation/reports/{report}", {"note": "x", "hide": "y"}),
])
def test_members_cannot_moderate_even_by_posting_directly(client, world, path, data):
    report = moderation.file_report(world["reporter"], world["reply"], "Check")
    login(client, make_member())
    response = client.post(path.format(reply=world["reply"].id, report=report.id), data=data)
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert not db.session.get(Post, world["reply"].id).is_hidden
    assert db.session.get(Report, report.id).is_open


@pytest.mark.parametrize("reason", ["", " \n ", "x" * 1001])
def test_bad_reasons_get_a_message_and_change_nothing(client, world, reason):
    login(client, world["moderator"])
    response = client.post(f"/moderation/posts/{world['reply'].id}/hide",
                           data={"reason": reason})
    assert response.status_code == 422
    assert "<script>alert" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Post, world["reply"].id).is_hidden


def test_a_hostile_reason_is_kept_as_text_and_shown_escaped(client, world):
    login(client, world["moderator"])
    response = client.post(f"/moderation/posts/{world['reply'].id}/hide",
                           data={"reason": "<script>alert(1)</script> see <b>rules</b>"})
    assert response.status_code == 302
    client.post("/logout")
    login(client, world["author"])
    page = client.get(f"/threads/{world['thread'].id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_moving_a_thread_keeps_both_categories_counts_right(client, world):
    from forum.discussions.models import Category
    from ..factories import make_category
    thread, target = world["thread"], make_category(name="Carers")
    source_id = thread.category_id
    before = {c.id: (c.thread_count, c.post_count) for c in db.session.scalars(
        select(Category))}
    index_now()
    login(client, world["author"])
    assert client.post(f"/moderation/threads/{thread.id}/move",
                       data={"category": target.id, "reason": "x"}).status_code == 403
    client.post("/logout")
    login(client, world["moderator"])
    assert client.get(f"/moderation/threads/{thread.id}/move").status_code == 200
    same = client.post(f"/moderation/threads/{thread.id}/move",
                       data={"category": source_id, "reason": "Tidy"})
    assert same.status_code == 422 and b"already in that category" in same.data
    moved = client.post(f"/moderation/threads/{thread.id}/move",
                        data={"category": target.id, "reason": "Belongs with carers"})
    assert moved.status_code == 302
    db.session.expire_all()
    after = {c.id: (c.thread_count, c.post_count) for c in db.session.scalars(
        select(Category))}
    assert after[source_id] == (before[source_id][0] - 1, before[source_id][1] - 2)
    assert after[target.id] == (before[target.id][0] + 1, before[target.id][1] + 2)
    assert db.session.get(type(thread), thread.id).category_id == target.id
    index_now()
    page = client.get("/search", query_string={"q": "carers", "category": target.id})
    assert "Carers leave policies" in page.get_data(as_text=True)
    entries = client.get("/moderation/audit?action=thread.moved").get_data(as_text=True)
    assert "Belongs with carers" in entries
