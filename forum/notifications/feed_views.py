"""Private Atom feeds at secret addresses (feed readers cannot log in), and the page
where a member makes or resets those addresses."""
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..collections.models import Collection
from ..discussions.models import Category
from ..extensions import db
from ..permissions import Action, can, require
from ..urls import absolute_url
from ..web.forms import ActionForm
from ..web.toolkit import require_action_form
from . import feeds, services
from .views import bp

_NEW_TOKEN = "notifications.new_feed_token"
ATOM = "application/atom+xml; charset=utf-8"


@bp.get("/notifications/feeds")
@login_required
def feed_settings():
    """Your private feed addresses: create them, or reset them if they leaked."""
    require(current_user, Action.VIEW)
    token = session.pop(_NEW_TOKEN, None)
    return render_template("notifications/feeds.html", token=token,
                           has_feed=services.has_feed_token(current_user), form=ActionForm(),
                           feed_url=feed_url,
                           categories=db.session.scalars(
                               db.select(Category).order_by(Category.position, Category.name)))


@bp.post("/notifications/feeds/reset")
@login_required
def reset_feeds():
    """Make new secret feed addresses (the old ones stop working)."""
    require(current_user, Action.VIEW)
    require_action_form()
    had = services.has_feed_token(current_user)
    session[_NEW_TOKEN] = services.reset_feed_token(current_user)
    flash("Your new feed addresses are below. The old ones no longer work." if had
          else "Your feed addresses are below.", "success")
    return redirect(url_for("notifications.feed_settings"))


def _owner(token):
    owner = services.feed_owner(token)
    if owner is None:
        abort(404)
    return owner


def _atom(body: bytes) -> Response:
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/feeds/<token>/threads.atom")
def threads_feed(token):
    """The latest threads the feed's owner may see."""
    return _atom(feeds.threads_feed(_owner(token), request.url))


@bp.get("/feeds/<token>/categories/<int:category_id>.atom")
def category_feed(token, category_id):
    """The latest threads in one category."""
    owner = _owner(token)
    category = db.session.get(Category, category_id)
    if category is None or not can(owner, Action.VIEW, category):
        abort(404)
    return _atom(feeds.threads_feed(owner, request.url, category=category))


@bp.get("/feeds/<token>/collections/<int:collection_id>.atom")
def collection_feed(token, collection_id):
    """The threads in one collection."""
    owner = _owner(token)
    collection = db.session.get(Collection, collection_id)
    if collection is None or not can(owner, Action.VIEW, collection):
        abort(404)
    return _atom(feeds.collection_feed(owner, collection, request.url))


@bp.get("/feeds/<token>/notifications.atom")
def notifications_feed(token):
    """The owner's notifications."""
    return _atom(feeds.notifications_feed(_owner(token), request.url))


def feed_url(endpoint: str, token: str, **values) -> str:
    """An absolute feed address (for the settings page)."""
    return absolute_url(f"notifications.{endpoint}", token=token, **values)
