"""Email: rendered from text and HTML templates, sent over SMTP, or logged when no
server is configured (the embedded default)."""
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template

log = logging.getLogger("forum.mail")


def send_email(to: str | list[str], subject: str, template: str, **context) -> bool:
    """Send `templates/email/{template}.txt` and `.html` as one multipart message.

    Returns False (and logs why) when the mail server cannot take it: a failed email
    must never undo the change that caused it.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        return True
    config = current_app.config
    context.setdefault("site_name", config["SITE_NAME"])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Message-ID"] = make_msgid(domain="forum.local")
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")

    if not config["MAIL_SERVER"]:
        log.warning("Email (no MAIL_SERVER set, not sent) to %s: %s\n%s",
                    message["To"], subject, message.get_body(("plain",)).get_content())
        return True
    try:
        _deliver(message, config)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send %r to %s", subject, message["To"])
        return False
    return True


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
