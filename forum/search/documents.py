"""Search documents: what the index holds, as plain data.

Backends never see a model: they index `SearchDoc`s and return keys. Each domain builds
the documents for its own models in its `search.py` (registered with forum.search.registry),
indexing only live content (a removed post or resource is deleted from the index), and an
anonymous asker's identity never reaches a document: `author_id` is None and the byline is
the one everyone may see.
"""
from dataclasses import dataclass, field
from datetime import datetime

MAX_BODY_CHARS = 20_000  # what a snippet and the ranking need; the rest adds no recall
MAX_FILE_CHARS = 200_000


@dataclass(frozen=True)
class SearchDoc:
    """One searchable thing. `key` is "<model>:<id>" ("thread:4", "post:17", "resource:2")."""

    key: str
    kind: str  # a key of query.KINDS
    title: str
    body: str
    created_at: datetime
    author_name: str = ""
    author_id: int | None = None
    organisation_id: int | None = None
    category_id: int | None = None
    thread_id: int | None = None
    tags: tuple[str, ...] = ()
    accepted: bool = False  # a question with an accepted answer, or that answer
    file_text: str = ""
    file_label: str = ""  # which file (and version) the file text came from
    file_kinds: tuple[str, ...] = ()
    official: bool = False
    staff_only: bool = False  # indexed for moderators only (hidden content, later)


def key_of(obj) -> str:
    """The index key of a model object."""
    return f"{type(obj).__name__.lower()}:{obj.id}"


@dataclass
class Hit:
    """One result from a backend: the key, its score, and marked-up snippets.

    `title_marked` / `snippet_marked` are plain text with matches between MARK_START and
    MARK_END (see `backend.markup`), never HTML.
    """

    key: str
    score: float = 0.0
    title_marked: str = ""
    snippet_marked: str = ""
    snippet_from_file: bool = False


@dataclass
class HitPage:
    """A page of hits with an estimated total and facet counts over all matches."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    exact: bool = True
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
