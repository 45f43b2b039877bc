"""UK time across the daylight-saving changes: entered in Europe/London, stored in UTC."""
from datetime import date, datetime, time, timezone

import pytest

from forum.meetings import times
from forum.validation import DomainError

UTC = timezone.utc


def test_a_winter_time_is_gmt_and_a_summer_time_is_bst():
    assert times.to_utc(date(2027, 1, 12), time(10, 0)).utc == datetime(2027, 1, 12, 10, 0,
                                                                       tzinfo=UTC)
    assert times.to_utc(date(2027, 7, 12), time(10, 0)).utc == datetime(2027, 7, 12, 9, 0,
                                                                       tzinfo=UTC)


def test_the_same_local_time_either_side_of_the_march_change():
    """The clocks go forward at 01:00 GMT on Sunday 28 March 2027."""
    before = times.to_utc(date(2027, 3, 27), time(10, 0)).utc
    after = times.to_utc(date(2027, 3, 28), time(10, 0)).utc
    assert (before.hour, after.hour) == (10, 9)
    assert times.describe(before, 90) == "Saturday 27 March 2027, 10:00 to 11:30 GMT"
    assert times.describe(after, 90) == "Sunday 28 March 2027, 10:00 to 11:30 BST"


def test_a_time_in_the_hour_skipped_in_march_is_refused_with_a_clear_message():
    with pytest.raises(DomainError) as error:
        times.to_utc(date(2027, 3, 28), time(1, 30))
    assert "does not exist in UK time" in str(error.value)
    assert "clocks go forward" in str(error.value) and error.value.field == "start_time"
    assert times.to_utc(date(2027, 3, 28), time(2, 0)).utc == datetime(2027, 3, 28, 1, 0,
                                                                      tzinfo=UTC)
    assert times.to_utc(date(2027, 3, 28), time(0, 59)).utc.hour == 0


def test_a_time_in_the_hour_repeated_in_october_is_the_first_one_with_a_note():
    """The clocks go back at 02:00 BST on Sunday 31 October 2027: 01:30 happens twice."""
    start = times.to_utc(date(2027, 10, 31), time(1, 30))
    assert start.utc == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert "happens twice" in start.note and "01:30 BST" in start.note
    assert times.to_utc(date(2027, 10, 31), time(2, 30)).utc.hour == 2  # GMT again
    assert times.to_utc(date(2027, 10, 31), time(10, 0)).note == ""


def test_the_same_local_time_either_side_of_the_october_change():
    before = times.to_utc(date(2027, 10, 30), time(18, 0)).utc
    after = times.to_utc(date(2027, 10, 31), time(18, 0)).utc
    assert (before.hour, after.hour) == (17, 18)
    assert times.short(before) == "30 Oct 2027, 18:00 BST"
    assert times.short(after) == "31 Oct 2027, 18:00 GMT"


def test_a_meeting_spanning_the_october_change_names_both_zones():
    start = times.to_utc(date(2027, 10, 31), time(0, 30)).utc  # 00:30 BST
    assert times.describe(start, 180) == "Sunday 31 October 2027, 00:30 BST to 02:30 GMT"


def test_local_parts_round_trip_for_the_edit_form():
    moment = times.to_utc(date(2027, 6, 1), time(14, 15)).utc
    assert times.local_parts(moment) == (date(2027, 6, 1), time(14, 15))
