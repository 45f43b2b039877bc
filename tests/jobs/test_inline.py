"""The embedded default: the web process runs queued jobs after the response is sent."""
from forum.extensions import db
from forum.jobs.models import Job

from ..factories import login, make_member, make_thread
from ..resources import files
from ..resources.helpers import form_file


def reply_with_file(client, thread, data, name="policy.docx"):
    # buffered=True closes the response, as a WSGI server does after sending it
    return client.post(f"/threads/{thread.id}/reply", buffered=True,
                       data={"body": "Attached", "attachments": [form_file(name, data)]},
                       content_type="multipart/form-data")


def test_jobs_run_after_the_response_when_inline(app, client):
    member = make_member()
    thread = make_thread(author=member)
    login(client, member)
    response = reply_with_file(client, thread, files.docx("Inline extraction works"))
    assert response.status_code == 302
    from forum.files.models import StoredFile
    db.session.expire_all()
    assert db.session.scalar(db.select(Job)) is None
    assert "Inline extraction works" in db.session.scalar(db.select(StoredFile.text))


def test_a_failing_job_never_fails_the_request(app, client):
    from forum.jobs import enqueue
    member = make_member()
    thread = make_thread(author=member)
    enqueue("test.crash")
    db.session.commit()
    login(client, member)
    response = reply_with_file(client, thread, files.docx("x"))
    assert response.status_code == 302
    db.session.expire_all()
    crashed = db.session.scalar(db.select(Job).where(Job.kind == "test.crash"))
    assert crashed.attempts == 1 and "blew up" in crashed.last_error


def test_nothing_runs_in_the_web_process_when_a_worker_is_used(app, client):
    app.config["JOBS_INLINE"] = False
    member = make_member()
    thread = make_thread(author=member)
    login(client, member)
    reply_with_file(client, thread, files.docx("x"))
    db.session.expire_all()
    assert db.session.scalar(db.select(Job)).status == "queued"


def test_the_periodic_drain_keeps_recurring_jobs_queued_without_a_worker(app, client):
    """Digests and meeting reminders (notifications.tick) must happen on the embedded
    default too: the interval's drain queues them as `forum worker` does; a request's own
    drain does not (it has other work and must stay short)."""
    member = make_member()
    login(client, member)
    db.session.execute(db.delete(Job))
    db.session.commit()
    client.get("/privacy", buffered=True)  # within the interval: no periodic drain
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0
    app.config["JOBS_INLINE_INTERVAL"] = 0
    client.get("/privacy", buffered=True)
    db.session.expire_all()
    ticks = db.session.scalars(db.select(Job).where(Job.kind == "notifications.tick")).all()
    assert len(ticks) == 1 and ticks[0].status == "queued"
    client.get("/privacy", buffered=True)  # one waiting tick is enough
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Job).where(
        Job.kind == "notifications.tick")) == 1
