"""Files attached to posts: downloading them (images also inline) and removing one."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..files.serving import counts_as_download, send_stored
from ..permissions import Action
from ..web.forms import ActionForm
from ..web.toolkit import load_or_404, require_action_form
from . import services
from .views import bp
from .models import Attachment


def _serve(attachment_id: int, *, inline: bool):
    attachment = load_or_404(Attachment, attachment_id, Action.DOWNLOAD)
    response = send_stored(attachment.stored_file, attachment.filename, inline=inline)
    if not inline and counts_as_download():
        services.record_attachment_download(attachment)
    return response


@bp.get("/attachments/<int:attachment_id>/download")
@login_required
def download_attachment(attachment_id):
    """Download an attached file (always as an attachment, never shown inline)."""
    return _serve(attachment_id, inline=False)


@bp.get("/attachments/<int:attachment_id>/image")
@login_required
def attachment_image(attachment_id):
    """An attached image, re-encoded without metadata, shown inline in its post."""
    return _serve(attachment_id, inline=True)


@bp.get("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id):
    """Ask to confirm removing a file from a post."""
    attachment = load_or_404(Attachment, attachment_id, Action.DELETE_ATTACHMENT)
    return render_template("discussions/delete_attachment.html", attachment=attachment,
                           form=ActionForm())


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment_post(attachment_id):
    """Remove a file from a post."""
    attachment = load_or_404(Attachment, attachment_id, Action.DELETE_ATTACHMENT)
    require_action_form()
    post_id, name = attachment.post_id, attachment.filename
    services.delete_attachment(current_user, attachment)
    flash(f"“{name}” was removed from the post.", "success")
    return redirect(url_for("discussions.post", post_id=post_id))
