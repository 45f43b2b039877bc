"""Scheduling meetings: details, presenters, validation, hostile input, follow-up
(slides, notes, recap), events and the audit log."""
from datetime import date, time

import pytest
from sqlalchemy import select

from forum import events
from forum.discussions.models import Thread
from forum.extensions import db
from forum.meetings import attendance, rounds, services
from forum.meetings.models import MeetingSlide
from forum.moderation.models import AuditEntry
from forum.validation import DomainError

from ..factories import make_category, make_member, make_organisation
from ..resources.helpers import make_resource
from .factories import details, local_day, make_meeting, make_round, propose


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_meeting_is_stored_in_utc_and_ends_after_its_length(moderator):
    meeting = make_meeting(moderator, day=date(2027, 7, 6), at=time(10, 0), minutes=90)
    assert (meeting.starts_at.hour, meeting.ends_at.hour, meeting.ends_at.minute) == (9, 10, 30)
    assert meeting.sequence == 0 and meeting.uid.endswith("@community-of-practice")
    assert "<strong>Talk</strong>" in meeting.agenda_html


def test_presenters_are_members_by_email_and_organisations(moderator):
    presenter = make_member(email="presenter@example.org")
    organisation = make_organisation(name="Eastfield City Council")
    meeting = make_meeting(moderator, presenter_emails="Presenter@example.org",
                           organisation_ids=[organisation.id])
    assert [p.name for p in meeting.presenters] == [presenter.display_name,
                                                   "Eastfield City Council"]
    with pytest.raises(DomainError, match="No active member has the email address nobody@"):
        make_meeting(moderator, presenter_emails="nobody@example.org")
    with pytest.raises(DomainError, match="from the list"):
        make_meeting(moderator, organisation_ids=[999_999])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)",
                                 "data:text/html,hi", "ftp://example.org", "https://",
                                 "https://exa mple.org", "http://[", "//evil.example"])
def test_a_joining_link_must_be_a_web_address(moderator, url):
    with pytest.raises(DomainError) as error:
        make_meeting(moderator, joining_url=url)
    assert error.value.field == "joining_url"


def test_hostile_markdown_in_the_agenda_is_never_stored_as_html(moderator):
    meeting = make_meeting(moderator, agenda=(
        "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
        "<img src=x onerror=alert(3)>\n\n<a href=\"javascript:alert(4)\">x</a>"))
    html = meeting.agenda_html.lower()
    # Raw HTML is shown as the text it is (issue 18, item 11): never a tag, a link or a
    # handler.
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;" in html
    import lxml.html
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        assert not any(name.startswith("on") for name in element.attrib)
        assert not element.get("href", "").startswith("javascript")


@pytest.mark.parametrize("field,value,message", [
    ("title", "ab", "between 3 and 200"), ("title", "x" * 201, "between 3 and 200"),
    ("duration_minutes", 5, "15 minutes"), ("duration_minutes", 13 * 60, "12 hours"),
    ("day", date(1990, 1, 1), "within 10 years"), ("agenda", "x" * 50_001, "50,000"),
])
def test_bad_details_are_refused_with_a_message_and_nothing_is_written(moderator, field,
                                                                      value, message):
    with pytest.raises(DomainError, match=message):
        make_meeting(moderator, **{field: value})
    assert db.session.scalar(select(db.func.count()).select_from(
        services.Meeting)) == 0


def test_an_edit_bumps_the_sequence_and_announces_what_changed(moderator):
    meeting = make_meeting(moderator)
    heard = []
    events.meeting_updated.connect(lambda sender, **kw: heard.append(kw["changed"]), weak=False)
    services.update_meeting(moderator, meeting, details())  # nothing changed
    assert meeting.sequence == 0 and heard == []
    services.update_meeting(moderator, meeting, details(at=time(14, 0), title="New title"))
    assert meeting.sequence == 1 and set(heard[-1]) == {"title", "start"}
    uid = meeting.uid
    services.cancel_meeting(moderator, meeting, "The presenter is unwell.")
    assert meeting.is_cancelled and meeting.sequence == 2 and meeting.uid == uid
    with pytest.raises(DomainError, match="already cancelled"):
        services.cancel_meeting(moderator, meeting)


def test_an_ambiguous_october_time_is_saved_as_the_first_with_a_note(moderator):
    saved = services.schedule_meeting(moderator, details(day=date(2027, 10, 31),
                                                         at=time(1, 15)))
    assert saved.meeting.starts_at.hour == 0 and "happens twice" in saved.note


def test_slides_link_library_resources_once_each(moderator):
    meeting = make_meeting(moderator)
    resource = make_resource(title="Our slides")
    slide = services.link_slides(moderator, meeting, f"https://forum.example/resources/"
                                                     f"{resource.id}/versions/1")
    assert slide.resource_id == resource.id
    with pytest.raises(DomainError, match="already linked"):
        services.link_slides(moderator, meeting, str(resource.id))
    with pytest.raises(DomainError, match="address of a resource"):
        services.link_slides(moderator, meeting, "javascript:alert(1)")
    with pytest.raises(DomainError, match="no resource with that number"):
        services.link_slides(moderator, meeting, "999999")
    services.remove_slide(moderator, slide)
    assert db.session.scalar(select(MeetingSlide.id)) is None
    assert db.session.get(type(resource), resource.id) is not None  # still in the library


def test_notes_and_the_recap_discussion(moderator):
    meeting = make_meeting(moderator)
    services.save_notes(moderator, meeting, "* We agreed **three** actions.")
    assert "<strong>three</strong>" in meeting.notes_html
    category = make_category(name="Workplace culture")
    services.start_recap(moderator, meeting, category=category, body="What did you think?")
    thread = db.session.get(Thread, meeting.recap_thread_id)
    assert thread.title == f"Recap: {meeting.title}" and thread.category_id == category.id
    with pytest.raises(DomainError, match="already has a recap"):
        services.start_recap(moderator, meeting, category=category, body="Again")


def test_staff_actions_are_audited_and_members_own_answers_are_not(moderator):
    meeting = make_meeting(moderator)
    services.update_meeting(moderator, meeting, details(title="Renamed meeting"))
    services.save_notes(moderator, meeting, "Notes.")
    services.cancel_meeting(moderator, meeting, "Clash with a holiday")
    actions = audit_actions()
    assert actions == ["meeting.scheduled", "meeting.updated", "meeting.updated",
                       "meeting.cancelled"]
    entry = db.session.scalar(select(AuditEntry).filter_by(action="meeting.cancelled"))
    assert entry.reason == "Clash with a holiday" and entry.target_type == "meeting"
    other = make_meeting(moderator, title="Another meeting")
    attendance.set_attendance(moderator, other, True)  # taking part, not moderating
    attendance.set_attendance(make_member(), other, True)
    assert "attendance.changed" not in audit_actions()


def test_attendance_is_one_answer_per_member_and_closes_with_the_meeting(moderator, member):
    meeting = make_meeting(moderator)
    attendance.set_attendance(member, meeting, True)
    attendance.set_attendance(member, meeting, False)
    assert attendance.attendance_of(member, meeting).going is False
    services.cancel_meeting(moderator, meeting)
    with pytest.raises(DomainError, match="cancelled"):
        attendance.set_attendance(member, meeting, True)
    past = make_meeting(moderator, title="Last week", day=local_day(-7))
    with pytest.raises(DomainError, match="over"):
        attendance.set_attendance(member, past, True)


def test_round_moderation_is_audited(moderator, member):
    round_ = make_round(moderator)
    a, b = propose(member, round_, "Topic A"), propose(member, round_, "Topic B")
    rounds.cast_vote(member, a)
    rounds.merge_proposals(moderator, a, b)
    rounds.close_round(moderator, round_)
    assert audit_actions() == ["round.opened", "topic.merged", "round.closed"]
