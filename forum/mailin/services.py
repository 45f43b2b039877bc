"""Delivering a reply by email: check everything, then post through the web's use cases.

`deliver(raw, recipient)` is what `forum mail-in serve` and `forum mail-in pipe` call
for each recipient of each message. In order, it refuses:

1. a message over MAIL_IN_MAX_BYTES, or one that cannot be read as an email;
2. an automatic message (`Auto-Submitted` other than "no", `Precedence: bulk/junk/list`,
   `X-Autoreply`, `X-Autorespond`, a delivery report): never answered, never bounced;
3. a recipient address that is not a valid, unexpired reply token (forum/reply_tokens);
4. a From that is not exactly the token's member's email (case-insensitive), a member
   that does not exist or may not post (pending, suspended): one answer for all of
   these, so a refusal never says whether an address belongs to a member;
5. a thread that is gone (deleted, or hidden from them) or closed to them (locked);
6. a reply that is empty once quotes and signatures are removed, too long, or otherwise
   refused by the web form's own field checks (`forum.web.forms.body_field`);
7. the same Message-ID again, or the same text in the same thread within the minutes
   Q&A treats as a double submit; more replies than POST_RATE_LIMIT allows;
8. a file the upload checks refuse (forum/files/uploads.py), or too many files.

An accepted reply is posted by the use case the web form uses: `qa.services.answer` for a
question (a reply on a question's page is an answer), `discussions.add_reply` for a
discussion, with the attachments; its Message-ID is recorded in the same transaction.
A refusal posts nothing and queues a short bounce (`forum/mail.py`) to the sender,
except for automatic mail, a null envelope sender, a repeated message or an address of
the forum itself.
"""
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import HTTPException
from wtforms import Form

from ..accounts.models import User
from ..database import utcnow
from ..discussions import services as discussions
from ..discussions.models import Post, Thread
from ..extensions import db, limiter
from ..mail import queue_email
from ..permissions import Action, can
from ..qa import services as qa
from ..reply_tokens import read_reply_address
from ..transactions import use_case
from ..validation import DomainError
from ..web.forms import body_field
from ..web.toolkit import receiving
from .models import InboundEmail
from .parsing import IncomingMessage, MessageUnreadable, parse_message

log = logging.getLogger("forum.mailin")

ACCEPTED, NO_USER, DATA_ERROR = "accepted", "no-user", "data-error"
NOT_AUTHORISED = "This address does not accept mail from you."


@dataclass
class Delivery:
    """The outcome for one recipient: `status` is ACCEPTED, NO_USER or DATA_ERROR."""

    status: str
    reason: str = ""
    post: Post | None = None
    bounced: bool = False

    @property
    def accepted(self) -> bool:
        """True when the reply was posted."""
        return self.status == ACCEPTED

    @property
    def smtp_reply(self) -> str:
        """The SMTP/LMTP answer for this recipient."""
        if self.accepted:
            return "250 2.0.0 Reply posted"
        code = "5.1.1" if self.status == NO_USER else "5.6.0"
        return f"550 {code} {self.reason}"


class Refused(Exception):
    """A reply that is not posted: why (`reason`, short, for the sender), and how."""

    def __init__(self, reason: str, status: str = DATA_ERROR, bounce: bool = True):
        super().__init__(reason)
        self.reason, self.status, self.bounce = reason, status, bounce


class _BodyForm(Form):
    """The reply form's body field with its checks (length, plain text, nesting)."""

    body = body_field("Reply")


def deliver(raw: bytes, recipient: str, envelope_sender: str | None = None) -> Delivery:
    """Post the reply in `raw` (one message) sent to `recipient`, or refuse it."""
    message = None
    try:
        message = _read(raw)
        delivery = _deliver(message, raw, recipient)
    except Refused as refusal:
        db.session.rollback()
        bounced = _bounce(message, refusal, envelope_sender) if refusal.bounce else False
        log.info("Reply by email to %s refused: %s", recipient, refusal.reason)
        return Delivery(refusal.status, refusal.reason, bounced=bounced)
    return delivery


def _read(raw: bytes) -> IncomingMessage:
    limit = int(current_app.config["MAIL_IN_MAX_BYTES"])
    if len(raw) > limit:
        head = _headers_only(raw)  # enough to know whom to tell, and whether to
        refusal = Refused(f"The message is larger than {limit / (1024 * 1024):g} MB.",
                          bounce=head is not None and not head.auto_reply)
        refusal.message = head
        raise refusal
    try:
        return parse_message(raw)
    except MessageUnreadable:
        raise Refused("The message could not be read.", bounce=False) from None


def _headers_only(raw: bytes) -> IncomingMessage | None:
    """The sender and kind of an oversized message, from its header block alone."""
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    try:
        return parse_message(head + b"\r\n\r\n")
    except MessageUnreadable:
        return None


def _deliver(message: IncomingMessage, raw: bytes, recipient: str) -> Delivery:
    if message.auto_reply:
        raise Refused("Automatic replies are not posted.", bounce=False)
    named = read_reply_address(recipient, int(current_app.config["MAIL_IN_TOKEN_DAYS"]))
    if named is None:
        raise Refused("This reply address is not valid or has expired.", NO_USER)
    user = db.session.get(User, named[0])
    if (user is None or message.senders != [user.email.lower()]
            or not can(user, Action.VIEW)):
        raise Refused(NOT_AUTHORISED, NO_USER)
    thread = _thread_for(user, named[1])
    body = _checked_body(message.text)
    key = _message_key(message, raw, thread)
    _check_duplicate(user, thread, body, key)
    _check_rate(user)
    files = [FileStorage(io.BytesIO(f.data), filename=f.filename, content_type=f.content_type)
             for f in message.files]
    try:
        with receiving(files, field="attachments") as uploads:
            post = _post(user, thread, body, uploads, key)
    except IntegrityError:  # the same Message-ID posted by a concurrent delivery
        raise Refused("This message has already been posted.", bounce=False) from None
    except HTTPException:  # the policy changed its mind between the checks and the post
        raise Refused("You cannot reply to this thread.") from None
    except DomainError as error:  # a refused file, a duplicate answer, a rule of the service
        raise Refused(str(error)) from None
    return Delivery(ACCEPTED, post=post)


def _thread_for(user: User, thread_id: int) -> Thread:
    """The thread to post in (following merges), if the member may still reply there."""
    thread_id = discussions.merged_into(thread_id) or thread_id
    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.is_deleted or not can(user, Action.VIEW, thread):
        raise Refused("This thread is no longer available.")
    if not can(user, Action.REPLY, thread):
        raise Refused("This thread is closed to new replies.")
    return thread


def _checked_body(text: str) -> str:
    """The reply text, checked as the web form checks it."""
    form = _BodyForm(MultiDict({"body": text}))
    if not form.validate():
        if not (form.body.data or "").strip():
            raise Refused("The reply is empty once the quoted message and signature are "
                          "removed.")
        raise Refused(form.body.errors[0])
    return form.body.data


def _message_key(message: IncomingMessage, raw: bytes, thread: Thread) -> str:
    """Names the message for this thread: one message sent to two reply addresses (two
    threads) is two replies, the same one delivered twice to one thread is a duplicate."""
    material = message.message_id.strip().lower().encode() if message.message_id else raw
    return hashlib.sha256(f"{thread.id}:".encode() + material).hexdigest()


def _check_duplicate(user: User, thread: Thread, body: str, key: str) -> None:
    if db.session.scalar(select(InboundEmail.id).where(InboundEmail.message_key == key)):
        raise Refused("This message has already been posted.", bounce=False)
    same = db.session.scalar(select(Post.id).where(
        Post.thread_id == thread.id, Post.author_id == user.id, Post.body_source == body,
        Post.deleted_at.is_(None), Post.created_at >= utcnow() - qa.DUPLICATE_WINDOW))
    if same is not None:
        raise Refused("You have just posted this reply.")


def _check_rate(user: User) -> None:
    """POST_RATE_LIMIT, counted per member (the web form counts it per address)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return
    from limits import parse_many
    for item in parse_many(current_app.config["POST_RATE_LIMIT"]):
        if not limiter.limiter.hit(item, "mail-in", str(user.id)):
            raise Refused("You are posting too quickly. Please wait a minute and try again.")


@use_case
def _post(user: User, thread: Thread, body: str, uploads, key: str) -> Post:
    """Post the reply (an answer on a question) and record its Message-ID: one commit."""
    if thread.is_question:
        post = qa.answer(user, thread, body=body, attachments=uploads)
    else:
        post = discussions.add_reply(user, thread, body=body, attachments=uploads)
    db.session.add(InboundEmail(message_key=key, user_id=user.id, post_id=post.id))
    db.session.flush()
    return post


# -- bounces ------------------------------------------------------------------------------

def _bounce(message: IncomingMessage | None, refusal: Refused,
            envelope_sender: str | None) -> bool:
    """Queue a short note to the sender saying the reply was not posted, and why."""
    message = getattr(refusal, "message", None) or message
    if message is None or message.auto_reply or len(message.senders) != 1:
        return False
    if envelope_sender is not None and envelope_sender.strip() in ("", "<>"):
        return False  # a null envelope sender is itself a bounce: never answer it
    to = message.senders[0]
    if _is_ours(to):
        return False
    # One bounce per message and sender, however often it is delivered (none: a new one).
    key = f"mailin.bounce:{message.message_id.lower()}" if message.message_id else None
    # RFC 3834: marked automatic, so auto-responders (and mail-in itself) never answer it.
    headers = {"Auto-Submitted": "auto-replied"}
    if re.fullmatch(r"<[^<>\s]{1,250}>", message.message_id):
        headers.update({"In-Reply-To": message.message_id, "References": message.message_id})
    _queue_bounce(to, message.subject, refusal.reason, key, headers)
    return True


def _is_ours(address: str) -> bool:
    """The forum's own addresses (and mail daemons): never sent a bounce, so no loops."""
    local, _, domain = address.rpartition("@")
    config = current_app.config
    return (address == parseaddr(config["MAIL_FROM"])[1].lower()
            or domain == str(config.get("MAIL_IN_DOMAIN") or "").lower()
            or local.split("+")[0] in {"mailer-daemon", "postmaster", "noreply", "no-reply"})


@use_case
def _queue_bounce(to: str, subject: str, reason: str, key: str | None, headers: dict) -> None:
    """The bounce email, in its own transaction (the refused reply wrote nothing)."""
    subject = " ".join(subject.split())[:150]
    queue_email(to, "Your reply was not posted", "mail_in_bounce", key=key, extra_headers=headers,
                reason=reason, original_subject=subject,
                base_url=current_app.config.get("BASE_URL") or "")
