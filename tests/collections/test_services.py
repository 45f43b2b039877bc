"""Curating collections without HTTP: items by address or number, links, hostile input,
removing and reordering (positions stay 1..n), pins, Start here, official marks."""
import pytest

from forum import events
from forum.collections import members, services
from forum.collections.models import CollectionFollow, CollectionItem, StartHereSetting
from forum.database import utcnow
from forum.extensions import db
from forum.jobs.models import Job
from forum.resources import services as resources
from forum.validation import DomainError

from ..factories import make_thread
from ..qa.factories import make_question
from ..resources.helpers import make_resource
from ..test_events import listening
from .factories import add, filled_collection, make_collection, rows, titles


def positions(collection) -> list[int]:
    return [item.position for item in rows(collection)]


def test_a_new_collection_is_a_draft_with_rendered_description(moderator):
    collection = services.create_collection(moderator, title="Toolkit",
                                            description="Read **this** <script>x</script>")
    assert not collection.is_published
    assert "<strong>this</strong>" in collection.description_html
    assert "<script>" not in collection.description_html


def test_items_are_added_by_address_or_number_in_order(moderator):
    resource = make_resource(title="Model policy")
    question = make_question(title="How did you word it?")
    discussion = make_thread(title="Welcome all")
    collection = make_collection(moderator, published=False)
    services.add_item(moderator, collection, kind="resource",
                      reference=f"https://forum.example.org/resources/{resource.id}")
    # The address decides the kind: a question's address works with "resource" chosen too.
    services.add_item(moderator, collection, kind="resource",
                      reference=f"/questions/{question.id}?page=2#answers")
    services.add_item(moderator, collection, kind="thread", reference=str(discussion.id),
                      note="  Start   with this.  ")
    services.add_item(moderator, collection, kind="link", url="https://example.org/guide",
                      link_title="A guide")
    assert titles(collection) == ["Model policy", "How did you word it?", "Welcome all",
                                  "A guide"]
    assert positions(collection) == [1, 2, 3, 4]
    assert rows(collection)[2].note == "Start with this."


@pytest.mark.parametrize("kind,fields,field,message", [
    ("link", {"url": "javascript:alert(1)", "link_title": "Click"}, "link_url", "https://"),
    ("link", {"url": "JAVASCRIPT://%0aalert(1)", "link_title": "Click"}, "link_url",
     "https://"),
    ("link", {"url": "data:text/html,<script>", "link_title": "Click"}, "link_url", "https://"),
    ("link", {"url": "https://example.org/" + "a" * 2000, "link_title": "Long"}, "link_url",
     "https://"),
    ("link", {"url": "https://example.org", "link_title": "x" * 201}, "link_title", "3 to 200"),
    ("resource", {"reference": "https://example.org/about"}, "reference", "address of a"),
    ("resource", {"reference": "99999"}, "reference", "no resource number 99999"),
    ("thread", {"reference": "/threads/99999"}, "reference", "no discussion or question"),
    ("thread", {"reference": "12345678901234567890"}, "reference", "address of a"),
    ("nonsense", {}, "kind", "Choose what to add"),
])
def test_hostile_or_wrong_items_are_refused_with_a_message(moderator, kind, fields, field,
                                                            message):
    collection = make_collection(moderator)
    with pytest.raises(DomainError) as refused:
        services.add_item(moderator, collection, kind=kind, **fields)
    assert refused.value.field == field and message in str(refused.value)
    assert rows(collection) == []


def test_a_note_over_300_characters_is_refused(moderator):
    collection = make_collection(moderator)
    with pytest.raises(DomainError, match="300 characters"):
        services.add_item(moderator, collection, kind="link", url="https://example.org",
                          link_title="Fine", note="n" * 301)


def test_deleted_things_cannot_be_added(moderator, member):
    resource = make_resource(author=member)
    thread = make_thread(author=member)
    resources.delete_resource(member, resource)
    thread.deleted_at = utcnow()  # removed by a moderator
    db.session.commit()
    collection = make_collection(moderator)
    for kind, target in (("resource", resource), ("thread", thread)):
        with pytest.raises(DomainError, match="may have been removed"):
            services.add_item(moderator, collection, kind=kind, reference=str(target.id))


def test_the_same_thing_cannot_be_added_twice(moderator):
    resource = make_resource()
    collection = make_collection(moderator, items=[resource, ("https://example.org/a", "Page A")])
    with pytest.raises(DomainError, match="already in this collection"):
        services.add_item(moderator, collection, kind="resource",
                          reference=f"/resources/{resource.id}")
    with pytest.raises(DomainError, match="already in this collection"):
        services.add_item(moderator, collection, kind="link", url="https://example.org/a",
                          link_title="Again")
    assert len(rows(collection)) == 2


def test_removing_an_item_closes_the_gap(moderator):
    collection = filled_collection(moderator, count=4)
    services.remove_item(moderator, rows(collection)[1])
    assert titles(collection) == ["Item 1", "Item 3", "Item 4"]
    assert positions(collection) == [1, 2, 3]


def test_moving_up_and_down_announces_the_new_position(moderator):
    collection = filled_collection(moderator, count=5)
    third = rows(collection)[2]
    move = services.move_item(moderator, third, -1)
    assert move.message == "Moved ‘Item 3’ to position 2 of 5."
    assert titles(collection) == ["Item 1", "Item 3", "Item 2", "Item 4", "Item 5"]
    move = services.move_item(moderator, rows(collection)[0], +1)
    assert (move.position, move.total) == (2, 5)
    assert titles(collection) == ["Item 3", "Item 1", "Item 2", "Item 4", "Item 5"]
    assert positions(collection) == [1, 2, 3, 4, 5]


def test_moving_past_either_end_keeps_the_item_there(moderator):
    collection = filled_collection(moderator, count=3)
    with listening(events.collection_items_reordered) as heard:
        assert services.move_item(moderator, rows(collection)[0], -1).position == 1
        assert services.move_item(moderator, rows(collection)[2], +1).position == 3
    assert heard == [] and titles(collection) == ["Item 1", "Item 2", "Item 3"]


def test_a_full_new_order_is_applied(moderator):
    collection = filled_collection(moderator, count=4)
    ids = [item.id for item in rows(collection)]
    move = services.reorder_items(moderator, collection, [ids[3], ids[0], ids[1], ids[2]],
                                  moved_id=ids[3])
    assert move.message == "Moved ‘Item 4’ to position 1 of 4."
    assert titles(collection) == ["Item 4", "Item 1", "Item 2", "Item 3"]


@pytest.mark.parametrize("order", [
    lambda ids: ids[:-1],                 # an item left out (lost)
    lambda ids: ids + [ids[0]],           # an item twice (duplicated)
    lambda ids: [ids[0]] * len(ids),      # the same item everywhere
    lambda ids: ids[:-1] + [999_999],     # an id from elsewhere
])
def test_an_order_that_loses_or_duplicates_an_item_is_refused(moderator, order):
    collection = filled_collection(moderator, count=3)
    ids = [item.id for item in rows(collection)]
    with pytest.raises(DomainError, match="changed while you were reordering"):
        services.reorder_items(moderator, collection, order(ids))
    assert titles(collection) == ["Item 1", "Item 2", "Item 3"]


def test_publishing_and_back_to_draft_is_announced(moderator):
    collection = make_collection(moderator, published=False)
    with listening(events.collection_published) as heard:
        services.set_published(moderator, collection, True)
        services.set_published(moderator, collection, True)  # no change, no event
        services.set_published(moderator, collection, False)
    assert [kwargs["published"] for _, kwargs in heard] == [True, False]
    assert all(kwargs["actor"] is moderator for _, kwargs in heard)


def test_pins_keep_a_contiguous_chosen_order(moderator):
    first, second, third = (make_collection(moderator, title=f"C{n}") for n in range(3))
    for collection in (first, second, third):
        services.set_pinned(moderator, collection, True)
    services.move_pin(moderator, third, -1)
    assert [c.pin_position for c in (first, second, third)] == [1, 3, 2]
    services.set_pinned(moderator, first, False)
    db.session.expire_all()
    assert [c.pin_position for c in (first, second, third)] == [None, 2, 1]
    services.delete_collection(moderator, third)
    db.session.expire_all()
    assert second.pin_position == 1


def test_only_a_published_collection_can_be_start_here(moderator):
    draft = make_collection(moderator, published=False)
    with pytest.raises(DomainError, match="Publish the collection"):
        services.choose_start_here(moderator, draft)
    published = make_collection(moderator)
    services.choose_start_here(moderator, published)
    assert db.session.get(StartHereSetting, 1).collection_id == published.id
    services.delete_collection(moderator, published)
    assert db.session.get(StartHereSetting, 1).collection_id is None


def test_deleting_a_collection_removes_its_items_and_follows(moderator, member):
    collection = filled_collection(moderator, count=2)
    members.follow(member, collection)
    services.delete_collection(moderator, collection)
    assert db.session.scalar(db.select(db.func.count(CollectionItem.id))) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(
        CollectionFollow)) == 0


def test_marking_official_queues_the_search_update_in_the_same_use_case(moderator):
    resource, thread = make_resource(), make_thread()
    db.session.execute(db.delete(Job))
    db.session.commit()
    with listening(events.resource_official_changed) as heard:
        services.set_official(moderator, resource, True)
    services.set_official(moderator, thread, True)
    assert resource.is_official and thread.is_official
    assert heard[0][1]["official"] is True and heard[0][1]["actor"] is moderator
    keys = [key for job in db.session.scalars(db.select(Job).where(Job.kind == "search.index"))
            for key in job.payload["keys"]]
    assert sorted(keys) == sorted([f"resource:{resource.id}", f"thread:{thread.id}"])


def test_a_failing_listener_leaves_the_official_flag_unchanged(moderator):
    resource = make_resource()

    def fail(*args, **kwargs):
        raise RuntimeError("the audit log is broken")

    with listening(events.resource_official_changed, fail), pytest.raises(RuntimeError):
        services.set_official(moderator, resource, True)
    db.session.expire_all()
    assert resource.is_official is False


def test_members_cannot_curate(member):
    from werkzeug.exceptions import Forbidden
    collection = make_collection()
    for attempt in (lambda: services.create_collection(member, title="Mine"),
                    lambda: services.set_published(member, collection, False),
                    lambda: services.set_pinned(member, collection, True),
                    lambda: services.choose_start_here(member, collection),
                    lambda: services.set_official(member, make_resource(), True),
                    lambda: add(member, collection, ("https://example.org", "Mine"))):
        with pytest.raises(Forbidden):
            attempt()
    assert rows(collection) == [] and collection.is_published
