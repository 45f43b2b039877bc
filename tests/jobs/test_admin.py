"""Admins see failed and waiting jobs, and can retry or discard failed ones."""
from forum.extensions import db
from forum.jobs import enqueue, run_pending
from forum.jobs.models import Job

from ..factories import login, make_admin, make_member


def failed_job(app):
    enqueue("test.crash", max_attempts=1)
    db.session.commit()
    run_pending()
    return db.session.scalar(db.select(Job))


def test_admin_sees_failed_jobs_with_their_error(app, client):
    job = failed_job(app)
    enqueue("test.record", value="waiting")
    db.session.commit()
    login(client, make_admin())
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "test.crash" in page and "the handler blew up" in page and "Failed" in page
    assert "test.record" in page and "Waiting" in page
    assert f"/admin/jobs/{job.id}/retry" in page


def test_retry_puts_a_failed_job_back(app, client):
    job = failed_job(app)
    login(client, make_admin())
    assert client.post(f"/admin/jobs/{job.id}/retry").status_code == 302
    db.session.refresh(job)
    assert job.status == "queued" and job.attempts == 0


def test_discard_removes_a_failed_job(app, client):
    job = failed_job(app)
    login(client, make_admin())
    assert client.post(f"/admin/jobs/{job.id}/discard").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_members_cannot_see_or_touch_jobs(app, client):
    job = failed_job(app)
    login(client, make_member())
    assert client.get("/admin/jobs").status_code == 403
    assert client.post(f"/admin/jobs/{job.id}/retry").status_code == 403
    db.session.refresh(job)
    assert job.status == "failed"
