"""Collection pages for members: the list, one collection (with "New" since the last
visit), following, and dismissing "Start here". Moderators' pages are manage_views.py."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..permissions import Action, require
from ..urls import safe_next
from ..web.forms import ActionForm
from ..web.toolkit import load_or_404, require_action_form
from . import members, reading
from .models import Collection

bp = Blueprint("collections", __name__)


def form_next(default: str) -> str:
    """The form's `next` address when it is a path on this site, else `default`."""
    return safe_next(request.form.get("next"), default)


@bp.get("/collections")
@login_required
def index():
    """Every published collection (and drafts, for moderators), official ones first."""
    require(current_user, Action.VIEW)
    return render_template("collections/index.html",
                           summaries=reading.collections_page(current_user))


@bp.get("/collections/<int:collection_id>")
@login_required
def collection(collection_id):
    """One collection's items in order; a follower sees what is new since their last visit."""
    collection = load_or_404(Collection, collection_id)
    last_visit = members.record_visit(current_user, collection)  # None: not following
    items = reading.collection_items(current_user, collection)
    return render_template("collections/collection.html", collection=collection, items=items,
                           following=last_visit is not None, last_visit=last_visit,
                           new_count=sum(1 for item in items
                                         if last_visit and item.created_at > last_visit),
                           form=ActionForm())


@bp.post("/collections/<int:collection_id>/follow")
@login_required
def follow(collection_id):
    """Follow a collection."""
    collection = load_or_404(Collection, collection_id, Action.FOLLOW_COLLECTION)
    require_action_form()
    members.follow(current_user, collection)
    flash(f"You follow “{collection.title}”. Items added from now on are marked New.",
          "success")
    return redirect(url_for("collections.collection", collection_id=collection.id))


@bp.post("/collections/<int:collection_id>/unfollow")
@login_required
def unfollow(collection_id):
    """Stop following a collection."""
    collection = load_or_404(Collection, collection_id)
    require_action_form()
    members.unfollow(current_user, collection)
    flash(f"You no longer follow “{collection.title}”.", "success")
    return redirect(url_for("collections.collection", collection_id=collection.id))


@bp.post("/collections/<int:collection_id>/dismiss-start-here")
@login_required
def dismiss_start_here(collection_id):
    """Hide "Start here" for this member (from the home page's section)."""
    collection = load_or_404(Collection, collection_id)
    require_action_form()
    members.dismiss_start_here(current_user, collection)
    flash("“Start here” is hidden. You can still find it under Collections.", "success")
    return redirect(form_next(url_for("collections.index")))
