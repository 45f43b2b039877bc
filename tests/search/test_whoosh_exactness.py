"""The Whoosh backend's shortcuts give exactly what Whoosh itself gives.

The backend counts matches with bitsets (whoosh_docsets) and ranks only the page's top
hits among them (whoosh_ranking). Here, over a generated index of several segments with
deleted and replaced documents, every benchmark query (filtered ones included) is checked
against plain Whoosh: the same matches (so totals and facets are exact), and the same
top hits with the same scores as scoring every match.
"""
import random

import pytest
from whoosh import query as wq

from forum.search.bench import FILTERED, QUERIES, generate
from forum.search.query import SearchQuery
from forum.search.whoosh_backend import FACET_FIELDS, WhooshBackend
from forum.search.whoosh_docsets import positions


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    """An index of 630 documents in four segments, some deleted, some replaced, some
    staff-only."""
    backend = WhooshBackend(str(tmp_path_factory.mktemp("exact")))
    docs = list(generate(600, seed=3))
    rng = random.Random(5)
    for part in range(4):  # one commit, so one segment, each
        batch = docs[part::4]
        backend.index(doc if rng.random() > 0.1 else doc.__class__(
            **{**doc.__dict__, "staff_only": True}) for doc in batch)
    backend.delete([doc.key for doc in rng.sample(docs, 40)])
    backend.index([doc.__class__(**{**doc.__dict__, "title": doc.title + " replaced"})
                   for doc in rng.sample(docs, 30)])
    return backend


def _reference_docs(searcher, q) -> set:
    """The documents matching `q`, from Whoosh's postings of each term (or phrase) and
    Python's set operations. Not Whoosh's AndNot matcher: with an Or to exclude it lets
    documents with an excluded word through (found by this test; whoosh-reloaded 2.7.5)."""
    if isinstance(q, (wq.Term, wq.Phrase)):
        return set(searcher.docs_for_query(q))
    if isinstance(q, wq.And):
        return set.intersection(*(_reference_docs(searcher, sub) for sub in q.subqueries))
    if isinstance(q, wq.Or):
        return set.union(set(), *(_reference_docs(searcher, sub) for sub in q.subqueries))
    assert isinstance(q, wq.AndNot), q
    return _reference_docs(searcher, q.a) - _reference_docs(searcher, q.b)


def _plain_whoosh(backend, query: SearchQuery, staff: bool):
    """(matching docnums, [(score, docnum)] best first): the matches worked out
    independently, every one of them scored by Whoosh."""
    searcher = backend._current_searcher()
    text_query = backend._text_query(searcher.reader(), query.parsed, query.match_any)
    if text_query is None:
        return set(), []
    text_query = text_query.normalize()
    matched = _reference_docs(searcher, text_query) & set(
        positions(backend._filter_bits(searcher, query)))
    if not staff:
        matched -= set(searcher.docs_for_query(wq.Term("staff_only", True)))
    if not matched:  # (an empty filter would mean no filter to Whoosh)
        return matched, []
    positive = text_query.a if isinstance(text_query, wq.AndNot) else text_query
    results = searcher.search(positive, limit=None, filter=matched, terms=False)
    return matched, [(hit.score, hit.docnum) for hit in results]


CASES = [(text, {}) for text in QUERIES] + FILTERED


def test_the_index_has_several_segments_and_deletions(backend):
    reader = backend._current_searcher().reader()
    assert len(reader.leaf_readers()) >= 2
    assert reader.doc_count() < reader.doc_count_all()


@pytest.mark.parametrize("staff", [False, True])
@pytest.mark.parametrize("text,filters", CASES, ids=[f"{t}{f}" for t, f in CASES])
def test_totals_facets_and_top_hits_are_whooshs_own(backend, text, filters, staff):
    query = SearchQuery(text=text, per_page=10, **filters)
    page = backend.search(query, staff=staff)
    matched, ranked = _plain_whoosh(backend, query, staff)
    assert page.total == len(matched)

    searcher = backend._current_searcher()
    for name, field in FACET_FIELDS.items():
        expected = {}
        for value in {v.decode() for v in searcher.reader().lexicon(field)}:
            if n := len(matched & set(searcher.docs_for_query(wq.Term(field, value)))):
                expected[value] = n
        assert page.facets[name] == expected, name

    if query.sort == "newest":
        created = searcher.reader().column_reader("created_at")
        expected_keys = [searcher.stored_fields(d)["key"]
                         for d in sorted(matched, key=lambda d: (created[d], -d),
                                         reverse=True)[:10]]
        assert [hit.key for hit in page.hits] == expected_keys
        return
    assert [hit.key for hit in page.hits] == [searcher.stored_fields(d)["key"]
                                              for _, d in ranked[:10]]
    assert [hit.score for hit in page.hits] == pytest.approx([s for s, _ in ranked[:10]])



def test_bulk_reads_agree_with_whooshs_public_api(backend):
    """whoosh_postings reads the codec's blocks and columns directly: every postings list,
    field length and column value it gives is what Whoosh's own API gives."""
    from forum.search import whoosh_postings as bulk
    searcher = backend._current_searcher()
    checked = 0
    for leaf, _ in searcher.reader().leaf_readers():
        for field in ("title", "body", "file_text"):
            # (Whoosh answers None, not the default, for a document without the field:
            # no such document has a term of it to score)
            lengths = bulk.field_lengths(leaf, field)
            assert len(lengths) == leaf.doc_count_all()
            assert all(lengths[d] == whooshs for d in range(leaf.doc_count_all())
                       if (whooshs := leaf.doc_field_length(d, field, 1)) is not None)
            for text in list(leaf.lexicon(field))[::7]:
                matcher, expected = leaf.postings(field, text), []
                while matcher.is_active():
                    expected.append((matcher.id(), matcher.weight(),
                                     matcher.value_as("positions")))
                    matcher.next()
                ids, weights = bulk.postings(leaf, field, text)
                live = [(d, w) for d, w in zip(ids, weights) if not leaf.is_deleted(d)]
                assert live == [(d, w) for d, w, _ in expected]
                wanted = [d for d, _, _ in expected][::3]
                seen = {d: bulk.positions_of(v) for block_ids, _, values in
                        bulk.blocks(leaf, field, text, values=True, only=wanted)
                        for d, v in zip(block_ids, values)}
                assert all(seen[d] == p for d, _, p in expected if d in set(wanted))
                checked += 1
        created = leaf.column_reader("created_at", translate=False)
        assert list(bulk.numeric_column(leaf, "created_at")) == [
            created[d] for d in range(leaf.doc_count_all())]
    assert checked > 100
