"""The audit log: every moderator and admin action is an entry written in the action's own
transaction; members' own actions are not; nothing edits or deletes entries."""
from datetime import timedelta
from typing import Callable, NamedTuple

import pytest
from sqlalchemy import func, select

from forum import events
from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.collections import services as collections
from forum.collections.models import Collection
from forum.database import utcnow
from forum.discussions import services as discussions
from forum.discussions.models import Category, Post, PostRevision, Thread
from forum.extensions import db
from forum.moderation import audit, services as moderation, threads
from forum.moderation.models import AuditEntry, Report
from forum.tags import services as tags
from forum.tags.models import Tag

from ..factories import (login, make_admin, make_category, make_member, make_moderator,
                         make_thread)


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


def _get(model, obj):
    return db.session.get(model, obj.id)


def _tag(name: str) -> Tag:
    tag = Tag(name=name)
    db.session.add(tag)
    db.session.commit()
    return tag


def _two_tags(w) -> None:
    w["tag"], w["into"] = _tag("flexi"), _tag("flexible-working")
    w["tag_id"] = w["tag"].id


def _report(w) -> None:
    w["report"] = moderation.file_report(make_member(), w["reply"], "Names a colleague")


def _collection(w, *, published=False) -> None:
    w["collection"] = collections.create_collection(w["moderator"], title="Toolkit")
    if published:
        collections.set_published(w["moderator"], w["collection"], True)


def _published(w):
    return db.session.get(Collection, w["collection"].id).is_published


def _suspend(w):
    accounts.set_suspended(w["moderator"], w["member"], True, reason="Cooling off",
                           until=utcnow() + timedelta(days=7))


NEXT_WEEK = timedelta(days=7)


class Act(NamedTuple):
    """A moderator or admin action: the event it announces, what to set up first (not
    part of the action), the action, and what it changes (each must hold after it, and
    none after a failure)."""

    name: str
    event: str
    action: Callable
    changes: Callable  # world -> list of bools
    setup: Callable = lambda w: None


ACTIONS = [
    Act("hide a post", "post.hidden",
        lambda w: moderation.hide_post(w["moderator"], w["reply"], "Personal details"),
        lambda w: [_get(Post, w["reply"]).hidden_at is not None]),
    Act("show a post again", "post.unhidden",
        lambda w: moderation.unhide_post(w["moderator"], w["reply"], "Details removed"),
        lambda w: [_get(Post, w["reply"]).hidden_at is None],
        setup=lambda w: moderation.hide_post(w["moderator"], w["reply"], "Personal details")),
    Act("lock a thread", "thread.flags_changed",
        lambda w: discussions.set_thread_flags(w["moderator"], w["thread"], locked=True),
        lambda w: [_get(Thread, w["thread"]).is_locked]),
    Act("unlock a thread", "thread.flags_changed",
        lambda w: discussions.set_thread_flags(w["moderator"], w["thread"], locked=False),
        lambda w: [not _get(Thread, w["thread"]).is_locked],
        setup=lambda w: discussions.set_thread_flags(w["moderator"], w["thread"], locked=True)),
    Act("pin a thread to its category", "thread.flags_changed",
        lambda w: discussions.set_thread_flags(w["moderator"], w["thread"], pinned=True),
        lambda w: [_get(Thread, w["thread"]).pin_scope == "category"]),
    Act("pin a thread across the forum until a date", "thread.flags_changed",
        lambda w: discussions.set_thread_flags(w["moderator"], w["thread"], pinned=True,
                                               scope="forum", until=utcnow() + NEXT_WEEK),
        lambda w: [_get(Thread, w["thread"]).pin_scope == "forum",
                   _get(Thread, w["thread"]).pinned_until is not None]),
    Act("unpin a thread", "thread.flags_changed",
        lambda w: discussions.set_thread_flags(w["moderator"], w["thread"], pinned=False),
        lambda w: [_get(Thread, w["thread"]).pin_scope is None],
        setup=lambda w: discussions.set_thread_flags(w["moderator"], w["thread"],
                                                     pinned=True, scope="forum")),
    Act("move a thread", "thread.moved",
        lambda w: moderation.move_thread(w["moderator"], w["thread"], w["elsewhere"],
                                         "Belongs there"),
        lambda w: [_get(Thread, w["thread"]).category_id == w["elsewhere"].id,
                   _get(Category, w["elsewhere"]).thread_count == 1],
        setup=lambda w: w.update(elsewhere=make_category(name="Elsewhere"))),
    Act("merge threads", "thread.merged",
        lambda w: threads.merge_threads(w["moderator"], w["thread"], w["other"], "Same topic"),
        lambda w: [_get(Thread, w["thread"]).merged_into_id == w["other"].id,
                   _get(Thread, w["other"]).post_count == 3],
        setup=lambda w: w.update(other=make_thread(title="Pay gap reports"))),
    Act("split replies off", "thread.split",
        lambda w: threads.split_thread(w["moderator"], w["thread"], [w["reply"].id],
                                       title="A tangent", category=w["thread"].category,
                                       reason="Another question"),
        lambda w: [_get(Post, w["reply"]).thread_id != w["thread"].id,
                   _get(Thread, w["thread"]).post_count == 1]),
    Act("edit someone's post with a reason", "post.edited",
        lambda w: discussions.edit_post(w["moderator"], w["reply"], body="[Removed: a name]",
                                        reason="Personal details"),
        lambda w: [_get(Post, w["reply"]).body_source == "[Removed: a name]",
                   db.session.scalar(select(func.count(PostRevision.id))) == 1]),
    Act("delete someone's post", "post.deleted",
        lambda w: discussions.delete_post(w["moderator"], w["reply"]),
        lambda w: [_get(Post, w["reply"]).deleted_at is not None]),
    Act("suspend a member", "member.suspended", _suspend,
        lambda w: [_get(User, w["member"]).status == "suspended",
                   _get(User, w["member"]).suspended_until is not None]),
    Act("reinstate a member", "member.reinstated",
        lambda w: accounts.set_suspended(w["moderator"], w["member"], False),
        lambda w: [_get(User, w["member"]).status == "active"], setup=_suspend),
    Act("change a role", "member.role_changed",
        lambda w: accounts.set_role(w["admin"], w["member"], "moderator"),
        lambda w: [_get(User, w["member"]).role == "moderator"]),
    Act("resolve a report", "report.resolved",
        lambda w: moderation.resolve_report(w["moderator"], w["report"], "Spoke to them"),
        lambda w: [not _get(Report, w["report"]).is_open], setup=_report),
    Act("resolve a report hiding the post", "report.resolved",
        lambda w: moderation.resolve_report(w["moderator"], w["report"], "Hidden", hide=True),
        lambda w: [not _get(Report, w["report"]).is_open,
                   _get(Post, w["reply"]).hidden_at is not None], setup=_report),
    Act("create a category", "category.saved",
        lambda w: discussions.save_category(w["admin"], None, name="Carers",
                                            description="Carers leave", position=3),
        lambda w: [db.session.scalar(select(Category).filter_by(name="Carers")) is not None]),
    Act("edit a category", "category.saved",
        lambda w: discussions.save_category(w["admin"], w["thread"].category, name="Renamed",
                                            description="", position=1),
        lambda w: [_get(Category, w["thread"].category).name == "Renamed"]),
    Act("rename a tag", "tag.renamed",
        lambda w: tags.rename_tag(w["moderator"], w["tag"], "flexible-working"),
        lambda w: [_get(Tag, w["tag"]).name == "flexible-working"],
        setup=lambda w: w.update(tag=_tag("flexi"))),
    Act("merge tags", "tag.merged",
        lambda w: tags.merge_tags(w["moderator"], w["tag"], w["into"]),
        lambda w: [db.session.get(Tag, w["tag_id"]) is None],
        setup=lambda w: _two_tags(w)),
    Act("create a collection", "collection.created",
        lambda w: collections.create_collection(w["moderator"], title="Start here"),
        lambda w: [db.session.scalar(select(Collection).filter_by(title="Start here"))
                   is not None]),
    Act("publish a collection", "collection.published",
        lambda w: collections.set_published(w["moderator"], w["collection"], True),
        lambda w: [_published(w)], setup=_collection),
    Act("pin a collection to the home page", "collection.pinned",
        lambda w: collections.set_pinned(w["moderator"], w["collection"], True),
        lambda w: [db.session.get(Collection, w["collection"].id).pin_position is not None],
        setup=lambda w: _collection(w, published=True)),
]


@pytest.mark.parametrize("act", ACTIONS, ids=[a.name for a in ACTIONS])
def test_each_moderator_action_writes_its_entry(world, act):
    act.setup(world)
    before = len(_entries())
    act.action(world)
    db.session.expire_all()
    assert all(act.changes(world)), act.changes(world)
    entries = _entries()
    assert len(entries) > before
    entry = entries[-1]
    assert entry.action == act.event
    assert entry.actor_id in (world["moderator"].id, world["admin"].id)
    assert entry.actor_name and entry.target_label and entry.created_at
    assert entry.details["after"] or act.event == "category.saved"  # the state afterwards


@pytest.mark.parametrize("act", ACTIONS, ids=[a.name for a in ACTIONS])
def test_a_failure_after_the_action_leaves_neither_the_change_nor_the_entry(world, act):
    """The action fails after announcing its change (a listener connected after the audit
    one raises, in the same use case): its change and its audit entry are both gone."""
    act.setup(world)
    before = len(_entries())

    def fail_after(sender, **extra):  # runs after the audit listener, in the same use case
        raise Boom

    signal = events.all_events()[act.event]
    signal.connect(fail_after)
    try:
        with pytest.raises(Boom):
            act.action(world)
    finally:
        signal.disconnect(fail_after)
    db.session.rollback()
    assert not any(act.changes(world)), act.changes(world)
    assert len(_entries()) == before


def test_every_moderator_action_that_writes_an_entry_is_tried():
    """Every change event of posts, threads, members, reports, categories, tags and
    collections that staff cause has a case above, but for the ones listed here (audited
    by the same listener, so the same transaction holds them; not tried one by one)."""
    tried = {act.event for act in ACTIONS}
    elsewhere = {
        "member.approved", "member.declined", "member.invited", "profile.updated",
        "organisation.updated", "thread.edited", "thread.converted", "thread.tags_changed",
        "attachment.removed", "answer.accepted", "answer.acceptance_withdrawn",
        "comment.deleted", "resource.updated", "resource.version_added", "resource.deleted",
        "collection.updated", "collection.deleted", "collection.official_changed",
        "collection.item_added", "collection.item_removed", "collection.items_reordered",
        "collection.start_here_chosen", "resource.official_changed",
        "thread.official_changed", "collection.followed",
        "collection.start_here_dismissed"}
    events_by_name = set(events.all_events())
    untried = events_by_name - tried - elsewhere - audit.TAKING_PART
    assert not {name for name in untried if name.split(".")[0] in {
        "post", "thread", "member", "report", "category", "tag", "collection"}}, untried


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
    odd_page = odd.get_data(as_text=True)  # the bad date is named beside its field
    assert 'id="date_from-error"' in odd_page and 'aria-describedby="date_from-error"' in odd_page
    assert 'class="filter-bar filter-bar-bar"' in odd_page  # the one filter bar component
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


def test_a_moderator_using_a_staff_power_on_their_own_thread_is_audited(world):
    """Pinning, locking or hiding is moderation even on the moderator's own thread (the
    official guidance they posted); editing their own post is not."""
    moderator = world["moderator"]
    own = make_thread(author=moderator, title="Official guidance on reporting")
    discussions.set_thread_flags(moderator, own, pinned=True, scope="forum")
    discussions.set_thread_flags(moderator, own, locked=True)
    opening = db.session.scalar(select(Post).where(Post.thread_id == own.id))
    discussions.edit_post(moderator, opening, body="Updated guidance.")
    assert [(e.action, e.details["event"]["pinned"]) for e in _entries()] == [
        ("thread.flags_changed", True), ("thread.flags_changed", None)]
