"""Members cannot reach any moderator page or action of collections, not even by a direct
POST carrying a valid CSRF token (CSRF protection is on here, as in production). Every
route of the blueprint is found from the URL map, so a new route is checked too."""
import re

import pytest

from forum.collections.models import Collection, CollectionItem
from forum.extensions import db
from forum.resources.models import Resource

from ..factories import PASSWORD, make_member, make_moderator, make_thread
from ..resources.helpers import make_resource
from .factories import make_collection

MEMBER_ENDPOINTS = {"collections.index", "collections.collection", "collections.follow",
                    "collections.unfollow", "collections.dismiss_start_here"}


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    app_config["JOBS_INLINE"] = False
    return app_config


def csrf_token(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def log_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def moderator_routes(app, collection, item, resource):
    """(method, url) for every route of the blueprint that only moderators may use."""
    values = {"collection_id": collection.id, "item_id": item.id, "kind": "resource",
              "target_id": resource.id}
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != "collections" or rule.endpoint in MEMBER_ENDPOINTS:
            continue
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def snapshot():
    return (db.session.execute(db.select(Collection.id, Collection.title, Collection.status,
                                         Collection.pin_position, Collection.is_official)
                               .order_by(Collection.id)).all(),
            db.session.execute(db.select(CollectionItem.id, CollectionItem.position)
                               .order_by(CollectionItem.id)).all(),
            db.session.execute(db.select(Resource.id, Resource.is_official)).all())


@pytest.fixture
def world(app):
    moderator = make_moderator()
    resource = make_resource()
    published = make_collection(moderator, items=[resource, make_thread(),
                                                  ("https://example.org", "A link")])
    draft = make_collection(moderator, title="Draft", published=False,
                            items=[("https://example.org/d", "Draft link")])
    return {"published": published, "draft": draft, "resource": resource,
            "items": {c.id: db.session.scalar(db.select(CollectionItem).filter_by(
                collection_id=c.id)) for c in (published, draft)}}


def test_the_blueprint_has_the_moderator_routes_this_test_checks(app, world):
    routes = moderator_routes(app, world["published"], world["items"][world["published"].id],
                              world["resource"])
    assert len(routes) >= 20
    assert ("POST", f"/official/resource/{world['resource'].id}") in routes


@pytest.mark.parametrize("which,refusal", [("published", 403), ("draft", 404)])
def test_members_are_refused_every_moderator_page_and_action(client, app, world, which,
                                                             refusal):
    collection = world[which]
    routes = moderator_routes(app, collection, world["items"][collection.id],
                              world["resource"])
    log_in(client, make_member())
    token = csrf_token(client, "/collections")
    before = snapshot()
    answers = {}
    for method, url in routes:
        if method == "GET":
            answers[(method, url)] = client.get(url).status_code
        else:
            answers[(method, url)] = client.post(
                url, data={"csrf_token": token, "title": "Taken over", "kind": "link",
                           "link_url": "https://evil.example", "link_title": "Evil"},
                headers={"X-CSRFToken": token}).status_code
    # 403 where the member may see what the page is about (or it is about nothing yet:
    # "new collection"); 404 where even the collection's existence is not theirs to know.
    no_secret = {k: v for k, v in answers.items()
                 if k[1].startswith(("/official/", "/collections/new"))}
    assert set(no_secret.values()) == {403}, no_secret
    others = {k: v for k, v in answers.items() if k not in no_secret}
    assert len(others) >= 18 and set(others.values()) == {refusal}, others
    db.session.expire_all()
    assert snapshot() == before


def test_the_same_post_with_the_token_works_for_a_moderator(client, app, world):
    """The refusals above are the policy's, not a broken token or form."""
    log_in(client, make_moderator())
    token = csrf_token(client, "/collections")
    collection = world["draft"]
    response = client.post(f"/collections/{collection.id}/publish",
                           data={"csrf_token": token})
    assert response.status_code == 302
    response = client.post(f"/official/resource/{world['resource'].id}",
                           data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert collection.is_published and world["resource"].is_official


def test_drag_and_drop_needs_the_csrf_header(client, app, world):
    log_in(client, make_moderator())
    collection = world["published"]
    ids = list(db.session.scalars(db.select(CollectionItem.id).filter_by(
        collection_id=collection.id).order_by(CollectionItem.position)))
    url = f"/collections/{collection.id}/order"
    assert client.post(url, json={"order": ids[::-1]}).status_code == 400
    token = csrf_token(client, f"/collections/{collection.id}/manage")
    response = client.post(url, json={"order": ids[::-1]}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
