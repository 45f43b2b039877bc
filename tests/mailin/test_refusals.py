"""Every refusal: answered 550 (with the reason), bounced where appropriate, nothing posted."""
import base64
import time
from email.utils import make_msgid

import pytest

from forum.database import utcnow
from forum.extensions import db
from forum.reply_tokens import make_token, reply_address

from ..factories import make_member
from .conftest import bounces, posts_in
from .messages import GMAIL_QUOTE, message, send_smtp

NOT_AUTHORISED = "This address does not accept mail from you."


def _forged(address: str, *, user_id=None, thread_id=None) -> str:
    """`address` with the user or thread id in its token changed, signature kept."""
    token = address.split("+", 1)[1].split("@")[0]
    raw = bytearray(base64.b32decode(token.upper() + "===="))
    if user_id is not None:
        raw[0:4] = user_id.to_bytes(4, "big")
    if thread_id is not None:
        raw[4:8] = thread_id.to_bytes(4, "big")
    return "reply+" + base64.b32encode(bytes(raw)).decode().rstrip("=").lower() + "@localhost"


def _refused(smtp_port, thread, msg, reason, recipients=None):
    code, text = send_smtp(smtp_port, msg, recipients=recipients)
    assert code == 550, (code, text)
    assert reason in text
    assert len(posts_in(thread)) == 1  # only the opening post


def _bounce_text(mailbox, to):
    [bounce] = bounces(mailbox, to)
    return bounce.get_body(("plain",)).get_content()


def test_a_different_sender_is_refused_without_saying_who_is_a_member(
        app, smtp_port, member, thread, address, mailbox):
    other = make_member(email="other.member@example.org")
    _refused(smtp_port, thread, message(other.email, address), NOT_AUTHORISED)
    _refused(smtp_port, thread, message("stranger@example.com", address,
                                        "A different one."), NOT_AUTHORISED)
    member_bounce = _bounce_text(mailbox, other.email)
    stranger_bounce = _bounce_text(mailbox, "stranger@example.com")
    assert NOT_AUTHORISED in member_bounce
    assert member_bounce.replace("Re: New reply in a thread", "") == \
        stranger_bounce.replace("Re: New reply in a thread", "")
    assert not mailbox.to(member.email)  # the token's member hears nothing about it
    [bounce] = bounces(mailbox, other.email)
    assert bounce["Auto-Submitted"] == "auto-replied"  # RFC 3834: no auto-reply answers it
    assert bounce["In-Reply-To"].endswith("@mail.example.org>")
    assert "Sam" not in member_bounce and "Flexible working" not in member_bounce


def test_two_senders_in_from_are_refused(app, smtp_port, member, thread, address):
    msg = message(f"{member.email}, other@example.org", address)
    _refused(smtp_port, thread, msg, NOT_AUTHORISED)


@pytest.mark.parametrize("change", ["thread", "user"])
def test_a_forged_token_is_refused(app, smtp_port, member, thread, address, mailbox, change):
    other = make_member()
    forged = (_forged(address, thread_id=thread.id + 1) if change == "thread"
              else _forged(address, user_id=other.id))
    sender = member.email if change == "thread" else other.email
    _refused(smtp_port, thread, message(sender, forged), "not valid or has expired")
    assert "not valid or has expired" in _bounce_text(mailbox, sender)


def test_an_expired_token_is_refused(app, smtp_port, member, thread, mailbox):
    app.config["MAIL_IN_TOKEN_DAYS"] = 30
    old = make_token(member.id, thread.id, issued=int(time.time() - 31 * 86400))
    _refused(smtp_port, thread, message(member.email, f"reply+{old}@localhost"),
             "not valid or has expired")
    recent = make_token(member.id, thread.id, issued=int(time.time() - 29 * 86400))
    assert send_smtp(smtp_port, message(member.email, f"reply+{recent}@localhost"))[0] == 250


def test_an_unknown_member_is_refused(app, smtp_port, thread, mailbox):
    address = reply_address(9999, thread.id)
    _refused(smtp_port, thread, message("ghost@example.org", address), NOT_AUTHORISED)
    assert NOT_AUTHORISED in _bounce_text(mailbox, "ghost@example.org")


@pytest.mark.parametrize("status", ["pending", "suspended", "declined"])
def test_a_member_who_may_not_post_is_refused(app, smtp_port, thread, mailbox, status):
    person = make_member(status=status, email=f"{status}@example.org")
    _refused(smtp_port, thread, message(person.email, reply_address(person.id, thread.id)),
             NOT_AUTHORISED)
    assert NOT_AUTHORISED in _bounce_text(mailbox, person.email)


@pytest.mark.parametrize("state,reason", [
    ("locked", "closed to new replies"),
    ("hidden", "no longer available"),
    ("deleted", "no longer available"),
])
def test_a_thread_closed_to_the_member_is_refused(app, smtp_port, member, thread, address,
                                                 mailbox, state, reason):
    if state == "locked":
        thread.is_locked = True
    elif state == "hidden":  # hidden by a moderator: the member can no longer see it
        thread.hidden_at = utcnow()
    else:
        thread.deleted_at = utcnow()
    db.session.commit()
    _refused(smtp_port, thread, message(member.email, address), reason)
    assert reason in _bounce_text(mailbox, member.email)


@pytest.mark.parametrize("header,value", [
    ("Auto-Submitted", "auto-replied"), ("Auto-Submitted", "auto-generated"),
    ("Precedence", "bulk"), ("Precedence", "junk"), ("Precedence", "list"),
    ("X-Autoreply", "yes"), ("X-Autorespond", "Out of office"),
])
def test_automatic_replies_are_refused_and_never_bounced(app, smtp_port, member, thread,
                                                         address, mailbox, header, value):
    msg = message(member.email, address, "I am out of the office until Monday.",
                  **{header.replace("-", "_"): value})
    _refused(smtp_port, thread, msg, "Automatic replies are not posted")
    assert mailbox.messages == []


def test_auto_submitted_no_is_a_person_writing(app, smtp_port, member, thread, address):
    msg = message(member.email, address, "Written by me.", Auto_Submitted="no")
    assert send_smtp(smtp_port, msg)[0] == 250


def test_a_message_over_the_size_cap_is_refused(app, smtp_port, member, thread, address,
                                                mailbox):
    app.config["MAIL_IN_MAX_BYTES"] = 200_000
    msg = message(member.email, address, "Big file attached.",
                  files=[("notes.txt", "text/plain", b"x" * 300_000)])
    _refused(smtp_port, thread, msg, "larger than")
    assert "larger than" in _bounce_text(mailbox, member.email)


def test_a_reply_that_is_only_a_quote_is_refused(app, smtp_port, member, thread, address,
                                                 mailbox):
    msg = message(member.email, address, "\n\n" + GMAIL_QUOTE + "\n-- \nSam")
    _refused(smtp_port, thread, msg, "empty")
    assert "empty" in _bounce_text(mailbox, member.email)


def test_a_reply_over_the_length_limit_is_refused(app, smtp_port, member, thread, address):
    from forum.rendering import MAX_SOURCE_LENGTH
    _refused(smtp_port, thread, message(member.email, address, "word " * MAX_SOURCE_LENGTH),
             "characters or fewer")


def test_the_same_message_twice_is_posted_once(app, smtp_port, member, thread, address,
                                               mailbox):
    msg = message(member.email, address, "Posting this once.")
    assert send_smtp(smtp_port, msg)[0] == 250
    code, text = send_smtp(smtp_port, msg)
    assert code == 550 and "already been posted" in text
    assert len(posts_in(thread)) == 2
    assert mailbox.messages == []  # a redelivery is not bounced


def test_the_same_text_again_within_minutes_is_refused(app, smtp_port, member, thread, address,
                                                       mailbox):
    assert send_smtp(smtp_port, message(member.email, address, "Same words."))[0] == 250
    again = message(member.email, address, "Same words.")
    again.replace_header("Message-ID", make_msgid())
    code, text = send_smtp(smtp_port, again)
    assert code == 550 and "just posted this reply" in text
    assert len(posts_in(thread)) == 2
    assert "just posted this reply" in _bounce_text(mailbox, member.email)


def test_no_bounce_to_a_null_envelope_sender_or_the_forum_itself(app, smtp_port, member, thread,
                                                                 mailbox):
    forged = "reply+" + "a" * 36 + "@localhost"
    code, _ = send_smtp(smtp_port, message(member.email, forged), sender="")
    assert code == 550
    code, _ = send_smtp(smtp_port, message("noreply@localhost", forged, "Loop?"))
    assert code == 550
    assert mailbox.messages == []


def test_a_message_that_is_not_an_email_is_refused(app, smtp_port, thread, address, mailbox):
    import smtplib
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail("x@example.org", [address], b"\x00\xff not an email at all\r\n")
    assert refused.value.smtp_code == 550
    assert len(posts_in(thread)) == 1
    assert mailbox.messages == []
