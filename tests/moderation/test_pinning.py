"""Pinning threads: to the top of their category or across the forum (the top of the home
page's latest discussions too), optionally until a date after which they simply stop
counting as pinned; through the small form, by moderators only, recorded in the audit log."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from forum import create_app
from forum.database import utcnow
from forum.discussions import services as discussions
from forum.discussions.home import latest_threads
from forum.discussions.models import Thread
from forum.extensions import db
from forum.moderation.models import AuditEntry
from forum.validation import DomainError

from ..conftest import make_test_config
from ..factories import login, make_category, make_member, make_moderator, make_thread
from ..qa.factories import make_question

LONDON = ZoneInfo("Europe/London")


def _today() -> date:
    return datetime.now(LONDON).date()


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, LONDON)


def _latest_section(html: str) -> str:
    start = html.index("Latest discussions")
    return html[start:html.index("</section>", start)]


@pytest.fixture
def forum(app):
    category, other = make_category(name="Pay"), make_category(name="Leave")
    old = make_thread(category=category, title="Equal pay audits: where to start")
    for n in range(3):
        make_thread(category=category, title=f"Busy pay thread {n}", replies=1)
        make_thread(category=other, title=f"Busy leave thread {n}", replies=1)
    return {"category": category, "other": other, "old": old,
            "moderator": make_moderator(display_name="Maggie Moderator")}


def test_a_forum_wide_pin_leads_the_home_page_and_its_category_until_its_day_ends(
        client, forum):
    old, moderator = forum["old"], forum["moderator"]
    member = make_member()
    assert latest_threads(member)[0].id != old.id  # the oldest activity: last, or not shown
    discussions.set_thread_flags(moderator, old, pinned=True, scope="forum",
                                 until=_end_of(_today() + timedelta(days=30)))
    assert latest_threads(member)[0].id == old.id
    login(client, member)
    home = _latest_section(client.get("/forum").get_data(as_text=True))
    assert home.index("Equal pay audits") < home.index("Busy")
    assert "Pinned" in home[:home.index("Equal pay audits")]
    page = client.get(f"/categories/{forum['category'].id}").get_data(as_text=True)
    assert page.index("Equal pay audits") < page.index("Busy pay thread")
    other = client.get(f"/categories/{forum['other'].id}").get_data(as_text=True)
    assert "Equal pay audits" not in other  # at the top of its own category only

    thread = db.session.get(Thread, old.id)
    thread.pinned_until = utcnow() - timedelta(minutes=1)  # the day has ended
    db.session.commit()
    db.session.expire_all()
    assert not db.session.get(Thread, old.id).is_pinned
    assert db.session.scalar(select(Thread.id).where(Thread.is_pinned)) is None
    home = _latest_section(client.get("/forum").get_data(as_text=True))
    assert "Equal pay audits" not in home  # back in its place: older than the six shown
    page = client.get(f"/categories/{forum['category'].id}").get_data(as_text=True)
    assert page.index("Busy pay thread") < page.index("Equal pay audits")
    assert "Pinned" not in page


def test_a_category_pin_leads_its_category_but_not_the_home_page(client, forum):
    discussions.set_thread_flags(forum["moderator"], forum["old"], pinned=True)
    login(client, make_member())
    home = _latest_section(client.get("/forum").get_data(as_text=True))
    assert "Equal pay audits" not in home
    page = client.get(f"/categories/{forum['category'].id}").get_data(as_text=True)
    assert page.index("Equal pay audits") < page.index("Busy pay thread")


def test_a_question_pinned_across_the_forum_is_on_the_home_page_too(client, forum):
    question = make_question(category=forum["other"], title="Who audits your pay data?")
    discussions.set_thread_flags(forum["moderator"], question, pinned=True, scope="forum")
    login(client, make_member())
    home = _latest_section(client.get("/forum").get_data(as_text=True))
    assert f'href="/questions/{question.id}"' in home


def test_a_hidden_pinned_thread_is_not_on_a_members_home_page(client, forum):
    from forum.moderation import services as moderation
    discussions.set_thread_flags(forum["moderator"], forum["old"], pinned=True, scope="forum")
    moderation.hide_post(forum["moderator"], discussions.thread_page(forum["old"], 1)[0],
                         "Out of date")
    login(client, make_member())
    assert "Equal pay audits" not in client.get("/forum").get_data(as_text=True)


def test_the_service_refuses_an_unknown_scope_or_a_past_end(forum):
    moderator, old = forum["moderator"], forum["old"]
    with pytest.raises(DomainError, match="where"):
        discussions.set_thread_flags(moderator, old, pinned=True, scope="everywhere")
    with pytest.raises(DomainError, match="future"):
        discussions.set_thread_flags(moderator, old, pinned=True,
                                     until=utcnow() - timedelta(hours=1))
    db.session.expire_all()
    assert db.session.get(Thread, old.id).pin_scope is None


def test_the_pin_form_pins_across_the_forum_until_a_date_and_unpin_is_one_click(
        client, forum):
    old = forum["old"]
    login(client, forum["moderator"])
    thread_page = client.get(f"/threads/{old.id}").get_data(as_text=True)
    assert f'href="/threads/{old.id}/pin"' in thread_page  # a form, not a one-click pin
    form = client.get(f"/threads/{old.id}/pin")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'type="radio"' in html and 'value="forum"' in html and 'type="date"' in html

    past = _today() - timedelta(days=3)
    refused = client.post(f"/threads/{old.id}/pin",
                          data={"scope": "forum", "until": past.isoformat()})
    assert refused.status_code == 422
    assert f"{past:%-d %b %Y} has passed" in refused.get_data(as_text=True)
    bad = client.post(f"/threads/{old.id}/pin", data={"scope": "nowhere"})
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(Thread, old.id).pin_scope is None

    day = _today() + timedelta(days=43)
    done = client.post(f"/threads/{old.id}/pin",
                       data={"scope": "forum", "until": day.isoformat()})
    assert done.status_code == 302
    db.session.expire_all()
    thread = db.session.get(Thread, old.id)
    assert thread.is_pinned_forum_wide
    assert thread.pinned_until.astimezone(LONDON).date() == day
    shown = client.get(f"/threads/{old.id}").get_data(as_text=True)
    assert "Pinned until <time" in shown and f"{day:%-d %b %Y}</time>, across the forum" in shown
    assert f"/threads/{old.id}/unpin" in shown
    category = client.get(f"/categories/{forum['category'].id}").get_data(as_text=True)
    assert "pinned until" in category and f"{day:%-d %b %Y}" in category  # moderators only
    again = client.get(f"/threads/{old.id}/pin").get_data(as_text=True)
    assert f'value="{day.isoformat()}"' in again  # changing the pin starts from it

    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "thread.flags_changed"
    assert entry.details["event"]["scope"] == "forum"
    assert entry.details["event"]["until"].startswith(day.isoformat())
    assert entry.details["event"]["old_scope"] is None
    assert entry.details["after"]["pin_scope"] == "forum"
    audit = client.get("/moderation/audit?action=thread.flags_changed").get_data(as_text=True)
    assert "scope: forum" in audit and f"until: {day.isoformat()}" in audit

    assert client.post(f"/threads/{old.id}/unpin").status_code == 302
    db.session.expire_all()
    assert db.session.get(Thread, old.id).pin_scope is None
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.details["event"]["pinned"] is False
    assert entry.details["event"]["old_scope"] == "forum"


def test_members_see_pinned_but_not_until_when(client, forum):
    discussions.set_thread_flags(forum["moderator"], forum["old"], pinned=True, scope="forum",
                                 until=_end_of(_today() + timedelta(days=10)))
    login(client, make_member())
    page = client.get(f"/categories/{forum['category'].id}").get_data(as_text=True)
    assert "Pinned" in page and "pinned until" not in page.lower()
    assert "Pinned until" not in client.get(f"/threads/{forum['old'].id}").get_data(
        as_text=True)


@pytest.mark.parametrize("method,path,data", [
    ("get", "/threads/{id}/pin", None),
    ("post", "/threads/{id}/pin", {"scope": "forum"}),
    ("post", "/threads/{id}/unpin", {}),
    ("post", "/threads/{id}/lock", {}),
    ("post", "/threads/{id}/unlock", {}),
])
def test_members_cannot_pin_or_lock_even_by_posting_directly(client, forum, method, path,
                                                             data):
    discussions.set_thread_flags(forum["moderator"], forum["old"], pinned=True)
    login(client, make_member())
    response = getattr(client, method)(path.format(id=forum["old"].id), data=data)
    assert response.status_code == 403
    db.session.expire_all()
    thread = db.session.get(Thread, forum["old"].id)
    assert thread.pin_scope == "category" and not thread.is_locked


# -- the migration --------------------------------------------------------------------------

@pytest.fixture
def moderation_app(tmp_path, smtp_server, empty_database_url):
    controller, _ = smtp_server
    app = create_app(make_test_config(tmp_path, controller.port, DATABASE_URL=empty_database_url))
    with app.app_context():
        upgrade(revision="moderation")
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_migration_keeps_existing_pins_and_downgrades_cleanly(moderation_app):
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO category (id, name, description, position, thread_count, post_count, "
            "created_at) VALUES (1, 'C', '', 0, 2, 2, CURRENT_TIMESTAMP)"))
        for thread_id, pinned in ((1, "true"), (2, "false")):
            connection.execute(text(
                "INSERT INTO thread (id, category_id, title, is_locked, is_pinned, post_count, "
                "last_post_at, created_at, kind, is_anonymous, is_official) VALUES "
                f"({thread_id}, 1, 'Thread {thread_id}', false, {pinned}, 1, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, 'discussion', false, false)"))
    upgrade(revision="pinning_hiding")
    with db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT id, pin_scope, pinned_until FROM thread ORDER BY id")).all() == [
            (1, "category", None), (2, None, None)]
        connection.execute(text("UPDATE thread SET pin_scope = 'forum' WHERE id = 2"))
        connection.commit()
    downgrade(revision="moderation")
    with db.engine.connect() as connection:
        assert [tuple(row) for row in connection.execute(text(
            "SELECT id, is_pinned FROM thread ORDER BY id"))] == [(1, True), (2, True)]
        columns = {c[1] for c in connection.execute(text(
            "SELECT 1, column_name FROM information_schema.columns WHERE table_name = 'thread'"
            if db.engine.dialect.name == "postgresql" else "SELECT 1, name FROM "
            "pragma_table_info('thread')"))}
    assert "pin_scope" not in columns and "pinned_until" not in columns
