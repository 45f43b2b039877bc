"""What the Whoosh index holds, and how its text is analysed (for whoosh_backend only).

title, body and file_text are separate TEXT fields (so a title match can be boosted),
analysed alike: words, lower case, accents folded (before stemming, so "équipes" and
"equipe" meet), English stop words dropped, Porter stems. `spelling` keeps the title and
body words as written (lower case only) for "did you mean": a stem such as "harass" is no
word to offer. Snippets are plain text with matches between MARK_START and MARK_END.
"""
from datetime import datetime, timezone

from whoosh import highlight
from whoosh.analysis import (CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter)
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from .backend import MARK_END, MARK_START
from .documents import SearchDoc

SCHEMA_VERSION = "1"  # bump when the schema changes: an older index then asks for a rebuild
SNIPPET_CHARS = 8000  # the highlighter reads no further, so no more is stored

_fold = CharsetFilter(accent_map)
TEXT_ANALYZER = RegexTokenizer() | LowercaseFilter() | _fold | StopFilter() | StemFilter()
FOLD_ANALYZER = RegexTokenizer() | LowercaseFilter() | _fold  # prefixes: folded, no stems
SPELL_ANALYZER = RegexTokenizer() | LowercaseFilter()  # words as written

SCHEMA = Schema(
    key=ID(unique=True, stored=True),
    kind=ID(), category_id=ID(), organisation_id=ID(),
    tags=KEYWORD(commas=True), file_kinds=KEYWORD(commas=True),  # tag names contain spaces
    title=TEXT(analyzer=TEXT_ANALYZER, stored=True),
    body=TEXT(analyzer=TEXT_ANALYZER, stored=True),
    file_text=TEXT(analyzer=TEXT_ANALYZER, stored=True),
    file_label=STORED(),
    # scorable for its length column alone: without one, Whoosh's writer stats a missing
    # file for every posting of the field (a third slower indexing)
    spelling=KEYWORD(analyzer=SPELL_ANALYZER, scorable=True),
    created_at=DATETIME(sortable=True),
    accepted=BOOLEAN(), official=BOOLEAN(), staff_only=BOOLEAN(),
)


def tokens(analyzer, text: str) -> list[str]:
    """The terms `analyzer` makes of `text`."""
    return [token.text for token in analyzer(text)]


def fold(word: str) -> str:
    """`word` without its accents."""
    return word.translate(accent_map)


def _clean(text: str) -> str:
    # The marker characters mean "highlight" in a snippet: they must not come from a post.
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


def _utc(value: datetime) -> datetime:
    # Whoosh stores naive datetimes: store UTC.
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def document_fields(doc: SearchDoc) -> dict:
    """The fields Whoosh indexes for `doc`. Long texts are indexed whole but stored only
    as far as the highlighter reads (`_stored_<field>` is Whoosh's hook for that)."""
    title, body, file_text = _clean(doc.title), _clean(doc.body), _clean(doc.file_text)
    return dict(
        key=doc.key, kind=doc.kind,
        category_id=None if doc.category_id is None else str(doc.category_id),
        organisation_id=None if doc.organisation_id is None else str(doc.organisation_id),
        tags=",".join(doc.tags), file_kinds=",".join(doc.file_kinds),
        title=title, body=body, file_text=file_text,
        _stored_body=body[:SNIPPET_CHARS], _stored_file_text=file_text[:SNIPPET_CHARS],
        file_label=doc.file_label, spelling=f"{title} {body}",
        created_at=_utc(doc.created_at), accepted=bool(doc.accepted),
        official=bool(doc.official), staff_only=bool(doc.staff_only))


class _Marks(highlight.Formatter):
    """Plain text with matches between MARK_START and MARK_END (backend.markup escapes)."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return f"{MARK_START}{highlight.get_text(text, token, replace)}{MARK_END}"


_SNIPPETS = highlight.Highlighter(
    fragmenter=highlight.ContextFragmenter(200, 40, charlimit=SNIPPET_CHARS),
    formatter=_Marks())
_TITLES = highlight.Highlighter(fragmenter=highlight.WholeFragmenter(), formatter=_Marks())


def marked(hit) -> tuple[str, str, bool]:
    """(title, snippet, snippet_from_file) of a search hit, matches marked: the snippet
    from the body, else from the file text, else the body's opening words."""
    stored = hit.fields()
    title, body = stored.get("title", ""), stored.get("body", "")
    file_text = stored.get("file_text", "")
    snippet = _SNIPPETS.highlight_hit(hit, "body", text=body, top=1) if body else ""
    from_file = not snippet and bool(file_text)
    if from_file:
        snippet = _SNIPPETS.highlight_hit(hit, "file_text", text=file_text, top=1)
        from_file = bool(snippet)
    if not snippet:  # a title-only match
        snippet = body if len(body) <= 200 else body[:200].rsplit(" ", 1)[0] + " …"
    title_marked = _TITLES.highlight_hit(hit, "title", text=title, top=1) if title else ""
    return title_marked or title, snippet, from_file
