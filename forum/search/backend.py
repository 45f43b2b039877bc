"""The search backend interface, and what every backend shares.

A backend stores `SearchDoc`s and answers a `SearchQuery` (already parsed: it never sees
raw query syntax) with a `HitPage` of keys and marked-up snippets. The search service
(services.py) turns keys back into objects and re-checks the policy for each hit.

Snippets and titles come back as plain text with matches between MARK_START and MARK_END;
`markup` escapes everything and turns those into <mark> elements, so no backend's
highlighter ever produces HTML that reaches a page.
"""
from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

from markupsafe import Markup, escape

from .documents import HitPage, SearchDoc
from .query import SearchQuery

MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in real text
FACETS = ("kind", "category_id", "tag", "organisation_id", "file_kind")


class SearchUnavailable(Exception):
    """The index is missing, corrupt or being rebuilt: the search page says so, the rest of
    the forum carries on, and the worker rebuilds it."""


@dataclass
class Health:
    """Whether the index answers, how many documents it holds, and why not if not."""

    ok: bool
    documents: int = 0
    detail: str = ""


class SearchBackend(Protocol):
    """What the search service needs from an index (Whoosh, tantivy, PostgreSQL)."""

    name: str

    def index(self, docs: Iterable[SearchDoc]) -> None:
        """Add or replace these documents (by key)."""

    def delete(self, keys: Iterable[str]) -> None:
        """Remove documents by key (missing keys are ignored)."""

    def search(self, query: SearchQuery, *, staff: bool) -> HitPage:
        """One page of hits for `query` with facet counts; `staff` includes staff-only docs.
        Raises SearchUnavailable when the index cannot answer."""

    def suggest(self, words: Iterable[str]) -> dict[str, str]:
        """For each word the index does not know, the closest word it does know."""

    def rebuild(self, docs: Iterable[SearchDoc],
                progress: Callable[[int], None] | None = None) -> int:
        """Build a complete new index from `docs` and swap it in atomically; returns the count.
        Searches keep answering from the old index until the swap."""

    def health(self) -> Health:
        """Can the index answer, and how many documents does it hold?"""

    def clear(self) -> None:
        """Remove every document (tests, and before a rebuild into the same place)."""


def markup(marked: str) -> Markup:
    """Escape `marked` text and turn MARK_START/MARK_END pairs into <mark> elements."""
    html = str(escape(marked))
    html = html.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # A cut-off snippet may leave a mark open: close it so the page stays well formed.
    if html.count("<mark>") > html.count("</mark>"):
        html += "</mark>"
    return Markup(html)


def mark_words(text: str, words: Iterable[str], stem: Callable[[str], str]) -> str:
    """Wrap every word of `text` whose stem is one of `words`' stems (fallback highlighter
    for backends whose engine gives no snippet, such as prefix queries in tantivy)."""
    import re
    wanted = {stem(word.lower()) for word in words}
    prefixes = tuple(word.lower() for word in words)

    def replace(match):
        word = match.group(0)
        lowered = word.lower()
        if stem(lowered) in wanted or lowered.startswith(prefixes):
            return f"{MARK_START}{word}{MARK_END}"
        return word

    return re.sub(r"[^\W_]+", replace, text)
