"""The audit log: every moderator and admin action is an entry written in the action's own
transaction; members' own actions are not; nothing edits or deletes entries."""
import pytest
from sqlalchemy import select

from forum import events
from forum.accounts import services as accounts
from forum.discussions import services as discussions
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import AuditEntry, Report
from forum.discussions.models import Post, Thread
from forum.accounts.models import User

from ..factories import login, make_admin, make_member, make_moderator, make_thread


def _entries():
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


class Boom(Exception):
    pass


@pytest.fixture
def world(app):
    moderator, admin = make_moderator(display_name="Maggie Moderator"), make_admin()
    member = make_member(display_name="Mo Member")
    thread = make_thread(author=member, title="Pay gap reporting", replies=1)
    reply = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 2))
    return {"moderator": moderator, "admin": admin, "member": member, "thread": thread,
            "reply": reply}


# (name, the event it announces, the action, what the change leaves behind)
ACTIONS = [
    ("hide a post", "post.hidden",
     lambda w: moderation.hide_post(w["moderator"], w["reply"], "Personal details"),
     lambda w: db.session.get(Post, w["reply"].id).hidden_at is not None),
    ("lock a thread", "thread.flags_changed",
     lambda w: discussions.set_thread_flags(w["moderator"], w["thread"], locked=True),
     lambda w: db.session.get(Thread, w["thread"].id).is_locked),
    ("delete someone's post", "post.deleted",
     lambda w: discussions.delete_post(w["moderator"], w["reply"]),
     lambda w: db.session.get(Post, w["reply"].id).deleted_at is not None),
    ("suspend a member", "member.suspended",
     lambda w: accounts.set_suspended(w["moderator"], w["member"], True),
     lambda w: db.session.get(User, w["member"].id).status == "suspended"),
    ("change a role", "member.role_changed",
     lambda w: accounts.set_role(w["admin"], w["member"], "moderator"),
     lambda w: db.session.get(User, w["member"].id).role == "moderator"),
]


@pytest.mark.parametrize("name,event,action,changed", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_each_moderator_action_writes_its_entry(world, name, event, action, changed):
    action(world)
    assert changed(world)
    entry = _entries()[-1]
    assert entry.action == event
    assert entry.actor_id in (world["moderator"].id, world["admin"].id)
    assert entry.actor_name and entry.target_label and entry.created_at
    assert entry.details["after"]  # the state afterwards


@pytest.mark.parametrize("name,event,action,changed", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_a_failure_after_the_action_leaves_neither_the_change_nor_the_entry(
        world, name, event, action, changed):
    before = len(_entries())

    def fail_after(sender, **extra):  # runs after the audit listener, in the same use case
        raise Boom

    signal = events.all_events()[event]
    signal.connect(fail_after)
    try:
        with pytest.raises(Boom):
            action(world)
    finally:
        signal.disconnect(fail_after)
    db.session.rollback()
    assert not changed(world)
    assert len(_entries()) == before


def test_hiding_records_who_why_and_the_state_after(world):
    moderation.hide_post(world["moderator"], world["reply"], "Names a colleague")
    entry = _entries()[-1]
    assert (entry.actor_name, entry.reason) == ("Maggie Moderator", "Names a colleague")
    assert entry.target_type == "post" and entry.target_id == world["reply"].id
    assert "Pay gap reporting" in entry.target_label
    assert entry.details["after"]["is_hidden"] is True


def test_members_own_actions_are_not_audited(world):
    discussions.reply(world["member"], world["thread"], body="My own reply.")
    discussions.delete_post(world["member"], world["reply"])
    opening = db.session.scalar(select(Post).where(Post.thread_id == world["thread"].id,
                                                   Post.number == 1))
    moderation.file_report(make_member(), opening, "Looks like spam")
    assert _entries() == []
    assert db.session.scalar(select(Report)) is not None


def test_the_audit_page_filters_and_offers_no_way_to_change_entries(client, world):
    moderation.hide_post(world["moderator"], world["reply"], "Personal details")
    discussions.set_thread_flags(world["admin"], world["thread"], pinned=True)
    login(client, world["moderator"])

    def table(**params):
        html = client.get("/moderation/audit", query_string=params).get_data(as_text=True)
        return html[html.find("<table"):html.find("</table>")]

    page = table()
    assert "post.hidden" in page and "thread.flags_changed" in page
    only_mine = table(person=world["moderator"].id)
    assert "post.hidden" in only_mine and "thread.flags_changed" not in only_mine
    by_action = table(action="thread.flags_changed")
    assert "post.hidden" not in by_action and "thread.flags_changed" in by_action
    odd = client.get("/moderation/audit", query_string={
        "date_from": "not-a-date", "person": "x'; drop", "page": "1"})
    assert odd.status_code == 200
    entry_id = _entries()[0].id
    for method in ("post", "put", "delete"):
        response = getattr(client, method)(f"/moderation/audit/{entry_id}")
        assert response.status_code in (404, 405)
    assert len(_entries()) == 2


@pytest.mark.parametrize("path", ["/moderation/audit", "/moderation/reports"])
def test_members_cannot_open_moderation_pages(client, world, path):
    login(client, world["member"])
    assert client.get(path).status_code == 403


def test_a_suspension_with_an_end_lifts_by_itself_at_the_next_login(client, world):
    from datetime import date, timedelta

    from forum.database import utcnow
    from ..factories import PASSWORD
    login(client, world["moderator"])
    form = client.get(f"/moderation/members/{world['member'].id}/suspend")
    assert form.status_code == 200
    past = client.post(f"/moderation/members/{world['member'].id}/suspend", data={
        "reason": "Cooling off", "until": (date.today() - timedelta(days=2)).isoformat()})
    assert past.status_code == 422 and b"must be in the future" in past.data
    done = client.post(f"/moderation/members/{world['member'].id}/suspend", data={
        "reason": "Cooling off", "until": (date.today() + timedelta(days=7)).isoformat()})
    assert done.status_code == 302
    entry = _entries()[-1]
    assert (entry.action, entry.reason) == ("member.suspended", "Cooling off")
    client.post("/logout")
    refused = client.post("/login", data={"email": world["member"].email,
                                          "password": PASSWORD})
    assert b"suspended until" in refused.data and b"Cooling off" in refused.data
    member = db.session.get(User, world["member"].id)
    member.suspended_until = utcnow() - timedelta(minutes=1)  # the week has passed
    db.session.commit()
    assert client.post("/login", data={"email": member.email,
                                       "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).status == "active"
    assert _entries()[-1].action == "member.suspended"  # the system's lifting is no moderator's


def test_a_moderator_taking_part_is_not_audited_but_using_their_powers_is(world):
    moderator = world["moderator"]
    own = discussions.reply(moderator, world["thread"], body="Thanks, here is our guidance.")
    discussions.edit_post(moderator, own, body="Thanks, here is the guidance.", reason="typo")
    assert _entries() == []
    discussions.edit_post(moderator, world["reply"], body="[Removed: a phone number]",
                          reason="Personal details")
    (entry,) = _entries()
    assert (entry.action, entry.target_id, entry.reason) == (
        "post.edited", world["reply"].id, "Personal details")
