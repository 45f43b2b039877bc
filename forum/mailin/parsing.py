"""Reading an incoming email: its text without quotes or signatures, its files, its kind.

The text is the plain part, else the HTML part turned into text here (tags dropped,
scripts and styles skipped, quoted blocks kept as `>` lines so they can be stripped).
Quoted earlier messages and signatures are removed by `mail-parser-reply`, which knows
the reply headers of Outlook, Gmail and Apple Mail in several languages; what it leaves
(a `-- ` delimiter, "Sent from my iPhone", a trailing `>` block and its "wrote:" line) is
removed after it. The result is Markdown source for the same checks as the web form.
"""
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from mailparser_reply.constants import MAIL_LANGUAGES
from mailparser_reply.parser import EmailMessage as ReplyText

LANGUAGES = [language for language in MAIL_LANGUAGES if len(language) == 2]
_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_SENT_FROM = re.compile(r"^\s*(sent from my |sent from (outlook|mail|yahoo)\b|get outlook for )",
                        re.IGNORECASE)
_WROTE = re.compile(r"\bwrote:\s*$|^\s*on .{4,200}(wrote|writes):?\s*$", re.IGNORECASE)


@dataclass
class IncomingFile:
    """One attached file of an incoming message."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class IncomingMessage:
    """What delivery needs from an incoming email."""

    senders: list[str]  # the addresses in From (lowercase)
    message_id: str
    subject: str
    text: str  # the reply, quotes and signature removed
    files: list[IncomingFile] = field(default_factory=list)
    auto_reply: bool = False


class MessageUnreadable(ValueError):
    """The message could not be read as an email."""


def parse_message(raw: bytes) -> IncomingMessage:
    """Read `raw` (the bytes of one RFC 5322 message)."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        senders = [address.lower() for _, address in getaddresses(
            [str(value) for value in message.get_all("From", [])]) if "@" in address]
        return IncomingMessage(
            senders=senders, message_id=str(message.get("Message-ID", "")).strip()[:500],
            subject=str(message.get("Subject", ""))[:300],
            text=reply_text(body_text(message)), files=attached_files(message),
            auto_reply=is_auto_reply(message))
    except (LookupError, ValueError, TypeError, AttributeError, IndexError) as error:
        raise MessageUnreadable(str(error)) from error


def is_auto_reply(message: EmailMessage) -> bool:
    """True for automatic mail (out-of-office, list traffic, bounces): never answered."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if str(message.get("Precedence", "")).strip().lower() in _AUTO_PRECEDENCE:
        return True
    if "X-Autoreply" in message or "X-Autorespond" in message:
        return True
    return message.get_content_type() == "multipart/report"


def body_text(message: EmailMessage) -> str:
    """The message's text: its plain part, else its HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return content


def attached_files(message: EmailMessage) -> list[IncomingFile]:
    """The files attached to the message (not inline images of a signature or quote)."""
    files = []
    for part in message.iter_attachments():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        disposition = part.get_content_disposition()
        if disposition != "attachment" and (part["Content-ID"] or not part.get_filename()):
            continue  # an inline image shown in the HTML (a logo, a quoted picture)
        data = part.get_payload(decode=True) or b""
        files.append(IncomingFile(part.get_filename() or "attachment",
                                  part.get_content_type(), data))
    return files


# -- HTML to text -------------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5",
           "h6", "pre", "hr", "section", "article", "header", "footer", "dd", "dt"}
_SKIPPED = {"script", "style", "head", "title", "template", "noscript", "svg", "object"}
# Containers of the earlier message in replies: Gmail, Apple Mail, Outlook (web, desktop).
_QUOTE_CLASSES = {"gmail_quote", "gmail_extra", "yahoo_quoted", "moz-cite-prefix"}
_QUOTE_IDS = {"appendonsend", "divrplyfwdmsg", "mail-editor-reference-message-container"}


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML email; quoted blocks become `>` lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0  # depth inside a skipped element
        self.quote = 0  # depth of blockquotes
        self.stack: list[tuple[str, str]] = []  # (tag, "quote", "skip" or "")
        self.links: list[str] = []  # hrefs of the open <a> elements

    def _newline(self):
        prefix = "> " * self.quote
        if self.lines[-1].strip() or len(self.lines) == 1 or self.lines[-1] != prefix:
            self.lines.append(prefix)

    def handle_starttag(self, tag, attrs):
        """Open a block, a quote, a skipped element, a list item or a link."""
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").lower().split())
        quoted = (tag == "blockquote" or classes & _QUOTE_CLASSES
                  or (attrs.get("id") or "").lower() in _QUOTE_IDS)
        if tag in _SKIPPED:
            self.skip += 1
            self.stack.append((tag, "skip"))
            return
        if tag in ("br", "hr", "img", "meta", "link", "input", "wbr"):
            if tag in ("br", "hr"):
                self._newline()
            return
        if quoted:
            self.quote += 1
            self._newline()
        elif tag in _BLOCKS:
            self._newline()
        if tag == "li" and not self.skip:
            self.lines[-1] += "- "
        if tag == "a":
            href = (attrs.get("href") or "").strip()
            self.links.append(href if re.match(r"https?://[^\s<>]+$", href) else "")
        self.stack.append((tag, "quote" if quoted else ""))

    def handle_endtag(self, tag):
        """Close the element (and any left open inside it); write a link's address."""
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and not self.skip and href not in self.lines[-1]:
                self.lines[-1] += f" <{href}>"  # a Markdown autolink
        while self.stack:
            opened, kind = self.stack.pop()
            if kind == "skip":
                self.skip -= 1
            elif kind == "quote":
                self.quote -= 1
            if opened == tag:
                break
        if tag in _BLOCKS or tag == "blockquote":
            self._newline()

    def handle_data(self, data):
        """Add visible text, with whitespace collapsed as a browser would."""
        if self.skip:
            return
        text = re.sub(r"\s+", " ", data)
        if not self.lines[-1].strip(" >"):
            text = text.lstrip()
        if text:
            if not self.lines[-1].startswith("> " * self.quote):
                self.lines[-1] = "> " * self.quote + self.lines[-1]
            self.lines[-1] += text


def html_to_text(html: str) -> str:
    """The visible text of an HTML email (no markup survives: it becomes Markdown source)."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.rstrip() for line in extractor.lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# -- quotes and signatures ----------------------------------------------------------------

def reply_text(text: str) -> str:
    """The new part of a reply: quoted messages and signatures removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    parsed = ReplyText(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    # A first fragment that opens with a reply header is all quote: nothing new was written.
    first = parsed.replies[0] if parsed.replies else None
    latest = first.body if first is not None and not first.headers else ""
    kept = _with_indentation(text, latest)
    return _strip_leftovers(kept)


def _with_indentation(original: str, stripped: str) -> str:
    """The parser trims every line (losing Markdown indentation): put the original lines
    back where they match, else keep the parser's text."""
    ours = stripped.split("\n")
    lines = original.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    candidate = lines[:len(ours)]
    if len(candidate) == len(ours) and all(a.strip() == b.strip()
                                           for a, b in zip(candidate, ours)):
        return "\n".join(line.rstrip() for line in candidate)
    return stripped


def _strip_leftovers(text: str) -> str:
    """Remove what the parser may leave: a `-- ` signature, "Sent from my ...", a trailing
    quoted block and the "... wrote:" line above it."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.rstrip() in ("--", "-- ") or (len(line) <= 60 and _SENT_FROM.match(line)):
            lines = lines[:index]
            break
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    if lines and _WROTE.search(lines[-1]):
        lines.pop()
    return "\n".join(lines).strip()
