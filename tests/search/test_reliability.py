"""Search under a real deployment: gunicorn with two workers and a `forum worker`, on
127.0.0.1, bounded in time. Concurrent posters (every post becomes searchable, no lock
errors), searches answering through `forum search reindex`, and the index folder deleted
while the forum runs (every other page keeps working, the index is rebuilt)."""
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from forum import create_app
from forum.cli import init_db
from forum.extensions import db

from ..factories import PASSWORD, make_category, make_member, make_thread

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTERS, POSTS_EACH = 4, 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A logged-in member over HTTP (cookies kept), as a person's browser would be."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, email):
        status, _ = self.request("/login", {"email": email, "password": PASSWORD})
        assert status == 200  # followed the redirect to the forum


@pytest.fixture
def deployment(tmp_path, empty_database_url):
    """gunicorn (2 workers) and `forum worker` on a migrated database with one thread."""
    instance, index = tmp_path / "instance", tmp_path / "index"
    instance.mkdir()
    # Production settings but for CSRF and rate limits, which these scripted clients skip.
    (instance / "forum.cfg").write_text("WTF_CSRF_ENABLED = False\nRATELIMIT_ENABLED = False\n")
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(instance),
           "FORUM_DATABASE_URL": empty_database_url, "FORUM_SEARCH_INDEX_DIR": str(index),
           "FORUM_SECRET_KEY": "reliability", "FORUM_JOBS_INLINE": "false"}
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": empty_database_url,
                      "SEARCH_INDEX_DIR": str(index), "SECRET_KEY": "reliability"})
    with app.app_context():
        init_db()
        members = [make_member() for _ in range(POSTERS)]
        thread = make_thread(category=make_category(), title="Shared notes")
        emails, thread_id = [m.email for m in members], thread.id
        db.session.remove()
        db.engine.dispose()
    port = _free_port()
    logs = tmp_path / "logs.txt"
    with open(logs, "w") as log:
        web = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind",
                                f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
        worker = subprocess.Popen([str(BIN / "forum"), "worker", "--interval", "0.2"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert web.poll() is None, logs.read_text()
                assert time.monotonic() < deadline, "gunicorn did not start in 30 s"
                time.sleep(0.3)
        yield {"base": base, "env": env, "emails": emails, "thread": thread_id,
               "index": index, "logs": logs}
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.3)


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
