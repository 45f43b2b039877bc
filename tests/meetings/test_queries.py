"""The meetings list and the home page's meetings section cost the same number of SQL
queries whatever the number of meetings, presenters, answers and rounds."""
from forum.meetings import attendance, reading, rounds

from ..factories import login, make_member, make_organisation
from .factories import local_day, make_meeting, make_round, propose


def _add(moderator, n):
    members = [make_member() for _ in range(n)]
    emails = ", ".join(m.email for m in members)
    orgs = [make_organisation().id for _ in range(n)]
    for k in range(n):
        meeting = make_meeting(moderator, title=f"Meeting {k} of {n}", day=local_day(5 + k),
                               presenter_emails=emails, organisation_ids=orgs)
        for person in members:
            attendance.set_attendance(person, meeting, True)
        make_meeting(moderator, title=f"Past {k} of {n}", day=local_day(-5 - k),
                     presenter_emails=emails, organisation_ids=orgs)
        round_ = make_round(moderator, title=f"Round {k} of {n}")
        topic = propose(members[0], round_, f"Topic {k}")
        rounds.cast_vote(members[0], topic)


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response


def test_the_meetings_pages_cost_the_same_queries_for_few_or_many(client, moderator,
                                                                  count_queries):
    login(client, make_member())
    _add(moderator, 1)
    counts = {}
    for label, n in (("few", 0), ("many", 6)):
        if n:
            _add(moderator, n)
        for path in ("/meetings", "/meetings/past", "/meetings/rounds", "/forum"):
            _get(client, path)  # warm
            with count_queries() as statements:
                _get(client, path)
            counts.setdefault(path, []).append(len(statements))
    assert all(few == many for few, many in counts.values()), counts


def test_the_home_section_is_at_most_three_queries(app, moderator, count_queries):
    member = make_member()
    _add(moderator, 3)
    assert member.id  # loaded: the viewer's own row is not the section's query
    with count_queries() as statements:
        section = reading.home_section(member)
    assert section["next_meeting"].meeting.title.startswith("Meeting 0")
    assert len(section["open_rounds"]) == 3 and len(statements) <= 3
