"""`forum mail-in`: hand incoming replies to the forum (an SMTP/LMTP listener, or a pipe)."""
import os
import re
import sys
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from . import models  # noqa: F401  (the inbound_email table is part of the schema)

EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75
_REPLY_ADDRESS = re.compile(r"reply\+[a-z2-7]{36}@[^\s>,;]+", re.IGNORECASE)


@click.group("mail-in")
def mail_in_command():
    """Receive replies by email (see `serve` and `pipe`)."""


@mail_in_command.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep it local: the mail server connects here).")
@click.option("--port", default=8025, show_default=True, type=int)
@click.option("--lmtp", is_flag=True, help="Speak LMTP (one answer per recipient).")
@with_appcontext
def serve_command(host, port, lmtp):
    """Listen for replies over SMTP (or LMTP) until stopped (Ctrl+C or SIGTERM)."""
    from .server import make_listener, stop_listener
    listener = make_listener(current_app._get_current_object(), host, port, lmtp)
    listener.start()
    click.echo(f"forum mail-in: {'LMTP' if lmtp else 'SMTP'} on {host}:{listener.port}",
               err=True)
    stopped = threading.Event()
    _on_sigterm(stopped.set)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop_listener(listener)


def _on_sigterm(callback) -> None:
    import signal
    signal.signal(signal.SIGTERM, lambda *_: callback())


@mail_in_command.command("pipe")
@click.option("--recipient", "-r", default=None,
              help="The address the message was delivered to (Postfix: ${original_recipient});"
                   " default: $ORIGINAL_RECIPIENT, $RECIPIENT, else the message's headers.")
@click.option("--sender", "-f", default=None,
              help="The envelope sender (Postfix: ${sender}); default: $SENDER.")
@with_appcontext
def pipe_command(recipient, sender):
    """Deliver one message read from standard input. Exits 0 when it is posted, 67
    (EX_NOUSER) for an address that may not post, 65 (EX_DATAERR) for a refused message,
    75 (EX_TEMPFAIL) when the forum cannot take it now."""
    from .services import ACCEPTED, NO_USER, deliver
    limit = int(current_app.config["MAIL_IN_MAX_BYTES"])
    raw = sys.stdin.buffer.read(limit + 1024 * 1024)  # more than enough to know it is too big
    recipient = (recipient or os.environ.get("ORIGINAL_RECIPIENT")
                 or os.environ.get("RECIPIENT") or _recipient_in(raw))
    if not recipient:
        click.echo("forum mail-in: no reply address given or found in the message", err=True)
        sys.exit(EX_NOUSER)
    sender = sender if sender is not None else os.environ.get("SENDER")
    try:
        delivery = deliver(raw, recipient, envelope_sender=sender)
    except Exception as error:  # the database is down: the mail server keeps the message
        click.echo(f"forum mail-in: temporary failure: {type(error).__name__}", err=True)
        sys.exit(EX_TEMPFAIL)
    if delivery.status == ACCEPTED:
        click.echo(f"Posted as post {delivery.post.id} in thread {delivery.post.thread_id}.")
        sys.exit(EX_OK)
    click.echo(f"forum mail-in: refused: {delivery.reason}", err=True)
    sys.exit(EX_NOUSER if delivery.status == NO_USER else EX_DATAERR)


def _recipient_in(raw: bytes) -> str | None:
    """A reply address from the headers a mail server adds (or To/Cc), if any."""
    head = raw[:65536].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0].decode("latin-1")
    for name in ("X-Original-To", "Delivered-To", "Envelope-To", "To", "Cc"):
        for line in re.findall(rf"^{name}:(.*(?:\r?\n[ \t].*)*)", head,
                               re.IGNORECASE | re.MULTILINE):
            if found := _REPLY_ADDRESS.search(line):
                return found.group(0)
    return None
