"""Meetings in search: found by title, agenda, notes, presenters and recap title (never by
the joining link), kept up to date through the change events."""
from flask import current_app

from forum.meetings import services
from forum.search import services as search
from forum.search.query import SearchQuery

from ..factories import make_category
from ..search.test_search_pages import index_now
from .factories import details, make_meeting


def found(viewer, text) -> list[str]:
    with current_app.test_request_context():  # results link to their pages
        results = search.search(viewer, SearchQuery(text=text))
    return sorted(f"{r.view.type_label}: {r.obj.title}" for r in results.results)


def test_a_meeting_is_found_by_its_agenda_and_notes_and_recap(moderator, member):
    meeting = make_meeting(moderator, title="Okapi workshop", agenda="We discuss narwhals.",
                           joining_url="https://meet.example.org/zebrafish")
    index_now()
    assert found(member, "okapi") == ["Meeting: Okapi workshop"]
    assert found(member, "narwhals") == ["Meeting: Okapi workshop"]
    assert found(member, "zebrafish") == []  # the joining link is not indexed
    services.save_notes(moderator, meeting, "We agreed on axolotl training.")
    services.start_recap(moderator, meeting, category=make_category(), body="Thoughts?")
    index_now()
    assert found(member, "axolotl") == ["Meeting: Okapi workshop"]
    assert "Discussion: Recap: Okapi workshop" in found(member, "recap okapi")


def test_an_edit_reindexes_the_meeting(moderator, member):
    meeting = make_meeting(moderator, title="Okapi workshop")
    index_now()
    services.update_meeting(moderator, meeting, details(title="Pangolin workshop"))
    index_now()
    assert found(member, "okapi") == [] and found(member, "pangolin") == [
        "Meeting: Pangolin workshop"]
