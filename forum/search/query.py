"""What a member typed, turned into a small safe structure every backend translates itself.

The text is never handed to an engine's own query parser: quotes, brackets, AND/OR/NOT,
`field:value`, wildcards and control characters are read here, so a hostile query can
only ever mean "these words". Limits keep every query cheap.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_TERM_CHARS = 40
MIN_PREFIX = 3  # "pol*" expands; "p*" would expand to half the vocabulary
OPERATORS = {"and", "or", "not", "&&", "||"}

KINDS = {
    "question": "Questions",
    "discussion": "Discussions",
    "answer": "Answers",
    "reply": "Replies",
    "resource": "Resources",
    "collection": "Collections",
    "meeting": "Meetings",
}
SORTS = {"relevance": "Most relevant", "newest": "Newest first"}

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class ParsedText:
    """The words of a query: plain terms, "quoted phrases", -excluded words, prefix* terms."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    truncated: bool = False  # the query was longer than we read

    @property
    def empty(self) -> bool:
        """Nothing to look for (exclusions alone find nothing)."""
        return not (self.terms or self.phrases or self.prefixes)

    @property
    def positive_words(self) -> tuple[str, ...]:
        """Every word that should appear, in order (for suggestions and highlighting)."""
        words = list(self.terms) + [w for phrase in self.phrases for w in phrase]
        return tuple(words) + self.prefixes


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    # Control and format characters (NUL, bidi overrides, zero-width) become spaces.
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def words_of(text: str) -> list[str]:
    """The words in `text`, lower case, each at most MAX_TERM_CHARS characters."""
    return [word.lower()[:MAX_TERM_CHARS] for word in _WORD.findall(text)]


def parse_text(raw: str) -> ParsedText:
    """Read a search box's text: "phrases", -exclusions, prefix*, everything else words."""
    text = _clean(raw)
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    terms, phrases, excluded, prefixes = [], [], [], []
    # Quoted phrases first; an unbalanced quote just ends the text.
    parts = re.split(r'["“”]', text)
    for index, part in enumerate(parts):
        if index % 2 == 1:
            phrase = tuple(words_of(part))
            if len(phrase) > 1:
                phrases.append(phrase)
            elif phrase:
                terms.append(phrase[0])
            continue
        for token in part.split():
            negative = token.startswith("-") and len(token) > 1
            prefix = token.endswith("*")
            token_words = words_of(token)
            if not token_words:
                continue
            if negative:
                excluded.extend(token_words)
            elif prefix and len(token_words[-1]) >= MIN_PREFIX:
                terms.extend(token_words[:-1])
                prefixes.append(token_words[-1])
            else:
                terms.extend(w for w in token_words if w not in OPERATORS)
    # Bounded: the first MAX_TERMS of each kind, no repeats.
    def first(items):
        seen = []
        for item in items:
            if item not in seen:
                seen.append(item)
        return tuple(seen[:MAX_TERMS])
    return ParsedText(first(terms), first(phrases), first(excluded), first(prefixes)[:3],
                      truncated)


@dataclass
class SearchQuery:
    """One search as the URL carries it: the text, the filters, the sort and the page."""

    text: str = ""
    kinds: tuple[str, ...] = ()
    category_id: int | None = None
    tag: str = ""
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    accepted_only: bool = False
    file_kind: str = ""
    official_only: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Keys left out whatever they match: documents with an index job still waiting, so a
    # just-removed post is not counted in totals or facets before its job has run.
    exclude_keys: tuple[str, ...] = ()
    # False: every term must match (the search box). True: any term may, best first
    # (similar questions while asking).
    match_any: bool = False
    parsed: ParsedText = field(default_factory=ParsedText)

    def __post_init__(self):
        if not self.parsed.positive_words and self.text:
            self.parsed = parse_text(self.text)
