"""Markdown rendering for user content: the single place Markdown becomes HTML.

Pipeline (render on write; both source and HTML are stored):

1. cmark-gfm (``cmarkgfm``, GitHub's C implementation of CommonMark + GFM tables,
   strikethrough and autolinks) turns Markdown into HTML. It is designed to run in linear
   time on pathological input. Before rendering, every raw HTML node of the parsed tree is
   turned into text (``_raw_html_as_text``), so ``<details>`` or ``<div>x</div>`` is shown as
   typed, escaped, never silently dropped; the safe mode (no ``CMARK_OPT_UNSAFE``) still
   drops ``javascript:``/``vbscript:``/``file:``/``data:`` link targets.
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

__all__ = ["MAX_SOURCE_LENGTH", "LINK_REL", "render_markdown", "sanitise_html", "has_visible_content", "quote_markdown", "plain_text",
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


def _c_library():
    """The node API of the cmark-gfm library cmarkgfm loaded (its cffi module declares only
    parse and render, but the shared object exports the whole C API)."""
    import ctypes
    library = ctypes.CDLL(_cmark_module.__file__)
    node = ctypes.c_void_p
    for name, result, arguments in (
            ("cmark_node_first_child", node, [node]),
            ("cmark_node_next", node, [node]),
            ("cmark_node_get_type_string", ctypes.c_char_p, [node]),
            ("cmark_node_get_literal", ctypes.c_char_p, [node]),
            ("cmark_node_set_literal", ctypes.c_int, [node, ctypes.c_char_p]),
            ("cmark_node_new", node, [ctypes.c_int]),
            ("cmark_node_append_child", ctypes.c_int, [node, node]),
            ("cmark_node_replace", ctypes.c_int, [node, node]),
            ("cmark_node_free", None, [node])):
        function = getattr(library, name)
        function.restype, function.argtypes = result, arguments
    return library


from cmarkgfm import _cmark as _cmark_module  # noqa: E402

_C = _c_library()
_LIBC_FREE = __import__("ctypes").CDLL(None).free
_LIBC_FREE.argtypes, _LIBC_FREE.restype = [__import__("ctypes").c_void_p], None
_FFI, _LIB = _cmark_module.ffi, _cmark_module.lib
# cmark_node_type values (cmark-gfm's node.h: blocks 0x8000 | n, inlines 0xc000 | n).
_PARAGRAPH, _TEXT = 0x8000 | 8, 0xC000 | 1


def _raw_html_as_text(root) -> None:
    """Turn every raw HTML node into text, so what a member typed is shown, escaped, rather
    than omitted: an HTML block becomes a paragraph of its text, inline HTML a text node.
    (cmark's safe mode would replace both with an invisible comment; its unsafe mode would
    pass them through. Code spans and code blocks are other node types: untouched.)"""
    found, stack = [], [_C.cmark_node_first_child(root)]
    while stack:
        node = stack.pop()
        if not node:
            continue
        stack.append(_C.cmark_node_next(node))
        kind = _C.cmark_node_get_type_string(node)
        if kind in (b"html_block", b"html_inline"):
            found.append((node, kind))
        else:
            stack.append(_C.cmark_node_first_child(node))
    for node, kind in found:
        literal = _C.cmark_node_get_literal(node) or b""
        text = _C.cmark_node_new(_TEXT)
        if kind == b"html_block":
            _C.cmark_node_set_literal(text, literal.rstrip(b"\n"))
            replacement = _C.cmark_node_new(_PARAGRAPH)
            _C.cmark_node_append_child(replacement, text)
        else:
            _C.cmark_node_set_literal(text, literal)
            replacement = text
        if not _C.cmark_node_replace(node, replacement):
            raise RuntimeError("cmark could not replace a raw HTML node")
        _C.cmark_node_free(node)


def _cmark(source: str) -> str:
    encoded = _normalise(source).encode("utf-8")
    with _CMARK_LOCK:
        _LIB.cmark_gfm_core_extensions_ensure_registered()
        parser = _LIB.cmark_parser_new(_OPTIONS)
        try:
            for name in _EXTENSIONS:
                extension = _LIB.cmark_find_syntax_extension(name.encode())
                if extension == _FFI.NULL:
                    raise ValueError(f"cmark-gfm has no {name} extension")
                _LIB.cmark_parser_attach_syntax_extension(parser, extension)
            _LIB.cmark_parser_feed(parser, encoded, len(encoded))
            root = _LIB.cmark_parser_finish(parser)
            _raw_html_as_text(int(_FFI.cast("uintptr_t", root)))
            rendered = _LIB.cmark_render_html(root, _OPTIONS,
                                              _LIB.cmark_parser_get_syntax_extensions(parser))
            try:
                return _FFI.string(rendered).decode("utf-8")
            finally:  # both were allocated with cmark's default (libc) allocator
                _LIBC_FREE(int(_FFI.cast("uintptr_t", rendered)))
                _C.cmark_node_free(int(_FFI.cast("uintptr_t", root)))
        finally:
            _LIB.cmark_parser_free(parser)


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
    return _scrollable_tables(sanitise_html(html))


# A table wider than a phone scrolls inside its own region, not the page; a region that
# scrolls must be reachable by keyboard (WCAG 2.1.1), hence the tabindex and the name.
_TABLE_REGION = '<div class="table-scroll" tabindex="0" role="region" aria-label="Table">'


def _scrollable_tables(html: str) -> str:
    """Wrap each table of sanitised `html` in its scrolling region (added after the
    sanitiser, which allows no such attributes in what members write)."""
    if "<table>" not in html or html.count("<table>") != html.count("</table>"):
        return html
    return html.replace("<table>", _TABLE_REGION + "<table>").replace("</table>",
                                                                       "</table></div>")


def sanitise_html(html: str) -> str:
    """The second defence: keep only the allowlisted tags, attributes and URL schemes of
    `html`, whatever produced it (tests feed it hostile HTML directly)."""
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


def has_visible_content(source: str) -> bool:
    """Whether Markdown `source` renders to something a reader sees: text or an image
    (forms refuse a post that would show as empty, e.g. only link definitions or a rule)."""
    html = render_markdown(source)
    return bool(plain_text(html)) or "<img " in html
