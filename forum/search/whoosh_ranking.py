"""Choosing a page's top hits among matches already known (Whoosh only).

The backend knows every match as a bitset (whoosh_docsets) before anything is scored, so
ranking is only ordering those matches, three ways by what is cheapest:

- newest first: by the `created_at` column, nothing scored;
- several required words (or a phrase's words): each match is scored by visiting it in
  every word's postings (`skip_to`), with Whoosh's own term matchers, so the scores are
  exactly Whoosh's BM25F. Whoosh's intersection of unions over three fields, walked in
  Python, was twice as slow at 10,000 posts;
- otherwise (one word, a prefix, words of which any may match): Whoosh's top-N search,
  which skips blocks of postings that cannot reach the page (block quality).

Ties go to the lower document number, as in Whoosh. Each returns [(score, docnum)].
"""
import heapq

from whoosh import query as wq


def _phrase_words(q):
    """`q` with each phrase replaced by all of its words, for scoring among matches known
    to hold the phrase (so Whoosh's phrase matcher need not run again)."""
    if isinstance(q, wq.Phrase):
        return wq.And([wq.Term(q.fieldname, word, boost=q.boost) for word in q.words])
    return q.apply(_phrase_words)


def newest(searcher, candidates: list[int], n: int) -> list[tuple[float, int]]:
    """The n newest candidates."""
    created = searcher.reader().column_reader("created_at")
    return [(0.0, docnum) for docnum in heapq.nlargest(n, candidates, key=created.__getitem__)]


def best(searcher, text_query, candidates: list[int], n: int) -> list[tuple[float, int]]:
    """The n best-scoring candidates for `text_query` (see the module docstring)."""
    if not candidates:  # (an empty filter would mean no filter to Whoosh)
        return []
    scoring_query = _phrase_words(text_query)
    positive = scoring_query.a if isinstance(scoring_query, wq.AndNot) else scoring_query
    if isinstance(positive, wq.And):
        return _by_visiting(searcher, positive, candidates, n)
    # Only the positive part: exclusions are already out of the candidates, and Whoosh's
    # AndNot with an Or to exclude lets some excluded documents through (whoosh-reloaded
    # 2.7.5; tests/search/test_whoosh_exactness.py shows it).
    results = searcher.search(positive, limit=n, filter=set(candidates), terms=False)
    return [(hit.score, hit.docnum) for hit in results]


def _by_visiting(searcher, positive, candidates: list[int], n: int):
    terms = [leaf for leaf in positive.leaves() if isinstance(leaf, wq.Term)]
    scored, position = [], 0
    for subsearcher, offset in searcher.leaf_searchers():
        end = offset + subsearcher.doc_count_all()
        mine = []
        while position < len(candidates) and candidates[position] < end:
            mine.append(candidates[position] - offset)
            position += 1
        if not mine:
            continue
        matchers = [m for m in (term.matcher(subsearcher) for term in terms) if m.is_active()]
        for docnum in mine:
            score = 0.0
            for matcher in matchers:
                if matcher.is_active() and matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    score += matcher.score()
            scored.append((score, -(docnum + offset)))
    return [(score, -negative) for score, negative in heapq.nlargest(n, scored)]
