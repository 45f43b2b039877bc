"""Choosing a page's top hits among matches already known (Whoosh only).

The backend knows every match as a bitset (whoosh_docsets) before anything is scored, so
ranking is only ordering those matches:

- newest first: by the `created_at` column, read a segment at a time, nothing scored;
- otherwise by Whoosh's BM25F score, computed here in bulk and exactly as Whoosh would.
  Whoosh scores through a tree of matcher objects, several Python calls per term per
  document (a prefix's 20,000 matches took 300 ms, two common words' 6,000 took 250 ms).
  Here each term's postings are read a block at a time (whoosh_postings), the part of
  BM25F that depends only on a document's field length is worked out once per segment
  (`DocSets.norms`), and each posting costs one expression.

Which terms count for a document follows Whoosh's query tree: an And or an Or scores the
sum of its matching children, and a phrase scores as its words (in its field). So a term's
score counts for a match when the document has the term and matches every And and Phrase
above it; those documents are bitsets already. A query of another shape goes to Whoosh's
own search. Ties go to the lower document number, as in Whoosh. Each returns
[(score, docnum)].
"""
import heapq

from whoosh import query as wq
from whoosh import scoring

from .whoosh_docsets import positions


class _OtherShape(Exception):
    """The query has a shape the bulk scorer does not know: Whoosh scores it."""


def newest(searcher, docsets, candidates: list[int], n: int) -> list[tuple[float, int]]:
    """The n newest candidates (ties: the lower document number first)."""
    keyed = []
    for leaf, offset, created in docsets.segment_columns(searcher.reader(), "created_at"):
        end = offset + leaf.doc_count_all()
        keyed.extend((created[d - offset], -d) for d in candidates if offset <= d < end)
    return [(0.0, -negative) for _, negative in heapq.nlargest(n, keyed)]


def best(searcher, docsets, text_query, matches: int, n: int) -> list[tuple[float, int]]:
    """The n best-scoring of `matches` (a bitset) for `text_query`; see the module
    docstring. Exclusions are already out of `matches`, so only the positive part scores
    (Whoosh's AndNot with an Or to exclude also lets some excluded documents through:
    whoosh-reloaded 2.7.5; tests/search/test_whoosh_exactness.py shows it)."""
    if not matches:
        return []
    positive = text_query.a if isinstance(text_query, wq.AndNot) else text_query
    weighting = searcher.weighting
    try:
        if type(weighting) is not scoring.BM25F or weighting._field_B:
            raise _OtherShape(weighting)
        terms = _scored_terms(positive, searcher, docsets, matches, None)
    except _OtherShape:
        results = searcher.search(positive, limit=n, filter=set(positions(matches)),
                                  terms=False)
        return [(hit.score, hit.docnum) for hit in results]
    return _top(searcher, docsets, terms, matches, n, weighting.B, weighting.K1)


def _scored_terms(q, searcher, docsets, matches: int, condition):
    """[(field, text, boost, condition)]: each term whose score counts for a match that
    has it and is in `condition` (a bitset; None: every match)."""
    if isinstance(q, wq.Term):
        return [(q.fieldname, q.text, q.boost, condition)]
    if isinstance(q, (wq.And, wq.Phrase)):
        # Only matches of this clause count its terms (already true of them all at the top)
        inside = docsets.of_query(searcher, q) & (matches if condition is None else condition)
        condition = None if inside == matches else inside
        if isinstance(q, wq.Phrase):  # scored as its words, in its field, times its boost
            return [(q.fieldname, word, q.boost, condition) for word in q.words]
    if isinstance(q, (wq.And, wq.Or)) and q.boost == 1.0:
        return [term for sub in q.subqueries
                for term in _scored_terms(sub, searcher, docsets, matches, condition)]
    raise _OtherShape(q)


def _top(searcher, docsets, terms, matches: int, n: int, B: float, K1: float):
    reader, k1_plus_1, scored = searcher.reader(), K1 + 1, []
    for leaf, offset in reader.leaf_readers():
        if leaf.segment() is None:
            continue
        size = leaf.doc_count_all()
        mine = (matches >> offset) & ((1 << size) - 1)
        if not mine:
            continue
        allowed = {}  # condition -> this segment's documents that may count a term
        totals = {}  # document -> score
        for field, text, boost, condition in terms:
            if (field, text) not in leaf:
                continue
            key = id(condition)
            if key not in allowed:
                bits = mine if condition is None else mine & (condition >> offset)
                # bit d of document d, as bytes: testing one is a byte index and a shift
                allowed[key] = bits.to_bytes((size + 7) // 8, "little") if bits else None
            wanted = allowed[key]
            if wanted is None:
                continue
            # BM25F as whoosh.scoring.bm25 computes it, with the same operations in the
            # same order (so the same floating-point result), and the term's boost after,
            # as Whoosh's wrapping matcher applies it.
            idf = searcher.idf(field, text)
            norms = docsets.norms(leaf, offset, field, B, K1,
                                  searcher.avg_field_length(field) or 1)
            get = totals.get
            ids, weights = docsets.postings(leaf, offset, field, text)
            for docnum, weight in zip(ids, weights):
                if wanted[docnum >> 3] >> (docnum & 7) & 1:
                    score = idf * ((weight * k1_plus_1) / (weight + norms[docnum]))
                    if boost != 1.0:
                        score *= boost
                    totals[docnum] = get(docnum, 0.0) + score
        scored.extend(heapq.nlargest(n, ((score, -(docnum + offset))
                                         for docnum, score in totals.items())))
    return [(score, -negative) for score, negative in heapq.nlargest(n, scored)]
