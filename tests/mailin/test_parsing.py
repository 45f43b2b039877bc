"""Reading incoming mail: the new text only, safe text from HTML, files, automatic mail."""
import pytest

from forum.mailin.parsing import html_to_text, parse_message, reply_text

from .messages import (APPLE_HTML_QUOTE, APPLE_TEXT_QUOTE, GMAIL_QUOTE, OUTLOOK_ORIGINAL,
                       OUTLOOK_QUOTE, message)


@pytest.mark.parametrize("quote", [GMAIL_QUOTE, OUTLOOK_QUOTE, OUTLOOK_ORIGINAL,
                                   APPLE_TEXT_QUOTE,
                                   "Am 01.12.2026 um 10:00 schrieb Forum <noreply@localhost>:\n"
                                   "> Der frühere Beitrag.\n",
                                   "Le mar. 1 déc. 2026 à 10:00, Forum <noreply@localhost> a "
                                   "écrit :\n> Le message.\n"])
def test_quoted_messages_are_removed(quote):
    assert reply_text("Our answer.\n\n" + quote) == "Our answer."


@pytest.mark.parametrize("signature", ["-- \nSam Member\nHR lead", "--\nSam",
                                       "Sent from my iPhone", "Sent from my Galaxy",
                                       "Get Outlook for iOS"])
def test_signatures_are_removed(signature):
    assert reply_text(f"Our answer.\n\n{signature}\n") == "Our answer."


def test_markdown_lists_and_indentation_survive():
    text = "Steps:\n\n- ask\n- listen\n  - follow up\n\n    code block\n\n" + GMAIL_QUOTE
    assert reply_text(text) == "Steps:\n\n- ask\n- listen\n  - follow up\n\n    code block"


def test_a_message_that_is_only_a_quote_is_empty():
    assert reply_text(OUTLOOK_QUOTE) == ""
    assert reply_text("\n" + GMAIL_QUOTE) == ""


def test_html_becomes_text_without_markup_or_scripts():
    html = ("<html><head><title>T</title><style>.a{}</style></head><body><h1>Hello</h1>"
            "<p>One &amp; <b>two</b><br>three</p><script>alert(1)</script><ul><li>a</li>"
            "<li>b</li></ul>" + APPLE_HTML_QUOTE + "</body></html>")
    text = html_to_text(html)
    assert text.startswith("Hello\nOne & two\nthree\n")
    assert "- a\n- b" in text and "alert" not in text
    assert not any(tag in text for tag in ("<b>", "<p", "<script", "<style", "<br"))
    assert reply_text(text) == "Hello\nOne & two\nthree\n- a\n- b"


def test_message_is_read_with_sender_files_and_kind():
    msg = message('"Sam" <Sam@Example.org>', "reply+x@localhost", "Hi\n\n" + GMAIL_QUOTE,
                  files=[("a.pdf", "application/pdf", b"%PDF-1.4")],
                  Precedence="bulk")
    parsed = parse_message(msg.as_bytes())
    assert parsed.senders == ["sam@example.org"]
    assert parsed.text == "Hi" and parsed.auto_reply
    assert [(f.filename, f.data) for f in parsed.files] == [("a.pdf", b"%PDF-1.4")]
    assert parsed.message_id.startswith("<") and parsed.subject.startswith("Re:")


def test_inline_images_of_an_html_signature_are_not_attachments():
    msg = message("sam@example.org", "reply+x@localhost", "Hi", "<p>Hi <img src=cid:logo></p>")
    html_part = msg.get_body(("html",))
    html_part.add_related(b"\x89PNG\r\n", maintype="image", subtype="png", cid="<logo>")
    assert parse_message(msg.as_bytes()).files == []


def test_garbage_has_no_sender():
    parsed = parse_message(b"\x00\xff not an email at all")
    assert parsed.senders == [] and not parsed.files
