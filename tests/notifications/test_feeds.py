"""Private Atom feeds, parsed back with feedparser: only what the owner may see, and a
reset token kills the old address."""
import feedparser

from forum.discussions import services as discussions
from forum.moderation import services as moderation
from forum.notifications import services
from forum.qa import services as qa
from tests.factories import login, make_category, make_member, make_moderator, make_thread


def _parse(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_latest_threads_feed_holds_only_what_the_owner_may_see(app, client):
    """Hidden threads and anonymous askers' names stay out."""
    owner, author = make_member(), make_member(display_name="Named Author")
    category = make_category(name="Policies")
    make_thread(author=author, category=category, title="Visible thread")
    hidden = make_thread(author=author, category=category, title="Hidden thread")
    from tests.notifications.test_email import thread_first_post
    moderation.hide_post(make_moderator(), thread_first_post(hidden), "Off topic")
    qa.ask(author, category, title="Anonymous question", body="x", anonymous=True)
    token = services.reset_feed_token(owner)
    feed = _parse(client, f"/feeds/{token}/threads.atom")
    titles = [entry.title for entry in feed.entries]
    assert "Visible thread" in titles and "Anonymous question" in titles
    assert "Hidden thread" not in titles
    anonymous = next(e for e in feed.entries if e.title == "Anonymous question")
    assert anonymous.author == "A member"
    per_category = _parse(client, f"/feeds/{token}/categories/{category.id}.atom")
    assert len(per_category.entries) == 2


def test_collection_and_notification_feeds(app, client):
    """Per collection, and my notifications."""
    from tests.collections.factories import make_collection
    owner = make_member()
    thread = make_thread(author=owner, title="Collected")
    collection = make_collection(make_moderator(), items=[thread])
    discussions.reply(make_member(display_name="Replier"), thread, body="Hi.")
    token = services.reset_feed_token(owner)
    feed = _parse(client, f"/feeds/{token}/collections/{collection.id}.atom")
    assert [e.title for e in feed.entries] == ["Collected"]
    mine = _parse(client, f"/feeds/{token}/notifications.atom")
    assert [e.title for e in mine.entries] == ["Replier replied in “Collected”"]


def test_resetting_the_token_kills_the_old_address(app, client):
    """The old URL is a 404 after a reset, through the page's own button."""
    owner = make_member()
    old = services.reset_feed_token(owner)
    assert client.get(f"/feeds/{old}/threads.atom").status_code == 200
    login(client, owner)
    response = client.post("/notifications/feeds/reset", follow_redirects=True)
    assert response.status_code == 200 and b"The old ones no longer work" in response.data
    assert client.get(f"/feeds/{old}/threads.atom").status_code == 404
    assert client.get("/feeds/not-a-token/threads.atom").status_code == 404


def test_a_suspended_owners_feed_stops(app, client):
    """A feed opens only for an active member."""
    from forum.extensions import db
    owner = make_member()
    token = services.reset_feed_token(owner)
    owner.status = "suspended"
    db.session.commit()
    assert client.get(f"/feeds/{token}/notifications.atom").status_code == 404


def test_only_the_hash_is_stored(app):
    """The token itself is nowhere in the database."""
    owner = make_member()
    token = services.reset_feed_token(owner)
    stored = services.settings_for(owner).feed_token_hash
    assert stored and token not in stored and len(stored) == 64
