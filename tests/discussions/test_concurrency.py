"""Concurrent replies to one thread, each thread of execution with its own session and
connection as gunicorn workers have (issue 18, item 2): no error, no lost or repeated
number. On SQLite, a transaction that read before another one wrote cannot write
("database is locked" at once, whatever the busy timeout): the use case is retried."""
import threading

from forum.accounts.models import User
from forum.discussions import services
from forum.discussions.models import Post, Thread
from forum.extensions import db

from ..factories import make_member, make_thread

WORKERS, REPLIES = 6, 12


def test_concurrent_replies_all_land_numbered_1_to_n(app):
    members = [make_member().id for _ in range(WORKERS)]
    thread_id = make_thread().id
    errors, barrier = [], threading.Barrier(WORKERS)

    def worker(n):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                for i in range(REPLIES):
                    author = db.session.get(User, members[n])
                    thread = db.session.get(Thread, thread_id)  # read first, then write
                    services.reply(author, thread, body=f"Reply {i} from worker {n}.")
            except Exception as error:  # reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    db.session.expire_all()
    numbers = db.session.scalars(db.select(Post.number).where(Post.thread_id == thread_id)
                                 .order_by(Post.number)).all()
    assert numbers == list(range(1, WORKERS * REPLIES + 2))
    assert db.session.get(Thread, thread_id).post_count == WORKERS * REPLIES + 1
