"""Collection pages through the test client: creating, adding items by address (with the
errors a moderator sees), moving with the buttons, drag and drop's JSON, following and
"New", the official badge, and hostile input that must never run as script."""
import re

from forum.collections import services
from forum.collections.models import Collection
from forum.extensions import db

from ..factories import login, make_member, make_thread
from ..qa.factories import make_question
from ..resources.helpers import make_resource
from .factories import add, filled_collection, make_collection, rows, titles

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_a_moderator_creates_a_collection_and_lands_on_its_manage_page(moderator_client):
    response = moderator_client.post("/collections/new", data={
        "title": "Equally Safe at Work toolkit", "description": "Start with **these**.",
        "is_official": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/manage")
    collection = db.session.scalar(db.select(Collection))
    assert collection.is_official and not collection.is_published
    page = text_of(moderator_client.get(response.headers["Location"]))
    assert "Manage “Equally Safe at Work toolkit”" in page and "Official · Close the Gap" in page


def test_the_collection_form_shows_errors_not_a_500(moderator_client):
    response = moderator_client.post("/collections/new", data={"title": "", "description":
                                                               "x" * 10_001})
    assert response.status_code == 422
    page = text_of(response)
    assert "Enter a title." in page and "10,000 characters or fewer" in page
    assert db.session.scalar(db.select(db.func.count(Collection.id))) == 0


def test_adding_items_by_address_and_the_errors_for_bad_ones(moderator_client, moderator):
    resource, question = make_resource(title="Model policy"), make_question(title="Which?")
    collection = make_collection(moderator, published=False)
    url = f"/collections/{collection.id}/items"
    for data in ({"kind": "resource", "reference": f"http://localhost/resources/{resource.id}"},
                 {"kind": "thread", "reference": f"http://localhost/questions/{question.id}",
                  "note": "The most asked question."}):
        assert moderator_client.post(url, data=data).status_code == 302
    refusals = [
        ({"kind": "link", "link_url": "javascript:alert(1)", "link_title": "Bad"},
         "starting with https:// or http://"),
        ({"kind": "link", "link_url": "", "link_title": ""}, "Enter the link&#39;s web address"),
        ({"kind": "resource", "reference": ""}, "Enter the address or number"),
        ({"kind": "resource", "reference": "/resources/424242"}, "no resource number 424242"),
        ({"kind": "resource", "reference": f"/resources/{resource.id}"}, "already in this"),
        ({"kind": "thread", "reference": "1", "note": "n" * 301}, "300 characters or fewer"),
        ({"kind": "sideways"}, "Not a valid choice"),
    ]
    for data, message in refusals:
        response = moderator_client.post(url, data=data)
        assert response.status_code == 422, data
        assert message in text_of(response), (data, text_of(response)[:200])
        assert 'class="error-summary"' in text_of(response)
    assert titles(collection) == ["Model policy", "Which?"]


def test_hostile_text_is_shown_as_text(moderator_client, moderator):
    collection = make_collection(moderator, title="Links")
    response = moderator_client.post(f"/collections/{collection.id}/items", data={
        "kind": "link", "link_url": 'https://example.org/"><script>alert(1)</script>',
        "link_title": XSS, "note": XSS})
    assert response.status_code == 302
    moderator_client.post(f"/collections/{collection.id}/edit", data={
        "title": "Links", "description": XSS + "\n\n[click](javascript:alert(1))"})
    for page in (f"/collections/{collection.id}", f"/collections/{collection.id}/manage",
                 "/collections"):
        html = text_of(moderator_client.get(page))
        assert "<script>alert" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(1)&gt;", "")
        assert "javascript:alert" not in html
    html = text_of(moderator_client.get(f"/collections/{collection.id}"))
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_move_buttons_redirect_with_the_announcement(moderator_client, moderator):
    collection = filled_collection(moderator, count=3)
    last = rows(collection)[2]
    response = moderator_client.post(f"/collections/{collection.id}/items/{last.id}/up")
    assert response.status_code == 302
    assert f"moved={last.id}" in response.headers["Location"]
    page = text_of(moderator_client.get(response.headers["Location"]))
    assert re.search(r'role="status">Moved ‘Item 3’ to position 2 of 3\.<', page)
    assert f'data-moved="up"' in page
    assert titles(collection) == ["Item 1", "Item 3", "Item 2"]


def test_an_item_of_another_collection_is_not_found(moderator_client, moderator):
    mine, other = filled_collection(moderator, count=1), filled_collection(moderator, count=1)
    theirs = rows(other)[0]
    for action in ("up", "down", "remove"):
        response = moderator_client.post(f"/collections/{mine.id}/items/{theirs.id}/{action}")
        assert response.status_code == 404
    assert titles(other) == ["Item 1"]


def test_drag_and_drop_posts_the_new_order_as_json(moderator_client, moderator):
    collection = filled_collection(moderator, count=3)
    ids = [item.id for item in rows(collection)]
    url = f"/collections/{collection.id}/order"
    response = moderator_client.post(url, json={"order": [ids[2], ids[0], ids[1]],
                                                "moved": ids[2]})
    assert response.status_code == 200
    assert response.get_json()["message"] == "Moved ‘Item 3’ to position 1 of 3."
    assert titles(collection) == ["Item 3", "Item 1", "Item 2"]
    stale = moderator_client.post(url, json={"order": ids[:2], "moved": ids[0]})
    assert stale.status_code == 409 and "Reload the page" in stale.get_json()["error"]
    for bad in ({"order": "1,2,3"}, {"order": [True, False, True]}, {}, None):
        response = moderator_client.post(url, json=bad) if bad is not None else \
            moderator_client.post(url, data="not json", content_type="application/json")
        assert response.status_code == 400
    assert titles(collection) == ["Item 3", "Item 1", "Item 2"]


def test_members_see_published_collections_official_first_and_never_drafts(member_client,
                                                                            moderator):
    make_collection(moderator, title="A plain one")
    make_collection(moderator, title="Zebra official", official=True)
    make_collection(moderator, title="Secret draft", published=False)
    page = text_of(member_client.get("/collections"))
    assert page.index("Zebra official") < page.index("A plain one")
    assert "Secret draft" not in page and "New collection" not in page
    draft = db.session.scalar(db.select(Collection).filter_by(title="Secret draft"))
    assert member_client.get(f"/collections/{draft.id}").status_code == 404


def test_moderators_see_drafts_marked_draft(moderator_client, moderator):
    make_collection(moderator, title="Secret draft", published=False)
    page = text_of(moderator_client.get("/collections"))
    assert "Secret draft" in page and "Draft<span class=\"visually-hidden\">" in page


def test_following_marks_items_added_since_the_last_visit_as_new(client, moderator):
    collection = filled_collection(moderator, count=2)
    member = make_member()
    login(client, member)
    assert "New<span" not in text_of(client.get(f"/collections/{collection.id}"))
    assert client.post(f"/collections/{collection.id}/follow").status_code == 302
    add(moderator, collection, ("https://example.org/later", "Added later"))
    page = text_of(client.get(f"/collections/{collection.id}"))
    assert page.count('class="badge badge-new"') == 1
    assert re.search(r'Added later<span class="visually-hidden"> \(external site\)</span></a> '
                     r'<span class="badge badge-new">New<span class="visually-hidden"> since '
                     r'your last visit', page)
    assert "1 item new since your last visit" in page
    # The visit is remembered: nothing is new the next time.
    assert 'badge-new' not in text_of(client.get(f"/collections/{collection.id}"))
    client.post(f"/collections/{collection.id}/unfollow")
    assert "Follow this collection" in text_of(client.get(f"/collections/{collection.id}"))


def test_official_badge_on_resource_thread_and_question_pages(moderator_client, moderator):
    resource, thread, question = make_resource(), make_thread(), make_question()
    pages = [(f"/official/resource/{resource.id}", f"/resources/{resource.id}"),
             (f"/official/thread/{thread.id}", f"/threads/{thread.id}"),
             (f"/official/thread/{question.id}", f"/questions/{question.id}")]
    for mark, page in pages:
        assert "Official · Close the Gap" not in text_of(moderator_client.get(page))
        response = moderator_client.post(mark)
        assert response.status_code == 302 and response.headers["Location"].endswith(page)
        html = text_of(moderator_client.get(page))
        assert "Official · Close the Gap" in html and "Unmark as official" in html
    moderator_client.post(f"/official/resource/{resource.id}/remove")
    assert "Official · Close the Gap" not in text_of(moderator_client.get(
        f"/resources/{resource.id}"))


def test_publish_pin_and_start_here_from_the_manage_page(moderator_client, moderator):
    collection = make_collection(moderator, published=False)
    base = f"/collections/{collection.id}"
    refused = moderator_client.post(base + "/start-here", follow_redirects=True)
    assert "Publish the collection before" in text_of(refused)
    for action in ("/publish", "/pin", "/start-here"):
        assert moderator_client.post(base + action).status_code == 302
    db.session.expire_all()
    assert collection.is_published and collection.pin_position == 1
    page = text_of(moderator_client.get(base + "/manage"))
    assert "Pinned, position 1 of 1" in page and "This is the Start here collection" in page
    assert services.start_here_for(moderator).collection.id == collection.id


def test_collection_pages_cost_the_same_queries_however_many_items(moderator_client,
                                                                   moderator, count_queries):
    def queries(collection):
        counts = []
        for url in (f"/collections/{collection.id}", f"/collections/{collection.id}/manage",
                    "/collections"):
            with count_queries() as statements:
                assert moderator_client.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    small = make_collection(moderator, title="Small", items=[make_resource(title="R0")])
    big = make_collection(moderator, title="Big", items=[
        *(make_resource(title=f"R{n}") for n in range(1, 5)),
        *(make_thread(title=f"Thread {n}") for n in range(3)),
        make_question(title="Q?"), ("https://example.org", "A link")])
    assert queries(small) == queries(big)
    assert max(queries(big)) <= 12


def test_a_removed_target_is_flagged_to_moderators_and_gone_for_members(client, moderator):
    from forum.resources import services as resources
    resource = make_resource(title="Old policy")
    collection = make_collection(moderator, items=[resource, ("https://example.org", "Kept")])
    resources.delete_resource(moderator, resource)
    login(client, make_member())
    page = text_of(client.get(f"/collections/{collection.id}"))
    assert "Old policy" not in page and "Kept" in page and "1 item" in page
    client.post("/logout")
    login(client, moderator)
    page = text_of(client.get(f"/collections/{collection.id}/manage"))
    assert "This item's resource was removed." in page
    assert "collection-item-flagged" in page
