"""`forum worker`: drain the job table until stopped."""
import logging
import signal
import time

import click
from flask.cli import with_appcontext

from ..extensions import db
from .queue import run_pending, schedule_recurring, worker_name

log = logging.getLogger(__name__)


def work(*, once: bool = False, interval: float = 2.0, echo=click.echo) -> int:
    """Run jobs as they fall due. With `once`, stop when nothing is due; returns jobs run."""
    stopping = {"now": False}

    def stop(signum, frame):
        stopping["now"] = True  # finish the current job, then leave

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    name, total = worker_name(), 0
    echo(f"Worker {name} started{' (once)' if once else ''}.")
    log.info("worker %s started%s", name, " (once)" if once else "")  # each job: queue.py
    try:
        while not stopping["now"]:
            try:
                if not once:  # a long-running worker keeps periodic work queued
                    schedule_recurring()
                ran = run_pending(limit=1, worker_id=name)
            except Exception:  # a database hiccup must not end the worker
                log.exception("worker loop error")
                db.session.rollback()
                ran = 0
                if once:
                    break
                time.sleep(interval)
                continue
            total += ran
            if ran == 0:
                if once:
                    break
                db.session.remove()
                time.sleep(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    echo(f"Worker {name} stopped after {total} job{'s' if total != 1 else ''}.")
    log.info("worker %s stopped after %s jobs", name, total)
    return total


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job that is due now, then exit.")
@click.option("--interval", default=2.0, show_default=True,
              help="Seconds to wait when no job is due.")
@with_appcontext
def worker_command(once, interval):
    """Run background jobs (text extraction, search indexing, email) until stopped.

    Several workers may run at once, on one machine or several."""
    work(once=once, interval=interval)
