"""Markdown rendering for user content: the single place Markdown becomes HTML.

Pipeline (render on write; both source and HTML are stored):

1. cmark-gfm (``cmarkgfm``, GitHub's C implementation of CommonMark + GFM tables,
   strikethrough and autolinks) turns Markdown into HTML. It is designed to run in linear
   time on pathological input, and its safe mode omits raw HTML and drops
   ``javascript:``/``vbscript:``/``file:``/``data:`` link targets.
2. ``nh3`` (Python bindings of the Rust sanitiser ammonia, the maintained successor
   bleach's maintainers point to) keeps only an allowlist of tags, attributes and URL
   schemes (http, https, mailto, or relative) and sets ``rel="nofollow noopener ugc"``
   on every link.

Both stages are compiled code and linear: a 50,000-character body renders in tens of
milliseconds whatever it contains (bleach's html5lib took 1.4 s on a 50,000-character
table; see tests/test_rendering.py for the bounds we assert).

Headings are shifted down one level (``#`` renders as ``<h2>``) because user content
always sits below the page's own ``<h1>``. The output of :func:`render_markdown` is safe
to mark as ``Markup``; :func:`plain_text` returns *unescaped* text for emails and excerpts.
"""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

__all__ = ["MAX_SOURCE_LENGTH", "LINK_REL", "render_markdown", "quote_markdown", "plain_text",
           "linkify_plain_text"]

MAX_SOURCE_LENGTH = 50_000  # forms enforce it; rendering copes with any length
LINK_REL = "nofollow noopener ugc"

_EXTENSIONS = ["table", "strikethrough", "autolink", "tagfilter"]
# Default options are cmark's safe mode: raw HTML omitted, dangerous URLs removed.
_OPTIONS = Options.CMARK_OPT_DEFAULT | Options.CMARK_OPT_VALIDATE_UTF8

_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "a",
    "ul", "ol", "li", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th",
    "td", "img",
})
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "code": {"class"},
}
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+-]{1,40}")
_ALIGN = {"left", "right", "center"}
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)[^>]*>")
_VOID = frozenset({"br", "hr", "img", "input"})
MAX_NESTING = 30  # quotes, lists and emphasis inside each other; real posts use < 10
# cmark-gfm's extension registry is shared C state: one render at a time per process
# (a render takes milliseconds, so the lock costs nothing measurable).
_CMARK_LOCK = threading.Lock()
# Links whose target the sanitiser removed (ftp:, javascript:, …) become plain text.
_DEAD_LINK = re.compile(r'<a(?: href="")? rel="nofollow noopener ugc"(?: title="[^"]*")?>(.*?)</a>',
                        re.DOTALL)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """Keep only harmless values of the attributes the allowlist lets through."""
    if name == "class":
        return value if _LANGUAGE_CLASS.fullmatch(value) else None
    if name == "align":
        return value if value in _ALIGN else None
    if tag == "img" and name == "src":
        # Only absolute web images; the page CSP then decides whether they load.
        return value if value.lower().startswith(("https://", "http://")) else None
    if name == "start":
        return value if value.isdigit() and len(value) < 10 else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto"},
    link_rel=LINK_REL,
    strip_comments=True,
    clean_content_tags={"script", "style"},
)


def _shift_heading(match: re.Match) -> str:
    return f"<{match.group(1)}h{min(int(match.group(2)) + 1, 6)}"


def _normalise(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def nesting_depth(html: str, stop_above: int = MAX_NESTING) -> int:
    """How deeply elements nest in well-formed HTML (one linear scan, stopping early)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match.group(2) in _VOID:
            continue
        depth += -1 if match.group(1) else 1
        if depth > deepest:
            deepest = depth
            if deepest > stop_above:
                break
    return deepest


def too_deeply_nested(source: str) -> bool:
    """True if the Markdown nests quotes/lists/emphasis deeper than MAX_NESTING (forms use it)."""
    return nesting_depth(_cmark(source)) > MAX_NESTING


def _cmark(source: str) -> str:
    with _CMARK_LOCK:
        return cmarkgfm.markdown_to_html_with_extensions(
            _normalise(source), options=_OPTIONS, extensions=_EXTENSIONS)


def render_markdown(source: str) -> str:
    """Render user Markdown to sanitised HTML (linear time; safe to output unescaped)."""
    html = _cmark(source)
    if nesting_depth(html) > MAX_NESTING:
        # The sanitiser's HTML tree builder is quadratic in nesting depth, and no real
        # post nests 30 levels: show such text as it was typed instead.
        from markupsafe import escape
        return f"<pre>{escape(_normalise(source))}</pre>"
    # cmark escapes all text and omits raw HTML, so "<hN" here is always a real tag.
    html = _HEADING.sub(_shift_heading, html)
    return _DEAD_LINK.sub(r"\1", _CLEANER.clean(html)).strip()


_MD_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def quote_markdown(source: str, author_name: str) -> str:
    """Return Markdown that quotes ``source``, attributed to ``author_name``.

    Output: ``**{author_name}** wrote:`` (whitespace in the name collapsed and
    every ASCII punctuation character backslash-escaped, so Markdown and
    entities in it are inert), then each line of ``source`` (surrounding
    blank lines dropped) prefixed ``"> "``, then a trailing blank line.
    """
    name = _MD_PUNCTUATION.sub(r"\\\1", " ".join(_normalise(author_name).split()))
    lines = _normalise(source).strip("\n").split("\n")
    return "**%s** wrote:\n%s\n\n" % (name, "\n".join("> " + line for line in lines))


class _TextExtractor(HTMLParser):
    _BREAKS = _TAGS - {"strong", "em", "del", "s", "a", "code", "img"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs=None):
        self.parts.append(" " if tag in self._BREAKS else "")

    handle_endtag = handle_starttag

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str, limit: int | None = None) -> str:
    """Turn rendered HTML into plain, *unescaped* text (emails, excerpts).

    Tags are removed (block elements become word breaks), entities decoded
    and whitespace collapsed.  If ``limit`` is given and exceeded, the text is
    cut at the last word boundary so the result including the trailing
    ``"…"`` is at most ``limit`` characters (one over-long word is cut).
    """
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    text = " ".join("".join(parser.parts).split())
    if limit is None or len(text) <= limit:
        return text
    if limit < 1:
        return ""
    cut = text[: limit - 1]
    if text[len(cut)] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"'`]{1,2000}")
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def linkify_plain_text(text: str) -> str:
    """Escape plain text and turn bare http(s) URLs into links (for short comments).

    One linear regular expression; trailing punctuation stays outside the link.
    """
    from markupsafe import escape

    parts, last = [], 0
    for match in _BARE_URL.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        parts.append(str(escape(text[last:match.start()])))
        parts.append(f'<a href="{escape(url)}" rel="{LINK_REL}">{escape(url)}</a>')
        last = match.start() + len(url)
    parts.append(str(escape((text or "")[last:])))
    return "".join(parts)
