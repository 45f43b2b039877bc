"""The durable job queue: written with the change, claimed once, retried, kept on failure."""
import threading
from datetime import timedelta

import pytest

from forum.accounts.models import Organisation
from forum.database import utcnow
from forum.extensions import db
from forum.jobs import enqueue, run_pending
from forum.jobs.models import Job
from forum.jobs.queue import backoff, claim_next

from . import conftest


def jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Job).order_by(Job.id)))


def test_a_job_is_written_with_the_change_that_needs_it(app):
    db.session.add(Organisation(name="Eastfield"))
    enqueue("test.record", value="a")
    db.session.rollback()  # the change is abandoned: so is its job
    assert jobs() == []
    db.session.add(Organisation(name="Eastfield"))
    enqueue("test.record", value="a")
    db.session.commit()
    assert [job.kind for job in jobs()] == ["test.record"]


def test_unknown_job_kinds_are_refused_at_once(app):
    with pytest.raises(ValueError, match="no handler"):
        enqueue("test.no-such-kind")


def test_due_jobs_run_and_are_deleted(app):
    enqueue("test.record", value="one")
    enqueue("test.record", value="two")
    db.session.commit()
    assert run_pending() == 2
    assert conftest.RAN == ["one", "two"]
    assert jobs() == []


def test_a_handlers_writes_commit_with_the_jobs_removal(app):
    enqueue("test.write", name="Written by a job")
    db.session.commit()
    run_pending()
    assert db.session.scalar(db.select(Organisation.name)) == "Written by a job"


def test_jobs_wait_for_their_time(app):
    enqueue("test.record", value="later", delay=timedelta(minutes=5))
    db.session.commit()
    assert run_pending() == 0 and conftest.RAN == []


def test_a_failing_job_is_retried_with_back_off(app):
    enqueue("test.record", value="flaky", fail_times=1)
    db.session.commit()
    before = utcnow()
    assert run_pending() == 1  # fails, and is not run again straight away
    job = jobs()[0]
    assert job.status == "queued" and job.attempts == 1
    assert "planned failure 1" in job.last_error
    assert job.run_after >= before + timedelta(seconds=app.config["JOB_RETRY_SECONDS"])
    job.run_after = utcnow()  # let time pass
    db.session.commit()
    assert run_pending() == 1
    assert conftest.RAN == ["flaky", "flaky"] and jobs() == []


def test_back_off_doubles_and_is_capped(app):
    base = app.config["JOB_RETRY_SECONDS"]
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [base, base * 2, base * 4]
    assert backoff(40).total_seconds() == 3600


def test_after_the_last_attempt_a_job_stays_failed_and_visible(app):
    enqueue("test.crash", max_attempts=2)
    db.session.commit()
    run_pending()
    job = jobs()[0]
    job.run_after = utcnow()
    db.session.commit()
    run_pending()
    job = jobs()[0]
    assert job.status == "failed" and job.attempts == 2 and job.failed_at
    assert "ValueError: the handler blew up" in job.last_error
    assert run_pending() == 0  # failed jobs are not picked up again


def test_one_failing_job_does_not_stop_the_others(app):
    enqueue("test.crash")
    enqueue("test.record", value="still runs")
    db.session.commit()
    assert run_pending() == 2
    assert conftest.RAN == ["still runs"]


def test_a_job_left_running_by_a_dead_worker_is_run_again(app):
    enqueue("test.record", value="orphan")
    db.session.commit()
    job = claim_next("dead-worker")
    assert job.status == "running"
    assert run_pending() == 0  # someone is (apparently) on it
    job.locked_at = utcnow() - timedelta(seconds=app.config["JOB_TIMEOUT_SECONDS"] + 1)
    db.session.commit()
    assert run_pending() == 1 and conftest.RAN == ["orphan"]


def test_several_workers_run_each_job_exactly_once(app):
    total = 40
    for n in range(total):
        enqueue("test.record", value=n)
    db.session.commit()
    errors = []

    def worker(name):
        try:
            with app.app_context():
                run_pending(limit=1000, worker_id=name)
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(conftest.RAN) == list(range(total))
    assert jobs() == []


def test_worker_command_runs_due_jobs_once(app):
    enqueue("test.record", value="from the cli")
    enqueue("test.crash")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "stopped after 2 jobs" in result.output
    assert conftest.RAN == ["from the cli"]
    assert [job.kind for job in jobs()] == ["test.crash"]  # kept for a retry
