"""The Whoosh search backend: an embedded index folder, written by the worker alone.

Layout. `path/CURRENT` names the live generation ("gen-3 1": folder, schema version) and
each `path/gen-<n>` is a complete Whoosh index. `rebuild` fills a new folder while searches
keep answering from the old one, replaces CURRENT atomically (`os.replace`) and removes the
old folders; a process with the old folder open keeps its (unlinked) files until it sees
the new pointer on its next search. Writers wait for Whoosh's lock (`writer(timeout=)`,
retried) and rebuild holds the old index's lock, so no write lands in a folder being
retired.

One index and one searcher per backend object, reopened only when CURRENT or the index
generation changed. A lock serialises searches in a process: reopening closes the searcher
another thread may be using, and under the GIL two pure-Python searches gain nothing from
running together.

Queries come from `SearchQuery.parsed`, never raw text: each word is analysed like the
fields (whoosh_analysis) and becomes Term/Phrase clauses over title (boosted), body and
file text; a prefix stands for at most MAX_EXPANSIONS known words. The matches (with
the filters, without staff-only documents unless the reader is staff) are worked out as
bitsets (whoosh_docsets), which gives the exact total and the facet counts in C; the
matches are then scored in bulk, exactly as Whoosh's BM25F scores them, from postings read
a block at a time and kept per word (whoosh_ranking, whoosh_postings). An accepted answer
carries a document boost (whoosh_analysis).
"""
import logging
import os
import shutil
import threading
from datetime import datetime, time
from itertools import islice
from typing import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import index, scoring
from whoosh import query as wq

from .backend import FACETS, Health, SearchUnavailable
from .documents import Hit, HitPage, SearchDoc
from .query import MIN_PREFIX, ParsedText, SearchQuery
from .whoosh_analysis import (FOLD_ANALYZER, SCHEMA, SCHEMA_VERSION, SPELL_ANALYZER,
                              TEXT_ANALYZER, document_fields, fold, marked, tokens)
from . import whoosh_ranking as ranking
from .whoosh_docsets import DocSets, positions

log = logging.getLogger(__name__)
TEXT_FIELDS = {"title": 3.0, "body": 1.0, "file_text": 0.6}  # field -> boost
MAX_EXPANSIONS = 8  # words a prefix may stand for
PREFIX_SCAN = 300  # known words looked at to choose them (bounds a short prefix's cost)
WRITE_TIMEOUT, WRITE_ATTEMPTS = 5.0, 6  # a second writer waits up to ~30 s, then fails
PROGRESS_EVERY = 500
MAX_PER_PAGE = 100
MISSING = (FileNotFoundError, index.EmptyIndexError)  # no index (or its folder just retired)
FACET_FIELDS = {"kind": "kind", "category_id": "category_id", "tag": "tags",
                "organisation_id": "organisation_id", "file_kind": "file_kinds"}


class _PreloadedOr(wq.Or):
    """An Or that loads its matches into an array first: twice as fast as Whoosh's tree of
    unions for a prefix's many terms, all of whose matches are scored anyway."""

    matcher_type = wq.Or.ARRAY_MATCHER


class WhooshBackend:
    """A Whoosh index in the folder `path` (see the module docstring for the layout)."""

    name = "whoosh"

    def __init__(self, path: str, rebuild_processes: int = 1):
        self.path = os.path.abspath(path)
        # Whoosh's MpWriter: more than one process analyses documents during a rebuild
        # (each writes its own segment: searches then read a few segments).
        self.rebuild_processes = max(1, rebuild_processes)
        self._pointer_path = os.path.join(self.path, "CURRENT")
        self._lock = threading.RLock()  # guards the index, searcher and caches below
        self._write_lock = threading.Lock()  # one writer per process (Whoosh's lock: across)
        self._ix = self._searcher = self._pointer = None  # pointer: CURRENT's (inode, mtime)
        self._docsets = DocSets()
        self._spelling_cache = {}  # segment id -> its words as written

    # -- the pointer and its generations -------------------------------------------------

    def _open(self):
        """(index, pointer) for CURRENT, reopened when CURRENT changed. MISSING errors
        when there is no index, SearchUnavailable when it is from another schema."""
        stat = os.stat(self._pointer_path)
        pointer = (stat.st_ino, stat.st_mtime_ns)
        if self._ix is None or pointer != self._pointer:
            with open(self._pointer_path, encoding="utf-8") as f:
                generation, _, version = f.read().strip().partition(" ")
            if version != SCHEMA_VERSION or not generation.startswith("gen-"):
                raise SearchUnavailable(f"index {generation!r} has schema {version!r}: rebuild")
            ix = index.open_dir(os.path.join(self.path, generation), schema=SCHEMA)
            if self._searcher is not None:
                self._searcher.close()
            self._ix, self._searcher, self._pointer = ix, None, pointer
        return self._ix, self._pointer

    def _new_generation(self) -> str:
        os.makedirs(self.path, exist_ok=True)
        n = max((int(name[4:]) for name in os.listdir(self.path)
                 if name.startswith("gen-") and name[4:].isdigit()), default=0) + 1
        while True:  # mkdir is atomic: two rebuilds never share a folder
            try:
                os.mkdir(os.path.join(self.path, f"gen-{n}"))
                return f"gen-{n}"
            except FileExistsError:
                n += 1

    def _switch_to(self, generation: str, *, first: bool = False) -> None:
        """Point CURRENT at `generation` and remove the others; `first`: only if there is
        no CURRENT yet (os.link fails if it exists), and remove nothing."""
        temp = f"{self._pointer_path}.{os.getpid()}.{threading.get_ident()}"
        with open(temp, "w", encoding="utf-8") as f:
            f.write(f"{generation} {SCHEMA_VERSION}\n")
            f.flush()
            os.fsync(f.fileno())
        if first:
            try:
                os.link(temp, self._pointer_path)
            except FileExistsError:  # another process created the index first
                shutil.rmtree(os.path.join(self.path, generation), ignore_errors=True)
            os.remove(temp)
            return
        os.replace(temp, self._pointer_path)
        for name in os.listdir(self.path):
            if name.startswith("gen-") and name != generation:
                shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)

    def _current_searcher(self):
        """The searcher, up to date; SearchUnavailable if the index is missing or corrupt."""
        for attempt in (1, 2):  # a rebuild may remove the folder we were about to open
            try:
                ix, _ = self._open()
                if self._searcher is not None and not self._searcher.up_to_date():
                    # Not refresh(): in whoosh-reloaded 2.7.5 it reuses segment readers
                    # with stale deletions and keeps merged-away segments. A new searcher
                    # costs a few milliseconds.
                    self._searcher.close()
                    self._searcher = None
                if self._searcher is None:
                    self._searcher = ix.searcher(weighting=scoring.BM25F())
                    segments = {leaf.segment().segment_id()
                                for leaf, _ in self._searcher.reader().leaf_readers()
                                if leaf.segment() is not None}
                    self._spelling_cache = {key: words for key, words
                                            in self._spelling_cache.items() if key in segments}
                return self._searcher
            except SearchUnavailable:
                raise
            except Exception as error:  # missing, or an unreadable TOC or segment
                self._ix = self._searcher = None
                if attempt == 2 or not isinstance(error, MISSING):
                    raise SearchUnavailable(f"no readable index in {self.path}: {error!r}")

    # -- writing ---------------------------------------------------------------------------

    def _writer(self):
        """A writer on the live index (created if there is none), waiting for another
        writer; SearchUnavailable if the index stays locked or unreadable."""
        error = None
        for _ in range(WRITE_ATTEMPTS):
            try:
                with self._lock:
                    ix, pointer = self._open()
                writer = ix.writer(timeout=WRITE_TIMEOUT)
                with self._lock:  # a rebuild elsewhere may have swapped CURRENT meanwhile
                    if self._open()[1] == pointer:
                        return writer
                writer.cancel()
            except MISSING as missing:  # no index, or its folder was just swapped away
                error = missing
                if not os.path.exists(self._pointer_path):
                    generation = self._new_generation()
                    index.create_in(os.path.join(self.path, generation), SCHEMA)
                    self._switch_to(generation, first=True)
            except index.LockError as locked:
                error = locked
        raise SearchUnavailable(f"cannot write the search index in {self.path}: {error!r}")

    def index(self, docs: Iterable[SearchDoc]) -> None:
        """Add or replace these documents (by key); creates the index if missing."""
        with self._write_lock:
            writer = self._writer()
            try:
                for doc in docs:
                    writer.update_document(**document_fields(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def delete(self, keys: Iterable[str]) -> None:
        """Remove documents by key (missing keys, or a missing index, are ignored)."""
        keys = list(keys)
        if keys and os.path.exists(self._pointer_path):
            with self._write_lock:
                writer = self._writer()
                for key in keys:
                    writer.delete_by_term("key", key)
                writer.commit()

    def rebuild(self, docs: Iterable[SearchDoc],
                progress: Callable[[int], None] | None = None) -> int:
        """Build a complete new index from `docs` in a new generation folder and swap it
        in atomically; searches answer from the old index until then. Returns the count."""
        with self._write_lock:
            old = None
            if os.path.exists(self._pointer_path):
                try:  # hold the old index's lock: a writer elsewhere waits, then writes anew
                    old = self._writer()
                except Exception as error:  # unreadable, or locked for good: replace it
                    log.warning("rebuilding %s without its lock: %r", self.path, error)
            folder = os.path.join(self.path, self._new_generation())
            count = 0
            try:
                procs = self.rebuild_processes
                writer = index.create_in(folder, SCHEMA).writer(
                    limitmb=256, **({"procs": procs, "multisegment": True} if procs > 1 else {}))
                try:
                    for doc in docs:
                        writer.add_document(**document_fields(doc))
                        count += 1
                        if progress and count % PROGRESS_EVERY == 0:
                            progress(count)
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
                with self._lock:
                    self._switch_to(os.path.basename(folder))
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            finally:
                try:
                    old and old.cancel()
                except OSError:
                    pass  # its folder is gone already
        if progress:
            progress(count)
        return count

    def clear(self) -> None:
        """Remove every document, leaving an empty, usable index."""
        self.rebuild(())

    # -- reading ---------------------------------------------------------------------------

    def health(self) -> Health:
        """Whether the index answers, and how many documents it holds."""
        try:
            with self._lock:
                return Health(ok=True, documents=self._current_searcher().doc_count())
        except SearchUnavailable as error:
            return Health(ok=False, detail=str(error))

    def search(self, query: SearchQuery, *, staff: bool) -> HitPage:
        """One page of hits with facet counts over all matches (see the module docstring).
        Raises SearchUnavailable when the index is missing or unreadable."""
        with self._lock:
            searcher = self._current_searcher()
            try:
                return self._search(searcher, query, staff)
            except Exception as error:  # a segment that opened but cannot be read
                log.exception("whoosh search failed for %r", query.parsed)
                self._ix = self._searcher = None
                raise SearchUnavailable(f"the search index failed: {error!r}") from error

    def _search(self, searcher, query: SearchQuery, staff: bool) -> HitPage:
        text_query = self._text_query(searcher.reader(), query.parsed, query.match_any)
        if text_query is None:
            return HitPage(facets={name: {} for name in FACETS})
        text_query = text_query.normalize()
        docsets, reader = self._docsets, searcher.reader()
        matches = docsets.of_query(searcher, text_query) & self._filter_bits(searcher, query)
        if matches and not staff:
            matches &= ~docsets.term(reader, "staff_only", True)
        facets = self._facets(reader, matches)
        total = matches.bit_count()
        per_page = max(1, min(query.per_page, MAX_PER_PAGE))
        start = (max(1, query.page) - 1) * per_page
        if start >= total:
            return HitPage(total=total, exact=True, facets=facets)
        wanted = start + per_page
        top = (ranking.newest(searcher, docsets, positions(matches), wanted)
               if query.sort == "newest"
               else ranking.best(searcher, docsets, text_query, matches, wanted))
        terms = frozenset(text for field, text in text_query.iter_all_terms()
                          if field in TEXT_FIELDS)
        hits = []
        for score, docnum in top[start:]:
            stored = searcher.stored_fields(docnum)
            hits.append(Hit(stored["key"], score, *marked(stored, terms)))
        return HitPage(hits=hits, total=total, exact=True, facets=facets)

    def _facets(self, reader, matches: int) -> dict[str, dict[str, int]]:
        """Counts per facet value among `matches`: a bitset intersection per value."""
        counts = {name: {} for name in FACETS}
        if matches:
            for name, field in FACET_FIELDS.items():
                for value, docs in self._docsets.facet_values(reader, field).items():
                    if n := (matches & docs).bit_count():
                        counts[name][value] = n
        return counts

    def _text_query(self, reader, parsed: ParsedText, match_any: bool):
        """Whoosh query objects for the parsed words, or None when nothing can match."""
        clauses = []
        for word in parsed.terms:
            if words := tokens(TEXT_ANALYZER, word):  # "the" has none: it is not required
                clauses.append(wq.And([self._any_field(wq.Term, w) for w in words]))
        for phrase in parsed.phrases:
            words = [w for word in phrase for w in tokens(TEXT_ANALYZER, word)]
            if words:
                clauses.append(self._any_field(wq.Phrase if len(words) > 1 else wq.Term,
                                               words if len(words) > 1 else words[0]))
        for prefix in parsed.prefixes:
            if words := self._expand(reader, prefix):
                clauses.append(_PreloadedOr([wq.Term(field, word, boost=boost) for word in words
                                             for field, boost in TEXT_FIELDS.items()]))
            elif not match_any:
                return None  # a required prefix that no known word starts with
        if not clauses:
            return None
        positive = wq.Or(clauses) if match_any else wq.And(clauses)
        excluded = [self._any_field(wq.Term, w)
                    for word in parsed.excluded for w in tokens(TEXT_ANALYZER, word)]
        return wq.AndNot(positive, wq.Or(excluded)) if excluded else positive

    @staticmethod
    def _any_field(kind, text):
        return wq.Or([kind(field, text, boost=boost) for field, boost in TEXT_FIELDS.items()])

    @staticmethod
    def _expand(reader, prefix: str) -> list[str]:
        """The most frequent known words starting with `prefix` (folded, not stemmed),
        and the prefix's own stem if known ("policies*" finds "policies")."""
        folded = tokens(FOLD_ANALYZER, prefix)
        if len(folded) != 1 or len(folded[0]) < MIN_PREFIX:
            return []
        frequency = {}
        for field in TEXT_FIELDS:
            for term in islice(reader.expand_prefix(field, folded[0]), PREFIX_SCAN):
                word = term.decode("utf-8")
                frequency[word] = frequency.get(word, 0) + reader.doc_frequency(field, word)
        words = sorted(frequency, key=lambda w: (-frequency[w], w))[:MAX_EXPANSIONS]
        for stem in tokens(TEXT_ANALYZER, prefix)[:1]:
            if stem not in words and any((field, stem) in reader for field in TEXT_FIELDS):
                words.append(stem)
        return words

    def _filter_bits(self, searcher, query: SearchQuery) -> int:
        """The documents the filters allow, as a bitset (every live one without filters)."""
        docsets, reader = self._docsets, searcher.reader()
        bits = docsets.all_live(reader)
        if query.kinds:
            bits &= docsets.of_query(searcher, wq.Or([wq.Term("kind", k) for k in query.kinds]))
        for field, value in (("category_id", query.category_id),
                             ("organisation_id", query.organisation_id),
                             ("tags", query.tag or None), ("file_kinds", query.file_kind or None)):
            if value is not None and bits:
                bits &= docsets.term(reader, field, str(value))
        for field, wanted in (("accepted", query.accepted_only),
                              ("official", query.official_only)):
            if wanted and bits:
                bits &= docsets.term(reader, field, True)
        for key in query.exclude_keys:
            if bits and (key_bits := docsets.term(reader, "key", key)):
                bits &= ~key_bits
        if (query.date_from or query.date_to) and bits:  # whole days, in UTC
            bits &= docsets.of_query(searcher, wq.DateRange(
                "created_at", query.date_from and datetime.combine(query.date_from, time.min),
                query.date_to and datetime.combine(query.date_to, time.max)))
        return bits

    def suggest(self, words: Iterable[str]) -> dict[str, str]:
        """For each word the index does not know, the closest word of a title or body:
        the fewest edits (one; two for words of six letters or more), then the most
        documents. Known: a title or body word as written, one that differs from such a
        word only by accents, or one whose stem is in a file (file text is too noisy to
        offer words from). Words under four or over 25 letters, or with digits, are left."""
        try:
            with self._lock:
                reader = self._current_searcher().reader()
                suggestions = {}
                for word in words:
                    spelt = tokens(SPELL_ANALYZER, word)
                    if (len(spelt) == 1 and 4 <= len(spelt[0]) <= 25 and spelt[0].isalpha()
                            and ("spelling", spelt[0]) not in reader
                            and not any(("file_text", stem) in reader
                                        for stem in tokens(TEXT_ANALYZER, word))
                            and (best := self._closest(reader, spelt[0]))):
                        suggestions[word] = best
                return suggestions
        except SearchUnavailable:
            return {}

    def _closest(self, reader, word: str) -> str | None:
        """The known word nearest `word` (see suggest), or None. Edit distances are
        rapidfuzz's optimal string alignment (a swap of two neighbouring letters is one
        edit), computed in C over each segment's cached word list: Whoosh's own
        Levenshtein automaton, in Python, took 70-120 ms for one word at 10,000 posts."""
        wanted = (1, 2) if len(word) >= 6 else (1,)
        found = {}  # candidate -> distance
        for leaf, _ in reader.leaf_readers():
            if leaf.segment() is None:
                continue
            for candidate, distance, _ in process.extract(
                    word, self._spelling_words(leaf), scorer=OSA.distance,
                    score_cutoff=wanted[-1], limit=50):
                found[candidate] = min(distance, found.get(candidate, distance))
        # A word only in removed (or staff-only) documents is no word to offer: Whoosh keeps
        # a removed document's words in its lexicon until its segment is merged away.
        hidden = self._docsets.term(reader, "staff_only", True)
        found = {c: d for c, d in found.items()
                 if self._docsets.term(reader, "spelling", c) & ~hidden}
        for distance in wanted:
            candidates = [c for c, d in found.items() if d <= distance]
            if any(fold(c) == fold(word) for c in candidates):
                return None
            if candidates:
                return min(candidates, key=lambda c: (-reader.doc_frequency("spelling", c), c))
        return None

    def _spelling_words(self, leaf) -> list[str]:
        """A segment's words as written (its `spelling` lexicon), cached per segment."""
        key = leaf.segment().segment_id()
        words = self._spelling_cache.get(key)
        if words is None:
            words = [term.decode("utf-8") for term in leaf.lexicon("spelling")]
            self._spelling_cache[key] = words
        return words
