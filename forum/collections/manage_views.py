"""Moderators' collection pages: create, edit, delete; the manage page (add, remove and
reorder items, with a JSON endpoint for drag and drop); publish, pin, "Start here"; and
marking resources and threads official. Every view here needs MANAGE_COLLECTIONS or
MARK_OFFICIAL: members get 403 (or 404 for what they may not see)."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..discussions.models import Thread
from ..extensions import db
from ..permissions import Action, require
from ..resources.models import Resource
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import QueryArgs, load_or_404, require_action_form
from . import reading, services
from .forms import AddItemForm, CollectionForm
from .models import Collection, CollectionItem
from .views import bp


def _managed(collection_id: int) -> Collection:
    return load_or_404(Collection, collection_id, Action.MANAGE_COLLECTIONS)


def _manage_url(collection: Collection, **values) -> str:
    return url_for("collections.manage", collection_id=collection.id, **values)


# -- a collection's details -----------------------------------------------------------

@bp.get("/collections/new")
@login_required
def new():
    """The form for a new collection."""
    require(current_user, Action.MANAGE_COLLECTIONS)
    return render_template("collections/edit.html", form=CollectionForm(), collection=None)


@bp.post("/collections/new")
@login_required
def new_post():
    """Create a collection (a draft), then go on to add its items."""
    require(current_user, Action.MANAGE_COLLECTIONS)
    form = CollectionForm()
    if not form.validate_on_submit():
        return render_template("collections/edit.html", form=form, collection=None), 422
    collection = services.create_collection(current_user, title=form.title.data,
                                            description=form.description.data,
                                            is_official=form.is_official.data)
    flash("The collection is saved as a draft. Add its items, then publish it.", "success")
    return redirect(_manage_url(collection))


@bp.get("/collections/<int:collection_id>/edit")
@login_required
def edit(collection_id):
    """The form for a collection's title, description and official flag."""
    collection = _managed(collection_id)
    form = CollectionForm(data={"title": collection.title,
                                "description": collection.description_source,
                                "is_official": collection.is_official})
    return render_template("collections/edit.html", form=form, collection=collection)


@bp.post("/collections/<int:collection_id>/edit")
@login_required
def edit_post(collection_id):
    """Save a collection's details."""
    collection = _managed(collection_id)
    form = CollectionForm()
    if not form.validate_on_submit():
        return render_template("collections/edit.html", form=form, collection=collection), 422
    services.update_collection(current_user, collection, title=form.title.data,
                               description=form.description.data,
                               is_official=form.is_official.data)
    flash("Your changes are saved.", "success")
    return redirect(_manage_url(collection))


@bp.get("/collections/<int:collection_id>/delete")
@login_required
def delete(collection_id):
    """Ask to confirm deleting a collection."""
    collection = _managed(collection_id)
    return render_template("collections/delete.html", collection=collection, form=ActionForm())


@bp.post("/collections/<int:collection_id>/delete")
@login_required
def delete_post(collection_id):
    """Delete a collection (what it pointed to stays where it is)."""
    collection = _managed(collection_id)
    require_action_form()
    title = collection.title
    services.delete_collection(current_user, collection)
    flash(f"The collection “{title}” was deleted.", "success")
    return redirect(url_for("collections.index"))


# -- the manage page: items -----------------------------------------------------------

def _render_manage(collection: Collection, form: AddItemForm, status: int = 200):
    args = QueryArgs()
    return render_template(
        "collections/manage.html", collection=collection, form=form, action_form=ActionForm(),
        items=reading.collection_items(current_user, collection),
        pinned_count=reading.pinned_count(), is_start_here=reading.start_here_id() == collection.id,
        moved=args.id("moved"), moved_button=args.choice("button", {"up", "down"}, "")), status


@bp.get("/collections/<int:collection_id>/manage")
@login_required
def manage(collection_id):
    """A collection's items (to add, remove and reorder), its status, pin and Start here."""
    return _render_manage(_managed(collection_id), AddItemForm())


@bp.post("/collections/<int:collection_id>/items")
@login_required
def add_item(collection_id):
    """Add a resource, thread or link at the end of the collection."""
    collection = _managed(collection_id)
    form = AddItemForm()
    if form.validate_on_submit():
        try:
            item = services.add_item(current_user, collection, kind=form.kind.data,
                                     reference=form.reference.data, url=form.link_url.data,
                                     link_title=form.link_title.data, note=form.note.data)
        except DomainError as error:
            add_form_error(form, error, "reference")
        else:
            flash(f"Added ‘{item.title}’ as item {item.position}.", "success")
            return redirect(_manage_url(collection, _anchor=f"item-{item.id}"))
    return _render_manage(collection, form, 422)


def _item(collection: Collection, item_id: int) -> CollectionItem:
    item = db.session.get(CollectionItem, item_id)
    if item is None or item.collection_id != collection.id:
        abort(404)
    return item


def _move(collection_id: int, item_id: int, offset: int, button: str):
    collection = _managed(collection_id)
    item = _item(collection, item_id)
    require_action_form()
    try:
        move = services.move_item(current_user, item, offset)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(_manage_url(collection))
    flash(move.message, "success")
    return redirect(_manage_url(collection, moved=item.id, button=button,
                                _anchor=f"item-{item.id}"))


@bp.post("/collections/<int:collection_id>/items/<int:item_id>/up")
@login_required
def move_up(collection_id, item_id):
    """Move an item one place up (works without JavaScript)."""
    return _move(collection_id, item_id, -1, "up")


@bp.post("/collections/<int:collection_id>/items/<int:item_id>/down")
@login_required
def move_down(collection_id, item_id):
    """Move an item one place down (works without JavaScript)."""
    return _move(collection_id, item_id, +1, "down")


@bp.post("/collections/<int:collection_id>/items/<int:item_id>/remove")
@login_required
def remove_item(collection_id, item_id):
    """Take an item out of the collection."""
    collection = _managed(collection_id)
    item = _item(collection, item_id)
    require_action_form()
    title = item.title
    services.remove_item(current_user, item)
    flash(f"Removed ‘{title}’ from the collection.", "success")
    return redirect(_manage_url(collection, _anchor="items-heading"))


@bp.post("/collections/<int:collection_id>/order")
@login_required
def reorder(collection_id):
    """Drag and drop: `{"order": [item ids], "moved": id}` as JSON (CSRF in X-CSRFToken)."""
    collection = _managed(collection_id)
    require_action_form()
    payload = request.get_json(silent=True) or {}
    order, moved = payload.get("order"), payload.get("moved")
    if (not isinstance(order, list) or len(order) > services.MAX_ITEMS
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in order)):
        return jsonify(error="Send the new order as a list of item numbers."), 400
    try:
        move = services.reorder_items(current_user, collection, order,
                                      moved if isinstance(moved, int) else None)
    except DomainError as error:
        return jsonify(error=str(error)), 409
    return jsonify(message=move.message if move else "The order is unchanged.",
                   order=order, position=move.position if move else None)


# -- status, the home page ------------------------------------------------------------

def _collection_action(collection_id: int, change, message: str):
    collection = _managed(collection_id)
    require_action_form()
    try:
        change(collection)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(message.format(title=collection.title), "success")
    return redirect(_manage_url(collection, _anchor="status-heading"))


@bp.post("/collections/<int:collection_id>/publish")
@login_required
def publish(collection_id):
    """Publish a collection: members see it."""
    return _collection_action(
        collection_id, lambda c: services.set_published(current_user, c, True),
        "“{title}” is published: members can see it now.")


@bp.post("/collections/<int:collection_id>/unpublish")
@login_required
def unpublish(collection_id):
    """Take a collection back to a draft only moderators see."""
    return _collection_action(
        collection_id, lambda c: services.set_published(current_user, c, False),
        "“{title}” is a draft again: only moderators can see it.")


@bp.post("/collections/<int:collection_id>/pin")
@login_required
def pin(collection_id):
    """Pin a collection to the home page (after those pinned already)."""
    return _collection_action(
        collection_id, lambda c: services.set_pinned(current_user, c, True),
        "“{title}” is pinned to the home page.")


@bp.post("/collections/<int:collection_id>/unpin")
@login_required
def unpin(collection_id):
    """Take a collection off the home page."""
    return _collection_action(
        collection_id, lambda c: services.set_pinned(current_user, c, False),
        "“{title}” is no longer pinned to the home page.")


@bp.post("/collections/<int:collection_id>/pin/earlier")
@login_required
def pin_earlier(collection_id):
    """Show a pinned collection one place earlier on the home page."""
    return _collection_action(
        collection_id, lambda c: services.move_pin(current_user, c, -1),
        "“{title}” moved earlier on the home page.")


@bp.post("/collections/<int:collection_id>/pin/later")
@login_required
def pin_later(collection_id):
    """Show a pinned collection one place later on the home page."""
    return _collection_action(
        collection_id, lambda c: services.move_pin(current_user, c, +1),
        "“{title}” moved later on the home page.")


@bp.post("/collections/<int:collection_id>/start-here")
@login_required
def choose_start_here(collection_id):
    """Make this collection "Start here" for newcomers."""
    return _collection_action(
        collection_id, lambda c: services.choose_start_here(current_user, c),
        "“{title}” is now Start here for newcomers.")


@bp.post("/collections/<int:collection_id>/start-here/clear")
@login_required
def clear_start_here(collection_id):
    """Stop showing any Start here collection."""
    return _collection_action(
        collection_id, lambda c: services.choose_start_here(current_user, None),
        "No collection is Start here now.")


# -- official material ----------------------------------------------------------------

OFFICIAL_TARGETS = {"resource": Resource, "thread": Thread}


def _target_url(target) -> str:
    if isinstance(target, Resource):
        return url_for("resources.resource", resource_id=target.id)
    if target.is_question:
        return url_for("qa.question", question_id=target.id)
    return url_for("discussions.thread", thread_id=target.id)


def _mark(kind: str, target_id: int, official: bool):
    target = load_or_404(OFFICIAL_TARGETS[kind], target_id, Action.MARK_OFFICIAL)
    require_action_form()
    try:
        services.set_official(current_user, target, official)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(f"“{target.title}” is {'now marked' if official else 'no longer marked'} as "
              "official Close the Gap material.", "success")
    return redirect(_target_url(target))


@bp.post("/official/<any(resource, thread):kind>/<int:target_id>")
@login_required
def mark_official(kind, target_id):
    """Mark a resource or thread as official Close the Gap material."""
    return _mark(kind, target_id, True)


@bp.post("/official/<any(resource, thread):kind>/<int:target_id>/remove")
@login_required
def unmark_official(kind, target_id):
    """Remove the official mark from a resource or thread."""
    return _mark(kind, target_id, False)
