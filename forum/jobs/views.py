"""The admin page for background jobs: what is waiting, running or failed."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..permissions import Action, require
from ..web.forms import ActionForm
from ..web.toolkit import require_action_form
from . import queue
from .models import FAILED, Job

bp = Blueprint("jobs", __name__)


def _failed_job_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.status != FAILED:
        abort(404)
    return job


@bp.get("/admin/jobs")
@login_required
def jobs():
    """Admins: jobs waiting, running and failed."""
    require(current_user, Action.MANAGE_JOBS)
    return render_template("jobs/jobs.html", jobs=queue.outstanding(), counts=queue.counts(),
                           form=ActionForm())


@bp.post("/admin/jobs/<int:job_id>/retry")
@login_required
def retry(job_id):
    """Admins: try a failed job again."""
    require(current_user, Action.MANAGE_JOBS)
    require_action_form()
    job = queue.retry(_failed_job_or_404(job_id))
    flash(f"Job {job.id} ({job.kind}) will be tried again.", "success")
    return redirect(url_for("jobs.jobs"))


@bp.post("/admin/jobs/<int:job_id>/discard")
@login_required
def discard(job_id):
    """Admins: drop a failed job for good."""
    require(current_user, Action.MANAGE_JOBS)
    require_action_form()
    job = _failed_job_or_404(job_id)
    description = f"Job {job.id} ({job.kind})"
    queue.discard(job)
    flash(f"{description} was discarded.", "success")
    return redirect(url_for("jobs.jobs"))
