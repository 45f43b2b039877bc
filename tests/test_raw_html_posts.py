"""Issue 18 item 11 at the HTTP level: raw HTML is shown as typed, and a post that would
show as empty is refused with a message (nothing stored)."""
import pytest

from forum.discussions.models import Post
from forum.extensions import db

from .factories import login, make_category, make_member, make_thread


@pytest.fixture
def member(client):
    user = make_member(display_name="Fiona Campbell")
    login(client, user)
    return user


def test_raw_html_reply_is_shown_as_text(client, member):
    thread = make_thread(author=member)
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "<div>text in a div</div> Use the <details> element"})
    assert response.status_code == 302
    page = client.get(f"/threads/{thread.id}").data.decode()
    assert "&lt;div&gt;text in a div&lt;/div&gt; Use the &lt;details&gt; element" in page


@pytest.mark.parametrize("body", ["[a]: https://example.com", "---", "[](https://example.com)",
                                  "&nbsp;"])
def test_a_reply_that_would_show_nothing_is_refused(client, member, body):
    thread = make_thread(author=member)
    before = db.session.scalar(db.select(db.func.count()).select_from(Post))
    response = client.post(f"/threads/{thread.id}/reply", data={"body": body})
    assert response.status_code in (200, 400, 422)
    assert "would show as empty" in response.data.decode()
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == before


def test_a_thread_that_would_show_nothing_is_refused(client, member):
    category = make_category(name="Data and reporting")
    response = client.post(f"/categories/{category.id}/new",
                           data={"title": "Survey response rates", "body": "[x]: /a"})
    assert response.status_code != 302
    assert "would show as empty" in response.data.decode()
