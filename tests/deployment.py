"""A real deployment for reliability tests: gunicorn (and optionally `forum worker`) on
127.0.0.1 over a migrated database, and a scripted member's browser to drive it. Bounded:
every wait has a deadline and every process is stopped by its id."""
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from forum import create_app
from forum.cli import init_db
from forum.extensions import db

from .factories import PASSWORD, make_category, make_member, make_thread

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nothing listens on, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A logged-in member over HTTP (cookies kept), as a person's browser would be."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None, timeout=20):
        """(status, body) of a GET, or of a POST when `data` is given."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, email):
        status, _ = self.request("/login", {"email": email, "password": PASSWORD})
        assert status == 200  # followed the redirect to the forum

    def form_fields(self, path, form_action) -> dict:
        """The hidden fields of the form posting to `form_action` on the page at `path`."""
        status, html = self.request(path)
        assert status == 200, (path, status)
        form = re.search(rf'<form[^>]+action="{re.escape(form_action)}"[^>]*>(.*?)</form>',
                         html, re.S)
        assert form, f"no form for {form_action} on {path}"
        fields = {}
        for tag in re.findall(r"<input\b[^>]*>", form.group(1)):
            attributes = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                fields[attributes["name"]] = attributes.get("value", "")
        return fields


def wait_until(check, seconds, what):
    """Poll `check` until it is true, failing after `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.3)


@contextmanager
def deployment(tmp_path, database_url, *, members=4, workers=2, worker=True, config="",
               serve_url=None):
    """gunicorn with `workers` workers (and a `forum worker` if `worker`) on a migrated
    database holding `members` members and one thread (reached at `serve_url` when given,
    e.g. through a proxy that a test can cut). Yields a dict: base URL, env, member
    emails, thread id, index folder, log file."""
    instance, index = tmp_path / "instance", tmp_path / "index"
    instance.mkdir()
    # Production settings but for CSRF and rate limits, which these scripted clients skip.
    (instance / "forum.cfg").write_text(
        "WTF_CSRF_ENABLED = False\nRATELIMIT_ENABLED = False\n" + config)
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(instance),
           "FORUM_DATABASE_URL": serve_url or database_url, "FORUM_SEARCH_INDEX_DIR": str(index),
           "FORUM_SECRET_KEY": "reliability", "FORUM_JOBS_INLINE": "false" if worker else "true"}
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url,
                      "SEARCH_INDEX_DIR": str(index), "SECRET_KEY": "reliability"})
    with app.app_context():
        init_db()
        people = [make_member() for _ in range(members)]
        thread = make_thread(category=make_category(), title="Shared notes")
        emails, thread_id = [m.email for m in people], thread.id
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    logs = tmp_path / "logs.txt"
    processes = []
    with open(logs, "w") as log:
        processes.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        if worker:
            processes.append(subprocess.Popen(
                [str(BIN / "forum"), "worker", "--interval", "0.2"], cwd=ROOT, env=env,
                stdout=log, stderr=subprocess.STDOUT))
    base = f"http://127.0.0.1:{port}"
    try:
        def answering():
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                return True
            except OSError:
                assert processes[0].poll() is None, logs.read_text()
                return False
        wait_until(answering, 30, "gunicorn started")
        yield {"base": base, "env": env, "emails": emails, "thread": thread_id,
               "index": index, "logs": logs, "app": app}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 to `target` (host, port) that a test can cut, as if the
    database server stopped, and restore. Bytes pass through untouched."""

    def __init__(self, target):
        import threading
        self.target, self.port = target, free_port()
        self._threading, self._sockets, self._lock = threading, [], threading.Lock()
        self._listener = None
        self.up()

    def up(self):
        """Start accepting connections again (on the same port)."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self):
        """Refuse new connections and cut every open one."""
        listener, self._listener = self._listener, None
        try:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                self._threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
