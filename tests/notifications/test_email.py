"""Notification email: headers (List-Unsubscribe one-click, signed Reply-To), digests
grouped by thread, one-click unsubscribe without login, no duplicate after a retried
job, and nothing sent about what the recipient may not see at delivery time."""
from datetime import timedelta

from sqlalchemy import select

from forum.database import utcnow
from forum.discussions import services as discussions
from forum.extensions import db
from forum.jobs.models import Job
from forum.mail import OutboundEmail
from forum.moderation import services as moderation
from forum.notifications import delivery, services
from forum.qa import services as qa
from forum.reply_tokens import read_reply_address
from tests.factories import make_category, make_member, make_moderator, make_thread
from tests.mailbox import html_of, links_in, text_of

from .helpers import notifications_of, prefer, run_jobs


def _thread_with_watcher(title="Flexible working"):
    watcher = make_member()
    return watcher, make_thread(author=watcher, title=title)


def test_email_has_one_click_unsubscribe_and_a_reply_address(app, mailbox):
    """List-Unsubscribe (a signed URL), List-Unsubscribe-Post (RFC 8058), Reply-To."""
    watcher, thread = _thread_with_watcher()
    discussions.reply(make_member(), thread, body="A reply.")
    run_jobs(app)
    message = mailbox.last_to(watcher.email)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://localhost/notifications/unsubscribe/")
    assert url in text_of(message) and url in html_of(message)
    assert read_reply_address(message["Reply-To"]) is not None


def test_one_click_unsubscribe_by_post_without_login(app, client, mailbox):
    """A POST to the link (no session, no CSRF token) stops further emails."""
    app.config["WTF_CSRF_ENABLED"] = True  # the one-click POST carries no token anyway
    watcher, thread = _thread_with_watcher()
    discussions.reply(make_member(), thread, body="First.")
    run_jobs(app)
    url = mailbox.last_to(watcher.email)["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("http://localhost")
    page = client.get(path)
    assert page.status_code == 200 and b"Unsubscribe from notification emails?" in page.data
    assert client.post(path).status_code == 400  # neither one-click nor the page's form
    assert services.settings_for(watcher).unsubscribed_at is None
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"You are unsubscribed" in response.data
    mailbox.clear()
    discussions.reply(make_member(), thread, body="Second.")
    run_jobs(app)
    assert mailbox.to(watcher.email) == []
    assert len(notifications_of(watcher)) == 2  # still in the forum


def test_a_forged_unsubscribe_token_is_refused(app, client):
    """A token not signed with the key (or changed) is a 404 and changes nothing."""
    member = make_member()
    token = services.unsubscribe_token(member)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/notifications/unsubscribe/{forged}",
                       data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.get("/notifications/unsubscribe/nonsense").status_code == 404
    assert services.settings_for(member).unsubscribed_at is None


def test_a_forced_retry_of_the_send_job_sends_no_duplicate(app, mailbox):
    """Running the delivery job again, and the send job again, sends one email."""
    watcher, thread = _thread_with_watcher()
    post = discussions.reply(make_member(), thread, body="Once only.")
    [notification] = notifications_of(watcher)
    run_jobs(app)
    assert len(mailbox.to(watcher.email)) == 1
    # Force both jobs to run again, as after a crash between sending and deleting the job.
    from forum.jobs import enqueue
    enqueue("notifications.deliver", notification_ids=[notification.id])
    email = db.session.scalar(select(OutboundEmail).where(
        OutboundEmail.recipient == watcher.email))
    enqueue("mail.send", email_id=email.id)
    db.session.commit()
    notification.emailed_at = None  # even if the notification's mark was lost
    db.session.commit()
    run_jobs(app)
    assert len(mailbox.to(watcher.email)) == 1
    assert post.id


def test_nothing_sent_about_a_post_hidden_before_delivery(app, mailbox):
    """Permission is checked at delivery: a reply hidden before the job ran is not sent."""
    watcher, thread = _thread_with_watcher()
    post = discussions.reply(make_member(), thread, body="Someone's private details.")
    moderation.hide_post(make_moderator(), post, "Personal details")
    run_jobs(app)
    assert mailbox.to(watcher.email) == []
    client_visible = services.notifications_page(watcher, 1)[0]
    assert client_visible == []


def test_nothing_sent_to_a_suspended_member(app, mailbox):
    """Suspended (or no longer approved) recipients get nothing."""
    watcher, thread = _thread_with_watcher()
    discussions.reply(make_member(), thread, body="Hello.")
    watcher.status = "suspended"
    db.session.commit()
    run_jobs(app)
    assert mailbox.to(watcher.email) == []


def test_nothing_sent_about_a_thread_hidden_from_the_recipient(app, mailbox):
    """A hidden thread (its opening post hidden) is no longer the watcher's to see."""
    starter, watcher = make_member(), make_member()
    thread = make_thread(author=starter, title="Soon hidden")
    discussions.reply(watcher, thread, body="Watching now.")
    discussions.reply(make_member(), thread, body="Reply the watcher would hear of.")
    moderation.hide_post(make_moderator(), thread_first_post(thread), "Off topic")
    run_jobs(app)
    assert mailbox.to(watcher.email) == []


def thread_first_post(thread):
    from forum.discussions.models import Post
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                Post.number == 1))


def test_an_anonymous_askers_name_is_never_emailed(app, mailbox):
    """A new anonymous question in a watched category shows "A member"."""
    watcher, asker = make_member(), make_member(display_name="Secret Asker")
    category = make_category()
    services.set_watching(watcher, "category", category, True)
    prefer(watcher, new_thread="immediately")
    qa.ask(asker, category, title="A sensitive question", body="About me.", anonymous=True)
    run_jobs(app)
    message = mailbox.last_to(watcher.email)
    assert "Secret Asker" not in message["Subject"] + text_of(message) + html_of(message)
    assert message["Subject"].startswith("A member started")


def test_daily_digest_groups_by_thread_and_links_to_the_first_unread_post(app, mailbox):
    """One email per member, a section per thread, the link to the first unread post."""
    watcher = make_member()
    prefer(watcher, reply="daily")
    first = make_thread(author=watcher, title="First thread")
    second = make_thread(author=watcher, title="Second thread")
    earliest = discussions.reply(make_member(), first, body="One.")
    discussions.reply(make_member(), second, body="Two.")
    discussions.reply(make_member(), first, body="Three.")
    run_jobs(app)
    assert mailbox.to(watcher.email) == []  # a digest, not immediate
    assert delivery.send_digests("daily") == 1
    db.session.commit()
    run_jobs(app)
    [message] = mailbox.to(watcher.email)
    text = text_of(message)
    assert message["Subject"] == "Daily digest: 3 updates in 2 threads"
    assert text.index("== First thread ==") < text.index("== Second thread ==")
    assert text.count("replied in “First thread”") == 2
    assert f"http://localhost/posts/{earliest.id}" in links_in(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Sent once: a second run (or a retried tick) has nothing new to send.
    assert delivery.send_digests("daily", force=True) == 0


def test_digest_waits_a_day_between_runs(app, mailbox):
    """The tick sends a daily digest at most once a day (the CLI may force one)."""
    watcher, thread = _thread_with_watcher()
    prefer(watcher, reply="daily")
    discussions.reply(make_member(), thread, body="One.")
    assert delivery.send_digests("daily") == 1
    discussions.reply(make_member(), thread, body="Two.")
    assert delivery.send_digests("daily") == 0
    assert delivery.send_digests("daily", now=utcnow() + timedelta(hours=24)) == 1


def test_digest_command(app, mailbox):
    """`forum notifications digest --weekly` queues weekly digests."""
    watcher, thread = _thread_with_watcher()
    prefer(watcher, reply="weekly")
    discussions.reply(make_member(), thread, body="One.")
    result = app.test_cli_runner().invoke(args=["notifications", "digest", "--weekly"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 weekly digest." in result.output
    run_jobs(app)
    assert mailbox.last_to(watcher.email)["Subject"].startswith("Weekly digest")
    bad = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert bad.exit_code != 0


def test_never_means_no_email_but_still_in_the_forum(app, mailbox):
    """"Never" stops email only."""
    watcher, thread = _thread_with_watcher()
    prefer(watcher, reply="never")
    discussions.reply(make_member(), thread, body="One.")
    run_jobs(app)
    assert mailbox.to(watcher.email) == []
    assert len(services.notifications_page(watcher, 1)[0]) == 1


def test_the_worker_keeps_a_tick_queued(app):
    """`forum worker` schedules the recurring tick (reminders and digests)."""
    from forum.jobs.queue import schedule_recurring
    assert schedule_recurring() == 1
    assert schedule_recurring() == 0
    job = db.session.scalar(select(Job).where(Job.kind == "notifications.tick"))
    assert job.run_after > utcnow()
