"""The view toolkit: what every domain's views share, so a view reads as
"load or 404, check, call one service, render or redirect" (STYLE.md 3).

- `load_or_404(Model, id)`: the object, if it exists and the current user may see it.
- `page_number(pages)`: the ?page= argument, checked (404 past the end).
- `require_action_form()`: a button that posts must carry the CSRF token.
- `accepts_files(n)` and `receiving(...)`: a view declares how many files its request may
  carry; `receiving` checks them and always discards scratch copies when done, whether
  the use case succeeded or not.
- `QueryArgs`: query-string filters parsed one way everywhere (choices, ids, text).
- `post_limit`, `wants_json`: the posting rate limit and JSON negotiation.
"""
from contextlib import contextmanager
from typing import Iterable

from flask import abort, current_app, flash, redirect, request
from flask_login import current_user

from ..extensions import db
from ..files.uploads import MAX_FILES_ATTRIBUTE, discard, receive_all
from ..permissions import Action, require
from ..submissions import record_result, result_of
from .forms import ActionForm


def load_or_404(model, object_id, action: Action = Action.VIEW):
    """Load `model` by id, or 404 if it does not exist or the user may not see it; then
    `require` `action` (403 if they may see it but not do that)."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    require(current_user, Action.VIEW, obj)
    if action is not Action.VIEW:
        require(current_user, action, obj)
    return obj


def page_number(pages: int | None = None, *, allow_last: bool = False) -> int:
    """The ?page= argument: a positive number (or "last" where allowed), else 404.

    With `pages`, a number past the last page is a 404 too.
    """
    raw = request.args.get("page", "1")
    if allow_last and raw == "last" and pages is not None:
        return pages
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        abort(404)
    number = int(raw)
    if pages is not None and number > pages:
        abort(404)
    return number


def require_action_form() -> None:
    """Buttons that post carry only a CSRF token; anything else is a bad request."""
    if not ActionForm().validate_on_submit():
        abort(400)


def post_limit() -> str:
    """The rate limit on writing (new threads, replies, answers, edits, shares)."""
    return current_app.config["POST_RATE_LIMIT"]


def wants_json() -> bool:
    """True when the client prefers JSON to HTML (progressive enhancement in forum.js)."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) \
        == "application/json"


# -- receiving uploads --------------------------------------------------------------------

def accepts_files(count):
    """Declare that a view's request may carry `count` files (a number, or a function of
    the app's config, called per request). The request body cap grows to match; without
    this a request may carry one file of at most MAX_UPLOAD_MB."""
    def declare(view):
        setattr(view, MAX_FILES_ATTRIBUTE, count)
        return view
    return declare


def max_attachments() -> int:
    """How many files one post may carry (the MAX_ATTACHMENTS setting)."""
    return current_app.config["MAX_ATTACHMENTS"]


@contextmanager
def receiving(files: Iterable, *, field: str, max_files: int | None = None):
    """Check the chosen files of a form and yield them as `Upload`s; scratch copies are
    discarded when the block ends, stored or not. A refused file raises DomainError
    (naming `field`) before anything is written."""
    uploads = receive_all(files, max_files=max_files, field=field)
    try:
        yield uploads
    finally:
        discard(uploads)


# -- query-string filters -----------------------------------------------------------------

class QueryArgs:
    """Read request.args the same way on every list page: unknown choices fall back to the
    default, ids must be small positive numbers, text is trimmed and bounded."""

    def __init__(self, args=None):
        self.args = request.args if args is None else args

    def choice(self, name: str, choices, default: str) -> str:
        """The argument if it is one of `choices` (a dict or a set), else `default`."""
        value = self.args.get(name, default)
        return value if value in choices else default

    def id(self, name: str) -> int | None:
        """A positive id, or None when missing or malformed."""
        raw = self.args.get(name, "")
        return int(raw) if raw.isdigit() and len(raw) < 10 and int(raw) > 0 else None

    def text(self, name: str, max_length: int = 100) -> str:
        """Trimmed text, cut at `max_length` characters."""
        return self.args.get(name, "")[:max_length].strip()

    def kept(self, names: Iterable[str]) -> dict:
        """The non-empty arguments among `names`, for building pager and filter links."""
        return {name: self.args[name] for name in names if self.args.get(name)}


def sent(key: str | None, url: str):
    """Redirect to what a writing form created, noting it for a repeat of the form."""
    record_result(current_user.id, key, url)
    return redirect(url)


def already_sent(key: str, fallback: str):
    """The answer to a form sent a second time: what the first one created (it was
    stored once; nothing was stored this time)."""
    flash("That was already sent, so it was saved once.", "info")
    return redirect(result_of(current_user.id, key) or fallback)
