"""The `forum` command: a Flask CLI group with the forum's own commands."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .extensions import db


def _create_app():
    from . import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """Manage the Community of Practice forum."""


def init_db() -> None:
    """Create or upgrade the database schema through the migrations."""
    from flask_migrate import upgrade
    upgrade(revision="head")


@click.command("init")
@with_appcontext
def init_command():
    """Create the database, or upgrade it to the latest schema; build a missing index."""
    init_db()
    click.echo(f"Database ready: {_safe_url()}")
    _ensure_search_index()


def _ensure_search_index() -> None:
    """Build the search index from the database if there is none (a new install)."""
    from .search.indexing import get_index, rebuild_index
    if not get_index().health().ok:
        click.echo(f"Search index built: {rebuild_index()} documents ({get_index().name}).")


def _safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["member", "moderator", "admin"]), default="member",
              show_default=True)
@click.option("--name", help="Display name (defaults to the part of the email before @).")
@with_appcontext
def create_user_command(email, role, name):
    """Create (or promote) an active account and print its set-password link."""
    from .accounts.services import create_user
    user, link = create_user(email, role, name)
    click.echo(f"{user.email} is an active {user.role}.")
    click.echo(f"Set-password link (valid {current_app.config['TOKEN_MAX_AGE_HOURS']} hours):")
    click.echo(link)


@click.command("demo")
@with_appcontext
def demo_command():
    """Load demo organisations, members, categories and threads (safe to run twice)."""
    from .demo import load_demo
    logins = load_demo()
    _print_logins(logins)


def _print_logins(logins):
    from .demo import DEMO_PASSWORD
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for email, role in logins:
        click.echo(f"  {role:<10} {email}")


@click.command("serve")
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve_command(port):
    """Serve the forum on 127.0.0.1 (embedded default), with demo data if the database is new."""
    from .accounts.models import User
    from .demo import load_demo
    init_db()
    if db.session.scalar(db.select(db.func.count(User.id))) == 0:
        click.echo("Empty database: loading demo content.")
        load_demo()
    _ensure_search_index()
    from .demo import DEMO_USERS
    _print_logins([(email, role) for email, _, role, _ in DEMO_USERS])
    if not current_app.config["MAIL_SERVER"]:
        click.echo("Emails are not sent (no FORUM_MAIL_SERVER): each is written to "
                   f"{Path(current_app.instance_path) / 'mail'}/ as an .eml file.")
    click.echo(f"Open http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    # app.run() refuses to start inside a `flask` CLI command; run Werkzeug's server directly.
    from werkzeug.serving import run_simple
    run_simple("127.0.0.1", port, current_app._get_current_object(), threaded=True)


@click.command("rerender")
@with_appcontext
def rerender_command():
    """Re-render every stored HTML field from its source (after renderer changes): posts and
    their earlier versions, resource descriptions, and Q&A comments."""
    from .discussions.models import Post, PostRevision
    from .qa.models import Comment
    from .rendering import linkify_plain_text, render_markdown
    from .resources.models import Resource
    fields = [
        ("posts", Post, "body_source", "body_html", render_markdown),
        ("earlier versions of posts", PostRevision, "body_source", "body_html",
         render_markdown),
        ("resource descriptions", Resource, "description_source", "description_html",
         lambda source: render_markdown(source) if source else ""),
        ("comments", Comment, "body", "body_html", linkify_plain_text),
    ]
    for label, model, source, target, render in fields:
        count = 0
        for row in db.session.scalars(db.select(model).order_by(model.id)).yield_per(500):
            setattr(row, target, render(getattr(row, source)))
            count += 1
        db.session.commit()
        click.echo(f"Re-rendered {count} {label}.")


from .bench import bench_command  # noqa: E402

COMMANDS = [bench_command, init_command, create_user_command, demo_command, serve_command,
            rerender_command]

from .jobs.worker import worker_command  # noqa: E402
from .search.cli import search_command  # noqa: E402
from .notifications.cli import notifications_command  # noqa: E402

COMMANDS += [worker_command, search_command, notifications_command]

from .mailin.cli import mail_in_command  # noqa: E402

COMMANDS += [mail_in_command]


def register_cli(app) -> None:
    """Attach the forum's commands to `app.cli` (so `flask` and `forum` both have them)."""
    for command in COMMANDS:
        app.cli.add_command(command)
