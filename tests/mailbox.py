"""A real SMTP server (aiosmtpd) for tests, and a mailbox to read what it received."""
import email
import email.policy
import re
import socket
import threading

from aiosmtpd.controller import Controller


class Mailbox:
    """Messages the test SMTP server has accepted, oldest first."""

    def __init__(self):
        self._messages = []
        self._lock = threading.Lock()
        # Set by the `app` fixture: sends queued email first, so reading the mailbox shows
        # what a user would have received by now (in production a worker sends it).
        self.before_read = None

    def add(self, message):
        with self._lock:
            self._messages.append(message)

    def clear(self):
        with self._lock:
            self._messages.clear()

    @property
    def messages(self):
        if self.before_read is not None:
            self.before_read()
        with self._lock:
            return list(self._messages)

    def to(self, address: str):
        """Messages addressed to `address`."""
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def last_to(self, address: str):
        found = self.to(address)
        assert found, f"no email to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]


def text_of(message) -> str:
    """The plain-text part of a message."""
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def links_in(message) -> list[str]:
    """Every http(s) link in the plain-text part."""
    return re.findall(r"https?://[^\s<>\"]+", text_of(message))


class _Handler:
    def __init__(self, mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mailbox.add(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp_server():
    """Start aiosmtpd on a free loopback port; returns (controller, mailbox)."""
    mailbox = Mailbox()
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=_free_port())
    controller.start()
    return controller, mailbox
