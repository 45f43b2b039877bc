"""Searching for a member: the index answers, the policy decides what is shown.

Permissions are applied twice. What a reader may not see is never in the index for them
(only live content is indexed; staff-only documents are filtered by the backend), and
every hit is then loaded through the policy's query twin (`listed`) and re-checked with
`can(viewer, VIEW, obj)` before it is shown; documents whose index job is still waiting
are left out of totals and facets too. A fixed number of queries per page: the waiting
jobs, one per kind of result, plus one per facet that needs labels.
"""
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from ..extensions import db
from ..files.filetypes import TYPES
from ..jobs.models import Job
from ..permissions import Action, can, is_staff, listed
from .backend import SearchUnavailable, markup
from .documents import HitPage
from .indexing import get_index, queue_rebuild
from .query import KINDS, SearchQuery
from .registry import FACET_LABELS, SEARCHABLES, ResultView, group_keys, split_key


@dataclass
class Result:
    """One shown result: its object, how to show it, and its highlighted text."""

    obj: object
    view: ResultView
    title: object  # Markup
    snippet: object  # Markup
    file_label: str = ""


@dataclass
class SearchResults:
    """A page of results with what the page needs around them."""

    query: SearchQuery
    results: list[Result] = field(default_factory=list)
    total: int = 0
    exact: bool = True
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    suggestion: str = ""  # a corrected query text, for "did you mean"
    unavailable: bool = False
    pages: int = 1

    @property
    def about(self) -> str:
        """ "12 results" or "about 1,200 results"."""
        noun = "result" if self.total == 1 else "results"
        return f"{self.total:,} {noun}" if self.exact else f"about {self.total:,} {noun}"


def _load_visible(viewer, keys: list[str]) -> dict[str, object]:
    """The objects behind `keys` that `viewer` may see (one query per kind, through the
    query twin, then `can` for each)."""
    objects = {}
    for prefix, ids in group_keys(keys).items():
        searchable = SEARCHABLES[prefix]
        for row in searchable.load(ids, listed(viewer, searchable.model)):
            if can(viewer, Action.VIEW, row):
                objects[f"{prefix}:{row.id}"] = row
    return objects


def _facets(page: HitPage) -> dict[str, list[tuple[str, str, int]]]:
    """Facet values with labels, most frequent first: {"kind": [("question", "Questions", 4)]}."""
    shown = {}
    for name, counts in page.facets.items():
        if not counts:
            continue
        labeller = FACET_LABELS.get(name)
        if name == "kind":
            labels = dict(KINDS)
        elif name == "file_kind":
            labels = {key: TYPES[key].label for key in counts if key in TYPES}
        else:
            labels = labeller(list(counts)) if labeller else {}
        values = [(value, labels.get(value, value), count) for value, count in counts.items()
                  if name not in FACET_LABELS or value in labels]
        shown[name] = sorted(values, key=lambda item: (-item[2], item[1].lower()))
    return shown


def _suggestion(viewer, query: SearchQuery, staff: bool) -> str:
    """The query text with misspelled words replaced, or "" when nothing needs correcting.
    Offered only when searching for it finds something `viewer` may see: an engine's word
    lists may still hold words of removed content (until a merge, or while its index job
    waits), and a word is no less telling in a suggestion than in a result."""
    words = query.parsed.terms + tuple(w for phrase in query.parsed.phrases for w in phrase)
    corrections = get_index().suggest(words) if words else {}
    if not corrections:
        return ""
    corrected = []
    for token in query.text.split():
        lowered = token.lower().strip('"')
        corrected.append(token.replace(token.strip('"'), corrections[lowered])
                         if lowered in corrections else token)
    suggestion = " ".join(corrected)
    check = SearchQuery(text=suggestion, per_page=query.per_page,
                        exclude_keys=query.exclude_keys)
    try:
        hits = get_index().search(check, staff=staff).hits
    except SearchUnavailable:
        return ""
    return suggestion if _load_visible(viewer, [hit.key for hit in hits]) else ""


def _waiting_keys() -> tuple[str, ...]:
    """Keys whose index job has not run yet (or failed): the index may still hold what the
    database no longer shows, so they are left out of results, totals and facets until it
    has run (in the embedded default, a moment after the change)."""
    rows = db.session.scalars(select(Job.payload).where(Job.kind == "search.index"))
    return tuple(sorted({key for payload in rows for key in payload.get("keys", ())}))


def search(viewer, query: SearchQuery) -> SearchResults:
    """One page of results for `viewer`: hits the policy allows, facets and suggestions."""
    results = SearchResults(query=query)
    if query.parsed.empty:
        return results
    query, staff = replace(query, exclude_keys=_waiting_keys()), is_staff(viewer)
    try:
        page = get_index().search(query, staff=staff)
    except SearchUnavailable:
        results.unavailable = True
        if not get_index().health().ok:  # broken, not merely slow: rebuild it
            queue_rebuild()  # the worker (or the web process, embedded) does it
        return results
    objects = _load_visible(viewer, [hit.key for hit in page.hits])
    for hit in page.hits:
        obj = objects.get(hit.key)
        if obj is None:
            continue  # stale in the index, or not for this reader: never shown
        searchable, _ = split_key(hit.key)
        view = searchable.result(obj)
        results.results.append(Result(
            obj=obj, view=view, title=markup(hit.title_marked) if hit.title_marked
            else markup(getattr(obj, "title", "")), snippet=markup(hit.snippet_marked),
            file_label=view.file_label if hit.snippet_from_file else ""))
    dropped = len(page.hits) - len(results.results)
    results.total = max(page.total - dropped, len(results.results))
    results.exact = page.exact and dropped == 0
    results.pages = max(1, -(-results.total // query.per_page))
    results.facets = _facets(page)
    if results.total < 3:
        results.suggestion = _suggestion(viewer, query, staff)
    return results


def similar_keys(title: str, kinds: tuple[str, ...], limit: int) -> list[str] | None:
    """Keys of the best matches for `title` among `kinds`, or None when the index cannot
    answer (callers then fall back to their own simpler match). The caller re-checks the
    policy when it loads the objects."""
    query = SearchQuery(text=title, kinds=kinds, per_page=limit, match_any=True)
    if query.parsed.empty:
        return []
    try:
        return [hit.key for hit in get_index().search(query, staff=False).hits]
    except SearchUnavailable:
        return None
