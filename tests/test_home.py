"""The members' home page (/forum): the sections every domain contributes, what a member
may not see left out, and a fixed number of SQL queries whatever the content."""
from forum.collections import services as collections
from forum.discussions import services as discussions
from forum.moderation import services as moderation

from .collections.factories import filled_collection
from .factories import login, make_category, make_member, make_moderator, make_thread
from .qa.factories import make_answer, make_question
from .resources.helpers import make_resource


def _home(client) -> str:
    response = client.get("/forum")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_home_page_brings_the_community_together(client, app):
    moderator = make_moderator()
    category = make_category(name="Workplace culture")
    make_thread(category=category, title="Our staff network relaunch", replies=2)
    make_question(category=category, title="Who runs bystander training?")
    answered = make_question(category=category, title="Menopause cafes: worth it?")
    make_answer(answered)
    make_resource(title="Model harassment policy")
    pinned = filled_collection(moderator, title="Equally Safe at Work toolkit", official=True)
    collections.set_pinned(moderator, pinned, True)
    login(client, make_member())
    html = _home(client)
    for heading in ("Latest discussions", "Questions waiting for an answer",
                    "New in the library", "Equally Safe at Work toolkit", "Categories"):
        assert heading in html, heading
    assert "Our staff network relaunch" in html and "Who runs bystander training?" in html
    assert "Model harassment policy" in html and "Workplace culture" in html
    unanswered = html[html.index("Questions waiting"):html.index("New in the library")]
    assert "Menopause cafes" not in unanswered  # it has an answer
    assert html.count("<h1") == 1


def test_hidden_and_removed_threads_are_not_on_a_members_home_page(client, app):
    moderator = make_moderator()
    hidden = make_thread(title="A thread hidden by a moderator")
    opening = discussions.thread_page(hidden, 1)[0]
    moderation.hide_post(moderator, opening, "Off topic")
    make_thread(title="A thread everyone may read")
    login(client, make_member())
    html = _home(client)
    assert "A thread everyone may read" in html
    assert "A thread hidden by a moderator" not in html


def test_the_home_page_costs_the_same_queries_for_little_or_much_content(
        client, app, count_queries):
    moderator = make_moderator()
    member = make_member()
    login(client, member)

    def add(n):
        for i in range(n):
            make_thread(title=f"Thread {i}", replies=1)
            make_question(title=f"Question number {i}?")
            make_resource(title=f"Resource {i}")
        collections.set_pinned(moderator, filled_collection(moderator, count=n), True)

    add(1)
    _home(client)  # warm: the session's user, the categories
    with count_queries() as few:
        _home(client)
    add(8)
    with count_queries() as many:
        _home(client)
    assert len(many) == len(few), (len(few), len(many))
