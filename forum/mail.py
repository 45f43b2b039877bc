"""Email, through the outbox: queued with the change that causes it, sent by a job.

- `queue_email` renders the text and HTML parts at once (templates see the request's
  context) and adds, per recipient, an `OutboundEmail` row and a `mail.send` job to the
  caller's session. The caller's use case commits them with its change, or rolls all of
  it back: no email for a change that did not happen, no change without its email.
- Each row has an idempotency key naming the event and the recipient, so queueing the
  same event twice (a double submit, two requests at once) makes one email.
- The `mail.send` job sends the row over SMTP (or logs it when MAIL_SERVER is empty, the
  embedded default), then records `sent_at` and commits at once. A job run again after
  that (a crash while the queue deletes it, a duplicate job) finds `sent_at` and sends
  nothing. An SMTP or network error raises, so the job is retried with back-off and,
  after its last attempt, stays "failed" at /admin/jobs for an admin to retry: an email
  is never lost.

One window remains: if the process dies after the SMTP server has accepted a message and
before `sent_at` is committed, the retried job sends it again. Both copies carry the same
Message-ID (derived from the idempotency key), so receiving systems that drop repeated
Message-IDs show it once.
"""
import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from hashlib import sha256
from pathlib import Path
from uuid import uuid4

from flask import current_app, render_template
from sqlalchemy import JSON, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .database import TimestampMixin, UTCDateTime, utcnow
from .extensions import db
from .jobs import enqueue, handler

log = logging.getLogger("forum.mail")

KEY_LENGTH = 300


class OutboundEmail(TimestampMixin, db.Model):
    """One email to one recipient, rendered when queued; `sent_at` is set once it is sent."""

    __tablename__ = "outbound_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Extra headers (Reply-To, List-Unsubscribe, ...), name -> value.
    extra_headers: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<OutboundEmail {self.id} to {self.recipient} sent {self.sent_at}>"


def queue_email(to: str | list[str], subject: str, template: str, *, key: str | None = None,
                extra_headers: dict | None = None, **context) -> list[OutboundEmail]:
    """Queue `templates/email/{template}.txt` and `.html` for each recipient in `to`.

    `key` names the event (say `f"member.approved:{user.id}:{stamp}"`); the same key and
    recipient queued again returns the existing row instead of a second email. Without a
    key every call is a new event. Returns the rows, one per recipient. Only adds to the
    session (no I/O): the caller's use case commits them with its change.
    `extra_headers` (say Reply-To, List-Unsubscribe) are added to each message as given.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return []
    context.setdefault("site_name", current_app.config["SITE_NAME"])
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    key = key or uuid4().hex
    return [_queue_one(_row_key(key, recipient), recipient, subject, text, html,
                       dict(extra_headers or {}))
            for recipient in recipients]


def _row_key(key: str, recipient: str) -> str:
    full = f"{key}:{recipient.lower()}"
    if len(full) <= KEY_LENGTH:
        return full
    digest = sha256(full.encode()).hexdigest()  # as unique as the full key, and fits
    return f"{full[:KEY_LENGTH - len(digest) - 1]}:{digest}"


def _find(row_key: str) -> OutboundEmail | None:
    return db.session.scalar(select(OutboundEmail).where(
        OutboundEmail.idempotency_key == row_key))


def _queue_one(row_key, recipient, subject, text, html, headers=None) -> OutboundEmail:
    existing = _find(row_key)
    if existing is not None:
        return existing
    email = OutboundEmail(idempotency_key=row_key, recipient=recipient, subject=subject,
                          text_body=text, html_body=html, message_id=_message_id(row_key),
                          extra_headers=headers or {})
    try:
        with db.session.begin_nested():  # a savepoint: a duplicate undoes only itself
            db.session.add(email)
    except IntegrityError:  # another transaction queued the same event first: that one stands
        return _find(row_key)
    enqueue("mail.send", email_id=email.id)
    return email


def _message_id(row_key: str) -> str:
    return f"<{sha256(row_key.encode()).hexdigest()[:32]}@forum.local>"


@handler("mail.send")
def send_queued_email(email_id: int) -> None:
    """Send one queued email unless it has been sent; commits `sent_at` straight away."""
    # FOR UPDATE: a second worker running the same email waits, then sees it was sent.
    email = db.session.get(OutboundEmail, email_id, with_for_update=True,
                           populate_existing=True)
    if email is None or email.sent_at is not None:
        return
    config = current_app.config
    message = _message(email, config)
    if not config["MAIL_SERVER"]:
        _write_to_folder(email, message)
    else:
        try:
            _deliver(message, config)
        except OSError:  # smtplib's errors too: raising makes the queue retry with back-off
            log.warning("Could not send email %s (message_id=%s); the job will retry it",
                        email.id, email.message_id)
            raise
    email.sent_at = utcnow()
    db.session.commit()  # now, not with the job's deletion: a crash there must not resend


def _write_to_folder(email: OutboundEmail, message: EmailMessage) -> None:
    """No MAIL_SERVER (the embedded default): the message goes to instance/mail/ as one
    .eml file for a developer to open. The log line names no address and no content."""
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{email.id:06d}-{email.message_id.strip('<>').split('@')[0]}.eml"
    (folder / name).write_bytes(bytes(message))
    kind = email.idempotency_key.split(":", 1)[0][:60]  # the event, e.g. member.approved
    log.info("Email not sent (no MAIL_SERVER set): written to %s recipients=1 kind=%s "
             "subject_length=%s message_id=%s", folder / name, kind, len(email.subject),
             email.message_id)


def _message(email: OutboundEmail, config) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.recipient
    message["Message-ID"] = email.message_id
    for name, value in (email.extra_headers or {}).items():
        message[name] = value
    message.set_content(email.text_body)
    message.add_alternative(email.html_body, subtype="html")
    return message


def _deliver(message: EmailMessage, config) -> None:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
