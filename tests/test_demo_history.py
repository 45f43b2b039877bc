"""`forum demo` carries a believable history: members join before they post, replies follow
their thread, latest posts match the newest post, reports follow their post, audit entries
are dated at their action, collections after their items, and nothing is left at "now"."""
import importlib.util
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from forum.accounts.models import User
from forum.database import UTCDateTime, utcnow
from forum.demo import DEMO_PASSWORD, load_demo
from forum.demo_clock import HISTORY_DAYS, UNSTAMPED_TABLES, Timeline, at
from forum.discussions.models import Category, Post
from forum.extensions import db
from forum.files.models import StoredFile

from .resources.helpers import run_jobs


def _aware(value):
    """SQL rows come back raw: SQLite gives naive UTC (or text), PostgreSQL aware times."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def _rows(sql, **params):
    return [tuple(_aware(v) if isinstance(v, (datetime, str)) and k.endswith("_at") else v
                  for k, v in row._mapping.items())
            for row in db.session.execute(text(sql), params)]


# Times that are in the future by design: what is planned, not what has happened.
SCHEDULED = {("meeting", "starts_at"), ("meeting", "ends_at"), ("topic_round", "closes_at"),
             ("thread", "pinned_until"), ("user", "suspended_until")}


def _every_timestamp(scheduled=True):
    """{(table, column, primary key): value} for every time the demo stored but job rows
    (and but the SCHEDULED ones if `scheduled` is false)."""
    found = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, UTCDateTime)
                   and (scheduled or (table.name, c.name) not in SCHEDULED)]
        if not columns or table.name in UNSTAMPED_TABLES:
            continue
        key = [c for c in table.primary_key.columns]
        for row in db.session.execute(db.select(*key, *columns)):
            for column in columns:
                value = row._mapping[column]
                if value is not None:
                    found[table.name, column.name, tuple(row._mapping[k] for k in key)] = value
    return found


@pytest.fixture
def demo(app):
    """The demo loaded (and its jobs run, as a worker would) in the test app."""
    load_demo()
    run_jobs()
    db.session.expire_all()
    return utcnow()


def test_nothing_is_left_at_now_or_in_the_future_and_history_spans_months(demo):
    stamps = _every_timestamp(scheduled=False)
    assert len(stamps) > 150
    leaked = {k: v for k, v in stamps.items() if v > demo - timedelta(hours=12)}
    assert leaked == {}  # the newest demo activity is a report filed a day before loading
    posts = [v for (table, column, _), v in stamps.items()
             if (table, column) == ("post", "created_at")]
    assert max(posts) - min(posts) > timedelta(weeks=8)
    assert min(stamps.values()) >= demo - timedelta(days=HISTORY_DAYS + 1)


def test_threads_posts_and_members_agree(demo):
    threads = _rows("SELECT id, created_at, last_post_at, last_post_author_id FROM thread")
    assert len(threads) >= 15
    for thread_id, created_at, last_post_at, last_author in threads:
        posts = _rows('SELECT p.number, p.created_at, p.hidden_at, p.author_id, '
                      'u.created_at AS joined_at FROM post p JOIN "user" u ON u.id = p.author_id '
                      "WHERE p.thread_id = :t ORDER BY p.number", t=thread_id)
        assert posts[0][1] == created_at  # the thread is as old as its opening post
        for (_, earlier, *_), (_, later, *_) in zip(posts, posts[1:]):
            assert later - earlier >= timedelta(hours=1)  # in order, hours or days apart
        for number, posted, hidden_at, _, joined_at in posts:
            assert joined_at < posted  # members join before they post
            assert hidden_at is None or hidden_at > posted
        newest = [p for p in posts if p[2] is None or p[0] == 1][-1]
        assert (last_post_at, last_author) == (newest[1], newest[3])


def test_answers_votes_comments_edits_and_versions_follow_what_they_are_about(demo):
    late_votes = _rows('SELECT v.id FROM helpful_vote v JOIN post p ON p.id = v.post_id '
                       'JOIN "user" u ON u.id = v.user_id '
                       "WHERE v.created_at <= p.created_at OR v.created_at <= u.created_at")
    assert late_votes == [] and _rows("SELECT count(*) FROM helpful_vote")[0][0] > 5
    comments = _rows('SELECT c.created_at, p.created_at AS post_at FROM comment c '
                     "JOIN post p ON p.id = c.post_id")
    assert comments and all(made > post_at for made, post_at in comments)
    edits = _rows("SELECT p.created_at, p.edited_at, r.created_at AS revision_at FROM post p "
                  "JOIN post_revision r ON r.post_id = p.id")
    assert edits and all(created < edited and revision == created
                         for created, edited, revision in edits)
    for resource_id, created_at, updated_at in _rows(
            "SELECT id, created_at, updated_at FROM resource WHERE url IS NULL"):
        versions = _rows("SELECT v.created_at, f.created_at AS file_at, f.extracted_at "
                         "FROM resource_version v JOIN stored_file f ON f.id = v.stored_file_id "
                         "WHERE v.resource_id = :r ORDER BY v.number", r=resource_id)
        assert versions[0][0] == created_at and versions[-1][0] == updated_at
        assert all(a[0] + timedelta(days=7) < b[0] for a, b in zip(versions, versions[1:]))
        for uploaded, file_at, extracted_at in versions:
            assert file_at == uploaded and uploaded < extracted_at < uploaded + timedelta(hours=1)
    opened = _rows("SELECT r.created_at, p.created_at AS post_at FROM resource r "
                   "JOIN post p ON p.thread_id = r.thread_id AND p.number = 1")
    assert opened and all(shared == post_at for shared, post_at in opened)


def test_reports_audit_entries_and_collections_are_dated_at_their_actions(demo):
    reports = _rows("SELECT r.status, r.created_at, r.resolved_at, p.created_at AS post_at, "
                    'p.hidden_at, u.created_at AS joined_at FROM report r '
                    'JOIN post p ON p.id = r.target_id JOIN "user" u ON u.id = r.reporter_id')
    assert sorted(r[0] for r in reports) == ["open", "resolved"]
    for status, filed, resolved, post_at, hidden_at, joined_at in reports:
        assert post_at < filed and joined_at < filed
        if status == "resolved":
            assert filed < resolved == hidden_at
    entries = _rows("SELECT a.action, a.created_at, u.created_at AS joined_at FROM audit_entry a "
                    'JOIN "user" u ON u.id = a.actor_id')
    actions = {action for action, _, _ in entries}
    assert {"report.resolved", "post.hidden", "collection.created"} <= actions
    assert all(joined < made < demo for _, made, joined in entries)
    resolved_at = next(r[2] for r in reports if r[0] == "resolved")
    assert {a for a, made, _ in entries if made == resolved_at} >= {"report.resolved",
                                                                    "post.hidden"}
    made = dict(_rows("SELECT id, created_at FROM collection"))
    audited = _rows("SELECT target_id, created_at FROM audit_entry "
                    "WHERE action = 'collection.created'")
    assert len(made) == 2 and dict(audited) == made
    for collection_id, created_at in made.items():
        items = _rows("SELECT i.created_at, coalesce(r.updated_at, t.created_at) AS target_at "
                      "FROM collection_item i LEFT JOIN resource r ON r.id = i.resource_id "
                      "LEFT JOIN thread t ON t.id = i.thread_id WHERE i.collection_id = :c",
                      c=collection_id)
        assert items and all(created_at < added for added, _ in items)
        assert all(target is None or target < created_at for _, target in items)
    (published, chosen), = _rows("SELECT c.published_at, s.chosen_at FROM collection c "
                                 "JOIN start_here_setting s ON s.collection_id = c.id")
    assert published < chosen < demo


def test_category_lists_show_the_newest_post_of_each_thread(demo, client):
    login = client.post("/login", data={"email": "fiona@demo.example",
                                        "password": DEMO_PASSWORD})
    assert login.status_code == 302
    checked = 0
    for category in db.session.scalars(db.select(Category)):
        page = client.get(f"/categories/{category.id}").get_data(as_text=True)
        rows = re.findall(r'<a class="latest-time" href="/threads/(\d+)[^"]*"><time '
                          r'datetime="([^"]+)">([^<]+)</time>', page)
        for thread_id, listed_iso, listed_text in rows:
            thread = client.get(f"/threads/{thread_id}?page=last",
                                follow_redirects=True).get_data(as_text=True)
            visible = [re.search(r'class="post-time"[^>]*><time datetime="([^"]+)">([^<]+)<',
                                 article).groups()
                       for article in thread.split('<article class="post')[1:]
                       if "was hidden by a moderator" not in article]
            assert (listed_iso, listed_text) == max(visible)  # answers are not in time order
            checked += 1
    assert checked >= 10


def test_a_second_run_adds_nothing_and_moves_no_date(demo):
    before = _every_timestamp()
    load_demo()
    run_jobs()
    db.session.expire_all()
    assert _every_timestamp() == before


def test_every_date_comes_from_the_timeline_not_the_clock(app, monkeypatch):
    """Loaded as if a year and a half ago, nothing of the demo's history may be newer than
    then. (Meetings are left out: what they plan is checked against the real clock.)"""
    if importlib.util.find_spec("forum.meetings.demo") is not None:
        monkeypatch.setattr("forum.meetings.demo.load_meetings_demo", lambda timeline: 0)
    timeline = Timeline(now=utcnow() - timedelta(days=540))
    load_demo(timeline)
    stamps = _every_timestamp(scheduled=False)
    assert len(stamps) > 150 and max(stamps.values()) < timeline.now
    assert min(stamps.values()) >= timeline.start
    newcomer = db.session.scalar(db.select(User).filter_by(email="aisha@demo.example"))
    assert timeline.now - newcomer.created_at < timedelta(days=30)


def test_the_clock_stamps_statements_too_but_keeps_dates_given_on_purpose(app):
    from .factories import make_thread, make_user
    when = utcnow() - timedelta(days=100)
    until = utcnow() + timedelta(days=10)
    with at(when):
        thread = make_thread(make_user())
        thread.pinned_until = until
        db.session.execute(db.insert(StoredFile).values(
            sha256="0" * 64, size=1, kind="pdf", text_status="none", text="", text_error="",
            text_truncated=False, created_at=utcnow()))
        db.session.commit()
    db.session.expire_all()
    assert (thread.created_at, thread.last_post_at, thread.pinned_until) == (when, when, until)
    assert db.session.scalar(db.select(StoredFile.created_at)) == when
    assert db.session.scalar(db.select(Post.created_at).filter_by(thread_id=thread.id)) == when


def test_the_demo_pins_the_welcome_thread_across_the_forum_for_weeks(demo, client):
    from forum.discussions.models import Thread
    welcome = db.session.scalar(db.select(Thread).where(
        Thread.title == "Welcome to the Community of Practice forum"))
    assert welcome.is_pinned_forum_wide
    assert utcnow() + timedelta(days=40) < _aware(welcome.pinned_until) < \
        utcnow() + timedelta(days=43)
    pinned_in_category = db.session.scalars(db.select(Thread).where(
        Thread.pin_scope == "category")).all()
    assert len(pinned_in_category) == 1 and pinned_in_category[0].pinned_until is None
    client.post("/login", data={"email": "fiona@demo.example", "password": DEMO_PASSWORD})
    home = client.get("/forum").get_data(as_text=True)
    latest = home.split('id="home-latest-heading"', 1)[1].split("</section>", 1)[0]
    first = re.search(r'<li class="home-pinned">.*?<a href="/threads/(\d+)"', latest, re.S)
    assert first and int(first.group(1)) == welcome.id
    assert latest.index('class="home-pinned"') < latest.index("<li>")  # pinned come first


def test_the_demo_history_notifies_members_but_emails_nobody(demo):
    """Replaying months of history must not email every demo member today about it: the
    notifications are there (unread, dated at their activity), their emails "went out"
    at the time, and no digest will pick them up."""
    from forum.mail import OutboundEmail
    from forum.notifications.delivery import send_digests
    from forum.notifications.models import Notification
    notifications = db.session.scalars(db.select(Notification)).all()
    assert len(notifications) > 10
    assert all(n.emailed_at == n.created_at and n.created_at < demo - timedelta(hours=12)
               for n in notifications)
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboundEmail)) == 0
    assert send_digests("daily", force=True) == 0 and send_digests("weekly", force=True) == 0
