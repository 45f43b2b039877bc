"""Concurrent reorders (and adds and removes) never duplicate or lose an item: positions
stay 1..n, each item exactly once. Each worker thread has its own app context, so its
own database session and connection, as two gunicorn workers would."""
import random
import threading

from forum.accounts.models import User
from forum.collections import services
from forum.collections.models import CollectionItem
from forum.extensions import db

from .factories import filled_collection, rows, titles


def run_concurrently(app, work, count=3):
    """Run `work(n)` in `count` threads at once, each in its own app context; returns the
    exceptions they raised."""
    errors, barrier = [], threading.Barrier(count)

    def worker(n):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                work(n)
            except Exception as error:  # reported by the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return errors


def assert_intact(collection, expected_ids):
    items = rows(collection)
    assert [item.position for item in items] == list(range(1, len(expected_ids) + 1))
    assert sorted(item.id for item in items) == sorted(expected_ids)


def test_concurrent_moves_keep_every_item_once_in_1_to_n(app, moderator):
    collection = filled_collection(moderator, count=6)
    ids = [item.id for item in rows(collection)]

    def shuffle(n):
        rng, me = random.Random(n), db.session.get(User, moderator.id)
        for _ in range(12):
            item = db.session.get(CollectionItem, rng.choice(ids))
            services.move_item(me, item, rng.choice((-1, +1)))

    assert run_concurrently(app, shuffle) == []
    assert_intact(collection, ids)


def test_concurrent_drag_and_drop_orders_keep_every_item_once(app, moderator):
    collection = filled_collection(moderator, count=5)
    ids = [item.id for item in rows(collection)]

    def drag(n):
        rng, me = random.Random(n), db.session.get(User, moderator.id)
        for _ in range(8):
            order = ids[:]
            rng.shuffle(order)
            services.reorder_items(me, db.session.get(type(collection), collection.id), order)

    assert run_concurrently(app, drag) == []
    assert_intact(collection, ids)


def test_concurrent_adds_moves_and_removes_stay_contiguous(app, moderator):
    collection = filled_collection(moderator, count=4)
    first_ids = [item.id for item in rows(collection)]

    def work(n):
        me = db.session.get(User, moderator.id)
        mine = db.session.get(type(collection), collection.id)
        if n == 0:
            for k in range(6):
                services.add_item(me, mine, kind="link", url=f"https://example.org/new/{k}",
                                  link_title=f"New {k}")
        elif n == 1:
            for item_id in first_ids[:2]:
                services.remove_item(me, db.session.get(CollectionItem, item_id))
        else:
            for _ in range(6):
                services.move_item(me, db.session.get(CollectionItem, first_ids[3]), -1)

    assert run_concurrently(app, work) == []
    items = rows(collection)
    assert [item.position for item in items] == list(range(1, 9))
    assert len({item.id for item in items}) == 8 and first_ids[0] not in {i.id for i in items}


def test_a_move_made_with_a_stale_copy_uses_the_current_order(app, moderator):
    """The page was loaded before another moderator moved the item: the move starts from
    where the item is now, not where this session last saw it."""
    collection = filled_collection(moderator, count=4)
    third = rows(collection)[2]  # "Item 3", position 3, kept in this session

    def elsewhere(n):
        me = db.session.get(User, moderator.id)
        services.move_item(me, db.session.get(CollectionItem, third.id), -1)
        services.move_item(me, db.session.get(CollectionItem, third.id), -1)

    assert run_concurrently(app, elsewhere, count=1) == []
    assert third.position == 3  # the stale copy
    move = services.move_item(moderator, third, +1)
    assert move.position == 2
    assert titles(collection) == ["Item 1", "Item 3", "Item 2", "Item 4"]
