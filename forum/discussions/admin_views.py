"""Admin pages for categories. (Locking and pinning threads are moderation:
forum/moderation/thread_views.py.)"""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..permissions import Action, require
from ..validation import DomainError
from ..web.forms import add_form_error
from . import services
from .views import bp
from .forms import CategoryForm
from .models import Category


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
