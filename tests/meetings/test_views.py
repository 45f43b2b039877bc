"""Meeting and round pages through the test client, posting real forms: what members see,
and hostile input (over-long fields, bad dates, javascript: links, hostile Markdown)
getting a clear message, never a 500, a partial write or stored XSS."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.database import utcnow
from forum.extensions import db
from forum.meetings import attendance, rounds
from forum.meetings.models import Meeting, TopicProposal

from ..factories import login, make_category, make_member, make_organisation
from ..resources import files
from .factories import local_day, make_meeting, make_round, propose


def form(**overrides):
    values = {"title": "Workplace culture", "day": local_day(30).isoformat(),
              "start_time": "10:00", "duration_minutes": "90",
              "joining_url": "https://meet.example.org/cop", "agenda": "1. Welcome",
              "presenters": "", "topic_id": ""}
    values.update(overrides)
    return values


def meetings_count() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def test_a_moderator_schedules_a_meeting_and_members_see_it(moderator_client, client):
    organisation = make_organisation(name="Eastfield City Council")
    response = moderator_client.post("/meetings/new", data=form(
        organisation_ids=[str(organisation.id)]))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert [p.name for p in meeting.presenters] == ["Eastfield City Council"]
    page = moderator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Workplace culture" in page and "Eastfield City Council" in page
    assert "https://meet.example.org/cop" in page and page.count("<h1") == 1
    listing = moderator_client.get("/meetings").get_data(as_text=True)
    assert "Workplace culture" in listing and "0 members going" in listing


@pytest.mark.parametrize("field,value,message", [
    ("day", "2027-02-30", "Enter a real date"),
    ("day", "next tuesday", "Enter a real date"),
    ("day", "", "Enter the date of the meeting"),
    ("start_time", "25:00", "24-hour clock"),
    ("start_time", "<script>", "24-hour clock"),
    ("duration_minutes", "9999", "from 15 to 720 minutes"),
    ("duration_minutes", "lots", "Not a valid integer"),
    ("title", "x" * 201, "between 3 and 200"),
    ("title", "\u202eevil", "text-direction"),
    ("joining_url", "javascript:alert(1)", "starting with https://"),
    ("joining_url", "https://" + "a" * 2001, "2,000 characters"),
    ("agenda", "x" * 50_001, "50,000 characters"),
    ("presenters", "nobody@example.org", "No active member has the email address"),
    ("organisation_ids", "999999", "Choose organisations from the list"),
])
def test_bad_meeting_input_gets_a_clear_message(moderator_client, field, value, message):
    response = moderator_client.post("/meetings/new", data=form(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert meetings_count() == 0


def test_a_time_skipped_by_the_march_change_is_explained(moderator_client):
    year = local_day(0).year + 1
    from datetime import date
    last = date(year, 3, 31)
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    response = moderator_client.post("/meetings/new", data=form(day=sunday.isoformat(),
                                                                start_time="01:30"))
    assert response.status_code == 422
    assert "does not exist in UK time" in response.get_data(as_text=True)


def test_hostile_markdown_in_the_agenda_is_shown_as_harmless_text(moderator_client):
    agenda = ("<script>alert('x')</script>\n\n[Join](javascript:alert(1))\n\n"
              "<iframe src=//evil.example></iframe><img src=x onerror=alert(2)>")
    assert moderator_client.post("/meetings/new", data=form(agenda=agenda)).status_code == 302
    meeting = db.session.scalar(select(Meeting))
    page = moderator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # Shown as text (issue 18, item 11), never as a tag, a link or a handler.
    for bad in ("<script>alert", "<a href=\"javascript", "<iframe", "<img src=x"):
        assert bad not in page and bad not in meeting.agenda_html
    assert "&lt;iframe" in meeting.agenda_html


def test_an_edit_keeps_the_meeting_and_bumps_its_sequence(moderator_client, moderator):
    meeting = make_meeting(moderator)
    edit = moderator_client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="10:00"' in edit
    response = moderator_client.post(f"/meetings/{meeting.id}/edit",
                                     data=form(title="Renamed meeting", start_time="11:00"))
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.title == "Renamed meeting" and meeting.sequence == 1


def test_cancelling_through_the_confirmation_page(moderator_client, moderator):
    meeting = make_meeting(moderator)
    assert moderator_client.get(f"/meetings/{meeting.id}/cancel").status_code == 200
    response = moderator_client.post(f"/meetings/{meeting.id}/cancel",
                                     data={"reason": "The presenter is unwell."})
    assert response.status_code == 302
    page = moderator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "This meeting is cancelled." in page and "The presenter is unwell." in page
    assert "I&#39;m going" not in page and "meet.example.org" not in page


def test_attendance_counts_and_colleagues_from_the_same_organisation(client, moderator):
    organisation = make_organisation(name="NHS Kingsmuir")
    me = make_member(organisation=organisation)
    colleague = make_member(organisation=organisation, display_name="Raj Patel")
    hidden = make_member(organisation=organisation, display_name="Private Person",
                         profile_visible=False)
    stranger = make_member(display_name="Someone Else")
    meeting = make_meeting(moderator)
    for person in (colleague, hidden, stranger):
        attendance.set_attendance(person, meeting, True)
    login(client, me)
    assert client.post(f"/meetings/{meeting.id}/going").status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "4 members going" in page and "You said you are going." in page
    assert "Raj Patel" in page and "Private Person" not in page and "Someone Else" not in page
    client.post(f"/meetings/{meeting.id}/not-going")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "3 members going" in page and "You said you are not going." in page


def test_a_member_proposes_votes_and_sees_clear_refusals(member_client, member, moderator):
    round_ = make_round(moderator, votes=1)
    url = f"/meetings/rounds/{round_.id}"
    assert member_client.post(f"{url}/proposals", data={"title": "Menopause at work",
                                                       "description": "Why"}).status_code == 302
    duplicate = member_client.post(f"{url}/proposals", data={"title": "MENOPAUSE at work!"})
    assert duplicate.status_code == 422
    assert "has already been proposed in this round" in duplicate.get_data(as_text=True)
    too_long = member_client.post(f"{url}/proposals", data={"title": "x" * 201})
    assert too_long.status_code == 422
    first = db.session.scalar(select(TopicProposal))
    second = propose(make_member(), round_, "Flexible working")
    member_client.post(f"/meetings/topics/{first.id}/vote")
    refused = member_client.post(f"/meetings/topics/{second.id}/vote", follow_redirects=True)
    assert "used all 1 of your votes" in refused.get_data(as_text=True)
    page = member_client.get(url).get_data(as_text=True)
    assert "0</strong> of 1 vote left" in page and "vote counts are shown" in page.lower()
    assert member_client.get(f"{url}/results").status_code == 403  # tallies hidden


def test_after_the_closing_time_votes_are_refused_and_results_shown(member_client, member,
                                                                    moderator):
    round_ = make_round(moderator)
    topic = propose(member, round_, "Workplace culture")
    rounds.cast_vote(member, topic)
    round_.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = member_client.post(f"/meetings/topics/{topic.id}/unvote", follow_redirects=True)
    assert "no longer possible" in response.get_data(as_text=True)
    assert rounds.my_votes(member, round_) == {topic.id}
    results = member_client.get(f"/meetings/rounds/{round_.id}/results")
    assert results.status_code == 200 and "Workplace culture" in results.get_data(as_text=True)


def test_a_meeting_made_from_a_winning_topic_is_linked_to_it(moderator_client, moderator):
    round_ = make_round(moderator)
    topic = propose(make_member(), round_, "Supporting staff experiencing domestic abuse",
                    "Safe leave and safety planning.")
    rounds.close_round(moderator, round_)
    page = moderator_client.get(f"/meetings/new?topic={topic.id}").get_data(as_text=True)
    assert 'value="Supporting staff experiencing domestic abuse"' in page
    assert moderator_client.get("/meetings/new?topic=abc").status_code == 404
    response = moderator_client.post("/meetings/new", data=form(
        title=topic.title, topic_id=str(topic.id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert topic.meeting is not None and topic.meeting.title == topic.title
    results = moderator_client.get(f"/meetings/rounds/{round_.id}/results")
    assert f'/meetings/{topic.meeting_id}"' in results.get_data(as_text=True)


def test_merge_and_link_through_the_pages(moderator_client, moderator):
    round_ = make_round(moderator)
    a, b = propose(make_member(), round_, "Topic A"), propose(make_member(), round_, "Topic B")
    bad = moderator_client.post(f"/meetings/rounds/{round_.id}/merge",
                                data={"merged": str(a.id), "kept": str(a.id)})
    assert bad.status_code == 422 and "two different" in bad.get_data(as_text=True)
    ok = moderator_client.post(f"/meetings/rounds/{round_.id}/merge",
                               data={"merged": str(b.id), "kept": str(a.id)})
    assert ok.status_code == 302
    page = moderator_client.get(f"/meetings/rounds/{round_.id}").get_data(as_text=True)
    assert "Merged into" in page
    meeting = make_meeting(moderator)
    moderator_client.post(f"/meetings/topics/{a.id}/link", data={"meeting": str(meeting.id)})
    db.session.expire_all()
    assert a.meeting_id == meeting.id


def test_follow_up_notes_slides_upload_and_recap(moderator_client, moderator):
    meeting = make_meeting(moderator)
    category = make_category(name="Workplace culture")
    url = f"/meetings/{meeting.id}"
    assert moderator_client.get(f"{url}/follow-up").status_code == 200
    assert moderator_client.post(f"{url}/notes", data={"notes": "**Agreed**"}).status_code == 302
    upload = moderator_client.post(f"{url}/slides/upload", data={
        "title": "Slides: workplace culture", "category": str(category.id),
        "file": (io.BytesIO(files.pdf("Slides")), "slides.pdf")},
        content_type="multipart/form-data")
    assert upload.status_code == 302, upload.get_data(as_text=True)[:2000]
    empty = moderator_client.post(f"{url}/slides/upload", data={
        "title": "No file", "category": str(category.id)}, content_type="multipart/form-data")
    assert empty.status_code == 422
    assert "Choose the file to upload" in empty.get_data(as_text=True)
    bad_link = moderator_client.post(f"{url}/slides", data={"reference": "javascript:alert(1)"})
    assert bad_link.status_code == 422
    recap = moderator_client.post(f"{url}/recap", data={"category": str(category.id),
                                                       "body": "What did you think?"})
    assert recap.status_code == 302 and "/threads/" in recap.headers["Location"]
    page = moderator_client.get(url).get_data(as_text=True)
    assert "Slides: workplace culture" in page and "<strong>Agreed</strong>" in page
    assert "Recap: Workplace culture" in page


def test_past_meetings_page_and_its_pager(member_client, moderator):
    for n in range(3):
        make_meeting(moderator, title=f"Past meeting {n}", day=local_day(-10 - n))
    page = member_client.get("/meetings/past").get_data(as_text=True)
    assert all(f"Past meeting {n}" in page for n in range(3))
    assert member_client.get("/meetings/past?page=2").status_code == 404
    assert member_client.get("/meetings/past?page=x").status_code == 404
    assert "Past meeting 0" not in member_client.get("/meetings").get_data(as_text=True)
