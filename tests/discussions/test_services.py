"""Discussion rules, called directly (no HTTP)."""
import pytest
from werkzeug.exceptions import Forbidden, NotFound

from forum.discussions import services
from forum.discussions.models import Post
from forum.extensions import db
from forum.validation import DomainError

from ..factories import make_category, make_member, make_moderator, make_thread, make_user


def test_starting_a_thread_creates_post_one_and_counts(app):
    category = make_category()
    author = make_member()
    thread = services.start_thread(author, category, title="Flexible working evidence",
                                   body="What did you **submit**?")
    assert thread.post_count == 1 and thread.reply_count == 0
    first = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    assert first.number == 1
    assert first.body_source == "What did you **submit**?"
    assert "<strong>submit</strong>" in first.body_html
    assert category.thread_count == 1 and category.post_count == 1


def test_replies_are_numbered_and_update_latest_activity(app):
    thread = make_thread()
    replier = make_member()
    post = services.reply(replier, thread, body="We used paper surveys.")
    assert post.number == 2
    assert thread.post_count == 2 and thread.last_post_author_id == replier.id
    assert thread.last_post_at == post.created_at


def test_editing_keeps_the_previous_version(app):
    author = make_member()
    thread = make_thread(author=author, body="First words")
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    services.edit_post(author, post, body="Better words", reason="typo")
    services.edit_post(author, post, body="Best words")
    assert post.body_source == "Best words" and post.edited_at is not None
    versions = services.revisions(post)
    assert [v.body_source for v in versions] == ["Better words", "First words"]
    assert versions[1].reason == "typo"


def test_editing_with_no_change_is_refused(app):
    author = make_member()
    thread = make_thread(author=author, body="Same")
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    with pytest.raises(DomainError, match="Nothing has changed"):
        services.edit_post(author, post, body="Same")


def test_editing_the_first_post_can_retitle_the_thread(app):
    author = make_member()
    thread = make_thread(author=author, title="Old title")
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    services.edit_post(author, post, body=post.body_source, title="New title")
    assert thread.title == "New title"


def test_members_cannot_edit_or_delete_others_posts(app):
    thread = make_thread()
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    other = make_member()
    with pytest.raises(Forbidden):
        services.edit_post(other, post, body="Vandalism")
    with pytest.raises(Forbidden):
        services.delete_post(other, post)


def test_moderators_can_edit_and_delete_any_post(app):
    thread = make_thread()
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id))
    moderator = make_moderator()
    services.edit_post(moderator, post, body="Removed a name", reason="Identifying detail")
    services.delete_post(moderator, post)
    assert post.is_deleted and post.deleted_by_id == moderator.id


def test_soft_delete_keeps_the_thread_shape(app):
    author = make_member()
    thread = make_thread(author=author, replies=2)
    second = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id, number=2))
    services.delete_post(author, second)
    assert thread.post_count == 3
    assert [p.number for p in services.thread_page(thread, 1)] == [1, 2, 3]


def test_locked_threads_take_replies_only_from_moderators(app):
    thread = make_thread()
    moderator = make_moderator()
    services.set_thread_flags(moderator, thread, locked=True)
    with pytest.raises(Forbidden):
        services.reply(make_member(), thread, body="Can I?")
    assert services.reply(moderator, thread, body="Closing note.").number == 2


def test_suspended_members_cannot_post(app):
    thread = make_thread()
    suspended = make_user(status="suspended")
    with pytest.raises((Forbidden, NotFound)):
        services.reply(suspended, thread, body="Hello")


def test_only_admins_manage_categories(app):
    with pytest.raises(Forbidden):
        services.save_category(make_moderator(), None, name="New", description="", position=1)
    admin = make_user("admin")
    category = services.save_category(admin, None, name="New", description="d", position=1)
    with pytest.raises(DomainError, match="already exists"):
        services.save_category(admin, None, name="new", description="", position=2)
    assert category.id


def test_page_of_a_post(app):
    app.config["POSTS_PER_PAGE"] = 20
    thread = make_thread(replies=25)
    last = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id, number=26))
    assert services.page_of(last) == 2
    assert services.page_count(thread) == 2
    assert [p.number for p in services.thread_page(thread, 2)] == list(range(21, 27))
