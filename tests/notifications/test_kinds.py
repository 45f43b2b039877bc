"""Each kind of notification is created by its change event and delivered in the forum
and by email (through the real SMTP server); nobody hears about their own action."""
from datetime import timedelta

from forum.accounts import services as accounts
from forum.collections import members as collection_members
from forum.database import utcnow
from forum.discussions import services as discussions
from forum.meetings import attendance
from forum.moderation import services as moderation
from forum.notifications import delivery, services
from forum.notifications.models import WATCH_CATEGORY, WATCH_TAG
from forum.qa import services as qa
from tests.factories import make_category, make_member, make_moderator, make_thread, make_user
from tests.mailbox import text_of

from .helpers import notifications_of, run_jobs


def test_a_reply_notifies_the_thread_starter_who_watches_by_default(app, mailbox):
    """Starting a thread watches it; a reply notifies and emails the starter."""
    starter, replier = make_member(), make_member(display_name="Rhona Reid")
    thread = make_thread(author=starter, title="Menopause policy")
    discussions.reply(replier, thread, body="We have one, happy to share.")
    [notification] = notifications_of(starter, "reply")
    assert notification.post.body_source == "We have one, happy to share."
    run_jobs(app)
    message = mailbox.last_to(starter.email)
    assert message["Subject"] == "Rhona Reid replied in “Menopause policy”"
    assert "happy to share" in text_of(message)
    assert message.get_body(("html",)) is not None


def test_no_notification_about_ones_own_action(app, mailbox):
    """Replying in your own watched thread, or mentioning yourself, tells you nothing."""
    starter = make_member(display_name="Self Starter")
    thread = make_thread(author=starter)
    discussions.reply(starter, thread, body="Bumping this. @Self Starter")
    assert notifications_of(starter) == []
    run_jobs(app)
    assert mailbox.to(starter.email) == []


def test_replying_watches_the_thread_unless_the_setting_is_off(app):
    """Auto-watch on replying is a setting, on by default."""
    starter, keen, quiet, later = make_member(), make_member(), make_member(), make_member()
    thread = make_thread(author=starter)
    services.save_preferences(quiet, delivery={}, auto_watch=False)
    discussions.reply(keen, thread, body="First.")
    discussions.reply(quiet, thread, body="Second.")
    discussions.reply(later, thread, body="Third.")
    assert len(notifications_of(keen, "reply")) == 2
    assert notifications_of(quiet) == []


def test_unwatching_a_thread_stops_replies(app):
    """An explicit unwatch sticks, even after replying again."""
    starter, other = make_member(), make_member()
    thread = make_thread(author=starter)
    services.set_watching(starter, "thread", thread, False)
    discussions.reply(other, thread, body="Anyone?")
    discussions.reply(starter, thread, body="Me.")
    discussions.reply(other, thread, body="Great.")
    assert notifications_of(starter) == []


def test_an_answer_notifies_the_asker_and_acceptance_the_answerer(app, mailbox):
    """Answer to my question; my answer accepted."""
    asker, answerer = make_member(), make_member(display_name="Ann Answer")
    question = qa.ask(asker, make_category(), title="How do we record disclosures?",
                      body="Looking for a process.")
    answer = qa.answer(answerer, question, body="We use a confidential log.")
    assert [n.kind for n in notifications_of(asker)] == ["answer"]
    qa.accept_answer(asker, answer)
    assert [n.kind for n in notifications_of(answerer)] == ["accepted"]
    run_jobs(app)
    assert mailbox.last_to(asker.email)["Subject"].startswith("Ann Answer answered your question")
    assert "was accepted" in mailbox.last_to(answerer.email)["Subject"]


def test_a_mention_notifies_by_display_name_or_handle(app, mailbox):
    """@Display Name and @handle both mention; a mention beats a plain reply."""
    starter, fiona, gail = make_member(), make_member(display_name="Fiona MacLeod"), \
        make_member(display_name="Gail Ross")
    thread = make_thread(author=starter, title="Training")
    discussions.reply(gail, thread, body="I watch too.")
    discussions.reply(starter, thread, body="Thanks @Fiona MacLeod, and @gailross!")
    assert [n.kind for n in notifications_of(fiona)] == ["mention"]
    assert [n.kind for n in notifications_of(gail)] == ["mention"]
    run_jobs(app)
    assert "mentioned you in “Training”" in mailbox.last_to(fiona.email)["Subject"]


def test_a_new_item_in_a_followed_collection_notifies_followers(app, mailbox):
    """Collections' existing follows are reused."""
    from tests.collections.factories import add, make_collection
    moderator, follower = make_moderator(), make_member()
    collection = make_collection(moderator, title="Model policies")
    collection_members.follow(follower, collection)
    services.save_preferences(follower, delivery={"collection": "immediately"}, auto_watch=True)
    add(moderator, collection, ("https://example.org/guide", "Guide to flexible work"))
    [notification] = notifications_of(follower, "collection")
    assert notification.detail == "Guide to flexible work"
    assert notifications_of(moderator) == []
    run_jobs(app)
    assert "Guide to flexible work" in mailbox.last_to(follower.email)["Subject"]


def test_a_new_thread_in_a_watched_category_or_tag(app):
    """Watching a category or a tag tells you about new threads there."""
    by_category, by_tag, author = make_member(), make_member(), make_member()
    category = make_category(name="Pay gap")
    services.set_watching(by_category, WATCH_CATEGORY, category, True)
    thread = discussions.start_thread(author, make_category(), title="Tagged", body="x",
                                      tags="menopause")
    services.set_watching(by_tag, WATCH_TAG, thread.tags[0], True)
    discussions.start_thread(author, category, title="Reporting the gap", body="How?")
    discussions.start_thread(author, make_category(), title="Another", body="y",
                             tags="menopause")
    assert [n.thread.title for n in notifications_of(by_category, "new_thread")] == [
        "Reporting the gap"]
    assert [n.thread.title for n in notifications_of(by_tag, "new_thread")] == ["Another"]


def test_membership_approved_is_a_notification(app):
    """The approved member finds a welcome in their notifications."""
    applicant = make_user(status="pending")
    accounts.approve_application(make_moderator(), applicant)
    assert [n.kind for n in notifications_of(applicant)] == ["approved"]


def test_my_post_hidden_tells_me_the_reason(app, mailbox):
    """Hidden by a moderator, with the reason, to the author only."""
    author, moderator = make_member(), make_moderator()
    thread = make_thread(author=make_member(), replies=0)
    post = discussions.reply(author, thread, body="Names someone.")
    moderation.hide_post(moderator, post, "Personal details")
    [notification] = notifications_of(author, "hidden")
    assert notification.detail == "Personal details"
    run_jobs(app)
    message = mailbox.last_to(author.email)
    assert "hid your post" in message["Subject"]
    assert "Reason: Personal details" in text_of(message)


def test_meeting_reminder_once_per_meeting_and_member(app, mailbox):
    """Going to a meeting within 24 hours: one reminder, however often the tick runs."""
    from tests.meetings.factories import make_meeting
    member, not_going = make_member(), make_member()
    meeting = make_meeting(title="Spring meeting")
    attendance.set_attendance(member, meeting, True)
    attendance.set_attendance(not_going, meeting, False)
    assert delivery.remind_meetings() == 0  # 20 days away
    later = meeting.starts_at - timedelta(hours=20)
    assert delivery.remind_meetings(now=later) == 1
    assert delivery.remind_meetings(now=later + timedelta(minutes=15)) == 0
    from forum.extensions import db
    db.session.commit()
    assert [n.kind for n in notifications_of(member)] == ["meeting"]
    assert notifications_of(not_going) == []
    run_jobs(app)
    assert "Spring meeting" in mailbox.last_to(member.email)["Subject"]
    assert utcnow() < meeting.starts_at
