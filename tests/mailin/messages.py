"""Real incoming messages built with the `email` package, and clients that send them."""
import socket
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

GMAIL_QUOTE = ("On Tue, 1 Dec 2026 at 10:00, Forum <noreply@localhost> wrote:\n"
               "> The earlier post that was emailed.\n> It had two lines.\n")
OUTLOOK_QUOTE = ("From: Forum <noreply@localhost>\nSent: Tuesday, December 1, 2026 10:00 AM\n"
                 "To: Member <member@example.org>\nSubject: New reply in a thread\n\n"
                 "The earlier post that was emailed.\n")
OUTLOOK_ORIGINAL = ("-----Original Message-----\nFrom: Forum <noreply@localhost>\n"
                    "Sent: Tuesday, December 1, 2026 10:00 AM\nSubject: New reply\n\n"
                    "The earlier post that was emailed.\n")
APPLE_HTML_QUOTE = ('<div><br><blockquote type="cite"><div>On 1 Dec 2026, at 10:00, Forum '
                    '&lt;noreply@localhost&gt; wrote:</div><br><div>The earlier post that was '
                    'emailed.</div></blockquote></div>')
APPLE_TEXT_QUOTE = ("On 1 Dec 2026, at 10:00, Forum <noreply@localhost> wrote:\n\n"
                    "> The earlier post that was emailed.\n")


def message(sender: str, to: str, text: str | None = "Thanks, that is really useful.",
            html: str | None = None, subject: str = "Re: New reply in a thread",
            files=(), **headers) -> EmailMessage:
    """A reply: plain text, HTML only (text=None), or both (multipart/alternative);
    `files` are (filename, content type, bytes); `headers` are added (X_Autoreply=...)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = make_msgid(domain="mail.example.org")
    msg["Date"] = "Tue, 01 Dec 2026 10:05:00 +0000"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    else:
        msg.set_content(html or "", subtype="html")
    for filename, content_type, data in files:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def send_smtp(port: int, msg: EmailMessage, recipients=None, sender="bounces@example.org"):
    """Send over SMTP; returns (code, text) of the answer to DATA."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        try:
            refused = smtp.send_message(msg, from_addr=sender,
                                        to_addrs=recipients or [msg["To"]])
        except smtplib.SMTPDataError as error:
            return error.smtp_code, error.smtp_error.decode()
        assert not refused
        return 250, ""


def send_lmtp(port: int, raw: bytes, recipients: list[str],
              sender: str = "bounces@example.org") -> list[tuple[int, str]]:
    """Send over LMTP by hand (smtplib reads one answer only); returns the answer to the
    end of data for each recipient, in order."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        reader = sock.makefile("rb")

        def answer():
            lines = []
            while True:
                line = reader.readline().decode().rstrip("\r\n")
                lines.append(line)
                if len(line) < 4 or line[3] != "-":
                    return int(line[:3]), "\n".join(l[4:] for l in lines)

        def command(text):
            sock.sendall(text.encode() + b"\r\n")
            return answer()

        assert answer()[0] == 220
        assert command("LHLO client.example.org")[0] == 250
        assert command(f"MAIL FROM:<{sender}>")[0] == 250
        for recipient in recipients:
            assert command(f"RCPT TO:<{recipient}>")[0] == 250
        assert command("DATA")[0] == 354
        body = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        body = b"\r\n".join(b"." + line if line.startswith(b".") else line
                            for line in body.split(b"\r\n"))
        sock.sendall(body + b"\r\n.\r\n")
        replies = [answer() for _ in recipients]
        command("QUIT")
        reader.close()
        return replies
