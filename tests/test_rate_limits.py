"""Rate limits at the HTTP level (issue 18, item 6): the real client address behind a
trusted proxy only, a per-account login limit whatever the address, Redis as a shared store
across workers, and a loud warning when memory:// runs under several gunicorn workers."""
import json
import logging
import socket
import subprocess
import sys
import uuid

import pytest

from forum import create_app
from forum.extensions import gunicorn_workers

from .factories import PASSWORD, make_member

REDIS = ("127.0.0.1", 6379)


def _wrong_login(client, email, address="10.0.0.1", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data={"email": email, "password": "not the password"},
                       headers=headers, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("proxies, second_visitor", [(1, 422), (0, 429)])
def test_forwarded_address_counts_only_behind_a_trusted_proxy(app_config, request, proxies,
                                                              second_visitor):
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute",
                      TRUSTED_PROXIES=proxies)
    # The `app` fixture (not create_app here): it prepares the shared test database and
    # never drops it from under the tests that follow on PostgreSQL.
    client = request.getfixturevalue("app").test_client()
    # Every request arrives from the proxy's address, 10.0.0.1.
    for _ in range(2):
        assert _wrong_login(client, "a@example.org", forwarded="203.0.113.7").status_code == 422
    assert _wrong_login(client, "a@example.org", forwarded="203.0.113.7").status_code == 429
    # Another visitor behind the same proxy is limited on their own, but only when the
    # proxy is trusted: otherwise anyone could pick a fresh address per request.
    assert _wrong_login(client, "b@example.org",
                        forwarded="198.51.100.9").status_code == second_visitor


@pytest.fixture
def limited_client(app_config, request):
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute",
                      LOGIN_ACCOUNT_RATE_LIMIT="3 per hour")
    return request.getfixturevalue("client")


def test_one_accounts_password_is_guessed_a_bounded_number_of_times(limited_client):
    client = limited_client
    member, other = make_member(), make_member()
    for n in range(3):  # three addresses, one account
        assert _wrong_login(client, member.email, address=f"192.0.2.{n}").status_code == 422
    # The same account, differently spelt, from a fourth address: refused, even with the
    # right password (the limit is reached before the password is checked).
    response = client.post("/login", data={"email": f"  {member.email.upper()} ",
                                           "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert response.status_code == 429
    # Other members are not locked out by it, and a successful login does not count.
    response = client.post("/login", data={"email": other.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "192.0.2.0"})
    assert response.status_code == 302


def _redis_answering() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


_SECOND_WORKER = r"""
import json, sys
from forum import create_app
app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
for _ in range(int(sys.argv[2])):
    status = client.post("/login", data={"email": "x@example.org", "password": "wrong"},
                         environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
    assert status == 422, status
"""


@pytest.mark.skipif(not _redis_answering(), reason="no Redis server answering on 127.0.0.1:6379")
def test_with_redis_two_workers_share_one_limit(app_config, request):
    """Two processes, two `create_app` objects (as two gunicorn workers are), one Redis."""
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="4 per minute",
                      RATELIMIT_STORAGE_URI=f"redis://{REDIS[0]}:{REDIS[1]}",
                      RATELIMIT_KEY_PREFIX=f"forum-test-{uuid.uuid4().hex}")
    app = request.getfixturevalue("app")  # starts with a redis:// URI (the `redis` extra)
    # The other worker uses up three of the four attempts ...
    subprocess.run([sys.executable, "-c", _SECOND_WORKER, json.dumps(app_config), "3"],
                   check=True, timeout=120)
    client = app.test_client()
    ok = client.post("/login", data={"email": "x@example.org", "password": "wrong"},
                     environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert ok.status_code == 422
    # ... so this worker refuses the fifth.
    refused = client.post("/login", data={"email": "x@example.org", "password": "wrong"},
                          environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert refused.status_code == 429


def test_memory_store_under_several_gunicorn_workers_warns_loudly(app_config, monkeypatch,
                                                                 caplog):
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    monkeypatch.setattr(sys, "argv", ["gunicorn", "--workers", "4", "forum.wsgi:app"])
    app_config.update(RATELIMIT_ENABLED=True)
    with caplog.at_level(logging.WARNING, logger="forum.ratelimit"):
        create_app(app_config)
    assert "RATE LIMITS ARE PER WORKER" in caplog.text and "4 gunicorn workers" in caplog.text
    caplog.clear()
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-w", "1", "forum.wsgi:app"])
    with caplog.at_level(logging.WARNING, logger="forum.ratelimit"):
        create_app(app_config)
    assert "PER WORKER" not in caplog.text


def test_gunicorn_worker_count_is_read_as_gunicorn_reads_it(tmp_path):
    env = {"SERVER_SOFTWARE": "gunicorn/23.0.0"}
    assert gunicorn_workers({}, ["gunicorn", "-w", "4"]) is None  # not under gunicorn
    assert gunicorn_workers(env, ["gunicorn", "app"]) == 1
    assert gunicorn_workers(env, ["gunicorn", "-w4", "app"]) == 4
    assert gunicorn_workers(env, ["gunicorn", "--workers=3", "app"]) == 3
    assert gunicorn_workers({**env, "WEB_CONCURRENCY": "5"}, ["gunicorn", "app"]) == 5
    assert gunicorn_workers({**env, "GUNICORN_CMD_ARGS": "--workers 6"}, ["gunicorn"]) == 6
    config = tmp_path / "gunicorn.conf.py"
    config.write_text("workers = 2\n")
    assert gunicorn_workers(env, ["gunicorn", "-c", str(config), "app"]) == 2
