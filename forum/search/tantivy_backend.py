"""The tantivy search backend: a fast embedded index in a folder of generations.

Layout: `path/gen-<n>/` holds one complete tantivy index and `path/CURRENT` names the one
in use. A rebuild fills `gen-<n+1>`, points CURRENT at it (temp file + os.replace, so a
reader sees the old name or the new, never half of one), then removes older generations.
Every search re-reads CURRENT (microseconds), so other processes move to a new generation
on their next search; the files they still have open stay readable until then.

Text: title, body and file_text share one analyzer (words, lowercase, ASCII folding,
English Snowball stemmer), registered on every open since tantivy stores only its name.
Queries are built from `query.parsed`, never from raw text: each word goes through that
same analyzer in Python, so a term query meets exactly the indexed token. Every word must
match in some text field (any word, with `match_any`); title clauses are boosted,
attachment clauses damped, and an accepted document gets a small constant bonus.

Did-you-mean: a `spelling` field indexes the unstemmed, folded words of titles and bodies.
Its terms and document frequencies (`terms_with_prefix`) are the vocabulary, so it is
rebuilt and swapped with the index and needs no side file.

Writes go through one IndexWriter per backend object, opened on the first write (a process
that only searches never takes tantivy's write lock) and committed after each call.
"""
import functools
import os
import re
import shutil
import threading
from datetime import UTC, datetime, timedelta

import tantivy
from tantivy import Filter, Occur, Order, Query

from .backend import MARK_END, MARK_START, Health, SearchUnavailable, mark_words
from .documents import MAX_BODY_CHARS, MAX_FILE_CHARS, Hit, HitPage, SearchDoc
from .query import MIN_PREFIX, SearchQuery

TEXT_FIELDS = {"title": 3.0, "body": 1.0, "file_text": 0.5}  # field -> boost
FACET_FIELDS = {"kind": "kind", "category_id": "category_id", "tag": "tags",
                "organisation_id": "organisation_id", "file_kind": "file_kinds"}
ACCEPTED_BONUS = 0.3  # added to the score: a tie-breaker, not a trump over relevance
SNIPPET_CHARS = 200
FACET_SIZE = 50
MAX_PER_PAGE, MAX_OFFSET = 100, 10_000  # deeper pages would cost a heap of offset+limit
PROGRESS_EVERY = 500
SUGGEST_WORDS = 16  # unknown words looked up per call, at most
SUGGEST_CANDIDATES = 20_000  # the most frequent vocabulary words with the same first letter
WRITER_HEAP, REBUILD_HEAP = 50_000_000, 128_000_000
GEN = re.compile(r"^gen-(\d+)$")


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    builder = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
               .filter(Filter.remove_long(80)).filter(Filter.lowercase())
               .filter(Filter.ascii_fold()))
    return (builder.filter(Filter.stemmer("english")) if stem else builder).build()


_STEM, _FOLD = _analyzer(True), _analyzer(False)


@functools.lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    """A word as the index holds it (mark_words stems every word of the text it marks)."""
    return " ".join(_STEM.analyze(word))


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    for name in ("kind", "tags", "file_kinds"):  # fast: facet counts by aggregation
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="forum_text")
    builder.add_text_field("spelling", tokenizer_name="forum_fold", index_option="basic")
    builder.add_text_field("file_label", stored=True, tokenizer_name="raw")
    for name in ("category_id", "organisation_id"):
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    builder.add_date_field("created_at", stored=True, indexed=True, fast=True)
    for name in ("accepted", "official", "staff_only"):
        builder.add_boolean_field(name, stored=True, indexed=True, fast=True)
    return builder.build()


def _ready(index: tantivy.Index) -> tantivy.Index:
    index.register_tokenizer("forum_text", _analyzer(True))
    index.register_tokenizer("forum_fold", _analyzer(False))
    return index


def _utc(moment: datetime) -> datetime:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return min(max(moment, tantivy.MIN_DATETIME), tantivy.MAX_DATETIME)  # tantivy's range


def _document(doc: SearchDoc) -> tantivy.Document:
    def clean(text, limit):  # our markers must only ever mean "a match starts/ends here"
        return (text or "")[:limit].replace(MARK_START, "").replace(MARK_END, "")
    title, body = clean(doc.title, MAX_BODY_CHARS), clean(doc.body, MAX_BODY_CHARS)
    out = tantivy.Document(key=doc.key, kind=doc.kind, title=title, body=body,
                           file_text=clean(doc.file_text, MAX_FILE_CHARS),
                           spelling=f"{title}\n{body}", file_label=doc.file_label or "")
    for value in doc.tags:
        out.add_text("tags", str(value))
    for value in doc.file_kinds:
        out.add_text("file_kinds", str(value))
    for field in ("category_id", "organisation_id"):
        if getattr(doc, field) is not None:
            out.add_integer(field, int(getattr(doc, field)))
    out.add_date("created_at", _utc(doc.created_at))
    for field in ("accepted", "official", "staff_only"):
        out.add_boolean(field, bool(getattr(doc, field)))
    return out


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance (a swap costs 1), giving up past `limit`."""
    before, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1,
                        previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


class TantivyBackend:
    """Search backend on a tantivy index folder (see the module docstring)."""

    name = "tantivy"

    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        self._lock = threading.RLock()  # writes and generation switches, per process
        self._index, self._generation, self._writer = None, None, None

    # Generations

    def _current(self) -> str | None:
        try:
            with open(os.path.join(self.path, "CURRENT"), encoding="utf-8") as file:
                name = file.read().strip()
        except OSError:
            return None
        return name if GEN.match(name) else None

    def _numbers(self) -> list[int]:
        names = os.listdir(self.path) if os.path.isdir(self.path) else []
        return sorted(int(m.group(1)) for m in map(GEN.match, names) if m)

    def _open(self) -> tantivy.Index:
        """The index CURRENT names, reopened when it has been swapped (by any process)."""
        for attempt in (1, 2):
            name = self._current()
            if name is not None and name == self._generation:
                return self._index
            with self._lock:
                if name is None:
                    raise SearchUnavailable(f"no search index in {self.path}")
                try:
                    index = _ready(tantivy.Index.open(os.path.join(self.path, name)))
                except (ValueError, OSError) as error:
                    if attempt == 1 and self._current() != name:
                        continue  # swapped, and the old one removed, while we looked
                    raise SearchUnavailable(f"cannot open search index {name}: {error}") \
                        from error
                self._drop_writer()
                self._index, self._generation = index, name
                return index

    def _new_generation(self) -> tuple[str, tantivy.Index]:
        os.makedirs(self.path, exist_ok=True)
        number = (self._numbers() or [0])[-1] + 1
        while True:  # mkdir is atomic: two builders never share a folder
            try:
                os.mkdir(os.path.join(self.path, f"gen-{number}"))
                break
            except FileExistsError:
                number += 1
        path = os.path.join(self.path, f"gen-{number}")
        return f"gen-{number}", _ready(tantivy.Index(_schema(), path=path))

    def _swap(self, name: str, index: tantivy.Index) -> None:
        temporary = os.path.join(self.path, f"CURRENT.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(name)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, os.path.join(self.path, "CURRENT"))
        with self._lock:
            self._drop_writer()
            self._index, self._generation = index, name
        newest = int(GEN.match(name).group(1))
        for number in self._numbers():  # only older ones: a newer one may be being built
            if number < newest:
                shutil.rmtree(os.path.join(self.path, f"gen-{number}"), ignore_errors=True)

    def _drop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.wait_merging_threads()  # lets merges finish, then releases the lock
            except ValueError:
                pass

    def _writable(self):
        """The index and its writer, creating an empty index if there is none yet (a
        corrupt one raises SearchUnavailable: that is for a rebuild to replace)."""
        if self._current() is None:
            self._swap(*self._new_generation())
        index = self._open()
        if self._writer is None:
            try:
                self._writer = index.writer(WRITER_HEAP, 1)
            except ValueError as error:  # held by another process's writer
                raise SearchUnavailable(f"cannot write the search index: {error}") from error
        return index, self._writer

    # Writing

    def index(self, docs) -> None:
        """Add or replace these documents (by key), committed and visible on return."""
        self._write([(doc.key, _document(doc)) for doc in docs])

    def delete(self, keys) -> None:
        """Remove documents by key (missing keys, or a missing index, are ignored)."""
        if self._current() is not None:
            self._write([(key, None) for key in keys])

    def _write(self, changes) -> None:
        if not changes:
            return
        with self._lock:
            index, writer = self._writable()
            for key, document in changes:  # delete-then-add is tantivy's update
                writer.delete_documents_by_term("key", key)
                if document is not None:
                    writer.add_document(document)
            writer.commit()
            index.reload()

    def rebuild(self, docs, progress=None) -> int:
        """Build a complete new generation from `docs`, point CURRENT at it and remove the
        older ones; searches answer from the old one until then. Returns the count."""
        name, index = self._new_generation()
        count = 0
        try:
            writer = index.writer(REBUILD_HEAP)
            for doc in docs:
                writer.add_document(_document(doc))
                count += 1
                if progress and count % PROGRESS_EVERY == 0:
                    progress(count)
            writer.commit()
            writer.wait_merging_threads()  # consumes the writer: the lock is released
            index.reload()
        except BaseException:
            shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)
            raise
        if progress and (count == 0 or count % PROGRESS_EVERY):
            progress(count)
        self._swap(name, index)
        return count

    def clear(self) -> None:
        """Swap in an empty generation (which also replaces a corrupt one)."""
        self.rebuild(())

    def health(self) -> Health:
        """Whether CURRENT names an index that opens, and how many live documents it has."""
        try:
            return Health(ok=True, documents=self._open().searcher().num_docs)
        except SearchUnavailable as error:
            return Health(ok=False, detail=str(error))
        except (ValueError, OSError) as error:
            return Health(ok=False, detail=f"search index unreadable: {error}")

    # Searching

    def search(self, query: SearchQuery, *, staff: bool) -> HitPage:
        """One page of hits with facet counts; SearchUnavailable if the index can't answer."""
        index = self._open()
        try:
            return _search(index, query, staff)
        except (ValueError, OSError, RuntimeError) as error:
            raise SearchUnavailable(f"search index failed: {error}") from error

    def suggest(self, words) -> dict[str, str]:
        """For each word missing from the titles' and bodies' vocabulary, the closest word
        there (edit distance <= 2, or 1 for words of 4 letters or fewer; nearer first, then
        more frequent). Candidates share the word's first letter, which keeps it cheap."""
        try:
            searcher = self._open().searcher()
        except (SearchUnavailable, ValueError):
            return {}
        found, looked_up = {}, 0
        for word in dict.fromkeys(words):
            tokens = _FOLD.analyze(word)
            if len(tokens) != 1 or len(tokens[0]) < 3 or not tokens[0].isalpha() \
                    or searcher.doc_freq("spelling", tokens[0]) or looked_up >= SUGGEST_WORDS:
                continue
            folded, looked_up = tokens[0], looked_up + 1
            limit, near = (1 if len(folded) <= 4 else 2), []
            for term, frequency in searcher.terms_with_prefix(
                    "spelling", folded[0], limit=SUGGEST_CANDIDATES):
                if abs(len(term) - len(folded)) <= limit:
                    distance = _distance(folded, term, limit)
                    if distance <= limit:
                        near.append((distance, -frequency, term))
            # Nearest first, and only a word some live, members' document has: tantivy
            # keeps a removed document's words in its term dictionary until a merge.
            best = next((term for *_, term in sorted(near)
                         if _offered(self._open().schema, searcher, term)), None)
            if best is not None:
                found[word] = best
        return found


def _offered(schema, searcher, term: str) -> bool:
    """Does a live document that members may see have `term` among its words?"""
    query = Query.boolean_query([
        (Occur.Must, Query.term_query(schema, "spelling", term)),
        (Occur.MustNot, Query.term_query(schema, "staff_only", True))])
    return searcher.search(query, 1).count > 0


def _search(index: tantivy.Index, query: SearchQuery, staff: bool) -> HitPage:
    schema, parsed = index.schema, query.parsed
    text = _text_query(schema, parsed, getattr(query, "match_any", False))
    if text is None:
        return HitPage()
    clauses = [(Occur.Must, text)] + _filters(schema, query, staff)
    excluded = [_words_clause(schema, _STEM.analyze(word)) for word in parsed.excluded]
    clauses += [(Occur.MustNot, clause) for clause in excluded if clause is not None]
    accepted = Query.term_query(schema, "accepted", True)
    clauses.append((Occur.Should, Query.const_score_query(accepted, ACCEPTED_BONUS)))
    final = Query.boolean_query(clauses)

    searcher = index.searcher()
    per_page = min(max(int(query.per_page or 20), 1), MAX_PER_PAGE)
    offset = (max(int(query.page or 1), 1) - 1) * per_page
    newest = {"order_by_field": "created_at", "order": Order.Desc} \
        if query.sort == "newest" else {}
    if offset > MAX_OFFSET:
        result, found = searcher.search(final, 1, count=True), []
    else:
        result = searcher.search(final, per_page, count=True, offset=offset, **newest)
        found = result.hits
    words, generators, hits = parsed.positive_words, {}, []
    for score, address in found:
        stored = searcher.doc(address)
        snippet, from_file = _snippet(stored, words, lambda field: _generator(
            generators, field, searcher, text, schema))
        hits.append(Hit(key=stored.get_first("key"), score=0.0 if newest else float(score),
                        title_marked=mark_words(stored.get_first("title") or "", words, _stem),
                        snippet_marked=snippet, snippet_from_file=from_file))
    return HitPage(hits=hits, total=result.count, exact=True, facets=_facets(searcher, final))


def _words_clause(schema, tokens: list[str]):
    """One analysed word (a term) or several (a phrase), in any text field."""
    if not tokens:
        return None
    return Query.boolean_query([(Occur.Should, Query.boost_query(
        Query.term_query(schema, field, tokens[0]) if len(tokens) == 1
        else Query.phrase_query(schema, field, tokens), boost))
        for field, boost in TEXT_FIELDS.items()])


def _prefix_clause(schema, prefix: str):
    """`prefix*`: indexed tokens starting with the folded prefix, or equal to its stem (so
    "policies*" still finds "polici"). A regex gives no snippet: see _fallback."""
    tokens = _FOLD.analyze(prefix)
    if len(tokens) != 1 or len(tokens[0]) < MIN_PREFIX:
        return _words_clause(schema, _STEM.analyze(prefix))
    pattern = re.escape(tokens[0]) + ".*"  # letters and digits already: a safeguard
    return Query.boolean_query([(Occur.Should, Query.boost_query(Query.boolean_query([
        (Occur.Should, Query.regex_query(schema, field, pattern)),
        (Occur.Should, Query.term_query(schema, field, _stem(tokens[0])))]), boost))
        for field, boost in TEXT_FIELDS.items()])


def _text_query(schema, parsed, match_any: bool):
    """Terms, phrases and prefixes, all required (or any one, with `match_any`); nested so
    that the filters' Must clauses beside it cannot make these optional."""
    clauses = [_words_clause(schema, _STEM.analyze(word)) for word in parsed.terms]
    clauses += [_words_clause(schema, [t for word in phrase for t in _STEM.analyze(word)])
                for phrase in parsed.phrases]
    clauses += [_prefix_clause(schema, prefix) for prefix in parsed.prefixes]
    occur = Occur.Should if match_any else Occur.Must
    clauses = [(occur, clause) for clause in clauses if clause is not None]
    return Query.boolean_query(clauses) if clauses else None


def _filters(schema, query: SearchQuery, staff: bool) -> list:
    """The query's filters as Must clauses, and staff-only documents MustNot for members."""
    term = functools.partial(Query.term_query, schema)
    must = [Query.term_set_query(schema, "kind", list(query.kinds))] if query.kinds else []
    for field, value in (("category_id", query.category_id),
                         ("organisation_id", query.organisation_id)):
        if value is not None:
            must.append(term(field, int(value)))
    for field, value in (("tags", query.tag), ("file_kinds", query.file_kind)):
        if value:
            must.append(term(field, value))
    for field, wanted in (("accepted", query.accepted_only), ("official", query.official_only)):
        if wanted:
            must.append(term(field, True))
    # Inclusive UTC days: [date_from 00:00, the day after date_to 00:00).
    lower = _midnight(query.date_from, 0) if query.date_from else None
    upper = _midnight(query.date_to, 1) if query.date_to else None
    if lower or upper:
        must.append(Query.range_query(schema, "created_at", tantivy.FieldType.Date,
                                      lower, upper, include_upper=upper is None))
    clauses = [(Occur.Must, clause) for clause in must]
    clauses += [(Occur.MustNot, term("key", key)) for key in query.exclude_keys]
    return clauses if staff else clauses + [(Occur.MustNot, term("staff_only", True))]


def _midnight(day, plus: int) -> datetime | None:
    try:
        return _utc(datetime(day.year, day.month, day.day) + timedelta(plus))
    except OverflowError:
        return None  # the day after date.max: no upper bound at all


def _facets(searcher, query) -> dict[str, dict[str, int]]:
    """Counts per facet value over every match (terms aggregations on the fast fields)."""
    answer = searcher.aggregate(query, {name: {"terms": {"field": field, "size": FACET_SIZE}}
                                        for name, field in FACET_FIELDS.items()})
    return {name: {str(bucket["key"]): int(bucket["doc_count"])  # ids come back as int
                   for bucket in answer.get(name, {}).get("buckets", [])}
            for name in FACET_FIELDS}


def _generator(cache: dict, field: str, searcher, query, schema):
    """One SnippetGenerator per field per search, made when first needed."""
    if field not in cache:
        cache[field] = tantivy.SnippetGenerator.create(searcher, query, schema, field)
        cache[field].set_max_num_chars(SNIPPET_CHARS)
    return cache[field]


def _snippet(stored, words, generator) -> tuple[str, bool]:
    """(marked snippet, from the file?): the body's matches, else the file's, else words
    marked by mark_words (prefix matches, or a match in the title only)."""
    texts = [(stored.get_first(field) or "", field) for field in ("body", "file_text")]
    for text, field in texts:
        if text:  # the file's generator is only made when the body has no match
            snippet = generator(field).snippet_from_doc(stored)
            if snippet.highlighted():
                return _marked(text, snippet), field == "file_text"
    fallbacks = [(_fallback(text, words), field == "file_text") for text, field in texts]
    for marked, from_file in fallbacks:
        if MARK_START in marked:
            return marked, from_file
    return fallbacks[0][0], False


def _fallback(text: str, words) -> str:
    """About SNIPPET_CHARS of `text` from shortly before the first word that starts with a
    query word or its stem, marked with mark_words."""
    starts = {w for word in words for w in (word, *_stem(word).split()) if w}
    pattern = "|".join(map(re.escape, sorted(starts, key=len, reverse=True)))
    found = re.search(rf"(?<![^\W_])(?:{pattern})", text, re.IGNORECASE) if pattern else None
    start = 0
    if found and found.start() > 60:
        start = text.find(" ", found.start() - 60, found.start()) + 1 or found.start() - 60
    window = text[start:start + SNIPPET_CHARS]
    if start + SNIPPET_CHARS < len(text) and " " in window[SNIPPET_CHARS // 2:]:
        window = window[:window.rfind(" ")]  # end on a word boundary
    more = "…" if start + len(window) < len(text) else ""
    return ("…" if start else "") + mark_words(window, words, _stem) + more


def _marked(text: str, snippet) -> str:
    """A tantivy snippet as plain text with MARK_START/MARK_END (its ranges are bytes)."""
    fragment, parts, position = snippet.fragment().encode("utf-8"), [], 0
    for match in sorted(snippet.highlighted(), key=lambda r: r.start):
        if match.start >= position:
            parts += [fragment[position:match.start].decode("utf-8", "replace"), MARK_START,
                      fragment[match.start:match.end].decode("utf-8", "replace"), MARK_END]
            position = match.end
    parts.append(fragment[position:].decode("utf-8", "replace"))
    bounds = snippet.fragment_range()
    return ("…" if bounds.start > 0 else "") + "".join(parts).strip() + \
        ("…" if bounds.end < len(text.encode("utf-8")) else "")
