"""Anonymous questions: the asker never shows to other members, anywhere, in any form.

Every page type the question can appear on is rendered as another member, and the HTML
source (or JSON) is checked for the asker's name, email, organisation and profile URL.
"""
import pytest

from forum.discussions.models import Post
from forum.extensions import db
from forum.qa import services as qa
from forum.accounts.bylines import shown_author

from ..factories import login, make_category, make_member, make_moderator, make_organisation
from .factories import make_answer


@pytest.fixture
def story(app):
    """An anonymous question; the asker also answers and comments in it; others take part."""
    asker = make_member(display_name="Zebedee Quartermain", email="zebedee@secret.example",
                        organisation=make_organisation(name="Hushwater Council"))
    category = make_category(name="Sensitive topics")
    question = qa.ask(asker, category, title="Supporting staff after a disclosure at work?",
                      body="We need advice on a sensitive case.", tags="disclosure",
                      anonymous=True)
    opening = db.session.scalar(db.select(Post).where(Post.thread_id == question.id,
                                                      Post.number == 1))
    helper = make_member(display_name="Helpful Helen")
    answer = make_answer(question, author=helper, body="Offer paid safe leave.")
    qa.add_comment(asker, answer, body="Thank you, how long did you offer?")
    qa.vote(asker, answer)
    qa.accept_answer(asker, answer)
    own = qa.answer(asker, question, body="Update: we agreed a plan with the colleague.")
    return {"asker": asker, "question": question, "opening": opening, "answer": answer,
            "own_answer": own, "category": category, "helper": helper}


def secrets_of(user) -> list[str]:
    return [user.display_name, user.email, user.organisation.name, f"/members/{user.id}",
            f'data-user-id="{user.id}"']


def assert_hidden(text: str, asker, where: str):
    for secret in secrets_of(asker):
        assert secret not in text, f"{secret!r} leaked on {where}"


def pages(story) -> list[str]:
    question, opening = story["question"], story["opening"]
    return [
        f"/questions/{question.id}",
        f"/threads/{question.id}",
        f"/posts/{opening.id}",
        f"/posts/{story['own_answer'].id}",
        "/questions",
        "/questions?show=unaccepted&sort=newest",
        "/questions?show=answered-by-me",
        "/questions?sort=helpful",
        f"/questions?tag=disclosure&category={story['category'].id}",
        f"/categories/{story['category'].id}",
        "/forum",
        "/tags",
        "/tags/disclosure",
        f"/threads/{question.id}/reply?quote={opening.id}",
        f"/threads/{question.id}/reply?quote={story['own_answer'].id}",
        "/questions/similar?title=Supporting+staff+disclosure",
    ]


def get_following_redirects(client, url):
    # Followed by hand: the shared IsolatedClient does not support follow_redirects.
    response = client.get(url)
    for _ in range(5):
        if response.status_code not in (301, 302, 303):
            break
        response = client.get(response.headers["Location"])
    return response


def test_other_members_never_see_the_anonymous_asker(client, story):
    login(client, make_member())
    for url in pages(story):
        response = get_following_redirects(client, url)
        assert response.status_code == 200, url
        assert_hidden(response.get_data(as_text=True), story["asker"], url)
    page = client.get(f"/questions/{story['question'].id}").get_data(as_text=True)
    assert "A member asked" in page
    assert "Helpful Helen" in page  # other people are still named
    assert "Supporting staff after a disclosure at work?" in page


def test_the_review_step_offering_similar_questions_hides_the_asker(client, story):
    login(client, make_member())
    response = client.post("/questions/ask", data={
        "category_id": story["category"].id, "title": "Staff disclosure support at work",
        "body": "Details"})
    text = response.get_data(as_text=True)
    assert "Has your question been asked already?" in text
    assert "Supporting staff after a disclosure at work?" in text
    assert_hidden(text, story["asker"], "the review step")


def test_the_category_list_hides_the_asker_as_latest_poster(client, app):
    asker = make_member(display_name="Quiet Asker")
    category = make_category()
    qa.ask(asker, category, title="Nobody answered yet?", body="Body", anonymous=True)
    login(client, make_member())
    text = client.get(f"/categories/{category.id}").get_data(as_text=True)
    assert_hidden(text, asker, "the category page")
    assert "by A member" in text


def test_a_discussion_converted_from_an_anonymous_question_stays_anonymous(client, story):
    qa.convert_thread(make_moderator(), story["question"], "discussion")
    login(client, make_member())
    response = client.get(f"/threads/{story['question'].id}")
    assert response.status_code == 200 and b"Offer paid safe leave." in response.data
    assert_hidden(response.get_data(as_text=True), story["asker"], "the discussion page")


def test_moderators_see_who_asked(client, story):
    login(client, make_moderator())
    text = client.get(f"/questions/{story['question'].id}").get_data(as_text=True)
    assert "Zebedee Quartermain" in text
    assert "Anonymous to other members" in text


def test_the_asker_sees_their_own_name_and_can_still_manage(client, story):
    login(client, story["asker"])
    text = client.get(f"/questions/{story['question'].id}").get_data(as_text=True)
    assert "Zebedee Quartermain" in text and "Anonymous to other members" in text
    assert "Withdraw acceptance" in text
    assert f"/posts/{story['opening'].id}/edit" in text


def test_quoting_keeps_the_asker_hidden_even_for_moderators(client, story):
    """A quote is published to everyone, so even a moderator's quote must not name the asker."""
    login(client, make_moderator())
    text = client.get(f"/threads/{story['question'].id}/reply?quote={story['opening'].id}"
                      ).get_data(as_text=True)
    assert "**A member** wrote:" in text
    assert "Zebedee" not in text.split("<textarea", 1)[1].split("</textarea>", 1)[0]


def test_shown_author_is_the_single_rule(story):
    other, moderator, asker = make_member(), make_moderator(), story["asker"]
    for item in (story["question"], story["opening"], story["own_answer"]):
        assert shown_author(item, other).user is None
        assert shown_author(item, other).name == "A member"
        assert shown_author(item, moderator).user.id == asker.id
        assert shown_author(item, asker).user.id == asker.id
        assert shown_author(item, None).user is None  # e.g. emails, feeds, quotes
    assert shown_author(story["answer"], other).name == "Helpful Helen"
    assert shown_author(story["question"], other, last_post=True).name == "A member"
