"""Real replies delivered over SMTP and LMTP to `forum mail-in serve` become the right post."""
from email.utils import make_msgid

from forum.discussions.models import Attachment
from forum.extensions import db
from forum.reply_tokens import reply_address

from ..factories import make_member, make_thread
from ..resources import files
from .conftest import bounces, posts_in
from .messages import (APPLE_HTML_QUOTE, APPLE_TEXT_QUOTE, GMAIL_QUOTE, OUTLOOK_ORIGINAL,
                       OUTLOOK_QUOTE, message, send_lmtp, send_smtp)


def _only_reply(thread):
    posts = posts_in(thread)
    assert len(posts) == 2, [p.body_source for p in posts]
    return posts[1]


def test_plain_text_reply_over_smtp_becomes_a_post(app, smtp_port, member, thread, address):
    text = "We allow compressed hours.\n\n- Fridays off\n- Core hours 10 to 3\n\n-- \nSam\nHR lead"
    assert send_smtp(smtp_port, message(member.email, address, text)) == (250, "")
    post = _only_reply(thread)
    assert post.author_id == member.id
    assert post.body_source == "We allow compressed hours.\n\n- Fridays off\n- Core hours 10 to 3"
    assert "<li>Fridays off</li>" in post.body_html and "HR lead" not in post.body_html


def test_sender_address_is_compared_without_case_and_with_a_display_name(
        app, smtp_port, member, thread, address):
    sender = f'"Sam (work)" <{member.email.upper()}>'
    assert send_smtp(smtp_port, message(sender, address, "Agreed."))[0] == 250
    assert _only_reply(thread).body_source == "Agreed."


def test_gmail_reply_loses_the_quote(app, smtp_port, member, thread, address):
    text = "Thanks, this helps a lot.\n\n" + GMAIL_QUOTE
    html = ('<div dir="ltr">Thanks, this helps <b>a lot</b>.</div><br><div class="gmail_quote">'
            '<div dir="ltr" class="gmail_attr">On Tue, 1 Dec 2026 at 10:00, Forum &lt;noreply@'
            'localhost&gt; wrote:<br></div><blockquote class="gmail_quote">The earlier post'
            '</blockquote></div>')
    assert send_smtp(smtp_port, message(member.email, address, text, html))[0] == 250
    assert _only_reply(thread).body_source == "Thanks, this helps a lot."


def test_outlook_reply_loses_the_header_block(app, smtp_port, member, thread, address):
    text = "I agree with the plan.\n\nSam Member\n\n" + OUTLOOK_QUOTE
    html = ("<html><body><p>I agree with the plan.</p><p>Sam Member</p><div id=appendonsend>"
            "</div><hr><div id=divRplyFwdMsg><b>From:</b> Forum<br><b>Sent:</b> Tuesday</div>"
            "<div>The earlier post that was emailed.</div></body></html>")
    assert send_smtp(smtp_port, message(member.email, address, text, html))[0] == 250
    assert _only_reply(thread).body_source == "I agree with the plan.\n\nSam Member"


def test_outlook_original_message_separator(app, smtp_port, member, thread, address):
    text = "Happy to share our template.\n\n" + OUTLOOK_ORIGINAL
    assert send_smtp(smtp_port, message(member.email, address, text))[0] == 250
    assert _only_reply(thread).body_source == "Happy to share our template."


def test_apple_mail_reply_over_lmtp(app, lmtp_port, member, thread, address):
    text = "Yes please, send it over.\n\nSent from my iPhone\n\n" + APPLE_TEXT_QUOTE
    html = ("<html><body><div>Yes please, send it over.</div><div><br></div>"
            "<div>Sent from my iPhone</div>" + APPLE_HTML_QUOTE + "</body></html>")
    raw = message(member.email, address, text, html).as_bytes()
    assert send_lmtp(lmtp_port, raw, [address]) == [(250, "2.0.0 Reply posted")]
    assert _only_reply(thread).body_source == "Yes please, send it over."


def test_html_only_reply_is_turned_into_safe_text(app, smtp_port, member, thread, address):
    html = ('<html><head><style>p {color: red}</style><script>alert("x")</script></head><body>'
            '<p>See <a href="https://example.org/guide">the guide</a> and '
            '<a href="javascript:alert(1)">this</a>.</p><p>&lt;img src=x onerror=alert(1)&gt;'
            '</p>' + APPLE_HTML_QUOTE + "</body></html>")
    assert send_smtp(smtp_port, message(member.email, address, None, html))[0] == 250
    post = _only_reply(thread)
    assert post.body_source.startswith("See the guide <https://example.org/guide> and this.")
    assert "alert" not in post.body_source.replace("onerror=alert(1)", "")
    assert "<img" not in post.body_html and "<script" not in post.body_html
    assert "javascript:" not in post.body_html and "color: red" not in post.body_source
    assert 'href="https://example.org/guide"' in post.body_html


def test_pdf_attachment_is_attached_to_the_post(app, smtp_port, member, thread, address):
    pdf = files.pdf("Our flexible working policy.")
    msg = message(member.email, address, "Our policy is attached.",
                  files=[("policy.pdf", "application/pdf", pdf)])
    assert send_smtp(smtp_port, msg)[0] == 250
    post = _only_reply(thread)
    attachments = list(db.session.scalars(db.select(Attachment).where(
        Attachment.post_id == post.id)))
    assert [(a.filename, a.kind, a.size, a.uploader_id) for a in attachments] == [
        ("policy.pdf", "pdf", len(files.as_stored(pdf)), member.id)]  # metadata removed


def test_hostile_attachment_is_refused_with_a_bounce(app, smtp_port, member, thread, address,
                                                     mailbox):
    msg = message(member.email, address, "Please see the invoice.",
                  files=[("invoice.pdf", "application/pdf", files.HTML)])
    code, text = send_smtp(smtp_port, msg)
    assert code == 550 and "not a type of file we accept" in text
    assert len(posts_in(thread)) == 1
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    [bounce] = bounces(mailbox, member.email)
    assert "not a type of file we accept" in bounce.get_body(("plain",)).get_content()


def test_lmtp_answers_each_recipient(app, lmtp_port, member, thread, address):
    other_thread = make_thread(title="Menopause support")
    other = reply_address(member.id, other_thread.id)
    stranger = make_member()
    not_theirs = reply_address(stranger.id, thread.id)
    raw = message(member.email, address, "Same answer for both.").as_bytes()
    replies = send_lmtp(lmtp_port, raw, [address, not_theirs, other])
    assert [code for code, _ in replies] == [250, 550, 250]
    assert "does not accept mail from you" in replies[1][1]
    assert _only_reply(thread).body_source == "Same answer for both."
    assert _only_reply(other_thread).body_source == "Same answer for both."


def test_reply_to_a_question_becomes_an_answer(app, smtp_port, member):
    from forum.qa import services as qa
    from ..qa.factories import make_question
    question = make_question(title="How do you run a staff survey?")
    address = reply_address(member.id, question.id)
    msg = message(member.email, address, "We use an anonymous form each spring.")
    msg.replace_header("Message-ID", make_msgid())
    assert send_smtp(smtp_port, msg)[0] == 250
    answer = _only_reply(question)
    db.session.expire_all()
    page = qa.question_page(db.session.get(type(question), question.id), member)
    assert answer.id in [a.id for a in page.answers]
    assert answer.author_id == member.id
