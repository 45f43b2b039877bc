"""The job queue: `enqueue` work with the change that needs it, `run_pending` to do it.

- `enqueue(kind, **payload)` only adds a row to the session; the caller's commit writes it
  together with the change, so neither is lost if the process dies.
- `run_pending(limit)` claims due jobs one at a time and runs their handlers. Claiming is
  safe with several workers: PostgreSQL uses SELECT ... FOR UPDATE SKIP LOCKED; SQLite (one
  writer at a time) uses an UPDATE that only succeeds while the job is still claimable.
- A handler that raises is retried with exponential back-off; after its last attempt the
  job stays in the table as "failed", with the error, for admins to see and retry.
- A job left "running" by a worker that died is claimed again once JOB_TIMEOUT_SECONDS pass.
- Successful jobs are deleted in the same transaction as the handler's own changes.
"""
import logging
import os
import socket
import time
import traceback
from datetime import timedelta
from typing import Callable

from flask import current_app, g, has_app_context
from sqlalchemy import and_, delete, or_, select, update

from ..database import utcnow
from ..extensions import db
from .models import FAILED, QUEUED, RUNNING, Job

log = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable] = {}
MAX_BACKOFF_SECONDS = 3600


def handler(kind: str):
    """Register the function that runs jobs of `kind`; it is called with the payload."""
    def register(function):
        _HANDLERS[kind] = function
        return function
    return register


_RECURRING: dict[str, timedelta] = {}


def recurring(kind: str, *, every: timedelta):
    """Declare that jobs of `kind` (a registered handler, taking no payload) run every
    `every`: `schedule_recurring` keeps one such job waiting in the table."""
    def register(function):
        _RECURRING[kind] = every
        return function
    return register


def schedule_recurring() -> int:
    """Queue the next run of each recurring job that has none waiting or running (a
    failed one counts as none). Commits; returns how many were queued."""
    if not _RECURRING:
        return 0
    waiting = set(db.session.scalars(select(Job.kind).where(
        Job.kind.in_(list(_RECURRING)), Job.status.in_([QUEUED, RUNNING]))))
    missing = [kind for kind in _RECURRING if kind not in waiting]
    for kind in missing:
        enqueue(kind, delay=_RECURRING[kind])
    db.session.commit()
    return len(missing)


def enqueue(kind: str, *, delay: timedelta | None = None, max_attempts: int | None = None,
            **payload) -> Job:
    """Add a job to the session (the caller commits). Payload values must be JSON-able."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    config = current_app.config
    job = Job(kind=kind, payload=payload, status=QUEUED, attempts=0,
              max_attempts=max_attempts or config["JOB_MAX_ATTEMPTS"],
              run_after=utcnow() + (delay or timedelta()), created_at=utcnow())
    db.session.add(job)
    if has_app_context():
        g._forum_jobs_queued = True  # the embedded default drains after this request
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claimable(now):
    stale = now - timedelta(seconds=current_app.config["JOB_TIMEOUT_SECONDS"])
    return or_(and_(Job.status == QUEUED, Job.run_after <= now),
               and_(Job.status == RUNNING, Job.locked_at < stale))


def claim_next(worker_id: str | None = None, kinds: list[str] | None = None) -> Job | None:
    """Atomically take the next due job for this worker, or None. Commits."""
    worker_id = worker_id or worker_name()
    now = utcnow()
    condition = _claimable(now)
    if kinds:
        condition = and_(condition, Job.kind.in_(kinds))
    order = (Job.run_after, Job.id)
    if db.engine.dialect.name == "postgresql":
        job = db.session.scalar(select(Job).where(condition).order_by(*order).limit(1)
                                .with_for_update(skip_locked=True))
        if job is None:
            db.session.rollback()
            return None
        job.status, job.locked_at, job.locked_by = RUNNING, now, worker_id
        job.attempts += 1
        db.session.commit()
        return job
    candidates = list(db.session.scalars(select(Job.id).where(condition).order_by(*order)
                                         .limit(20)))
    db.session.rollback()  # end the read first: SQLite cannot upgrade a stale snapshot
    for job_id in candidates:
        claimed = db.session.execute(
            update(Job).where(Job.id == job_id, condition)
            .values(status=RUNNING, locked_at=now, locked_by=worker_id,
                    attempts=Job.attempts + 1)
            .execution_options(synchronize_session=False))
        db.session.commit()
        if claimed.rowcount == 1:
            return db.session.get(Job, job_id)
    return None


def run_pending(limit: int = 100, worker_id: str | None = None,
                kinds: list[str] | None = None) -> int:
    """Run up to `limit` due jobs; returns how many were run (successfully or not)."""
    ran = 0
    while ran < limit:
        job = claim_next(worker_id, kinds)
        if job is None:
            break
        run_job(job)
        ran += 1
    return ran


def run_job(job: Job) -> bool:
    """Run one claimed job. Never raises for a handler's failure; returns success.
    Logs one line: kind, id, attempt, outcome (done, retry, failed) and duration."""
    job_id, kind, payload = job.id, job.kind, dict(job.payload or {})
    attempt, max_attempts = job.attempts, job.max_attempts
    function = _HANDLERS.get(kind)
    started = time.monotonic()
    try:
        if function is None:
            raise LookupError(f"no handler registered for job kind {kind!r}")
        function(**payload)
        db.session.execute(delete(Job).where(Job.id == job_id))
        db.session.commit()
    except Exception as error:  # a handler's failure must never stop the worker
        db.session.rollback()
        outcome = _record_failure(job_id, error)
        _log_job(kind, job_id, attempt, max_attempts, outcome, started, error)
        return False
    _log_job(kind, job_id, attempt, max_attempts, "done", started)
    return True


def _log_job(kind, job_id, attempt, max_attempts, outcome, started, error=None) -> None:
    """One line per job run. The error's type only: its message may name people (an SMTP
    refusal lists addresses); the full text is kept on the job for /admin/jobs."""
    fields = {"kind": kind, "job_id": job_id, "attempt": attempt,
              "max_attempts": max_attempts, "outcome": outcome,
              "duration_ms": round((time.monotonic() - started) * 1000, 1)}
    if error is not None:
        fields["error"] = type(error).__name__
    level = {"done": logging.INFO, "retry": logging.WARNING}.get(outcome, logging.ERROR)
    log.log(level, "job " + " ".join(f"{key}={value}" for key, value in fields.items()),
            extra={"fields": fields})


def backoff(attempts: int) -> timedelta:
    """How long to wait before attempt `attempts + 1`: base × 2^(attempts-1), capped."""
    base = current_app.config["JOB_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def _record_failure(job_id: int, error: Exception) -> str:
    """Keep the error on the job and queue a retry, or mark it failed; returns which."""
    job = db.session.get(Job, job_id)
    if job is None:
        return "gone"
    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    job.last_error = detail[:4000]
    job.locked_at, job.locked_by = None, ""
    if job.attempts >= job.max_attempts:
        job.status, job.failed_at = FAILED, utcnow()
        outcome = "failed"
    else:
        job.status, job.run_after = QUEUED, utcnow() + backoff(job.attempts)
        outcome = "retry"
    db.session.commit()
    return outcome


def retry(job: Job) -> Job:
    """Put a failed job back in the queue for a fresh set of attempts."""
    job.status, job.attempts, job.run_after, job.failed_at = QUEUED, 0, utcnow(), None
    db.session.commit()
    return job


def discard(job: Job) -> None:
    """Remove a failed job for good."""
    db.session.delete(job)
    db.session.commit()


def outstanding(limit: int = 200) -> list[Job]:
    """Jobs not yet done: failed first, then running, then waiting, oldest first."""
    order = db.case({FAILED: 0, RUNNING: 1}, value=Job.status, else_=2)
    return list(db.session.scalars(select(Job).order_by(order, Job.run_after, Job.id)
                                   .limit(limit)))


def counts() -> dict[str, int]:
    """How many jobs are waiting, running and failed."""
    rows = db.session.execute(select(Job.status, db.func.count()).group_by(Job.status))
    totals = {QUEUED: 0, RUNNING: 0, FAILED: 0}
    totals.update({status: count for status, count in rows})
    return totals


# -- the embedded default: drain in the web process ----------------------------------------

def init_inline(app) -> None:
    """With JOBS_INLINE, run due jobs after a response is sent: straight after a request that
    queued work, and at most every JOBS_INLINE_INTERVAL seconds otherwise (for retries)."""
    state = {"last": time.monotonic()}  # jobs left by a previous run wait one interval

    @app.after_request
    def drain_when_done(response):
        queued = g.pop("_forum_jobs_queued", False)
        if not app.config["JOBS_INLINE"]:
            return response
        now = time.monotonic()
        if queued or now - state["last"] > app.config["JOBS_INLINE_INTERVAL"]:
            state["last"] = now
            periodic = not queued
            # After the response has gone: the user never waits for, or sees, a job.
            response.call_on_close(lambda: drain_inline(app, periodic=periodic))
        return response


def drain_inline(app, limit: int | None = None, *, periodic: bool = False) -> int:
    """Run due jobs in a fresh app context; logs and swallows any error. A `periodic`
    drain (the interval's, not a request's) also keeps the recurring jobs queued, as
    `forum worker` does, so digests and reminders happen without a worker too."""
    with app.app_context():
        try:
            if periodic:
                schedule_recurring()
            return run_pending(limit or app.config["JOBS_INLINE_LIMIT"],
                               worker_id=f"web:{worker_name()}")
        except Exception:  # never let background work break the web process
            log.exception("inline job drain failed")
            db.session.rollback()
            return 0
        finally:
            db.session.remove()
