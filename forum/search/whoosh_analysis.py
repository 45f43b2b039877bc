"""What the Whoosh index holds, and how its text is analysed (for whoosh_backend only).

title, body and file_text are separate TEXT fields (so a title match can be boosted),
analysed alike: words, lower case, accents folded (before stemming, so "équipes" and
"equipe" meet), English stop words dropped, Porter stems. `spelling` keeps the title and
body words as written (lower case only) for "did you mean": a stem such as "harass" is no
word to offer. Snippets (`marked`) are plain text with matches between MARK_START and
MARK_END.
"""
import re
from datetime import datetime, timezone
from functools import lru_cache

from whoosh.analysis import (CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter)
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from .backend import MARK_END, MARK_START
from .documents import SearchDoc

SCHEMA_VERSION = "2"  # bump when the schema changes: an older index then asks for a rebuild
SNIPPET_CHARS = 8000  # the highlighter reads no further, so no more is stored
ACCEPTED_BOOST = 1.3  # an accepted answer's words weigh this much more (a document boost)

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


_WORD = re.compile(r"\w+(?:\.?\w+)*")  # RegexTokenizer's default, as the index was made


def _distinct_words(text: str) -> str:
    """Each word of `text` once, lower case: what the `spelling` field needs (which words a
    document has, for their document counts) in about half the tokens, found by one C
    regex instead of Whoosh's token-by-token pipeline (a tenth of a rebuild's time)."""
    return " ".join(dict.fromkeys(_WORD.findall(text.lower())))


def document_fields(doc: SearchDoc) -> dict:
    """The fields Whoosh indexes for `doc`. Long texts are indexed whole but stored only
    as far as the highlighter reads (`_stored_<field>` is Whoosh's hook for that). An
    accepted answer gets a document boost (`_boost`): it multiplies its words' weights,
    so it ranks above the same text unaccepted while Whoosh can still skip blocks of
    low-scoring documents (a score hook run per match would stop that)."""
    title, body, file_text = _clean(doc.title), _clean(doc.body), _clean(doc.file_text)
    return dict(
        key=doc.key, kind=doc.kind,
        category_id=None if doc.category_id is None else str(doc.category_id),
        organisation_id=None if doc.organisation_id is None else str(doc.organisation_id),
        tags=",".join(doc.tags), file_kinds=",".join(doc.file_kinds),
        title=title, body=body, file_text=file_text,
        _stored_body=body[:SNIPPET_CHARS], _stored_file_text=file_text[:SNIPPET_CHARS],
        file_label=doc.file_label, spelling=_distinct_words(f"{title} {body}"),
        created_at=_utc(doc.created_at), accepted=bool(doc.accepted),
        official=bool(doc.official), staff_only=bool(doc.staff_only),
        _boost=ACCEPTED_BOOST if doc.accepted else 1.0)


FRAGMENT_CHARS, SURROUND = 200, 40


@lru_cache(maxsize=100_000)
def _term(word: str) -> str | None:
    """The index term of one word (None for a stop word): what the fields' analyzer makes."""
    found = tokens(TEXT_ANALYZER, word)
    return found[0] if found else None


def _mark(text: str, terms: frozenset, start: int, end: int) -> str:
    parts, position = [], start
    for match in _WORD.finditer(text, start, end):
        if _term(match.group()) in terms:
            parts += [text[position:match.start()], MARK_START, match.group(), MARK_END]
            position = match.end()
    parts.append(text[position:end])
    return "".join(parts)


def snippet(text: str, terms: frozenset) -> str:
    """About FRAGMENT_CHARS of `text` around its first word whose term is in `terms`,
    matches marked; "" when none is in the first SNIPPET_CHARS.

    Our own, not Whoosh's Highlighter: that re-analyses the whole stored text for every
    hit and scores every fragment, over a millisecond a hit (40% of a search). This reads
    only as far as the first match, with each word's term memoised."""
    first = next((match for match in _WORD.finditer(text, 0, SNIPPET_CHARS)
                  if _term(match.group()) in terms), None)
    if first is None:
        return ""
    start = max(0, first.start() - SURROUND)
    if start:  # begin at a word
        start = text.find(" ", start, first.start()) + 1 or first.start()
    end = min(len(text), start + FRAGMENT_CHARS)
    if end < len(text):  # end at a word
        end = text.rfind(" ", first.end(), end) if " " in text[first.end():end] else end
    return (" … " if start else "") + _mark(text, terms, start, end).strip() + \
        (" … " if end < len(text) else "")


def marked(stored: dict, terms: frozenset) -> tuple[str, str, bool]:
    """(title, snippet, snippet_from_file) of a hit's stored fields, words whose term is in
    `terms` marked: the snippet from the body, else from the file text, else the body's
    opening words."""
    title, body = stored.get("title", ""), stored.get("body", "")
    file_text = stored.get("file_text", "")
    text = snippet(body, terms) if body else ""
    from_file = not text and bool(file_text)
    if from_file:
        text = snippet(file_text, terms)
        from_file = bool(text)
    if not text:  # a title-only match
        text = body if len(body) <= FRAGMENT_CHARS else \
            body[:FRAGMENT_CHARS].rsplit(" ", 1)[0] + " …"
    return _mark(title, terms, 0, len(title)), text.strip(), from_file
