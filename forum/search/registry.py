"""What can be searched: each domain registers its searchable models from its `search.py`,
as it registers its rules from `policy.py`, so this package imports no domain.

A `Searchable` says, for one model: its key prefix ("thread"), how to load a batch of rows
with what their documents need, how to turn a row into a `SearchDoc` (or None when it must
not be in the index), and how a result for it is shown. Facet labels (category names,
organisation names) are registered the same way.
"""
from dataclasses import dataclass
from typing import Callable, Iterable

from .documents import SearchDoc


@dataclass(frozen=True)
class ResultView:
    """How one hit is shown: where it links, what it is, where it lives, whose it is."""

    type_label: str
    url: str
    where: str
    byline_item: object  # passed to shown_author (templates' byline macro)
    byline_role: str = "author"
    date: object = None
    file_label: str = ""  # which file (and version) a match inside a file came from


@dataclass(frozen=True)
class Searchable:
    """One searchable model."""

    prefix: str
    model: type
    # load(ids, condition=None): rows by id (narrowed by an extra WHERE condition, such as
    # the policy's query twin), eager-loaded for documents and results: one query or two.
    load: Callable[..., list]
    document: Callable[[object], SearchDoc | None]
    result: Callable[[object], ResultView]
    all_ids: Callable[[], Iterable[int]]  # every row that may have a document (reindex)


SEARCHABLES: dict[str, Searchable] = {}
FACET_LABELS: dict[str, Callable[[list[str]], dict[str, str]]] = {}


def register(searchable: Searchable) -> Searchable:
    """Make a model searchable (called from a domain's search.py)."""
    SEARCHABLES[searchable.prefix] = searchable
    return searchable


def register_facet_labels(facet: str, labels: Callable[[list[str]], dict[str, str]]) -> None:
    """How to name the values of a facet (e.g. category ids -> category names)."""
    FACET_LABELS[facet] = labels


def split_key(key: str) -> tuple[Searchable, int] | None:
    """("thread:4") -> (the thread Searchable, 4), or None for an unknown or malformed key."""
    prefix, _, raw_id = key.partition(":")
    searchable = SEARCHABLES.get(prefix)
    if searchable is None or not raw_id.isdigit():
        return None
    return searchable, int(raw_id)


def group_keys(keys: Iterable[str]) -> dict[str, list[int]]:
    """Keys grouped by prefix: {"thread": [4, 9], "post": [17]} (unknown keys dropped)."""
    grouped: dict[str, list[int]] = {}
    for key in keys:
        found = split_key(key)
        if found is not None:
            grouped.setdefault(found[0].prefix, []).append(found[1])
    return grouped
