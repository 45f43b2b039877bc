"""Notification pages: the list (mark one or all read), opening one, email preferences,
what I watch (watch and unwatch), the member-name lookup for @mention autocomplete, and
one-click unsubscribe (which works without logging in). Feeds are in feed_views.py."""
from flask import (Blueprint, abort, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

from ..discussions.models import Category, Thread
from ..extensions import csrf, db, limiter
from ..permissions import Action, can, require
from ..tags.models import Tag
from ..validation import DomainError
from ..urls import safe_next
from ..web.forms import ActionForm
from ..web.toolkit import load_or_404, page_number, require_action_form
from . import mentions, services
from .forms import PreferencesForm
from .messages import describe
from .models import KINDS, WATCH_CATEGORY, WATCH_TAG, WATCH_THREAD, Notification

bp = Blueprint("notifications", __name__)

WATCHABLE = {WATCH_THREAD: Thread, WATCH_CATEGORY: Category, WATCH_TAG: Tag}


@bp.app_template_global()
def unread_notifications(user) -> int:
    """The header's unread count (one query, members only)."""
    return services.unread_count(user)


@bp.app_template_global("is_watching")
def viewer_is_watching(target_type: str, target_id: int) -> bool:
    """Does the current member watch this thread, category or tag? (one query)"""
    return services.is_watching(current_user, target_type, target_id)


@bp.app_template_global()
def mentions_lookup_url() -> str:
    """The @mention autocomplete's lookup address for the editor ("" when logged out)."""
    if not can(current_user, Action.VIEW_DIRECTORY):
        return ""
    return url_for("notifications.member_names")


def _safe_next(default: str) -> str:
    return safe_next(request.form.get("next"), default)


@bp.get("/notifications")
@login_required
def index():
    """Your notifications, newest first, unread ones marked."""
    require(current_user, Action.VIEW)
    page = page_number()
    rows, pages = services.notifications_page(current_user, page)
    if page > pages:
        abort(404)
    items = [(n, describe(n, current_user)) for n in rows]
    return render_template("notifications/index.html", items=items, page=page, pages=pages,
                           unread=sum(1 for n in rows if not n.is_read), form=ActionForm())


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id):
    """Open a notification: mark it read and go to what it is about."""
    notification = load_or_404(Notification, notification_id)
    services.mark_read(current_user, notification)
    return redirect(describe(notification, current_user).url)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    """Mark one notification read."""
    notification = load_or_404(Notification, notification_id)
    require_action_form()
    services.mark_read(current_user, notification)
    flash("Marked as read.", "success")
    return redirect(_safe_next(url_for("notifications.index")))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    """Mark every notification read."""
    require(current_user, Action.VIEW)
    require_action_form()
    count = services.mark_all_read(current_user)
    flash(f"Marked {count} notification{'s' if count != 1 else ''} as read.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """How you hear about each kind of notification, and automatic watching."""
    require(current_user, Action.VIEW)
    settings = services.settings_for(current_user)
    form = PreferencesForm(auto_watch=settings.auto_watch, **{
        f"delivery_{kind}": settings.delivery_for(kind) for kind in KINDS})
    if form.validate_on_submit():
        try:
            services.save_preferences(current_user, delivery=form.deliveries(),
                                      auto_watch=form.auto_watch.data)
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            flash("Your notification preferences are saved.", "success")
            return redirect(url_for("notifications.preferences"))
    status = 422 if request.method == "POST" else 200
    return render_template("notifications/preferences.html", form=form,
                           unsubscribed=settings.unsubscribed_at is not None), status


@bp.get("/notifications/watching")
@login_required
def watching():
    """What you watch, with a button to stop watching each."""
    require(current_user, Action.VIEW)
    watches = services.watched(current_user)
    targets = {}
    for target_type, model in WATCHABLE.items():
        ids = [w.target_id for w in watches if w.target_type == target_type]
        if ids:
            for obj in db.session.scalars(db.select(model).where(model.id.in_(ids))):
                targets[(target_type, obj.id)] = obj
    rows = [(w, targets[(w.target_type, w.target_id)]) for w in watches
            if (w.target_type, w.target_id) in targets
            and _can_see(targets[(w.target_type, w.target_id)])]
    return render_template("notifications/watching.html", rows=rows, form=ActionForm())


def _can_see(obj) -> bool:
    return can(current_user, Action.VIEW, obj) and not getattr(obj, "is_deleted", False)


def _watch_target(target_type: str, target_id: int):
    model = WATCHABLE.get(target_type)
    if model is None:
        abort(404)
    return load_or_404(model, target_id)


@bp.get("/notifications/watch/<target_type>/<int:target_id>")
@login_required
def watch_page(target_type, target_id):
    """Watch or stop watching one thread, category or tag."""
    target = _watch_target(target_type, target_id)
    return render_template("notifications/watch.html", target=target, target_type=target_type,
                           watching=services.is_watching(current_user, target_type, target.id),
                           form=ActionForm())


@bp.post("/notifications/watch/<target_type>/<int:target_id>")
@login_required
def watch(target_type, target_id):
    """Start watching a thread, category or tag."""
    target = _watch_target(target_type, target_id)
    require_action_form()
    services.set_watching(current_user, target_type, target, True)
    flash(f"You are watching “{_name(target)}”.", "success")
    return redirect(_safe_next(url_for("notifications.watching")))


@bp.post("/notifications/unwatch/<target_type>/<int:target_id>")
@login_required
def unwatch(target_type, target_id):
    """Stop watching a thread, category or tag."""
    target = _watch_target(target_type, target_id)
    require_action_form()
    services.set_watching(current_user, target_type, target, False)
    flash(f"You no longer watch “{_name(target)}”.", "success")
    return redirect(_safe_next(url_for("notifications.watching")))


def _name(target) -> str:
    return getattr(target, "title", None) or getattr(target, "name", "")


@bp.get("/notifications/member-names")
@login_required
@limiter.limit("60 per minute")
def member_names():
    """JSON for @mention autocomplete: members whose name starts with ?q= (at most 8)."""
    require(current_user, Action.VIEW_DIRECTORY)
    return jsonify(mentions.suggestions(request.args.get("q", "")))


@bp.get("/notifications/unsubscribe/<token>")
def unsubscribe_page(token):
    """Confirm unsubscribing from notification emails (no login needed)."""
    user = services.unsubscriber(token)
    if user is None:
        abort(404)
    return render_template("notifications/unsubscribe.html", token=token, done=False)


@bp.post("/notifications/unsubscribe/<token>")
@csrf.exempt  # checked below: a mail program's one-click POST cannot carry a form token
def unsubscribe(token):
    """Unsubscribe from every notification email: one-click (RFC 8058: the body is
    `List-Unsubscribe=One-Click` and the signed token is the proof), or the confirm page's
    button (which carries a CSRF token like every other form)."""
    if request.form.get("List-Unsubscribe") != "One-Click":
        csrf.protect()
    user = services.unsubscriber(token)
    if user is None:
        abort(404)
    services.unsubscribe(user)
    return render_template("notifications/unsubscribe.html", token=token, done=True)
