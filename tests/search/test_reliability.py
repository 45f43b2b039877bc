"""Search under a real deployment: gunicorn with two workers and a `forum worker`, on
127.0.0.1, bounded in time. Concurrent posters (every post becomes searchable, no lock
errors), searches answering through `forum search reindex`, and the index folder deleted
while the forum runs (every other page keeps working, the index is rebuilt)."""
import shutil
import subprocess
import threading
import urllib.request

import pytest

from ..deployment import BIN, ROOT, Browser, deployment as start, wait_until

POSTERS, POSTS_EACH = 4, 6


@pytest.fixture
def deployment(tmp_path, empty_database_url):
    """gunicorn (2 workers) and `forum worker` on a migrated database with one thread."""
    with start(tmp_path, empty_database_url, members=POSTERS) as running:
        yield running


def test_concurrent_posts_all_become_searchable(deployment):
    base, errors, words = deployment["base"], [], []

    def poster(n, email):
        browser = Browser(base)
        browser.log_in(email)
        for i in range(POSTS_EACH):
            word = f"quasar{n}x{i}"
            status, _ = browser.request(f"/threads/{deployment['thread']}/reply",
                                        {"body": f"Note {word} from poster {n}."})
            (words if status == 200 else errors).append(word if status == 200 else status)

    threads = [threading.Thread(target=poster, args=(n, email))
               for n, email in enumerate(deployment["emails"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(words) == POSTERS * POSTS_EACH, deployment["logs"].read_text()[-3000:]
    reader = Browser(base)
    reader.log_in(deployment["emails"][0])

    def all_found():
        status, html = reader.request("/search?q=quasar*&sort=newest")
        return status == 200 and all(
            reader.request(f"/search?q={word}")[1].count(word) for word in words)

    wait_until(all_found, 40, "every post was searchable")
    assert "Traceback" not in deployment["logs"].read_text()
    assert "LockError" not in deployment["logs"].read_text()


def test_searches_answer_during_a_reindex_and_after_the_index_is_deleted(deployment):
    base = deployment["base"]
    browser = Browser(base)
    browser.log_in(deployment["emails"][0])
    status, _ = browser.request(f"/threads/{deployment['thread']}/reply",
                                {"body": "A note about the nebula budget."})
    assert status == 200
    wait_until(lambda: "nebula" in browser.request("/search?q=nebula")[1], 30,
               "the reply was searchable")

    statuses, stop = [], threading.Event()

    def keep_searching():
        searcher = Browser(base)
        searcher.log_in(deployment["emails"][1])
        while not stop.is_set():
            statuses.append(searcher.request("/search?q=nebula")[0])

    hammer = threading.Thread(target=keep_searching)
    hammer.start()
    try:
        reindex = subprocess.run([str(BIN / "forum"), "search", "reindex"], cwd=ROOT,
                                 env=deployment["env"], capture_output=True, text=True,
                                 timeout=120)
        assert reindex.returncode == 0, reindex.stderr
        assert "Indexed" in reindex.stdout
    finally:
        stop.set()
        hammer.join(timeout=30)
    assert statuses and set(statuses) == {200}

    shutil.rmtree(deployment["index"])
    for path in ("/forum", f"/threads/{deployment['thread']}", "/questions", "/resources"):
        assert browser.request(path)[0] == 200, path
    assert browser.request("/search?q=nebula")[0] == 200

    def healthy():
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            import json
            return json.loads(response.read())["search"]["ok"]

    wait_until(healthy, 40, "the deleted index was rebuilt")
    wait_until(lambda: "nebula" in browser.request("/search?q=nebula")[1], 30,
               "search found the reply again")
