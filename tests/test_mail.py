"""Email goes through the outbox: queued with its change, sent once by a job, never lost.

Everything is delivered to the real test SMTP server (aiosmtpd)."""
import re
import socket
from datetime import timedelta
from hashlib import sha256

import pytest
from sqlalchemy import event

from forum import mail
from forum.accounts import services
from forum.database import utcnow
from forum.extensions import db
from forum.jobs import enqueue, queue, run_pending
from forum.jobs.models import Job
from forum.mail import OutboundEmail, queue_email
from forum.transactions import use_case
from forum.validation import DomainError

from .factories import login, make_admin, make_moderator, make_user
from .mailbox import html_of, text_of

SUBJECT = "Welcome: your request to join was approved"


def count(model) -> int:
    """Rows in `model`'s table."""
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def mail_jobs() -> list[Job]:
    """The `mail.send` jobs still in the table."""
    return list(db.session.scalars(db.select(Job).where(Job.kind == "mail.send")))


def received(mailbox) -> list:
    """What the SMTP server has so far, without running the queued mail jobs first."""
    hook, mailbox.before_read = mailbox.before_read, None
    try:
        return mailbox.messages
    finally:
        mailbox.before_read = hook


def closed_port() -> int:
    """A loopback port with no server behind it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again on leaving: nothing listens there


@pytest.fixture
def moderator(app):
    """A moderator, to review applications."""
    return make_moderator()


@pytest.fixture
def approve(moderator):
    """Approve a fresh applicant; returns the applicant."""
    return lambda: services.approve_application(moderator, make_user(status="pending"))


@use_case
def queue_declined_notice(user, key=None):
    """Queue a "declined" email to `user` in a use case of its own."""
    return queue_email(user.email, "Your request to join", "declined", key=key, user=user,
                       reason="Please use your work address.")


def test_an_approval_queues_one_email_and_one_job_in_its_own_commit(app, mailbox, moderator):
    applicant = make_user(status="pending")
    commits = []  # database commits (a savepoint's release is not one)

    def record(connection):
        commits.append(1)

    event.listen(db.engine, "commit", record)
    try:
        services.approve_application(moderator, applicant)
    finally:
        event.remove(db.engine, "commit", record)
    assert len(commits) == 1  # the approval, its email and its job: one transaction
    email = db.session.scalar(db.select(OutboundEmail))
    assert count(OutboundEmail) == 1 and email.recipient == applicant.email
    assert email.idempotency_key.startswith(f"member.approved:{applicant.id}:")
    assert email.sent_at is None
    assert [job.payload for job in mail_jobs()] == [{"email_id": email.id}]
    assert received(mailbox) == []  # nothing was sent inside the use case
    assert len(mailbox.to(applicant.email)) == 1


def test_a_rolled_back_use_case_leaves_no_email_and_no_job(app, mailbox, moderator):
    applicant = make_user(status="pending")

    @use_case
    def approve_then_fail():
        services.approve_application(moderator, applicant)
        raise DomainError("Changed our mind.")

    with pytest.raises(DomainError):
        approve_then_fail()
    db.session.expire_all()
    assert applicant.status == "pending"
    assert count(OutboundEmail) == 0 and count(Job) == 0
    assert mailbox.messages == []


def test_a_job_run_again_after_sending_sends_no_second_copy(app, mailbox, approve):
    applicant = approve()
    assert len(mailbox.to(applicant.email)) == 1
    email = db.session.scalar(db.select(OutboundEmail))
    assert email.sent_at is not None and count(Job) == 0
    enqueue("mail.send", email_id=email.id)  # as if the job were left behind and run again
    db.session.commit()
    assert len(mailbox.to(applicant.email)) == 1
    assert count(Job) == 0


def test_a_crash_while_deleting_the_job_does_not_resend(app, mailbox, approve, monkeypatch):
    app.config["JOB_RETRY_SECONDS"] = 0  # the retry is due at once
    applicant = approve()

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died while deleting the job")

    with monkeypatch.context() as patch:
        patch.setattr(queue, "delete", crash)
        assert run_pending(limit=1, kinds=["mail.send"]) == 1
    (job,) = mail_jobs()
    assert job.status == "queued" and "died while deleting" in job.last_error
    assert db.session.scalar(db.select(OutboundEmail.sent_at)) is not None  # committed first
    assert run_pending(kinds=["mail.send"]) == 1  # the retry finds it sent, and is done
    assert count(Job) == 0
    assert len(mailbox.to(applicant.email)) == 1


def test_the_same_idempotency_key_makes_one_email(app, mailbox):
    user = make_user(status="pending")

    @use_case
    def twice_in_one_transaction():
        return (queue_declined_notice(user, key="test.declined:1"),
                queue_declined_notice(user, key="test.declined:1"))

    first, again = twice_in_one_transaction()
    later = queue_declined_notice(user, key="test.declined:1")  # a later transaction
    assert first[0].id == again[0].id == later[0].id
    assert first[0].idempotency_key == f"test.declined:1:{user.email.lower()}"
    assert count(OutboundEmail) == 1 and len(mail_jobs()) == 1
    assert len(mailbox.to(user.email)) == 1
    queue_declined_notice(user)  # no key: a new event each time
    queue_declined_notice(user)
    assert len(mailbox.to(user.email)) == 3


def test_a_concurrent_insert_of_the_same_key_keeps_the_first(app, mailbox, monkeypatch):
    user = make_user(status="pending")
    (first,) = queue_declined_notice(user, key="test.race")
    real_find, checks = mail._find, []

    def stale_check(row_key):
        # The first check ran before the other transaction committed: the unique key and
        # the savepoint catch the duplicate, and the row found afterwards is returned.
        checks.append(row_key)
        return None if len(checks) == 1 else real_find(row_key)

    monkeypatch.setattr(mail, "_find", stale_check)
    (second,) = queue_declined_notice(user, key="test.race")
    assert second.id == first.id and len(checks) == 2
    assert count(OutboundEmail) == 1 and len(mail_jobs()) == 1
    assert len(mailbox.to(user.email)) == 1


def test_a_dead_mail_server_loses_nothing(app, client, mailbox, approve, smtp_server):
    app.config.update(MAIL_PORT=closed_port(), JOB_MAX_ATTEMPTS=5, JOB_RETRY_SECONDS=30)
    applicant = approve()
    assert applicant.status == "active"  # the approval stands
    delays = []
    for attempt in range(1, 6):
        now = utcnow()
        assert run_pending(kinds=["mail.send"]) == 1
        (job,) = mail_jobs()
        assert job.attempts == attempt and "Connection refused" in job.last_error
        if attempt < 5:
            assert job.status == "queued"
            delays.append(job.run_after - now)
            job.run_after = utcnow() - timedelta(seconds=1)  # skip the wait
            db.session.commit()
    assert job.status == "failed"
    assert [round(d.total_seconds() / 30) for d in delays] == [1, 2, 4, 8]  # back-off
    assert db.session.scalar(db.select(OutboundEmail.sent_at)) is None
    assert received(mailbox) == []

    login(client, make_admin())
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "mail.send" in page and "Failed" in page and "Connection refused" in page

    controller, _ = smtp_server
    app.config["MAIL_PORT"] = controller.port  # the server is back
    assert client.post(f"/admin/jobs/{job.id}/retry").status_code == 302
    assert len(mailbox.to(applicant.email)) == 1
    assert len(mailbox.to(applicant.email)) == 1  # reading again sends nothing more
    assert count(Job) == 0
    assert db.session.scalar(db.select(OutboundEmail.sent_at)) is not None


def test_messages_keep_their_parts_and_headers(app, mailbox, approve):
    applicant = approve()
    message = mailbox.last_to(applicant.email)
    email = db.session.scalar(db.select(OutboundEmail))
    assert message["Subject"] == SUBJECT
    assert message["From"] == app.config["MAIL_FROM"]
    assert message["To"] == applicant.email
    assert message["Message-ID"] == email.message_id == (
        f"<{sha256(email.idempotency_key.encode()).hexdigest()[:32]}@forum.local>")
    assert message.get_content_type() == "multipart/alternative"
    assert "/password/set/" in text_of(message) and "<p>" in html_of(message)
    assert text_of(message).splitlines() == email.text_body.splitlines()


def test_staff_are_emailed_one_message_each(app, mailbox):
    staff = [make_moderator(), make_admin()]
    services.apply_to_join(name="Aileen Smith", email="aileen@council.example",
                           job_role="HR adviser", reason="Accreditation.",
                           new_organisation="Fife Council", sector="public")
    assert count(OutboundEmail) == 2 and len(mail_jobs()) == 2
    for person in staff:
        (message,) = mailbox.to(person.email)
        assert message["To"] == person.email
    ids = {m["Message-ID"] for m in mailbox.messages}
    assert len(ids) == 2 and all(re.fullmatch(r"<[0-9a-f]{32}@forum\.local>", i) for i in ids)


def test_without_a_mail_server_the_email_is_written_to_a_file_and_marked_sent(
        app, mailbox, approve, caplog):
    """The log says where it went, never who it was for or what it said (issue 18, 9)."""
    from pathlib import Path
    app.config["MAIL_SERVER"] = ""
    applicant = approve()
    assert run_pending(kinds=["mail.send"]) == 1
    assert "no MAIL_SERVER set" in caplog.text and SUBJECT not in caplog.text
    assert applicant.email not in caplog.text
    assert list((Path(app.instance_path) / "mail").glob("*.eml"))
    assert db.session.scalar(db.select(OutboundEmail.sent_at)) is not None
    assert received(mailbox) == [] and mailbox.to(applicant.email) == []


def test_the_approve_page_promises_an_email_and_a_refused_server_leaves_a_retry(
        app, client, moderator):
    """Issue 18, item 7: no SMTP inside the request, no claim of delivery; with the mail
    port refused the email is kept, retried, and shown to admins."""
    from .deployment import free_port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), JOBS_INLINE=False)
    applicant = make_user(status="pending", display_name="Pat Pending")
    login(client, moderator)
    response = client.post(f"/moderation/applications/{applicant.id}/approve",
                           follow_redirects=True)
    assert "will be emailed a link" in response.get_data(as_text=True)
    assert "has been emailed" not in response.get_data(as_text=True)
    run_pending(kinds=["mail.send"])
    job = db.session.scalar(db.select(Job).where(Job.kind == "mail.send"))
    assert job is not None and job.status == "queued" and job.attempts == 1 and job.last_error
    assert db.session.scalar(db.select(OutboundEmail.sent_at)) is None
