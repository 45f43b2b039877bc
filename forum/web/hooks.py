"""Cross-cutting web concerns: template helpers, security headers, error pages."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..extensions import db
from ..permissions import Action, can

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def register_template_helpers(app) -> None:
    """Make the policy, local time and labels available to every template."""
    zone = ZoneInfo(app.config["TIMEZONE"])

    def localtime(value: datetime | None, fmt: str = "%-d %b %Y, %H:%M") -> str:
        return value.astimezone(zone).strftime(fmt) if value else ""

    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["isotime"] = lambda value: value.isoformat() if value else ""
    app.jinja_env.globals.update(can=can, Action=Action,
                                 site_name=app.config["SITE_NAME"])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_request_hooks(app) -> None:
    """Security headers on every response."""

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SECURE_COOKIES"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Private content: never kept by shared caches.
            headers.setdefault("Cache-Control", "private, no-store")
        return response


UNAVAILABLE_RETRY_SECONDS = 30
UNAVAILABLE = ("The forum is unavailable for a moment",
               "We cannot reach the forum's database just now. Nothing you submitted has been "
               "saved. Please try again in a minute.")


# What drivers say when the database is down, restarting, unreachable or busy (psycopg,
# sqlite3): a missing table or a bad query is a bug (500), not an outage (503).
_OUTAGE = re.compile(
    r"could not connect|connection refused|connection to server|server closed the connection"
    r"|terminating connection|the database system is|no connection to the server"
    r"|connection (?:timed out|reset|is closed)|unable to open database file|database is locked"
    r"|disk i/o error|ssl syscall|connection already closed|consuming input failed", re.I)


def database_unreachable(error: BaseException) -> bool:
    """Is `error` the database being down or unreachable (not a bug in a query)?"""
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (OperationalError, InterfaceError)) and bool(
        _OUTAGE.search(str(error.orig)))


def _forget_the_connection() -> None:
    try:
        db.session.rollback()
        db.session.remove()
    except Exception:  # the connection is gone already: nothing to undo
        pass


def unavailable_page(title=UNAVAILABLE[0], message=UNAVAILABLE[1], status=503):
    """The error page that needs no database (nor the logged-in user, who lives in it)."""
    # Straight from the Jinja environment: render_template would run the context
    # processors, and Flask-Login's loads the user from the database.
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    response = make_response(template.render(title=title, message=message, request=request),
                             status)
    if status == 503:
        response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
    return response


def register_errors(app) -> None:
    """Friendly, accessible error pages (never a stack trace). Every page shows who is
    logged in, which needs the database: when it cannot be reached, or rendering the page
    fails for any reason, the page that needs nothing is served instead."""

    def page(status, title, message):
        try:
            return render_template("errors/error.html", status=status, title=title,
                                   message=message), status
        except Exception as error:
            _forget_the_connection()
            if database_unreachable(error):
                return unavailable_page()
            return unavailable_page(title, message, status)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_down(error):
        _forget_the_connection()
        if not database_unreachable(error):
            raise error
        return unavailable_page()

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, "Something was wrong with that request",
                    "Go back, reload the page and try again.")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, "This form has expired",
                    "For your security, forms expire. Go back, reload the page and "
                    "submit it again.")

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, "You cannot do that",
                    "Your account does not have permission for this action.")

    @app.errorhandler(404)
    def not_found(error):
        return page(404, "Page not found",
                    "If you typed the web address, check it is correct. The page may have "
                    "been removed, or you may not have access to it.")

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page(405, "That did not work", "This page cannot be used in that way.")

    @app.errorhandler(413)
    def too_large(error):
        return page(413, "That was too large",
                    f"Each file must be {app.config['MAX_UPLOAD_MB']} MB or smaller. Nothing "
                    "was saved: go back and choose a smaller file, or share a link to it.")

    @app.errorhandler(429)
    def too_many(error):
        return page(429, "Too many attempts",
                    "You have tried this too many times. Wait a few minutes and try again.")

    @app.errorhandler(500)
    def server_error(error):
        original = getattr(error, "original_exception", None)
        _forget_the_connection()
        if original is not None and database_unreachable(original):
            return unavailable_page()
        return page(500, "Sorry, there is a problem with the service",
                    "Try again later. Nothing you submitted has been saved.")
