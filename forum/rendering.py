"""Markdown rendering for user content: the single place Markdown becomes HTML.

User-written Markdown (posts, replies, profile text) is rendered with
markdown-it-py (CommonMark plus GFM tables and strikethrough, raw HTML
disabled so any HTML in the source is shown as text) and the result is then
sanitised with a bleach ``Cleaner`` built once at import.  The cleaner keeps
only an allowlist of tags/attributes, only http/https/mailto (or relative)
URLs, linkifies bare ``http(s)://`` URLs and forces
``rel="nofollow noopener ugc"`` on every link.

Headings are shifted down one level (``#`` renders as ``<h2>``) because user
content always sits below the page's own ``<h1>``.  Nesting depth is bounded
by markdown-it's ``maxNesting`` so hostile input cannot blow up rendering time.

The output of :func:`render_markdown` is safe to mark as ``Markup`` in
templates.  :func:`plain_text` returns *unescaped* text: escape it again
(Jinja autoescaping does) before putting it in HTML.
"""

from __future__ import annotations

import re
from functools import partial
from html.parser import HTMLParser

from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML

__all__ = ["MAX_SOURCE_LENGTH", "render_markdown", "quote_markdown", "plain_text"]

#: Longest Markdown body forms should accept; rendering itself does not check.
MAX_SOURCE_LENGTH = 50_000

LINK_REL = "nofollow noopener ugc"
_MAX_NESTING = 20  # markdown-it's commonmark default; bounds block/inline depth
# Link-label scanning steps allowed per document; past it "[" is literal text.
_LINK_SCAN_BUDGET = 5_000
_BUDGET_KEY = "forum_link_scan_steps"
# Text "&" and "<" travel through bleach as private-use placeholders (see
# _Renderer); html5lib handles each entity separately, which made 50,000 "<"
# or "&" take over a second.  They are restored as "&amp;" / "&lt;" afterwards.
_AMP, _LT = "\ue000", "\ue001"
_RESTORE = {ord(_AMP): "&amp;", ord(_LT): "&lt;"}
_EMPHASIS = {"em_open", "strong_open", "s_open", "em_close", "strong_close", "s_close"}

_ALLOWED_TAGS = frozenset(
    "p br hr h1 h2 h3 h4 h5 h6 strong em del s a ul ol li blockquote "
    "code pre table thead tbody tr th td img".split()
)
_ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+-]+")
_TEXT_ALIGN = re.compile(r"\s*text-align\s*:\s*(left|right|center)\s*;?\s*", re.I)


def _cell_attr(tag: str, name: str, value: str) -> bool:
    return name == "align" and value in ("left", "right", "center")


def _code_attr(tag: str, name: str, value: str) -> bool:
    return name == "class" and _LANGUAGE_CLASS.fullmatch(value) is not None


def _img_attr(tag: str, name: str, value: str) -> bool:
    if name == "src":  # absolute http(s) only; bleach re-checks the scheme after us
        return value.strip().lower().startswith(("http://", "https://"))
    return name in ("alt", "title")


_ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": _img_attr,
    "th": _cell_attr,
    "td": _cell_attr,
    "ol": ["start"],
    "code": _code_attr,
}


def _set_rel(attrs: dict, new: bool = False) -> dict | None:
    """Linkify callback: force our rel on every link; only linkify explicit http(s) URLs."""
    if new and not attrs.get("_text", "").lower().startswith(("http://", "https://")):
        return None  # bare "setup.py" / "example.com" stays plain text
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    protocols=_ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        partial(
            LinkifyFilter,
            callbacks=[_set_rel],
            skip_tags=["pre", "code"],
            parse_email=False,
        )
    ],
)


def _escape_text(text: str) -> str:
    return text.replace("&", _AMP).replace("<", _LT)


class _Renderer(RendererHTML):
    """Emit text content with placeholders for "&"/"<" and raw ">"/'"'."""

    def text(self, tokens, idx, options, env):
        return _escape_text(tokens[idx].content)

    def code_inline(self, tokens, idx, options, env):
        return "<code>" + _escape_text(tokens[idx].content) + "</code>"

    def code_block(self, tokens, idx, options, env):
        return "<pre><code>" + _escape_text(tokens[idx].content) + "</code></pre>\n"


def _flatten_deep_emphasis(children) -> None:
    # Emphasis tokens are made after inline nesting is checked, so
    # "*" * 25000 + "x" + "*" * 25000 nests 12,500 deep (html5lib is
    # quadratic on that).  Past _MAX_NESTING, turn the markers back into text.
    depth, kept = 0, []
    for tok in children:
        if tok.nesting == 1:
            keep = depth < _MAX_NESTING or tok.type not in _EMPHASIS
            kept.append(keep)
            depth += keep
        elif tok.nesting == -1:
            keep = kept.pop() if kept else True
            depth -= keep
        else:
            continue
        if not keep:
            tok.type, tok.tag, tok.nesting, tok.content = "text", "", 0, tok.markup


def _adjust_tokens(state) -> None:
    """Core rule: shift headings down, table-cell style -> align, cap emphasis."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h%d" % min(int(token.tag[1]) + 1, 6)
        elif token.type in ("th_open", "td_open") and "style" in token.attrs:
            match = _TEXT_ALIGN.fullmatch(str(token.attrs.pop("style")))
            if match:
                token.attrSet("align", match.group(1).lower())
        elif token.type == "inline" and token.children:
            _flatten_deep_emphasis(token.children)


_md = MarkdownIt(
    "commonmark",
    {
        "html": False,
        "linkify": False,
        "typographer": False,
        "maxNesting": _MAX_NESTING,
        "highlight": lambda code, lang, attrs: _escape_text(code),  # fenced code body
    },
    renderer_cls=_Renderer,
).enable(["table", "strikethrough"])
_md.core.ruler.push("forum_adjust_tokens", _adjust_tokens)
_skip_token = _md.inline.skipToken


def _bounded_skip_token(state) -> None:
    # skipToken is markdown-it's unit of link-label scanning; "[" * 10_000 or
    # "![" * 10_000 cost ~15 us per bracket on top of recursion.  After the
    # budget, behave like markdown-it past maxNesting: skip to end of paragraph.
    steps = state.env.get(_BUDGET_KEY, 0) + 1
    state.env[_BUDGET_KEY] = steps
    if steps > _LINK_SCAN_BUDGET:
        state.pos = state.posMax
    else:
        _skip_token(state)


_md.inline.skipToken = _bounded_skip_token  # this instance only


def _normalise(source: str) -> str:
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    return source.replace("\x00", "").replace(_AMP, "").replace(_LT, "")


def render_markdown(source: str) -> str:
    """Render user Markdown to a sanitised HTML string.

    Raw HTML in ``source`` is escaped (shown as text), headings are shifted
    down one level, bare http(s) URLs become links, every link carries
    ``rel="nofollow noopener ugc"`` and everything passes through the bleach
    allowlist.  Length is not validated here (forms enforce
    ``MAX_SOURCE_LENGTH``), but any input renders safely.
    """
    source = _normalise(source or "")
    if not source.strip():
        return ""
    html = _cleaner.clean(_md.render(source, {}))
    return html.translate(_RESTORE).strip()


_MD_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def quote_markdown(source: str, author_name: str) -> str:
    """Return Markdown quoting ``source``, attributed to ``author_name``.

    The result is a line ``**{author_name}** wrote:`` (the name has every
    ASCII punctuation character backslash-escaped and whitespace collapsed,
    so Markdown or entities in it are inert), then every line of ``source``
    prefixed with ``"> "``, then a trailing blank line so a reply typed
    after it starts a new paragraph.
    """
    name = _MD_PUNCTUATION.sub(r"\\\1", " ".join(_normalise(author_name).split()))
    lines = _normalise(source).strip("\n").split("\n")
    quoted = "\n".join("> " + line for line in lines)
    return f"**{name}** wrote:\n{quoted}\n\n"


_BLOCK_TAGS = frozenset(
    "p br hr h1 h2 h3 h4 h5 h6 ul ol li blockquote pre table thead tbody tr th td "
    "div section article header footer".split()
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(self._skip - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def plain_text(html: str, limit: int | None = None) -> str:
    """Strip tags from rendered HTML, returning plain (unescaped) text.

    Entities are decoded, block elements become word breaks and runs of
    whitespace collapse to single spaces.  If ``limit`` is given and the text
    is longer, it is cut at the last word boundary so that the result,
    including the trailing ``"…"``, is at most ``limit`` characters (a single
    over-long word is cut mid-word).  Escape the result before use in HTML.
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
