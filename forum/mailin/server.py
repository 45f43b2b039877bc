"""The SMTP/LMTP listener of `forum mail-in serve` (aiosmtpd), on 127.0.0.1 by default.

Each message is handed to `services.deliver` once per recipient, in a worker thread with
an app context of its own (one at a time: deliveries never race each other for a thread's
post numbers). SMTP answers once per message: 250 when every recipient's reply was
posted, otherwise the first refusal (550 and a short reason). LMTP answers once per
recipient, as RFC 2033 requires. An unexpected error answers 451 (try again later), so
the mail server keeps the message instead of losing it.
"""
import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP

from ..extensions import db

log = logging.getLogger("forum.mailin")
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, please try again later"


class DeliveryHandler:
    """aiosmtpd handler: delivers each message through the forum's services."""

    def __init__(self, app):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-in")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Accept any recipient here; its token is checked with the message."""
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        """Deliver to every recipient; one answer (SMTP) or one per recipient (LMTP)."""
        loop = asyncio.get_running_loop()
        raw = envelope.original_content or envelope.content
        replies = await loop.run_in_executor(
            self.executor, self._deliver_all, raw, list(envelope.rcpt_tos),
            envelope.mail_from or "")
        if isinstance(server, LMTP):
            return "\r\n".join(replies)
        refused = [reply for reply in replies if not reply.startswith("250")]
        return refused[0] if refused else replies[0]

    def _deliver_all(self, raw: bytes, recipients: list[str], sender: str) -> list[str]:
        from .services import deliver
        replies = []
        for recipient in recipients:
            with self.app.app_context():
                try:
                    replies.append(deliver(raw, recipient, envelope_sender=sender).smtp_reply)
                except Exception:  # the database is down, a bug: keep the message queued
                    log.exception("Delivering a reply by email to %s failed", recipient)
                    db.session.rollback()
                    replies.append(TEMPORARY_FAILURE)
                finally:
                    db.session.remove()
        return replies

    def close(self) -> None:
        """Stop the worker thread."""
        self.executor.shutdown(wait=True)


class MailInController(Controller):
    """aiosmtpd's threaded controller, speaking LMTP instead of SMTP when asked."""

    def __init__(self, handler, *, lmtp: bool = False, **kwargs):
        super().__init__(handler, **kwargs)
        self.lmtp = lmtp

    def factory(self):
        """The protocol object for one connection."""
        return (LMTP if self.lmtp else SMTP)(self.handler, **self.SMTP_kwargs)


def make_listener(app, host: str = "127.0.0.1", port: int = 8025,
                  lmtp: bool = False) -> MailInController:
    """A listener for `app` (not started): `.start()` and `.stop()` it."""
    limit = int(app.config["MAIL_IN_MAX_BYTES"])
    # Slightly larger messages still reach the handler, which refuses them with a bounce;
    # far larger ones are cut off by aiosmtpd itself (552) without being read into memory.
    return MailInController(DeliveryHandler(app), lmtp=lmtp, hostname=host, port=port,
                            data_size_limit=limit + 1024 * 1024, decode_data=False,
                            enable_SMTPUTF8=True, ident="forum mail-in")


def stop_listener(controller: MailInController) -> None:
    """Stop a started listener and its worker thread."""
    controller.stop()
    controller.handler.close()
