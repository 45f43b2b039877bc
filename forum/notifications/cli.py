"""`forum notifications`: send digests by hand (the worker also sends them on schedule)."""
import click
from flask.cli import with_appcontext

from ..extensions import db
from .delivery import send_digests
from .models import DAILY, WEEKLY


@click.group("notifications")
def notifications_command():
    """Notification emails."""


@notifications_command.command("digest")
@click.option("--daily", "frequency", flag_value=DAILY, help="Send daily digests.")
@click.option("--weekly", "frequency", flag_value=WEEKLY, help="Send weekly digests.")
@with_appcontext
def digest_command(frequency):
    """Queue every member's daily or weekly digest of what they have not read yet (the
    worker sends the emails)."""
    if frequency is None:
        raise click.UsageError("Choose --daily or --weekly.")
    count = send_digests(frequency, force=True)
    db.session.commit()
    click.echo(f"Queued {count} {frequency} digest{'s' if count != 1 else ''}.")
