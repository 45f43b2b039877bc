"""Logging (issue 18, item 9): configured in one place with timestamps, levels and a
request id; one line per request and per job; no personal data in log lines; without
MAIL_SERVER each email is a file in instance/mail/, not a log entry."""
import json
import logging
import re
import subprocess
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

from forum.extensions import db
from forum.jobs import handler, run_pending
from forum.jobs.queue import enqueue
from forum.mail import queue_email
from forum.transactions import use_case

from .factories import login, make_member

_SERVE_ONE_REQUEST = r"""
import sys
from forum import create_app
app = create_app({"INSTANCE_PATH": sys.argv[1], "SEARCH_INDEX_DIR": sys.argv[1] + "/index",
                  "SECRET_KEY": "x"})
response = app.test_client().get("/login", headers={"X-Request-ID": "abc-123"})
assert response.headers["X-Request-ID"] == "abc-123"
import logging
logging.getLogger("forum.example").warning("a warning")
"""


def _run(tmp_path, **env):
    import os
    result = subprocess.run([sys.executable, "-c", _SERVE_ONE_REQUEST, str(tmp_path / "i")],
                            env={**os.environ, **env}, capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_text_lines_have_time_level_and_request_id(tmp_path):
    lines = _run(tmp_path, FORUM_LOG_LEVEL="INFO")
    (request_line,) = [line for line in lines if "forum.request" in line]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO \[abc-123\] forum\.request: "
                    r"method=GET endpoint=accounts\.login status=200 duration_ms=[\d.]+ "
                    r"user_id=None$", request_line), request_line
    (warning,) = [line for line in lines if "a warning" in line]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING \[-\] forum\.example: ",
                    warning)


def test_json_lines_and_the_level_setting(tmp_path):
    lines = _run(tmp_path, FORUM_LOG_FORMAT="json", FORUM_LOG_LEVEL="WARNING")
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert [e["message"] for e in entries] == ["a warning"]  # INFO is below the level
    assert {"time", "level", "logger", "request_id"} <= set(entries[0])
    lines = _run(tmp_path, FORUM_LOG_FORMAT="json")
    (entry,) = [json.loads(line) for line in lines if '"forum.request"' in line]
    assert entry["request_id"] == "abc-123" and entry["status"] == 200
    assert entry["method"] == "GET" and entry["endpoint"] == "accounts.login"


def test_request_id_is_kept_if_sane_and_made_otherwise(client):
    given = client.get("/login", headers={"X-Request-ID": "req-42"})
    assert given.headers["X-Request-ID"] == "req-42"
    for hostile in ("x" * 200, "a b", "evil\u00e9", ""):
        made = client.get("/login", headers={"X-Request-ID": hostile})
        assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"]), hostile


def test_one_line_per_request_with_the_user_id_never_the_email(client, caplog):
    member = make_member(email="private.person@example.org")
    caplog.set_level(logging.INFO, logger="forum")
    login(client, member)
    caplog.clear()
    response = client.get("/login", headers={"X-Request-ID": "r-1"})
    lines = [r for r in caplog.records if r.name == "forum.request"]
    assert len(lines) == 1
    fields = lines[0].fields
    assert fields["status"] == response.status_code and fields["user_id"] == member.id
    assert fields["method"] == "GET" and fields["endpoint"] == "accounts.login"
    assert isinstance(fields["duration_ms"], float)
    assert lines[0].request_id == "r-1"
    assert "private.person" not in caplog.text


@handler("test.logs.ok")
def _ok():
    pass


@handler("test.logs.boom")
def _boom():
    raise RuntimeError("SMTP refused jane.doe@example.org")


def test_one_line_per_job_with_kind_id_attempt_outcome_and_duration(app, caplog):
    enqueue("test.logs.ok")
    enqueue("test.logs.boom", max_attempts=2)
    db.session.commit()
    caplog.set_level(logging.INFO, logger="forum")
    assert run_pending(kinds=["test.logs.ok", "test.logs.boom"]) == 2
    jobs = [r for r in caplog.records if r.name == "forum.jobs.queue"]
    assert len(jobs) == 2
    by_kind = {r.fields["kind"]: r for r in jobs}
    ok, boom = by_kind["test.logs.ok"], by_kind["test.logs.boom"]
    assert ok.fields["outcome"] == "done" and ok.levelno == logging.INFO
    assert boom.fields["outcome"] == "retry" and boom.levelno == logging.WARNING
    assert boom.fields["error"] == "RuntimeError" and boom.fields["attempt"] == 1
    for record in jobs:
        assert {"job_id", "attempt", "duration_ms"} <= set(record.fields)
        assert re.search(r"job kind=\S+ job_id=\d+ attempt=1 .*outcome=\w+ duration_ms=",
                         record.getMessage())
    assert "jane.doe" not in caplog.text  # the detail stays on the job, for /admin/jobs


@use_case
def _queue_declined(user):
    return queue_email(user.email, f"Your request to join, {user.display_name}", "declined", user=user,
                       reason="Personal reason text.")


def test_without_a_mail_server_emails_go_to_files_not_to_the_log(app, caplog):
    app.config["MAIL_SERVER"] = ""
    person = make_member(email="applicant.person@example.org", display_name="Aileen Applicant")
    caplog.set_level(logging.DEBUG)
    (email,) = _queue_declined(person)
    assert run_pending(kinds=["mail.send"]) == 1
    (written,) = (Path(app.instance_path) / "mail").glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(written.read_bytes())
    assert message["To"] == "applicant.person@example.org"
    assert message["Message-ID"] == email.message_id
    assert "Personal reason text." in message.get_body(("plain",)).get_content()
    assert "no MAIL_SERVER set" in caplog.text and email.message_id in caplog.text
    assert written.name in caplog.text
    for personal in ("applicant.person", "Aileen", "Personal reason"):
        assert personal not in caplog.text, personal
    assert db.session.get(type(email), email.id).sent_at is not None
