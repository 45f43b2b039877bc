"""Collections in search (published only, never a draft), and "Official material only":
resources, threads and collections marked official, found through the filter."""
from flask import current_app

from forum.collections import services
from forum.search import services as search
from forum.search.query import SearchQuery

from ..factories import make_thread
from ..resources.helpers import make_resource
from ..search.test_search_pages import index_now
from .factories import make_collection


def found(viewer, text, **filters) -> list[str]:
    with current_app.test_request_context():  # results link to their pages
        results = search.search(viewer, SearchQuery(text=text, **filters))
    return sorted(f"{r.view.type_label}: {r.obj.title}" for r in results.results)


def test_published_collections_are_found_and_drafts_never(moderator, member):
    published = make_collection(moderator, title="Okapi toolkit",
                                description="Everything about okapis.",
                                items=[("https://example.org", "Okapi guidance")])
    draft = make_collection(moderator, title="Okapi secrets", published=False)
    index_now()
    assert found(member, "okapi") == ["Collection: Okapi toolkit"]
    assert found(moderator, "okapi") == ["Collection: Okapi toolkit"]  # drafts: not indexed
    services.set_published(moderator, published, False)
    services.set_published(moderator, draft, True)
    index_now()
    assert found(member, "okapi") == ["Collection: Okapi secrets"]


def test_a_collection_is_found_by_its_items_notes(moderator, member):
    collection = make_collection(moderator, title="Toolkit")
    services.add_item(moderator, collection, kind="link", url="https://example.org",
                      link_title="Guidance", note="Useful for the narwhal question.")
    index_now()
    assert found(member, "narwhal") == ["Collection: Toolkit"]
    services.delete_collection(moderator, collection)
    index_now()
    assert found(member, "narwhal") == []


def test_official_material_only(moderator, member):
    official_resource = make_resource(title="Axolotl policy", description="Axolotl rules.")
    make_resource(title="Axolotl notes", description="Axolotl thoughts.")
    official_thread = make_thread(title="Axolotl welcome", body="Axolotl hello.")
    make_thread(title="Axolotl chat", body="Axolotl talk.")
    make_collection(moderator, title="Axolotl collection", official=True)
    make_collection(moderator, title="Axolotl extras")
    index_now()
    assert len(found(member, "axolotl")) == 8  # each resource has its discussion too
    assert found(member, "axolotl", official_only=True) == ["Collection: Axolotl collection"]
    services.set_official(moderator, official_resource, True)
    services.set_official(moderator, official_thread, True)
    index_now()
    assert found(member, "axolotl", official_only=True) == [
        "Collection: Axolotl collection", "Discussion: Axolotl welcome",
        "Resource: Axolotl policy"]
    services.set_official(moderator, official_thread, False)
    index_now()
    assert "Discussion: Axolotl welcome" not in found(member, "axolotl", official_only=True)


def unmarked(response) -> str:
    """The page's HTML without the highlighting around matched words."""
    return response.get_data(as_text=True).replace("<mark>", "").replace("</mark>", "")


def test_the_search_page_has_the_official_filter(member_client, moderator):
    make_collection(moderator, title="Wombat pack", official=True)
    make_resource(title="Wombat paper")
    index_now()
    page = unmarked(member_client.get("/search?q=wombat&official=1"))
    assert 'id="filter-official" name="official" value="1" checked' in page
    assert "Wombat pack" in page and "Wombat paper" not in page
    page = unmarked(member_client.get("/search?q=wombat"))
    assert "Wombat pack" in page and "Wombat paper" in page
    assert "Official material only" in page
