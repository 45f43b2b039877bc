"""The PostgreSQL search backend: a weighted tsvector table in the forum's own database.

The backend owns its storage (not the forum's SQLAlchemy metadata, so SQLite runs never see
it): `search_document` holds one row per SearchDoc with a stored `tsv` (title A, body B,
file text C) under a GIN index; `search_vocabulary` counts the unstemmed words of titles and
bodies for "did you mean". Tables are created on the first write, never by a search: a
missing table makes search() raise SearchUnavailable, and the service queues a rebuild.

Accents: with the `unaccent` extension we create copies of the `english` and `simple` text
search configurations whose word mappings run unaccent first, so PostgreSQL folds documents
and queries alike and ts_headline on the *original* text still marks "équipe" for "equipe".
Without unaccent, Python folds accents before indexing and querying.

A search is one statement: a MATERIALIZED CTE of every match after filters feeds the exact
count, the facets and the ordered page; ts_headline runs on the page's rows only (on every
match it cost p95 263 ms). User words arrive only as bound parameters; table and
configuration names are this module's constants. A rebuild fills `*_new` tables and renames
them over the live ones, all in one transaction: searches read the old tables until commit
(an index job that lands on the old table meanwhile is lost with it; the next edit redoes it).
Vocabulary counts are adjusted on every write and recounted by a rebuild; two jobs replacing
the same document at once can leave a count off by one, which only nudges suggestions.
"""
import json
import logging
import re
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from .backend import FACETS, MARK_END, MARK_START, Health, SearchUnavailable
from .documents import MAX_BODY_CHARS, MAX_FILE_CHARS, Hit, HitPage, SearchDoc
from .query import SearchQuery

log = logging.getLogger(__name__)

DOCS, VOCAB = "search_document", "search_vocabulary"
CFG_EN, CFG_SIMPLE = "forum_search_english", "forum_search_simple"
BATCH_DOCS, BATCH_CHARS = 500, 4_000_000  # per INSERT statement: fast, bounded memory
SEARCH_TIMEOUT_MS = 3000  # a safety net: queries take milliseconds
MAX_PAGE, MAX_PER_PAGE = 500, 100
FILE_WINDOW = 5000  # chars of file text ts_headline reads (200k chars take ~60 ms a hit)
SETUP_LOCK = 0x5EA2C4  # advisory lock: one process at a time runs DDL or a rebuild
_PREFIX = re.compile(r"^[^\W_]{3,40}$")
_MISSING = {"42P01", "42704", "42883"}  # undefined table / object (config) / function
_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, "
SNIPPET_OPTIONS = _OPTIONS + "MaxFragments=1, MaxWords=35, MinWords=15"
TITLE_OPTIONS = _OPTIONS + "HighlightAll=true"
COLUMNS = {"key": "text", "kind": "text", "title": "text", "body": "text", "file_text": "text",
           "file_label": "text", "author_name": "text", "created_at": "timestamptz",
           "category_id": "int", "organisation_id": "int", "thread_id": "int",
           "tags": "text[]", "file_kinds": "text[]", "accepted": "boolean",
           "official": "boolean", "staff_only": "boolean"}
FACET_COLUMNS = (("kind", "kind", False), ("category_id", "category_id", False),
                 ("tag", "tags", True), ("organisation_id", "organisation_id", False),
                 ("file_kind", "file_kinds", True))
INDEXES = {"tsv_idx": "USING gin (tsv)", "created_idx": "(created_at)",
           "tags_idx": "USING gin (tags)", "file_kinds_idx": "USING gin (file_kinds)"}


def _fold(value: str) -> str:
    """Accents off in Python (only without unaccent): "é" -> "e"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                if not unicodedata.combining(c)))


def _safe(value: str | None, limit: int) -> str:
    """PostgreSQL text cannot hold NUL or lone surrogates: replace them rather than fail."""
    value = (value or "")[:limit].replace("\x00", " ")
    return value.encode("utf-8", "replace").decode("utf-8")


def _day_start(day) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (the fallback when fuzzystrmatch is not installed)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _sqlstate(error: DBAPIError) -> str:
    return getattr(error.orig, "sqlstate", "") or ""


class PostgresBackend:
    """Search documents in a PostgreSQL table (see the module docstring)."""

    name = "postgres"

    def __init__(self, engine):
        self.engine = engine
        self._mode = None  # (unaccent configurations exist, levenshtein exists)

    # -- setup -------------------------------------------------------------------------

    def _detect(self, conn, table=DOCS) -> bool:
        """Read which optional pieces exist; False (nothing cached) when `table` is missing."""
        exists, unaccent, fuzzy = conn.execute(text(
            "SELECT to_regclass(:table) IS NOT NULL, EXISTS (SELECT 1 FROM pg_ts_config c "
            "WHERE c.cfgname = :cfg AND pg_ts_config_is_visible(c.oid)), "
            "to_regprocedure('levenshtein_less_equal(text,text,integer)') IS NOT NULL"),
            {"table": table, "cfg": CFG_EN}).one()
        if exists:  # the writer creates configurations before tables, so this is final
            self._mode = (unaccent, fuzzy)
        return exists

    @property
    def _cfg(self) -> tuple[str, str]:
        return (CFG_EN, CFG_SIMPLE) if self._mode and self._mode[0] else ("english", "simple")

    def _prep(self, value: str) -> str:
        return value if self._mode and self._mode[0] else _fold(value)

    def _setup(self, conn, docs=DOCS, vocab=VOCAB, indexes=True) -> None:
        """Create extensions, configurations and tables if missing (idempotent)."""
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})
        for extension in conn.scalars(text(  # fixed names, never user text
                "SELECT name FROM pg_available_extensions WHERE installed_version IS NULL "
                "AND name IN ('unaccent', 'fuzzystrmatch') ORDER BY name")).all():
            try:
                with conn.begin_nested():
                    conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
            except DBAPIError as error:  # no privilege: the fallbacks take over
                log.warning("search: cannot create extension %s: %s", extension, error)
        if conn.scalar(text("SELECT to_regprocedure('unaccent(text)') IS NOT NULL")):
            configs = set(conn.scalars(text(
                "SELECT cfgname FROM pg_ts_config c WHERE pg_ts_config_is_visible(c.oid)")))
            for name, source, dictionary in ((CFG_EN, "english", "english_stem"),
                                             (CFG_SIMPLE, "simple", "simple")):
                if name not in configs:
                    conn.execute(text(f"CREATE TEXT SEARCH CONFIGURATION {name} "
                                      f"(COPY = pg_catalog.{source})"))
                    conn.execute(text(f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING "
                                      f"FOR hword, hword_part, word WITH unaccent, {dictionary}"))
        columns = ", ".join(f"{c} {t}" for c, t in COLUMNS.items() if c != "key")
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {docs} (key text PRIMARY KEY, "
                          f"{columns}, tsv tsvector NOT NULL)"))
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {vocab} "
                          "(word text PRIMARY KEY, count integer NOT NULL)"))
        for suffix, how in INDEXES.items() if indexes else ():
            # Named after their table, so the _new table's indexes never clash with the live.
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {docs}_{suffix} ON {docs} {how}"))
        self._detect(conn, docs)

    def _write(self, work: Callable, lock: str = "ROW EXCLUSIVE") -> None:
        """Run `work(conn)` in a transaction, creating the tables on first use (and again if
        someone dropped them since)."""
        for attempt in (1, 2):
            try:
                with self.engine.begin() as conn:
                    if self._mode is None:
                        self._setup(conn)
                    # Documents before vocabulary, the order the rebuild's swap takes them in:
                    # a statement touching both may otherwise lock the vocabulary first.
                    conn.execute(text(f"LOCK TABLE {DOCS}, {VOCAB} IN {lock} MODE"))
                    work(conn)
                return
            except DBAPIError as error:
                if attempt == 2 or _sqlstate(error) not in _MISSING:
                    raise
                self._mode = None

    # -- writing -----------------------------------------------------------------------

    def _rows(self, docs: list[SearchDoc]) -> str:
        """The documents as a JSON array for json_to_recordset (one statement per batch)."""
        rows = {}
        for doc in docs:  # the last version of a key wins: ON CONFLICT may touch a row once
            row = {column: getattr(doc, column) for column in COLUMNS}
            row.update(title=self._prep(_safe(doc.title, MAX_BODY_CHARS)),
                       body=self._prep(_safe(doc.body, MAX_BODY_CHARS)),
                       file_text=self._prep(_safe(doc.file_text, MAX_FILE_CHARS)),
                       file_label=_safe(doc.file_label, 1000),
                       author_name=_safe(doc.author_name, 1000),
                       created_at=(doc.created_at if doc.created_at.tzinfo else  # naive: UTC
                                   doc.created_at.replace(tzinfo=timezone.utc)).isoformat(),
                       tags=list(dict.fromkeys(_safe(t, 200) for t in doc.tags)),
                       file_kinds=list(dict.fromkeys(_safe(k, 50) for k in doc.file_kinds)))
            rows[doc.key] = row
        return json.dumps([rows[key] for key in sorted(rows)], ensure_ascii=False)

    def _upsert(self, conn, docs: list[SearchDoc], table=DOCS, vocab=VOCAB) -> None:
        """Insert or replace a batch, adding (new words - replaced words) to the vocabulary.
        Staff-only documents' words are not counted: suggestions are offered to members."""
        en, simple = self._cfg
        words = f"tsvector_to_array(to_tsvector('{simple}', {{0}}.title || ' ' || {{0}}.body))"
        columns = ", ".join(COLUMNS)
        record = ", ".join(f"{c} {t}" for c, t in COLUMNS.items())
        update = ", ".join(f"{c} = excluded.{c}" for c in [*COLUMNS, "tsv"][1:])
        # One statement: the CTEs all see the rows as they were, so the replaced documents'
        # words are subtracted before the new ones count; ORDER BY keeps lock order stable.
        conn.execute(text(f"""
            WITH r AS (SELECT * FROM json_to_recordset(CAST(:rows AS json)) AS r({record})),
            delta AS (
                SELECT w, sum(n)::int AS n FROM (
                    SELECT w, 1 AS n FROM r, unnest({words.format('r')}) w WHERE NOT r.staff_only
                    UNION ALL
                    SELECT w, -1 FROM {table} d JOIN r USING (key), unnest({words.format('d')}) w
                    WHERE NOT d.staff_only
                ) x WHERE w ~ '^[[:alpha:]]{{2,40}}$' GROUP BY w HAVING sum(n) <> 0),
            upserted AS (
                INSERT INTO {table} ({columns}, tsv)
                SELECT {columns}, setweight(to_tsvector('{en}', r.title), 'A')
                    || setweight(to_tsvector('{en}', r.body), 'B')
                    || setweight(to_tsvector('{en}', r.file_text), 'C')
                FROM r ORDER BY key
                ON CONFLICT (key) DO UPDATE SET {update} RETURNING 1)
            INSERT INTO {vocab} (word, count) SELECT w, n FROM delta ORDER BY w
            ON CONFLICT (word) DO UPDATE SET count = {vocab}.count + excluded.count
        """), {"rows": self._rows(docs)})

    @staticmethod
    def _batches(docs: Iterable[SearchDoc]):
        batch, chars = [], 0
        for doc in docs:
            batch.append(doc)
            chars += len(doc.body or "") + len(doc.file_text or "") + len(doc.title or "")
            if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
                yield batch
                batch, chars = [], 0
        if batch:
            yield batch

    def index(self, docs: Iterable[SearchDoc]) -> None:
        """Add or replace these documents (by key), in one transaction."""
        batches = list(self._batches(docs))
        if batches:
            self._write(lambda conn: [self._upsert(conn, batch) for batch in batches])

    def delete(self, keys: Iterable[str]) -> None:
        """Remove documents by key (missing keys are ignored), and their words' counts."""
        keys = sorted(set(keys))
        if keys:
            self._write(lambda conn: conn.execute(text(f"""
                WITH gone AS (DELETE FROM {DOCS} WHERE key = ANY(CAST(:keys AS text[]))
                              RETURNING title, body, staff_only),
                delta AS (SELECT w, count(*)::int AS n FROM gone, unnest(tsvector_to_array(
                    to_tsvector('{self._cfg[1]}', gone.title || ' ' || gone.body))) w
                    WHERE NOT gone.staff_only GROUP BY w)
                UPDATE {VOCAB} v SET count = v.count - delta.n FROM delta WHERE v.word = delta.w
            """), {"keys": keys}))  # _cfg is read inside: _write has set up the tables by then

    def rebuild(self, docs: Iterable[SearchDoc],
                progress: Callable[[int], None] | None = None) -> int:
        """Fill new tables from `docs` and swap them in atomically; returns the count."""
        new_docs, new_vocab, count = f"{DOCS}_new", f"{VOCAB}_new", 0
        # One transaction: searches read the live tables until the commit, a failure leaves
        # nothing behind, and the advisory lock makes a second rebuild wait its turn.
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})
            conn.execute(text(f"DROP TABLE IF EXISTS {new_docs}, {new_vocab}"))
            self._setup(conn, new_docs, new_vocab, indexes=False)
            for batch in self._batches(docs):
                self._upsert(conn, batch, new_docs, new_vocab)
                count += len(batch)
                if progress:
                    progress(count)
            # Indexes after loading: one GIN build is much faster than updating it per row.
            conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            self._setup(conn, new_docs, new_vocab)
            conn.execute(text(f"DELETE FROM {new_vocab} WHERE count <= 0"))
            conn.execute(text(f"ANALYZE {new_docs}"))
            conn.execute(text(f"ANALYZE {new_vocab}"))
            self._swap(conn, [(new_docs, DOCS, ["pkey", *INDEXES]), (new_vocab, VOCAB, ["pkey"])])
        if progress:
            progress(count)
        return count

    @staticmethod
    def _swap(conn, tables) -> None:
        """Drop the live tables and rename the new ones. While DROP waits for its lock every
        new search queues behind it, so wait briefly and retry rather than wait long."""
        for attempt in range(20):
            try:
                with conn.begin_nested():
                    conn.execute(text("SET LOCAL lock_timeout = '500ms'"))
                    for new, live, suffixes in tables:
                        conn.execute(text(f"DROP TABLE IF EXISTS {live}"))
                        conn.execute(text(f"ALTER TABLE {new} RENAME TO {live}"))
                        for suffix in suffixes:  # renaming the pkey index renames the constraint
                            conn.execute(text(
                                f"ALTER INDEX {new}_{suffix} RENAME TO {live}_{suffix}"))
                    conn.execute(text("SET LOCAL lock_timeout = 0"))
                return
            except OperationalError as error:
                if _sqlstate(error) != "55P03" or attempt == 19:  # 55P03: lock not available
                    raise
                time.sleep(0.2)

    def clear(self) -> None:
        """Empty both tables (creating them if missing), leaving them usable."""
        self._write(lambda conn: conn.execute(text(f"TRUNCATE {DOCS}, {VOCAB}")),
                    lock="ACCESS EXCLUSIVE")

    # -- reading -----------------------------------------------------------------------

    def _read(self, work: Callable):
        """`work(conn)` in a read transaction with a timeout; SearchUnavailable when the
        table (or the database) is missing."""
        try:
            with self.engine.begin() as conn:
                if self._mode is None and not self._detect(conn):
                    raise SearchUnavailable(f"the {DOCS} table is missing")
                conn.execute(text(f"SET LOCAL statement_timeout = {SEARCH_TIMEOUT_MS}"))
                return work(conn)
        except DBAPIError as error:
            if isinstance(error, OperationalError) or _sqlstate(error) in _MISSING:
                self._mode = None  # read what exists again next time
                raise SearchUnavailable(str(error.orig)) from error
            raise

    def _tsquery(self, parsed, match_any: bool, params: dict) -> str:
        """SQL for the tsquery of `parsed`, over bound parameters only."""
        en, simple = self._cfg
        positive = []
        plain = list(parsed.terms)
        for prefix in parsed.prefixes:
            *leading, last = re.split(r"['’]", self._prep(prefix))  # o'bri* -> o & bri:*
            if not _PREFIX.match(last):  # women's* -> just women's
                plain.append(prefix)
                continue
            n = len(params)
            params[f"x{n}"], params[f"xl{n}"] = last, " ".join(leading)
            # simple keeps "accred" whole; english also stems it ("policies*" -> polici:*).
            # quote_literal makes the checked word a single quoted lexeme for to_tsquery.
            lexeme = f"quote_literal(CAST(:x{n} AS text)) || ':*'"
            positive.append(f"(plainto_tsquery('{en}', :xl{n}) && (to_tsquery('{simple}', "
                            f"{lexeme}) || to_tsquery('{en}', {lexeme})))")
        parts = [("plainto_tsquery", term) for term in plain] + [
            ("phraseto_tsquery", " ".join(phrase)) for phrase in parsed.phrases]
        for i, (function, words) in enumerate(parts):
            params[f"t{i}"] = self._prep(words)
            positive.append(f"{function}('{en}', :t{i})")
        joined = (" || " if match_any else " && ").join(positive) or "''::tsquery"
        for i, word in enumerate(parsed.excluded):
            params[f"e{i}"] = self._prep(word)
            joined = f"({joined}) && !!plainto_tsquery('{en}', :e{i})"
        return joined

    @staticmethod
    def _filters(query: SearchQuery, staff: bool, params: dict) -> str:
        where = []
        if query.kinds:
            where.append("d.kind = ANY(CAST(:kinds AS text[]))")
            params["kinds"] = list(query.kinds)
        for name in ("category_id", "organisation_id"):
            if getattr(query, name) is not None:
                where.append(f"d.{name} = :{name}")
                params[name] = getattr(query, name)
        for name, column in (("tag", "tags"), ("file_kind", "file_kinds")):
            if getattr(query, name):  # @> can use the GIN index; = ANY cannot
                where.append(f"d.{column} @> ARRAY[CAST(:{name} AS text)]")
                params[name] = _safe(getattr(query, name), 200)
        if query.date_from:
            where.append("d.created_at >= :date_from")
            params["date_from"] = _day_start(query.date_from)
        if query.date_to:  # inclusive: everything before the next UTC midnight
            where.append("d.created_at < :date_to")
            params["date_to"] = _day_start(query.date_to) + timedelta(days=1)
        where += [f"d.{column}" for flag, column in (("accepted_only", "accepted"),
                                                      ("official_only", "official"))
                  if getattr(query, flag)]
        if query.exclude_keys:
            where.append("d.key <> ALL(CAST(:exclude_keys AS text[]))")
            params["exclude_keys"] = list(query.exclude_keys)
        if not staff:
            where.append("NOT d.staff_only")
        return "".join(f" AND {condition}" for condition in where)

    def search(self, query: SearchQuery, *, staff: bool) -> HitPage:
        """One page of hits with the exact total and facets; snippets for the page only."""
        if query.parsed.empty:
            return HitPage()
        return self._read(lambda conn: self._search(conn, query, staff))

    def _search(self, conn, query: SearchQuery, staff: bool) -> HitPage:
        en = self._cfg[0]
        per_page = min(max(int(query.per_page or 20), 1), MAX_PER_PAGE)
        page = min(max(int(query.page or 1), 1), MAX_PAGE)
        params = {"limit": per_page, "offset": (page - 1) * per_page, "window": FILE_WINDOW,
                  "snippet": SNIPPET_OPTIONS, "title": TITLE_OPTIONS,
                  "needles": [self._prep(w) for w in query.parsed.positive_words]}
        tsquery = self._tsquery(query.parsed, query.match_any, params)
        where = self._filters(query, staff, params)
        rank = "ts_rank_cd(d.tsv, q.q, 1) * CASE WHEN d.accepted THEN 1.5 ELSE 1 END"
        if query.sort == "newest":  # the rank is then computed for the page's rows only
            matched, carried, score, order = "", "", rank, "{0}created_at DESC, {0}key"
        else:
            matched, carried, score = f", {rank} AS score", ", m.score", "p.score"
            order = "{0}score DESC, {0}created_at DESC, {0}key"
        # Each facet is one aggregate over the materialised matches; rows without tags or
        # files are skipped before unnest (most of them, and unnest is the costly part).
        facets = ", ".join(
            f"(SELECT json_object_agg(v, n) FROM (SELECT v, count(*) AS n FROM ("
            f"SELECT {f'unnest(m.{column})' if array else f'm.{column}'} FROM m WHERE "
            f"{f'cardinality(m.{column}) > 0' if array else f'm.{column} IS NOT NULL'}"
            f") AS x(v) GROUP BY v) AS f) AS facet_{name}"
            for name, column, array in FACET_COLUMNS)
        # A file snippet reads FILE_WINDOW chars from just before the first query word or
        # stem in the text (`needle`: alternatives of letters and digits only), else from
        # the start: ts_headline's cost grows with the text's length, a regex search's less.
        rows = conn.execute(text(f"""
            WITH q AS MATERIALIZED (
                SELECT x.q, (SELECT string_agg(DISTINCT w, '|') FROM (
                    SELECT regexp_replace(n, '[^[:alnum:]]+', '', 'g') FROM unnest(
                        CAST(:needles AS text[]) || ARRAY(SELECT (regexp_matches(
                            x.q::text, '''([^'']+)''', 'g'))[1])) AS n) AS u(w)
                    WHERE w <> '') AS needle
                FROM (SELECT {tsquery} AS q) x),
            m AS MATERIALIZED (
                SELECT d.key, d.kind, d.category_id, d.organisation_id, d.tags,
                       d.file_kinds, d.created_at{matched}
                FROM {DOCS} d, q WHERE d.tsv @@ q.q{where}),
            p AS (SELECT m.key, m.created_at{carried} FROM m  -- ORDER BY + LIMIT: a top-N sort
                  ORDER BY {order.format("m.")} LIMIT :limit OFFSET :offset)
            SELECT s.*, h.* FROM (SELECT (SELECT count(*) FROM m) AS total, {facets}) s
            LEFT JOIN LATERAL (
                SELECT p.created_at, d.key, {score} AS score, f.from_file,
                       ts_headline('{en}', d.title, q.q, :title) AS title_marked,
                       CASE WHEN f.from_file THEN ts_headline('{en}', substr(d.file_text,
                           greatest(1, regexp_instr(d.file_text, q.needle, 1, 1, 0, 'i') - 500),
                           :window), q.q, :snippet)
                       ELSE ts_headline('{en}', d.body, q.q, :snippet) END AS snippet
                FROM p JOIN {DOCS} d USING (key) CROSS JOIN q CROSS JOIN LATERAL (
                    SELECT NOT ts_filter(d.tsv, '{{b}}') @@ q.q  -- no match in the body,
                           AND ts_filter(d.tsv, '{{c}}') @@ q.q AS from_file) f  -- one in the file
            ) h ON true ORDER BY {order.format("h.")}
        """), params).mappings().all()
        first = rows[0]  # the LEFT JOIN always gives one row, even for an empty page
        return HitPage(
            hits=[Hit(key=row["key"], score=float(row["score"]),
                      title_marked=row["title_marked"] or "", snippet_marked=row["snippet"] or "",
                      snippet_from_file=bool(row["from_file"]))
                  for row in rows if row["key"] is not None],
            total=int(first["total"]), exact=True,
            facets={name: {str(v): int(n) for v, n in (first[f"facet_{name}"] or {}).items()}
                    for name in FACETS})

    def suggest(self, words: Iterable[str]) -> dict[str, str]:
        """For each word the vocabulary does not know, the most frequent known word within
        edit distance 2 (1 for words of up to 4 letters); words under 3 letters are skipped."""
        words = sorted({_safe(w, 40) for w in words if w and w.strip()})
        try:
            return self._read(lambda conn: self._suggest(conn, words)) if words else {}
        except SearchUnavailable:
            return {}

    def _suggest(self, conn, words: list[str]) -> dict[str, str]:
        # Typed words go through the vocabulary's own configuration; a word it splits in
        # two ("o'brien") is left alone.
        typed = f"""typed AS (
            SELECT u.i, lex[1] AS lexeme, CASE WHEN length(lex[1]) <= 4 THEN 1 ELSE 2 END AS most
            FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS u(word, i),
                 tsvector_to_array(to_tsvector('{self._cfg[1]}', u.word)) AS lex
            WHERE cardinality(lex) = 1 AND length(lex[1]) BETWEEN 3 AND 40
              AND NOT EXISTS (SELECT 1 FROM {VOCAB} k WHERE k.word = lex[1] AND k.count > 0))"""
        params = {"words": [self._prep(word) for word in words]}
        if self._mode[1]:  # fuzzystrmatch: all in SQL
            return {words[i - 1]: best for i, best in conn.execute(text(f"""WITH {typed}
                SELECT t.i, best.word FROM typed t CROSS JOIN LATERAL (
                    SELECT v.word FROM {VOCAB} v
                    WHERE v.count > 0 AND abs(length(v.word) - length(t.lexeme)) <= t.most
                      AND levenshtein_less_equal(v.word, t.lexeme, t.most) <= t.most
                    ORDER BY levenshtein(v.word, t.lexeme), v.count DESC, v.word LIMIT 1) best
            """), params)}
        # Fallback: known words with the same first letter and a close length, in Python.
        found = {}
        for i, lexeme, most in conn.execute(text(f"WITH {typed} SELECT i, lexeme, most "
                                                 "FROM typed"), params).all():
            scored = sorted((_distance(word, lexeme), -count, word) for word, count in
                            conn.execute(text(
                                f"SELECT word, count FROM {VOCAB} WHERE count > 0 AND "
                                "left(word, 1) = :first AND length(word) BETWEEN :n - :most "
                                "AND :n + :most"), {"first": lexeme[0], "n": len(lexeme),
                                                   "most": most}))
            if scored and scored[0][0] <= most:
                found[words[i - 1]] = scored[0][2]
        return found

    def health(self) -> Health:
        """ok with the document count; ok=False when the table is missing or unreachable."""
        try:
            with self.engine.begin() as conn:
                if not self._detect(conn):
                    return Health(ok=False, detail=f"the {DOCS} table is missing")
                return Health(ok=True, documents=conn.scalar(text(f"SELECT count(*) FROM {DOCS}")))
        except DBAPIError as error:
            return Health(ok=False, detail=str(error.orig))
