"""axe-core on every member, moderator and admin page, filled with the demo content.

The journeys check the pages they pass through; this sweep covers the rest (account,
directory, moderation, admin, history, tags, library pages, the error page), so no page
ships without an accessibility check.
"""
from datetime import timedelta

import pytest

from forum.accounts.models import User
from forum.demo import DEMO_PASSWORD, load_demo
from forum.discussions import services as discussions
from forum.discussions.models import Category, Post, Thread
from forum.collections.models import Collection
from forum.meetings.models import Meeting, TopicProposal, TopicRound
from forum.database import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import Report
from forum.tags.models import Tag
from forum.resources.models import Resource
from tests.factories import make_user

pytestmark = pytest.mark.browser


def _paths():
    """Every GET page worth checking, with real ids from the demo data."""
    admin = db.session.scalar(db.select(User).filter_by(email="admin@demo.example"))
    category = db.session.scalar(db.select(Category).order_by(Category.id))
    thread = db.session.scalar(db.select(Thread).filter_by(kind="discussion")
                               .where(Thread.post_count > 1).order_by(Thread.id))
    question = db.session.scalar(db.select(Thread).filter_by(kind="question")
                                 .order_by(Thread.id))
    post = db.session.scalar(db.select(Post).filter_by(thread_id=thread.id, number=2))
    discussions.edit_post(admin, post, body=post.body_source + "\n\nEdited for the sweep.",
                          reason="Sweep")
    applicant = make_user(status="pending", display_name="Pending Person",
                          join_reason="To learn.")
    member = db.session.scalar(db.select(User).filter_by(email="fiona@demo.example"))
    tag = db.session.scalar(db.select(Tag).order_by(Tag.id))
    resource = db.session.scalar(db.select(Resource).order_by(Resource.id))
    report = db.session.scalar(db.select(Report).filter_by(status="open"))  # from the demo
    hidden = db.session.scalar(db.select(Post).where(
        Post.number > 1, Post.id != post.id, Post.author_id != admin.id,
        Post.hidden_at.is_(None), Post.deleted_at.is_(None)))
    moderation.hide_post(admin, hidden, "Personal details")
    collection = db.session.scalar(db.select(Collection).order_by(Collection.id))  # demo
    discussions.set_thread_flags(admin, thread, pinned=True, scope="forum",  # until a date
                                 until=utcnow() + timedelta(days=30))
    past_meeting = db.session.scalar(db.select(Meeting).where(Meeting.recap_thread_id
                                                              .is_not(None)))  # demo
    next_meeting = db.session.scalar(db.select(Meeting).order_by(Meeting.starts_at.desc()))
    open_round = db.session.scalar(db.select(TopicRound).where(TopicRound.closed_at.is_(None)))
    closed_round = db.session.scalar(db.select(TopicRound).where(
        TopicRound.closed_at.is_not(None)))
    topic = db.session.scalar(db.select(TopicProposal).filter_by(round_id=open_round.id))
    meetings = [
        "/meetings", "/meetings/past", f"/meetings/{past_meeting.id}",
        f"/meetings/{next_meeting.id}", "/meetings/new", f"/meetings/new?topic={topic.id}",
        f"/meetings/{next_meeting.id}/edit", f"/meetings/{next_meeting.id}/cancel",
        f"/meetings/{past_meeting.id}/follow-up", "/meetings/calendar", "/meetings/rounds",
        f"/meetings/rounds/{open_round.id}", f"/meetings/rounds/{closed_round.id}",
        f"/meetings/rounds/{closed_round.id}/results",
        f"/meetings/rounds/{open_round.id}/results",
        f"/meetings/rounds/{open_round.id}/merge", "/meetings/rounds/new"]
    from forum.notifications import services as notifications
    notifications_pages = [
        "/notifications", "/notifications?page=1", "/notifications/preferences",
        "/notifications/watching", "/notifications/feeds",
        f"/notifications/watch/thread/{thread.id}", f"/notifications/watch/category/{category.id}",
        f"/notifications/watch/tag/{tag.id}",
        f"/notifications/unsubscribe/{notifications.unsubscribe_token(admin)}"]
    from forum.conversations import services as conversations
    talk = conversations.start_conversation(member, [admin], subject="Sweep conversation",
                                            body="A **private** message.")
    conversations.reply(member, talk, body="A second message.")
    reported = moderation.file_report(admin, talk.messages[0], "For the sweep.")
    conversation_pages = [
        "/messages", "/messages/new", f"/messages/new?to={member.id}", f"/messages/{talk.id}",
        "/messages/settings", f"/messages/block/{member.id}",
        f"/report/message/{talk.messages[1].id}", f"/moderation/reports/{reported.id}",
        f"/moderation/reports/{reported.id}/conversation"]
    from forum.polls.models import Poll  # the demo's two polls: benchmark and ordinary
    polls = db.session.scalars(db.select(Poll).order_by(Poll.id)).all()
    poll_pages = [page for poll in polls for page in (
        f"/threads/{poll.thread_id}" if poll.thread.kind == "discussion"
        else f"/questions/{poll.thread_id}", f"/polls/{poll.id}/results",
        f"/polls/{poll.id}/edit")] + [
        f"/threads/{thread.id}/poll/new"]
    return meetings + notifications_pages + conversation_pages + poll_pages + [
        "/collections", f"/collections/{collection.id}", "/collections/new",
        f"/collections/{collection.id}/edit", f"/collections/{collection.id}/manage",
        f"/collections/{collection.id}/delete", "/search?q=policy&official=1",
        f"/report/post/{post.id}", f"/report/resource/{resource.id}", "/moderation/reports",
        f"/moderation/reports/{report.id}", "/moderation/reports?status=resolved",
        f"/moderation/posts/{post.id}/hide", f"/moderation/posts/{hidden.id}/unhide",
        f"/threads/{hidden.thread_id}", "/moderation/audit",
        "/moderation/audit?action=post.hidden&date_from=2026-01-01",
        f"/moderation/members/{member.id}/suspend",
        f"/moderation/threads/{thread.id}/move",
        f"/moderation/threads/{thread.id}/merge", f"/moderation/threads/{thread.id}/split",
        f"/threads/{thread.id}/pin", f"/threads/{question.id}/pin",
        f"/moderation/threads/{thread.id}/split?page={thread.reply_count}",  # one per page
        f"/categories/{thread.category_id}",
        "/forum", f"/categories/{category.id}", f"/categories/{category.id}/new",
        f"/threads/{thread.id}", f"/threads/{thread.id}/reply",
        f"/threads/{thread.id}/reply?quote={post.id}", f"/posts/{post.id}/edit",
        f"/posts/{post.id}/history", f"/posts/{post.id}/delete", f"/threads/{thread.id}/tags",
        "/questions", "/questions?filter=unanswered", "/questions/ask",
        f"/questions/{question.id}", "/tags", f"/tags/{tag.name}", f"/tags/{tag.name}/manage",
        "/resources", "/resources/new", f"/resources/{resource.id}",
        f"/resources/{resource.id}/edit", f"/resources/{resource.id}/delete",
        f"/resources/{resource.id}/versions/new",
        "/directory", "/account", f"/members/{member.id}", f"/members/{member.id}/edit",
        "/moderation/applications", f"/moderation/applications/{applicant.id}/decline",
        "/moderation/invite", "/moderation/members", "/admin/organisations",
        f"/admin/organisations/{member.organisation_id}", "/admin/categories",
        "/admin/categories/new", f"/admin/categories/{category.id}", "/admin/jobs",
        "/no-such-page", "/join/received",
        "/search", "/search?q=policy", "/search?q=policy&type=question&sort=newest",
        "/search?q=zzqqxx", '/search?q="', "/search?q=menapause",
    ]


def test_every_page_passes_axe_for_an_admin(app, live_server, browser, axe):
    from forum.jobs import run_pending
    load_demo()
    app.config["SPLIT_PER_PAGE"] = 1  # so the split page shows its pages of replies
    run_pending(limit=10_000)  # the demo content indexed, so search pages have results
    paths = _paths()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    response = context.request.post(live_server + "/login", form={
        "email": "admin@demo.example", "password": DEMO_PASSWORD}, max_redirects=0)
    assert response.status == 302
    failures = []
    for path in paths:
        visited = page.goto(live_server + path)
        expected = 404 if path == "/no-such-page" else 200
        if visited.status != expected:
            failures.append(f"{path}: HTTP {visited.status}")
            continue
        try:
            axe(page)
        except AssertionError as error:
            failures.append(str(error))
    context.close()
    assert not failures, "\n".join(failures)
