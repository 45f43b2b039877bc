"""The .ics files, parsed back with the `icalendar` package: times in Europe/London with
its VTIMEZONE, a UID stable across edits, SEQUENCE bumped on change, cancelled meetings
marked; and the private feed (only a hash stored, resettable)."""
import hashlib
import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from forum.extensions import db
from forum.meetings import attendance, calendar, services
from forum.meetings.models import CalendarFeed

from ..factories import login, make_member
from .factories import details, make_meeting

LONDON = ZoneInfo("Europe/London")


def events_of(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_times_are_in_london_with_a_vtimezone_across_the_march_change(app, moderator):
    before = make_meeting(moderator, title="Before", day=date(2027, 3, 27), at=time(10, 0))
    after = make_meeting(moderator, title="After", day=date(2027, 3, 28), at=time(10, 0))
    parsed = Calendar.from_ical(calendar.calendar_for([before, after], name="Test"))
    zones = parsed.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/London"]
    first, second = parsed.walk("VEVENT")
    for event in (first, second):
        assert event["DTSTART"].params["TZID"] == "Europe/London"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (10, 0) and start.tzinfo.key == "Europe/London"
    assert first.decoded("DTSTART").astimezone(timezone.utc).hour == 10  # GMT
    assert second.decoded("DTSTART").astimezone(timezone.utc).hour == 9  # BST
    assert second.decoded("DTEND") == datetime(2027, 3, 28, 11, 30, tzinfo=LONDON)


def test_october_change_and_the_raw_text(app, moderator):
    meeting = make_meeting(moderator, day=date(2027, 10, 31), at=time(18, 0))
    body = calendar.calendar_for([meeting], name="Test").decode()
    assert "DTSTART;TZID=Europe/London:20271031T180000" in body
    assert "BEGIN:VTIMEZONE" in body and "TZOFFSETTO:+0000" in body
    event = events_of(body.encode())[0]
    assert event.decoded("DTSTART").astimezone(timezone.utc).hour == 18  # GMT again


def test_uid_is_stable_and_sequence_goes_up_with_each_change(app, moderator):
    meeting = make_meeting(moderator)
    first = events_of(calendar.calendar_for([meeting], name="x"))[0]
    services.update_meeting(moderator, meeting, details(at=time(11, 0)))
    second = events_of(calendar.calendar_for([meeting], name="x"))[0]
    services.update_meeting(moderator, meeting, details(at=time(11, 0), title="Renamed"))
    third = events_of(calendar.calendar_for([meeting], name="x"))[0]
    assert str(first["UID"]) == str(second["UID"]) == str(third["UID"]) == meeting.uid
    assert [e.decoded("SEQUENCE") for e in (first, second, third)] == [0, 1, 2]
    assert str(third["SUMMARY"]) == "Renamed" and str(first["STATUS"]) == "CONFIRMED"


def test_a_cancelled_meeting_is_marked_cancelled(app, moderator):
    meeting = make_meeting(moderator)
    services.cancel_meeting(moderator, meeting, "Clash")
    event = events_of(calendar.calendar_for([meeting], name="x"))[0]
    assert str(event["STATUS"]) == "CANCELLED" and event.decoded("SEQUENCE") == 1
    assert "Clash" in str(event["DESCRIPTION"]) and "LOCATION" not in event


def test_the_meeting_download_carries_the_joining_link_for_members(client, moderator):
    meeting = make_meeting(moderator, joining_url="https://meet.example.org/secret-room")
    assert client.get(f"/meetings/{meeting.id}/meeting.ics").status_code == 302  # log in
    login(client, make_member())
    response = client.get(f"/meetings/{meeting.id}/meeting.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    event = events_of(response.data)[0]
    assert str(event["LOCATION"]) == "https://meet.example.org/secret-room"
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}")


def _feed_path(html: str) -> str:
    url = re.search(r'value="(http[^"]+/meetings/calendar/[^"]+\.ics)"', html).group(1)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_private_feed_stores_only_a_hash_and_a_reset_kills_the_old_address(
        client, moderator):
    member = make_member()
    make_meeting(moderator, title="First meeting")
    make_meeting(moderator, title="Second meeting", day=date(2027, 5, 4))
    login(client, member)
    page = client.post("/meetings/calendar/reset", follow_redirects=True).get_data(as_text=True)
    path = _feed_path(page)
    token = path.rsplit("/", 1)[1][:-len(".ics")]
    stored = db.session.scalar(select(CalendarFeed).filter_by(user_id=member.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert _feed_path(page) not in client.get("/meetings/calendar").get_data(as_text=True)
    anonymous = client.application.test_client()
    feed = anonymous.get(path)  # calendar apps do not log in
    assert feed.status_code == 200
    assert sorted(str(e["SUMMARY"]) for e in events_of(feed.data)) == ["First meeting",
                                                                       "Second meeting"]
    page = client.post("/meetings/calendar/reset", follow_redirects=True).get_data(as_text=True)
    new_path = _feed_path(page)
    assert new_path != path
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(new_path).status_code == 200
    client.post("/meetings/calendar/stop")
    assert anonymous.get(new_path).status_code == 404


def test_a_feed_stops_when_its_member_is_suspended(app, moderator):
    member = make_member()
    token = attendance.reset_feed(member)
    assert attendance.feed_owner(token).id == member.id
    member.status = "suspended"
    db.session.commit()
    assert attendance.feed_owner(token) is None
    assert attendance.feed_owner("x" * 500) is None and attendance.feed_owner("") is None
