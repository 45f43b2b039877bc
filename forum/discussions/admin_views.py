"""Admin pages for categories, and moderator switches for threads (lock, pin)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..permissions import Action, require
from ..validation import DomainError
from ..web.forms import add_form_error
from ..web.toolkit import require_action_form
from . import services
from .views import bp
from .forms import CategoryForm
from .models import Category, Thread


@bp.get("/admin/categories")
@login_required
def categories():
    """The admins' list of categories."""
    require(current_user, Action.MANAGE_CATEGORIES)
    return render_template("discussions/admin_categories.html",
                           categories=services.list_categories())


@bp.route("/admin/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
def edit_category(category_id):
    """Create or edit a category (admins)."""
    require(current_user, Action.MANAGE_CATEGORIES)
    category = None
    if category_id is not None:
        category = db.session.get(Category, category_id) or abort(404)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            services.save_category(current_user, category, name=form.name.data,
                                   description=form.description.data or "",
                                   position=form.position.data or 0)
        except DomainError as error:
            add_form_error(form, error, "name")
        else:
            flash("Category saved.", "success")
            return redirect(url_for("discussions.categories"))
    status = 422 if form.is_submitted() else 200
    return render_template("discussions/edit_category.html", category=category,
                           form=form), status


def _flag_route(name, message, **flags):
    def view(thread_id):
        require(current_user, Action.MODERATE_THREAD)
        thread = db.session.get(Thread, thread_id) or abort(404)
        require_action_form()
        services.set_thread_flags(current_user, thread, **flags)
        flash(message, "success")
        return redirect(url_for("discussions.thread", thread_id=thread.id))
    view.__name__ = f"{name}_thread"
    view.__doc__ = f"{name.capitalize()} a thread (moderators)."
    bp.add_url_rule(f"/threads/<int:thread_id>/{name}", view_func=login_required(view),
                    methods=["POST"])


_flag_route("lock", "Thread locked: only moderators can reply.", locked=True)
_flag_route("unlock", "Thread unlocked.", locked=False)
_flag_route("pin", "Thread pinned to the top of its category.", pinned=True)
_flag_route("unpin", "Thread unpinned.", pinned=False)
